/**
 * Issue 10 "must show": loggers deliver every log line under load while the receiver stalls.
 * A node with 2 workers, a route with http-logger (batch_max_size 100, retries every second)
 * to a local receiver that accepts, then holds every request unanswered for 10 s, then
 * recovers, while a bounded closed-loop generator drives the route. Asserts that every client
 * request succeeded, that every request's line arrived exactly once (by request id) under the
 * backlog cap, and, with a small `max_pending_entries`, that the drops the node reports
 * (`tollgate_logger_dropped_entries_total`) equal the lines missing, and that a stopping node
 * sends what its workers still buffer. Prints the measured rate, p99 latency before (including
 * the first connections), during and after the stall, and the delivered and dropped counts.
 */
import fs from 'node:fs';
import { Pool } from 'undici';
import {
  freePort,
  freshGet,
  listenerPorts,
  startEchoServer,
  testEtcdEndpoint,
  uniquePrefix,
  untilWorkersServe,
  waitFor,
  waitForPort,
  type AdminClient,
  type EchoServer,
  type TollgateNode,
} from '@tollgate/testkit';
import { startHttpLogReceiver, type HttpLogReceiver } from './support/log-receiver';
import { startTraditionalNode } from './support/plugin-nodes';

jest.setTimeout(120_000);

const TARGET_RATE = 2000;
const CONCURRENCY = 48;
const STALL_MS = 10_000;

let node: TollgateNode;
let admin: AdminClient;
let echo: EchoServer;
let receiver: HttpLogReceiver;
let gatewayPort = 0;
let metricsPort = 0;

beforeAll(async () => {
  echo = await startEchoServer('stall-upstream');
  receiver = await startHttpLogReceiver();
  gatewayPort = await freePort();
  const etcd = { host: [testEtcdEndpoint()], prefix: uniquePrefix('logger-stall'), timeout: 3 };
  ({ node, admin } = await startTraditionalNode('logger-stall', {
    port: gatewayPort,
    workers: 2,
    etcd,
  }));
  const config = JSON.parse(fs.readFileSync(node.configFile, 'utf8')) as {
    plugin_attr: { prometheus: { export_addr: { port: number } } };
  };
  metricsPort = config.plugin_attr.prometheus.export_addr.port;
  await waitForPort(metricsPort);
});

let stopped = false;

afterAll(async () => {
  if (!stopped) await node?.destroy();
  await receiver?.close();
  await echo?.close();
});

interface Sample {
  at: number;
  ms: number;
  ok: boolean;
}

/**
 * Drive `path` with CONCURRENCY closed loops paced to TARGET_RATE for `durationMs`, each request
 * carrying a unique `x-rid`; `during(elapsedMs)` runs the receiver's script. Resolves the ids
 * answered 200 and every request's latency sample.
 */
