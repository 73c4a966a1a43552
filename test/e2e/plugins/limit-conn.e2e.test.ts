/**
 * limit-conn through real `tollgate start` nodes on the suite's etcd, configured through the
 * Admin API: APISIX's t/plugin/limit-conn.t cases that define behaviour (concurrent requests to a
 * slow upstream: served, delayed within the burst, refused beyond it; schema refusals, disabling,
 * keys, rejected_msg), the count released in the log phase, exactness across the 2 workers of a
 * node (`local`) and across 2 nodes sharing one Redis (overshoot measured with 32 concurrent
 * clients), and Redis down with and without allow_degradation.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor, type AdminClient, type HttpReply, type RedisServer } from '@tollgate/testkit';
import { usePluginNodes } from './support/plugin-nodes';

jest.setTimeout(120_000);

let slow: http.Server;
let slowPort = 0;
/** Requests the upstream is answering right now, and the most it ever answered at once. */
let inFlight = 0;
let peak = 0;

beforeAll(async () => {
  // An upstream that answers after `?sleep=<ms>` (at most 5 s), so requests overlap.
  slow = http.createServer((req, res) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    const ms = Math.min(
      Number(new URL(req.url ?? '/', 'http://x').searchParams.get('sleep')) || 0,
      5000,
    );
    setTimeout(() => {
      inFlight--;
      res.end('ok');
    }, ms);
  });
  await new Promise<void>((r) => slow.listen(0, '127.0.0.1', () => r()));
  slowPort = (slow.address() as AddressInfo).port;
});

const nodes = usePluginNodes({
  name: 'limit-conn',
  nodes: 2,
  workers: 2,
  redis: true,
  upstreamPort: () => slowPort,
});
const { upstream, get, putRoute } = nodes;
let admin: AdminClient;
let redis: RedisServer;
beforeAll(() => {
  ({ admin, redis } = nodes);
});

afterAll(async () => {
  slow?.closeAllConnections();
  await new Promise<void>((r) => (slow ? slow.close(() => r()) : r()));
});

const lcn = (conf: Record<string, unknown>) => ({ plugins: { 'limit-conn': conf } });

/** `n` concurrent requests (fresh connections) to `path` on `node` (or alternating). */
async function burst(
  path: string,
  n: number,
  headers: Record<string, string> = {},
  node?: number,
): Promise<HttpReply[]> {
  return Promise.all(
    Array.from({ length: n }, (_, i) =>
      get(path, { connection: 'close', ...headers }, node ?? i % 2),
    ),
  );
}

const count = (replies: HttpReply[], status: number) =>
  replies.filter((r) => r.status === status).length;

/**
 * Waits until `n` concurrent requests are all served again. A request is counted out in the log
 * phase, after its response has gone (and, from a worker, reaches the node's shared counter a
 * moment later), so a client can hold its last response before the count has dropped. A count
 * that is never released fails here after 10 s.
 */
async function servedAgain(
  path: string,
  n: number,
  headers: Record<string, string>,
  node?: number,
): Promise<void> {
  await waitFor(
    `${n} concurrent requests to ${path} served once the count is released`,
    async () => count(await burst(path, n, headers, node), 200) === n,
    10_000,
    50,
  );
}

