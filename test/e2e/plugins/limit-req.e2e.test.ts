/**
 * limit-req through real `tollgate start` nodes on the suite's etcd, configured through the Admin
 * API: APISIX's t/plugin/limit-req.t cases that define behaviour (the status sequences, schema
 * refusals, disabling, keys, a consumer's limit by consumer_name), delay versus nodelay,
 * exactness across the 2 workers of a node (`local`) and across 2 nodes sharing one Redis
 * (overshoot measured with 32 concurrent clients), and Redis down with and without
 * allow_degradation.
 */
import { httpRequest, type AdminClient, type RedisServer } from '@tollgate/testkit';
import { usePluginNodes } from './support/plugin-nodes';

jest.setTimeout(120_000);

const nodes = usePluginNodes({ name: 'limit-req', nodes: 2, workers: 2, redis: true });
const { ports, upstream, get, settled, putRoute, statuses } = nodes;
let admin: AdminClient;
let redis: RedisServer;
beforeAll(() => {
  ({ admin, redis } = nodes);
});

const lr = (conf: Record<string, unknown>) => ({ plugins: { 'limit-req': conf } });

describe('limit-req: APISIX t/plugin/limit-req.t', () => {
  it('TEST 3-4: rate 4 burst 2 → 4 sequential requests all served (delayed within the burst)', async () => {
    await putRoute('1', {
      uri: '/hello',
      ...lr({ rate: 4, burst: 2, rejected_code: 503, key: 'remote_addr' }),
    });
    expect(await statuses('/hello', 4)).toEqual([200, 200, 200, 200]);
  });

  it('TEST 5-6: rate 0.1 burst 0.1 → 200, 503, 503, 503', async () => {
    await putRoute('1', {
      uri: '/hello',
      ...lr({ rate: 0.1, burst: 0.1, rejected_code: 503, key: 'remote_addr' }),
    });
    expect(await statuses('/hello', 4)).toEqual([200, 503, 503, 503]);
  });

  it('TEST 7: rate -1 is refused', async () => {
    const res = await admin.put('/apisix/admin/routes/1', {
      uri: '/hello',
      upstream: upstream(),
      ...lr({ rate: -1, burst: 0.1, rejected_code: 503, key: 'remote_addr' }),
    });
    expect(res.status).toBe(400);
    expect((res.json as { error_msg: string }).error_msg).toMatch(
      /^failed to check the configuration of plugin limit-req err: property "rate" validation failed/,
    );
  });

  it('TEST 8-9: the plugin removed → 200 ×4', async () => {
    await putRoute('1', { uri: '/hello', plugins: {} });
    expect(await statuses('/hello', 4)).toEqual([200, 200, 200, 200]);
  });

  it('TEST 10-11: key server_addr and the default rejected_code 503', async () => {
    await putRoute('1', { uri: '/hello', ...lr({ rate: 0.1, burst: 0, key: 'server_addr' }) });
    expect(await statuses('/hello', 2)).toEqual([200, 503]);
  });

  it('TEST 12-16: a consumer limited by consumer_name (key-auth) → 200 ×3, then rate 1 burst 0 → 200, 403 ×3', async () => {
    const consumer = (rate: number, burst: number) =>
      admin.put('/apisix/admin/consumers', {
        username: 'consumer_limit_req',
        plugins: {
          'key-auth': { key: 'auth-jack' },
          'limit-req': { rate, burst, rejected_code: 403, key: 'consumer_name' },
        },
      });
    expect((await consumer(2, 1)).status).toBeLessThan(300);
    await putRoute('1', { uri: '/hello', plugins: { 'key-auth': {} } });
    expect(await statuses('/hello', 3, { apikey: 'auth-jack' })).toEqual([200, 200, 200]);
    expect((await consumer(1, 0)).status).toBeLessThan(300);
    await settled();
    expect(await statuses('/hello', 4, { apikey: 'auth-jack' })).toEqual([200, 403, 403, 403]);
  });

  it('rejected_msg is the body of a refusal', async () => {
    await putRoute('msg', {
      uri: '/msg',
      ...lr({ rate: 0.1, burst: 0, key: 'remote_addr', rejected_code: 429, rejected_msg: 'slow' }),
    });
    expect((await get('/msg')).status).toBe(200);
    const refused = await get('/msg');
    expect(refused.status).toBe(429);
    expect(refused.text).toBe('{"error_msg":"slow"}\n');
  });

  it('without nodelay a request within the burst waits for the rate; with nodelay it does not', async () => {
    await putRoute('delay', { uri: '/delay', ...lr({ rate: 2, burst: 2, key: 'remote_addr' }) });
    await get('/delay');
    let started = performance.now();
    expect((await get('/delay')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(400);
    await putRoute('nodelay', {
      uri: '/nodelay',
      ...lr({ rate: 2, burst: 2, key: 'remote_addr', nodelay: true }),
    });
    await get('/nodelay');
    started = performance.now();
    expect((await get('/nodelay')).status).toBe(200);
    expect(performance.now() - started).toBeLessThan(300);
  });

  it('key_type var_combination', async () => {
    await putRoute('combo', {
      uri: '/combo',
      ...lr({ rate: 0.1, burst: 0, key: '$http_a $http_b', key_type: 'var_combination' }),
    });
    expect((await get('/combo', { a: '1', b: '2' })).status).toBe(200);
    expect((await get('/combo', { a: '1', b: '2' })).status).toBe(503);
    expect((await get('/combo', { a: '1', b: '3' })).status).toBe(200);
  });
});

describe('limit-req: exact buckets', () => {
  const burst = (extra: Record<string, unknown>) =>
    lr({ rate: 0.01, burst: 9, key: 'http_x_bucket', nodelay: true, ...extra });

  it('local: 40 concurrent clients on a 2-worker node, 1 + burst 9 → exactly 10 served', async () => {
    await putRoute('exact', { uri: '/exact', ...burst({}) });
    const replies = await Promise.all(
      Array.from({ length: 40 }, () =>
        httpRequest('GET', `http://127.0.0.1:${ports[0] ?? 0}/exact`, {
          headers: { connection: 'close', 'x-bucket': 'one' },
        }),
      ),
    );
    expect(replies.filter((r) => r.status === 200)).toHaveLength(10);
    expect(replies.filter((r) => r.status === 503)).toHaveLength(30);
  });

  it('redis: 32 concurrent clients on 2 nodes × 2 workers, 1 + burst 49 → 50 served (overshoot 0)', async () => {
    await putRoute('redis', {
      uri: '/redis',
      ...lr({
        rate: 0.01,
        burst: 49,
        key: 'http_x_bucket',
        nodelay: true,
        policy: 'redis',
        redis_host: '127.0.0.1',
        redis_port: redis.port,
      }),
    });
    let served = 0;
    let refused = 0;
    await Promise.all(
      Array.from({ length: 32 }, async (_, client) => {
        for (let i = 0; i < 4; i++) {
          const r = await get('/redis', { 'x-bucket': 'shared' }, (client + i) % 2);
          if (r.status === 200) served++;
          else if (r.status === 503) refused++;
        }
      }),
    );
    // eslint-disable-next-line no-console -- the measured overshoot goes into the issue note
    console.log(
      `limit-req redis overshoot: ${served - 50} (served ${served} of 128, refused ${refused})`,
    );
    expect(served).toBe(50);
    expect(refused).toBe(78);
  });

  it('redis down: allow_degradation false → 500; true → served', async () => {
    const base = {
      rate: 100,
      burst: 100,
      key: 'remote_addr',
      policy: 'redis',
      redis_host: '127.0.0.1',
      redis_port: redis.port,
      redis_timeout: 200,
    };
    await putRoute('strict', { uri: '/strict', ...lr(base) });
    await putRoute('lenient', { uri: '/lenient', ...lr({ ...base, allow_degradation: true }) });
    expect((await get('/strict')).status).toBe(200);
    await redis.process.stop();
    for (const node of [0, 1]) {
      expect((await get('/strict', {}, node)).status).toBe(500);
      expect((await get('/lenient', {}, node)).status).toBe(200);
    }
  });
});
