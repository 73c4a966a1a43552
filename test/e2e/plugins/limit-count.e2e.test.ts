/**
 * limit-count through real `tollgate start` nodes on the suite's etcd, configured through the
 * Admin API: APISIX's t/plugin/limit-count*.t cases that define behaviour (schema refusals, the
 * status sequence, rejected_code/rejected_msg, headers, keys, group, disabling), exactness across
 * the 2 workers of a node (`local`) and across 2 nodes sharing one Redis (overshoot measured with
 * 32 concurrent clients), and Redis down with and without allow_degradation.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ManagedProcess,
  freePort,
  httpRequest,
  uniquePrefix,
  waitForPort,
  type AdminClient,
  type RedisServer,
} from '@tollgate/testkit';
import { usePluginNodes } from './support/plugin-nodes';

jest.setTimeout(120_000);

const nodes = usePluginNodes({ name: 'limit-count', nodes: 2, workers: 2, redis: true });
const { ports, upstream, get, putRoute, statuses } = nodes;
let admin: AdminClient;
let redis: RedisServer;
beforeAll(() => {
  ({ admin, redis } = nodes);
});

const lc = (conf: Record<string, unknown>) => ({ plugins: { 'limit-count': conf } });

describe('limit-count: APISIX t/plugin/limit-count.t', () => {
  it('TEST 3-5: count 2 in 60 s → 200, 200, 503, 503; other paths 404 and stay refused', async () => {
    await putRoute('1', {
      methods: ['GET'],
      uri: '/hello',
      ...lc({ count: 2, time_window: 60, rejected_code: 503, key: 'remote_addr' }),
    });
    expect(await statuses('/hello', 4)).toEqual([200, 200, 503, 503]);
    const mixed = [];
    for (const p of ['/hello1', '/hello', '/hello2', '/hello', '/hello']) {
      mixed.push((await get(p)).status);
    }
    expect(mixed).toEqual([404, 503, 404, 503, 503]);
  });

  it('TEST 6-7: a changed configuration counts afresh: count 3 → 200 ×3, 503', async () => {
    await putRoute('1', {
      methods: ['GET'],
      uri: '/hello',
      ...lc({ count: 3, time_window: 60, rejected_code: 503, key: 'remote_addr' }),
    });
    expect(await statuses('/hello', 4)).toEqual([200, 200, 200, 503]);
  });

  it('TEST 8-13: invalid configurations are refused with APISIX messages', async () => {
    const missing = await admin.put('/apisix/admin/routes/1', {
      uri: '/hello',
      upstream: upstream(),
      ...lc({ time_window: 60, rejected_code: 503 }),
    });
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({
      error_msg:
        'failed to check the configuration of plugin limit-count err: value should match only one schema, but matches none',
    });
    for (const [method, path] of [
      ['PUT', '/apisix/admin/routes/1'],
      ['POST', '/apisix/admin/routes'],
      ['PUT', '/apisix/admin/services/1'],
      ['POST', '/apisix/admin/services'],
    ] as const) {
      const res = await admin.request(method, path, {
        body: {
          ...(path.includes('routes') ? { uri: '/hello' } : {}),
          upstream: upstream(),
          ...lc({ count: -100, time_window: 60, rejected_code: 503, key: 'remote_addr' }),
        },
      });
      expect(res.status).toBe(400);
      expect((res.json as { error_msg: string }).error_msg).toMatch(
        /^failed to check the configuration of plugin limit-count err: property "count" validation failed/,
      );
    }
  });

  it('TEST 14-17: the plugin removed from the route → no limit', async () => {
    await putRoute('1', { uri: '/hello', plugins: {} });
    expect(await statuses('/hello', 4)).toEqual([200, 200, 200, 200]);
  });

  it('TEST 18-19: key server_addr', async () => {
    await putRoute('1', {
      methods: ['GET'],
      uri: '/hello',
      ...lc({ count: 2, time_window: 60, rejected_code: 503, key: 'server_addr' }),
    });
    expect(await statuses('/hello', 4)).toEqual([200, 200, 503, 503]);
  });

  it('default rejected_code 503; rejected_code and rejected_msg', async () => {
    await putRoute('dflt', { uri: '/dflt', ...lc({ count: 1, time_window: 60 }) });
    const refused = await statuses('/dflt', 2);
    expect(refused).toEqual([200, 503]);
    await putRoute('msg', {
      uri: '/msg',
      ...lc({
        count: 1,
        time_window: 60,
        rejected_code: 403,
        rejected_msg: 'Requests are too frequent, please try again later.',
      }),
    });
    expect((await get('/msg')).status).toBe(200);
    const res = await get('/msg');
    expect(res.status).toBe(403);
    expect(res.text).toBe('{"error_msg":"Requests are too frequent, please try again later."}\n');
  });

  it('headers: X-RateLimit-Limit/-Remaining/-Reset, Remaining 0 on refusal; none when show_limit_quota_header is false', async () => {
    await putRoute('hdr', { uri: '/hdr', ...lc({ count: 2, time_window: 60 }) });
    const first = await get('/hdr');
    expect(first.headers.get('x-ratelimit-limit')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
    expect(first.headers.get('x-ratelimit-reset')).toBe('60');
    const second_ = await get('/hdr');
    expect(second_.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(second_.headers.get('x-ratelimit-reset'))).toBeLessThanOrEqual(60);
    const refused = await get('/hdr');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('x-ratelimit-limit')).toBe('2');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(refused.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
    await putRoute('nohdr', {
      uri: '/nohdr',
      ...lc({ count: 2, time_window: 60, show_limit_quota_header: false }),
    });
    const bare = await get('/nohdr');
    expect(bare.status).toBe(200);
    expect(bare.headers.get('x-ratelimit-limit')).toBeNull();
  });

  it('key_type var_combination and constant (limit-count3.t/5.t)', async () => {
    await putRoute('combo', {
      uri: '/combo',
      ...lc({ count: 1, time_window: 60, key: '$http_a $http_b', key_type: 'var_combination' }),
    });
    expect((await get('/combo', { a: '1', b: '2' })).status).toBe(200);
    expect((await get('/combo', { a: '1', b: '2' })).status).toBe(503);
    expect((await get('/combo', { a: '1', b: '3' })).status).toBe(200);
    await putRoute('const', {
      uri: '/const',
      ...lc({ count: 1, time_window: 60, key: 'all', key_type: 'constant' }),
    });
    expect((await get('/const', { a: 'x' })).status).toBe(200);
    expect((await get('/const', { a: 'y' })).status).toBe(503);
  });

  it('group: routes of one group share the counter; a different conf in the group is refused (limit-count2.t)', async () => {
    const conf = { count: 2, time_window: 60, group: uniquePrefix('services_1').slice(1) };
    await putRoute('g1', { uri: '/g1', ...lc(conf) });
    await putRoute('g2', { uri: '/g2', ...lc(conf) });
    expect([
      (await get('/g1')).status,
      (await get('/g2')).status,
      (await get('/g1')).status,
    ]).toEqual([200, 200, 503]);
    const mismatched = await admin.put('/apisix/admin/routes/g3', {
      uri: '/g3',
      upstream: upstream(),
      ...lc({ ...conf, count: 3 }),
    });
    expect(mismatched.status).toBe(400);
    expect(mismatched.json).toEqual({
      error_msg:
        'failed to check the configuration of plugin limit-count err: group conf mismatched',
    });
  });

  it('rules: a counter and X-<prefix>-RateLimit-* headers per applying rule', async () => {
    await putRoute('rules', {
      uri: '/rules',
      ...lc({
        rules: [
          { count: 1, time_window: 60, key: '${http_user}', header_prefix: 'user' },
          { count: 3, time_window: 60, key: '${http_project}' },
        ],
      }),
    });
    const ok = await get('/rules', { user: 'jack', project: 'apisix' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-user-ratelimit-remaining')).toBe('0');
    expect(ok.headers.get('x-2-ratelimit-remaining')).toBe('2');
    expect((await get('/rules', { user: 'jack' })).status).toBe(503);
    expect((await get('/rules', { user: 'rose' })).status).toBe(200);
    expect((await get('/rules')).status).toBe(500);
  });
});

describe('limit-count: exact counters', () => {
  it('local: 40 concurrent clients on a 2-worker node, count 13 → exactly 13 served', async () => {
    await putRoute('exact', {
      uri: '/exact',
      ...lc({ count: 13, time_window: 60, key: 'x', key_type: 'constant' }),
    });
    const replies = await Promise.all(
      Array.from({ length: 40 }, () =>
        httpRequest('GET', `http://127.0.0.1:${ports[0] ?? 0}/exact`, {
          headers: { connection: 'close' },
        }),
      ),
    );
    const served = replies.filter((r) => r.status === 200).length;
    expect(served).toBe(13);
    expect(replies.filter((r) => r.status === 503)).toHaveLength(27);
    const remaining = replies
      .filter((r) => r.status === 200)
      .map((r) => Number(r.headers.get('x-ratelimit-remaining')))
      .sort((a, b) => a - b);
    expect(remaining).toEqual(Array.from({ length: 13 }, (_, i) => i));
  });

  it('redis: 32 concurrent clients on 2 nodes × 2 workers, count 50 → 50 served (overshoot 0)', async () => {
    const conf = {
      count: 50,
      time_window: 60,
      key: 'x',
      key_type: 'constant',
      policy: 'redis',
      redis_host: '127.0.0.1',
      redis_port: redis.port,
    };
    await putRoute('redis', { uri: '/redis', ...lc(conf) });
    let served = 0;
    let refused = 0;
    await Promise.all(
      Array.from({ length: 32 }, async (_, client) => {
        for (let i = 0; i < 4; i++) {
          const r = await get('/redis', {}, (client + i) % 2);
          if (r.status === 200) served++;
          else if (r.status === 503) refused++;
        }
      }),
    );
    // eslint-disable-next-line no-console -- the measured overshoot goes into the issue note
    console.log(
      `limit-count redis overshoot: ${served - 50} (served ${served} of 128, refused ${refused})`,
    );
    expect(served).toBe(50);
    expect(refused).toBe(78);
  });

  it('window_type sliding: 2 in 60 s → 200, 200, 503; exact on a 2-worker node and across 2 nodes through Redis', async () => {
    await putRoute('slide', {
      uri: '/slide',
      ...lc({ count: 2, time_window: 60, window_type: 'sliding' }),
    });
    const seq = [];
    for (let i = 0; i < 3; i++) seq.push(await get('/slide'));
    expect(seq.map((r) => r.status)).toEqual([200, 200, 503]);
    expect(seq.map((r) => r.headers.get('x-ratelimit-remaining'))).toEqual(['1', '0', '0']);
    const constant = { count: 13, time_window: 100, key: 'x', key_type: 'constant' };
    await putRoute('slide-local', {
      uri: '/slide-local',
      ...lc({ ...constant, window_type: 'sliding' }),
    });
    const local = await Promise.all(
      Array.from({ length: 40 }, () => get('/slide-local', { connection: 'close' })),
    );
    expect(local.filter((r) => r.status === 200)).toHaveLength(13);
    await putRoute('slide-redis', {
      uri: '/slide-redis',
      ...lc({
        ...constant,
        count: 50,
        window_type: 'sliding',
        policy: 'redis',
        redis_host: '127.0.0.1',
        redis_port: redis.port,
      }),
    });
    let served = 0;
    await Promise.all(
      Array.from({ length: 32 }, async (_, client) => {
        for (let i = 0; i < 4; i++) {
          if ((await get('/slide-redis', {}, (client + i) % 2)).status === 200) served++;
        }
      }),
    );
    // eslint-disable-next-line no-console -- the measured overshoot goes into the issue note
    console.log(`limit-count sliding redis overshoot: ${served - 50} (served ${served} of 128)`);
    expect(served).toBe(50);
  });

  it('policy redis-sentinel: the master a Redis Sentinel names, shared by both nodes', async () => {
    const sentinelPort = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-e2e-sentinel-'));
    const file = path.join(dir, 'sentinel.conf');
    fs.writeFileSync(
      file,
      `port ${sentinelPort}\nbind 127.0.0.1\ndir ${dir}\n` +
        `sentinel monitor e2e-master 127.0.0.1 ${redis.port} 1\n`,
    );
    const sentinel = new ManagedProcess({
      command: 'redis-server',
      args: [file, '--sentinel'],
      ready: () => waitForPort(sentinelPort),
    });
    await sentinel.start();
    try {
      await putRoute('sentinel', {
        uri: '/sentinel',
        ...lc({
          count: 3,
          time_window: 60,
          policy: 'redis-sentinel',
          redis_sentinels: [{ host: '127.0.0.1', port: sentinelPort }],
          redis_master_name: 'e2e-master',
        }),
      });
      const codes = [];
      for (const node of [0, 1, 0, 1]) codes.push((await get('/sentinel', {}, node)).status);
      expect(codes).toEqual([200, 200, 200, 503]);
    } finally {
      await sentinel.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('redis down: allow_degradation false → 500 {"error_msg":"failed to limit count"}; true → served', async () => {
    const base = {
      count: 100,
      time_window: 60,
      policy: 'redis',
      redis_host: '127.0.0.1',
      redis_port: redis.port,
      redis_timeout: 200,
    };
    await putRoute('strict', { uri: '/strict', ...lc(base) });
    await putRoute('lenient', { uri: '/lenient', ...lc({ ...base, allow_degradation: true }) });
    expect((await get('/strict')).status).toBe(200);
    await redis.process.stop();
    for (const node of [0, 1]) {
      const strict = await get('/strict', {}, node);
      expect(strict.status).toBe(500);
      expect(strict.text).toBe('{"error_msg":"failed to limit count"}\n');
      const lenient = await get('/lenient', {}, node);
      expect(lenient.status).toBe(200);
      expect(lenient.headers.get('x-ratelimit-limit')).toBeNull();
    }
  });
});

describe('limit-count: plugin_metadata', () => {
  it('header names from plugin_metadata/limit-count (limit-count-metadata.t)', async () => {
    const meta = await admin.put('/apisix/admin/plugin_metadata/limit-count', {
      limit_header: 'X-Limit-Quota',
      remaining_header: 'X-Limit-Left',
      reset_header: 'X-Limit-Reset',
    });
    expect(meta.status).toBeLessThan(300);
    await putRoute('meta', { uri: '/meta', ...lc({ count: 2, time_window: 60 }) });
    const res = await get('/meta');
    expect(res.headers.get('x-limit-quota')).toBe('2');
    expect(res.headers.get('x-limit-left')).toBe('1');
    expect(res.headers.get('x-limit-reset')).toBe('60');
    expect(res.headers.get('x-ratelimit-limit')).toBeNull();
    const bad = await admin.put('/apisix/admin/plugin_metadata/limit-count', { limit_header: 1 });
    expect(bad.status).toBe(400);
    expect((await admin.delete('/apisix/admin/plugin_metadata/limit-count')).status).toBe(200);
  });
});