async function drive(
  path: string,
  tag: string,
  durationMs: number,
  during: (elapsedMs: number) => void,
): Promise<{ ok: Set<string>; failed: number; samples: Sample[]; elapsedMs: number }> {
  const pool = new Pool(`http://127.0.0.1:${gatewayPort}`, { connections: CONCURRENCY });
  const ok = new Set<string>();
  const samples: Sample[] = [];
  let failed = 0;
  let sent = 0;
  const start = performance.now();
  const script = setInterval(() => during(performance.now() - start), 50);
  const loop = async () => {
    for (;;) {
      const elapsed = performance.now() - start;
      if (elapsed >= durationMs) return;
      // Pacing: stay at or under TARGET_RATE; a closed loop never exceeds what the gateway takes.
      const ahead = sent - (elapsed * TARGET_RATE) / 1000;
      if (ahead > 0) {
        await new Promise((resolve) =>
          setTimeout(resolve, Math.ceil((ahead * 1000) / TARGET_RATE)),
        );
        continue;
      }
      const rid = `${tag}-${sent++}`;
      const t0 = performance.now();
      let good = false;
      try {
        const res = await pool.request({
          method: 'GET',
          path,
          headers: { 'x-rid': rid },
          headersTimeout: 10_000,
          bodyTimeout: 10_000,
        });
        await res.body.dump();
        good = res.statusCode === 200;
      } catch {
        good = false;
      }
      const t1 = performance.now();
      samples.push({ at: t0 - start, ms: t1 - t0, ok: good });
      if (good) ok.add(rid);
      else failed += 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  clearInterval(script);
  await pool.close();
  return { ok, failed, samples, elapsedMs: performance.now() - start };
}

function p99(samples: Sample[]): number {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : (sorted[Math.floor(sorted.length * 0.99)] ?? 0);
}

/** Request ids the receiver got for route `routeId`, with how many times each arrived. */
function delivered(routeId: string): Map<string, number> {
  const seen = new Map<string, number>();
  for (const entry of receiver.entries()) {
    if (entry.route_id !== routeId || typeof entry.rid !== 'string') continue;
    seen.set(entry.rid, (seen.get(entry.rid) ?? 0) + 1);
  }
  return seen;
}

/** The node's `tollgate_logger_dropped_entries_total` for `routeId` (0 when absent). */
async function droppedReported(routeId: string): Promise<number> {
  const res = await freshGet(`http://127.0.0.1:${metricsPort}/apisix/prometheus/metrics`);
  let total = 0;
  for (const line of res.body.split('\n')) {
    if (!line.startsWith('tollgate_logger_dropped_entries_total{')) continue;
    if (!line.includes(`route_id="${routeId}"`) || !line.includes('plugin="http-logger"')) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

async function putRoute(
  id: string,
  routePath: string,
  batch: Record<string, number> = { batch_max_size: 100, inactive_timeout: 1 },
): Promise<void> {
  const res = await admin.put(`/apisix/admin/routes/${id}`, {
    uri: routePath,
    plugins: {
      'http-logger': {
        uri: `${receiver.url}/${id}`,
        ...batch,
        max_retry_count: 30,
        retry_delay: 1,
        timeout: 2,
        log_format: { rid: '$http_x_rid' },
      },
    },
    upstream: { type: 'roundrobin', nodes: { [`127.0.0.1:${echo.port}`]: 1 } },
  });
  expect(res.status).toBeLessThan(300);
  // Both workers serve the route; the probes' lines carry no x-rid and are ignored.
  await untilWorkersServe(
    `http://127.0.0.1:${gatewayPort}${routePath}`,
    listenerPorts(node).control,
    (status) => status === 200,
  );
}

/** Accept for 2 s, stall for `stallMs`, then accept again. */
const stallScript = (stallMs: number) => (elapsed: number) => {
  const stalled = elapsed >= 2000 && elapsed < 2000 + stallMs;
  if (stalled && receiver.mode !== 'stall') receiver.mode = 'stall';
  if (!stalled && receiver.mode === 'stall') receiver.mode = 'ok';
};

function report(label: string, run: Awaited<ReturnType<typeof drive>>, stallMs: number) {
  const before = run.samples.filter((s) => s.at < 2000);
  const during = run.samples.filter((s) => s.at >= 2000 && s.at < 2000 + stallMs);
  const after = run.samples.filter((s) => s.at >= 2000 + stallMs);
  const rate = Math.round((run.samples.length * 1000) / run.elapsedMs);
  return {
    label,
    requests: run.samples.length,
    rate,
    p99Before: Math.round(p99(before) * 10) / 10,
    p99During: Math.round(p99(during) * 10) / 10,
    p99After: Math.round(p99(after) * 10) / 10,
  };
}

it('every line arrives exactly once through a 10 s receiver stall, with 0 failed requests', async () => {
  const meta = await admin.put('/apisix/admin/plugin_metadata/http-logger', {
    max_pending_entries: 100_000,
  });
  expect(meta.status).toBeLessThan(300);
  await putRoute('stall-full', '/stall-full');
  const run = await drive('/stall-full', 'full', 2000 + STALL_MS + 3000, stallScript(STALL_MS));
  receiver.mode = 'ok';
  expect(run.failed).toBe(0);
  await waitFor(
    'every line delivered',
    () => {
      const seen = delivered('stall-full');
      return [...run.ok].every((rid) => seen.has(rid));
    },
    40_000,
  );
  const seen = delivered('stall-full');
  const duplicates = [...seen.values()].filter((n) => n > 1).length;
  const stats = report('no cap', run, STALL_MS);
  process.stdout.write(
    `logger-stall (no cap): ${JSON.stringify({ ...stats, delivered: seen.size, duplicates, refusedByReceiver: receiver.refused, dropped: await droppedReported('stall-full') })}\n`,
  );
  expect(seen.size).toBe(run.ok.size);
  expect(duplicates).toBe(0);
  expect(await droppedReported('stall-full')).toBe(0);
});

it('with a small max_pending_entries, the drops reported equal the lines missing', async () => {
  const meta = await admin.put('/apisix/admin/plugin_metadata/http-logger', {
    max_pending_entries: 300,
  });
  expect(meta.status).toBeLessThan(300);
  await putRoute('stall-capped', '/stall-capped');
  const stallMs = 5000;
  const run = await drive('/stall-capped', 'capped', 2000 + stallMs + 1000, stallScript(stallMs));
  receiver.mode = 'ok';
  expect(run.failed).toBe(0);
  // Settled: every line is either delivered or counted as dropped, and stays so.
  let missing = -1;
  let dropped = -2;
  await waitFor(
    'delivered + dropped = sent',
    async () => {
      const seen = delivered('stall-capped');
      missing = [...run.ok].filter((rid) => !seen.has(rid)).length;
      dropped = await droppedReported('stall-capped');
      return missing === dropped && missing > 0;
    },
    40_000,
  );
  const seen = delivered('stall-capped');
  const duplicates = [...seen.values()].filter((n) => n > 1).length;
  process.stdout.write(
    `logger-stall (max_pending_entries 300): ${JSON.stringify({ ...report('capped', run, stallMs), delivered: seen.size, missing, dropped })}\n`,
  );
  expect(duplicates).toBe(0);
  expect(dropped).toBe(missing);
  expect(seen.size + dropped).toBe(run.ok.size);
});

it('a stopping node sends the entries still buffered in its workers', async () => {
  await putRoute('stall-stop', '/stall-stop', {
    batch_max_size: 1000,
    inactive_timeout: 60,
    buffer_duration: 60,
  });
  const pool = new Pool(`http://127.0.0.1:${gatewayPort}`, { connections: 4 });
  const sent: string[] = [];
  for (let i = 0; i < 20; i++) {
    const rid = `stop-${i}`;
    const res = await pool.request({
      method: 'GET',
      path: '/stall-stop',
      headers: { 'x-rid': rid },
    });
    await res.body.dump();
    expect(res.statusCode).toBe(200);
    sent.push(rid);
  }
  await pool.close();
  // Nothing is sent before the batch is full or 60 s old...
  expect(delivered('stall-stop').size).toBe(0);
  // ...but stopping the node flushes every worker's buffer.
  stopped = true;
  await node.destroy();
  const seen = delivered('stall-stop');
  expect(sent.filter((rid) => seen.has(rid))).toEqual(sent);
});