describe('limit-conn: APISIX t/plugin/limit-conn.t', () => {
  it('conn 100 burst 50: 10 concurrent requests all served', async () => {
    await putRoute('1', {
      uri: '/limit_conn',
      ...lcn({
        conn: 100,
        burst: 50,
        default_conn_delay: 0.1,
        rejected_code: 503,
        key: 'remote_addr',
      }),
    });
    const replies = await burst('/limit_conn?sleep=300', 10, {}, 0);
    expect(count(replies, 200)).toBe(10);
  });

  it('conn 2 burst 1: 10 concurrent requests → 3 served (one delayed), 7 refused; the count is released after the responses', async () => {
    await putRoute('1', {
      uri: '/limit_conn',
      ...lcn({
        conn: 2,
        burst: 1,
        default_conn_delay: 0.1,
        rejected_code: 503,
        key: 'remote_addr',
      }),
    });
    const replies = await burst('/limit_conn?sleep=1000', 10, {}, 0);
    expect(count(replies, 200)).toBe(3);
    expect(count(replies, 503)).toBe(7);
    await servedAgain('/limit_conn?sleep=500', 3, {}, 0);
  });

  it('invalid configurations are refused with APISIX messages', async () => {
    const wrong = await admin.put('/apisix/admin/routes/1', {
      uri: '/limit_conn',
      upstream: upstream(),
      ...lcn({ conn: -1, burst: 50, default_conn_delay: 0.1, key: 'remote_addr' }),
    });
    expect(wrong.status).toBe(400);
    expect((wrong.json as { error_msg: string }).error_msg).toMatch(
      /^failed to check the configuration of plugin limit-conn err: property "conn" validation failed/,
    );
    const missing = await admin.put('/apisix/admin/routes/1', {
      uri: '/limit_conn',
      upstream: upstream(),
      ...lcn({ burst: 50, default_conn_delay: 0.1, key: 'remote_addr' }),
    });
    expect(missing.json).toEqual({
      error_msg:
        'failed to check the configuration of plugin limit-conn err: property "conn" is required',
    });
  });

  it('the plugin removed → 10 concurrent requests served', async () => {
    await putRoute('1', { uri: '/limit_conn', plugins: {} });
    expect(count(await burst('/limit_conn?sleep=300', 10, {}, 0), 200)).toBe(10);
  });

  it('key server_addr, rejected_code and rejected_msg', async () => {
    await putRoute('1', {
      uri: '/limit_conn',
      ...lcn({
        conn: 1,
        burst: 0,
        default_conn_delay: 0.1,
        key: 'server_addr',
        rejected_code: 429,
        rejected_msg: 'not allowed',
      }),
    });
    const replies = await burst('/limit_conn?sleep=800', 4, {}, 0);
    expect(count(replies, 200)).toBe(1);
    const refused = replies.filter((r) => r.status === 429);
    expect(refused).toHaveLength(3);
    expect(refused[0]?.text).toBe('{"error_msg":"not allowed"}\n');
  });

  it('key_type var_combination: each combination has its own count', async () => {
    await putRoute('combo', {
      uri: '/combo',
      ...lcn({
        conn: 1,
        burst: 0,
        default_conn_delay: 0.1,
        key: '$http_a $http_b',
        key_type: 'var_combination',
      }),
    });
    const [a, b] = await Promise.all([
      burst('/combo?sleep=800', 3, { a: '1' }, 0),
      burst('/combo?sleep=800', 3, { a: '2' }, 0),
    ]);
    expect(count(a, 200)).toBe(1);
    expect(count(b, 200)).toBe(1);
  });

  it('within the burst a request waits default_conn_delay (only_use_default_delay)', async () => {
    await putRoute('delay', {
      uri: '/delay',
      ...lcn({ conn: 1, burst: 1, default_conn_delay: 0.5, only_use_default_delay: true }),
    });
    const first = get('/delay?sleep=1500', { connection: 'close' });
    await waitFor('the first request upstream', () => inFlight > 0);
    const started = performance.now();
    const second = await get('/delay', { connection: 'close' });
    expect(second.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(450);
    expect((await first).status).toBe(200);
  });
});

describe('limit-conn: exact counters', () => {
  it('local: 40 concurrent clients on a 2-worker node, conn 5 → exactly 5 reach the upstream', async () => {
    await putRoute('exact', {
      uri: '/exact',
      ...lcn({ conn: 5, burst: 0, default_conn_delay: 0.1, key: 'http_x_key' }),
    });
    peak = 0;
    const replies = await burst('/exact?sleep=1500', 40, { 'x-key': 'one' }, 0);
    expect(count(replies, 200)).toBe(5);
    expect(count(replies, 503)).toBe(35);
    expect(peak).toBe(5);
  });

  it('redis: 32 concurrent clients on 2 nodes × 2 workers, conn 10 → 10 served (overshoot 0)', async () => {
    await putRoute('redis', {
      uri: '/redis',
      ...lcn({
        conn: 10,
        burst: 0,
        default_conn_delay: 0.1,
        key: 'http_x_key',
        policy: 'redis',
        redis_host: '127.0.0.1',
        redis_port: redis.port,
      }),
    });
    const replies = await burst('/redis?sleep=2000', 32, { 'x-key': 'shared' });
    const served = count(replies, 200);
    // eslint-disable-next-line no-console -- the measured overshoot goes into the issue note
    console.log(`limit-conn redis overshoot: ${served - 10} (served ${served} of 32)`);
    expect(served).toBe(10);
    expect(count(replies, 503)).toBe(22);
    // Released after the responses, on both nodes.
    await servedAgain('/redis?sleep=300', 10, { 'x-key': 'shared' });
  });

  it('redis down: allow_degradation false → 500; true → served', async () => {
    const base = {
      conn: 100,
      burst: 0,
      default_conn_delay: 0.1,
      policy: 'redis',
      redis_host: '127.0.0.1',
      redis_port: redis.port,
      redis_timeout: 200,
    };
    await putRoute('strict', { uri: '/strict', ...lcn(base) });
    await putRoute('lenient', { uri: '/lenient', ...lcn({ ...base, allow_degradation: true }) });
    expect((await get('/strict')).status).toBe(200);
    await redis.process.stop();
    for (const node of [0, 1]) {
      expect((await get('/strict', {}, node)).status).toBe(500);
      expect((await get('/lenient', {}, node)).status).toBe(200);
    }
  });
});
