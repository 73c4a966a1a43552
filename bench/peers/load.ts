/**
 * The peers benchmark's load: autocannon for throughput at many connections, and undici over one
 * keep-alive connection for the added latency at one connection (autocannon's latency histogram
 * has 1 ms resolution; the differences measured there are tenths of a millisecond).
 */
import autocannon from 'autocannon';
import { Client } from 'undici';
import { percentile } from '../lib';
import { assertLoopback } from './machine';

export interface Request {
  url: string;
  headers: Record<string, string>;
}

export interface Blast {
  connections: number;
  seconds: number;
  /** Responses of any status (what CPU per request divides by). */
  completed: number;
  ok: number;
  /** Non-2xx answers, socket errors and timeouts. */
  failed: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Closed-loop load with `connections` connections for `seconds`: kept alive, or with
 * `newConnections` closed after each answer (`Connection: close`), so that every request is
 * accepted on a new one.
 */
export async function blast(
  target: Request,
  body: string,
  connections: number,
  seconds: number,
  threads: number,
  newConnections = false,
): Promise<Blast> {
  const result = await autocannon({
    url: assertLoopback(target.url),
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...target.headers,
      ...(newConnections ? { connection: 'close' } : {}),
    },
    body,
    connections,
    duration: seconds,
    timeout: 10,
    ...(threads > 1 ? { workers: threads } : {}),
  });
  return {
    connections,
    seconds: result.duration,
    completed: result.requests.total,
    ok: result['2xx'],
    failed: result.non2xx + result.errors + result.timeouts,
    rps: result['2xx'] / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
  };
}

/** One connection, requests one after the other; the latency of each, in ms. */
class Sequential {
  private readonly client: Client;
  private readonly path: string;

  constructor(
    private readonly target: Request,
    private readonly body: string,
    private readonly stream: boolean,
  ) {
    const url = new URL(assertLoopback(target.url));
    this.client = new Client(url.origin, { pipelining: 1, keepAliveTimeout: 60_000 });
    this.path = url.pathname;
  }

  /** Sends one request and reads the whole answer; throws unless it is a complete 200. */
  async once(): Promise<number> {
    const started = process.hrtime.bigint();
    const res = await this.client.request({
      path: this.path,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.target.headers },
      body: this.body,
    });
    const text = await res.body.text();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${text.slice(0, 200)}`);
    if (this.stream && !text.includes('data: [DONE]')) {
      throw new Error(`stream ended without [DONE]: ${text.slice(-200)}`);
    }
    if (!this.stream && !text.includes('"chat.completion"')) {
      throw new Error(`not a chat completion: ${text.slice(0, 200)}`);
    }
    return ms;
  }

  async run(seconds: number, into: number[]): Promise<void> {
    const until = performance.now() + seconds * 1000;
    while (performance.now() < until) into.push(await this.once());
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

export interface Added {
  directP50Ms: number;
  targetP50Ms: number;
  addedMs: number;
}

/**
 * p50 at one connection through `target` minus p50 straight to the upstream, measured in
 * `rounds` alternating slices of `seconds` in all (so drift on a noisy machine hits both), after a
 * warm-up of both connections.
 */
export function addedP50(
  target: Request,
  direct: Request,
  body: string,
  stream: boolean,
  seconds: number,
  rounds = 4,
): Promise<Added> {
  return paired(target, direct, body, stream, 50, async (through, straight, t, d) => {
    for (let round = 0; round < rounds; round++) {
      await straight.run(seconds / rounds / 2, d);
      await through.run(seconds / rounds / 2, t);
    }
  });
}

/**
 * The same for a quiet tenant: `requests` plain requests one at a time, each `gapMs` after the
 * one before, alternately through `target` and straight (each side then idle for 2 × `gapMs`),
 * after a warm-up. Idle programs answer slower than busy ones (their caches and the CPU's state
 * go cold), and whatever a gateway does only when a key was quiet for a while shows here.
 */
export function quietAddedP50(
  target: Request,
  direct: Request,
  body: string,
  requests: number,
  gapMs: number,
): Promise<Added> {
  const pause = () => new Promise((resolve) => setTimeout(resolve, gapMs));
  return paired(target, direct, body, false, 20, async (through, straight, t, d) => {
    for (let i = 0; i < requests; i++) {
      await pause();
      d.push(await straight.once());
      await pause();
      t.push(await through.once());
    }
  });
}

/**
 * One connection through `target` and one straight, warmed up with `warmups` requests each;
 * `sample` fills the latencies through (`t`) and straight (`d`), and their p50s are compared.
 */
async function paired(
  target: Request,
  direct: Request,
  body: string,
  stream: boolean,
  warmups: number,
  sample: (through: Sequential, straight: Sequential, t: number[], d: number[]) => Promise<void>,
): Promise<Added> {
  const through = new Sequential(target, body, stream);
  const straight = new Sequential(direct, body, stream);
  try {
    for (let i = 0; i < warmups; i++) {
      await through.once();
      await straight.once();
    }
    const t: number[] = [];
    const d: number[] = [];
    await sample(through, straight, t, d);
    return added(t, d);
  } finally {
    await through.close();
    await straight.close();
  }
}

function added(through: number[], straight: number[]): Added {
  const targetP50Ms = percentile(
    [...through].sort((a, b) => a - b),
    50,
  );
  const directP50Ms = percentile(
    [...straight].sort((a, b) => a - b),
    50,
  );
  return { directP50Ms, targetP50Ms, addedMs: targetP50Ms - directP50Ms };
}

/** One request of each kind must answer 200 with a chat completion / a finished stream. */
export async function probe(target: Request, body: string, streamBody: string): Promise<void> {
  const plain = new Sequential(target, body, false);
  const streamed = new Sequential(target, streamBody, true);
  try {
    const url = target.url;
    await plain.once().catch((err: Error) => {
      throw new Error(`${url}: ${err.message}`);
    });
    await streamed.once().catch((err: Error) => {
      throw new Error(`${url} (stream): ${err.message}`);
    });
  } finally {
    await plain.close();
    await streamed.close();
  }
}
