/**
 * @module load
 * A bounded load generator for reliability tests: keeps `concurrency` requests in flight against
 * a set of targets until stopped (or a hard cap of requests/time), recording every failure.
 */
import { Agent, request } from 'undici';

export interface LoadTarget {
  url: string;
  /** Returns a reason when the response is wrong (the default accepts any 2xx). */
  check?: (status: number, body: string) => string | undefined;
}

export interface LoadFailure {
  url: string;
  at: number;
  reason: string;
}

export interface LoadReport {
  requests: number;
  failures: LoadFailure[];
  /** Requests per target URL. */
  perTarget: Record<string, number>;
}

/** Runs until `stop()` (or `maxMs` / `maxRequests`), then resolves the report from `done`. */
export function startLoad(
  targets: LoadTarget[],
  options: { concurrency?: number; maxMs?: number; maxRequests?: number; timeoutMs?: number } = {},
): { stop(): Promise<LoadReport>; done: Promise<LoadReport>; snapshot(): LoadReport } {
  const concurrency = options.concurrency ?? 8;
  const deadline = Date.now() + (options.maxMs ?? 120_000);
  const maxRequests = options.maxRequests ?? 1_000_000;
  const dispatcher = new Agent({ connections: concurrency, keepAliveTimeout: 10_000 });
  const report: LoadReport = { requests: 0, failures: [], perTarget: {} };
  let stopped = false;
  let next = 0;

  const one = async (target: LoadTarget) => {
    try {
      const res = await request(target.url, {
        dispatcher,
        headersTimeout: options.timeoutMs ?? 10_000,
        bodyTimeout: options.timeoutMs ?? 10_000,
      });
      const body = await res.body.text();
      const reason = target.check
        ? target.check(res.statusCode, body)
        : res.statusCode >= 200 && res.statusCode < 300
          ? undefined
          : `status ${res.statusCode}: ${body.slice(0, 200)}`;
      if (reason) report.failures.push({ url: target.url, at: Date.now(), reason });
    } catch (err) {
      report.failures.push({ url: target.url, at: Date.now(), reason: (err as Error).message });
    }
    report.requests++;
    report.perTarget[target.url] = (report.perTarget[target.url] ?? 0) + 1;
  };

  const loop = async () => {
    while (!stopped && Date.now() < deadline && report.requests < maxRequests) {
      const target = targets[next++ % targets.length];
      if (target) await one(target);
    }
  };
  const done = Promise.all(Array.from({ length: concurrency }, loop)).then(async () => {
    await dispatcher.close();
    return report;
  });
  return {
    done,
    snapshot: () => ({ ...report, failures: [...report.failures] }),
    stop: () => {
      stopped = true;
      return done;
    },
  };
}
