import http from 'node:http';
import net from 'node:net';
import { createLogger, RequestContext, type Exit } from '@tollgate/core';
import { CounterStoreUnavailableError, LocalCounterStore } from '@tollgate/limiter';
import { checkPluginConf, type LimitCountConf } from '@tollgate/schema';
import { PLUGINS } from '../index';
import { limitCount } from './limit';

const log = createLogger('limit-count-test');

function context(headers: http.IncomingHttpHeaders = {}, routeId = 'r1'): RequestContext {
  const socket = new net.Socket();
  Object.defineProperty(socket, 'remoteAddress', { value: '10.0.0.1' });
  const req = new http.IncomingMessage(socket);
  req.headers = headers;
  req.url = '/hello';
  req.method = 'GET';
  const ctx = new RequestContext(req, new http.ServerResponse(req));
  ctx.route = { id: routeId, matchedUri: '/hello' };
  return ctx;
}

function resolved(conf: Record<string, unknown>): LimitCountConf {
  const result = checkPluginConf('limit-count', conf, 'route');
  if (!result.valid) throw new Error(result.message);
  return result.value as LimitCountConf;
}

let now = 0;
let store: LocalCounterStore;
beforeEach(() => {
  now = 0;
  store = new LocalCounterStore({ clock: { now: () => now }, sweepIntervalMs: 0 });
});

async function run(
  conf: LimitCountConf,
  ctx = context(),
): Promise<[Exit | undefined, RequestContext]> {
  return [await limitCount(conf, ctx, { fixed: () => store, sliding: () => store }, log), ctx];
}

describe('limit-count', () => {
  it('is registered with APISIX priority 1002', () => {
    expect(PLUGINS.get('limit-count')?.priority).toBe(1002);
  });

  it('counts per window: 2 allowed, then rejected_code with headers Remaining 1, 0, 0', async () => {
    const conf = resolved({ count: 2, time_window: 60 });
    const [a, ca] = await run(conf);
    expect(a).toBeUndefined();
    expect(ca.response.extraHeaders).toEqual({
      'X-RateLimit-Limit': '2',
      'X-RateLimit-Remaining': '1',
      'X-RateLimit-Reset': '60',
    });
    now = 10_005;
    const [b, cb] = await run(conf);
    expect(b).toBeUndefined();
    expect(cb.response.extraHeaders['X-RateLimit-Remaining']).toBe('0');
    expect(cb.response.extraHeaders['X-RateLimit-Reset']).toBe('49.99');
    const [c, cc] = await run(conf);
    expect(c).toEqual({ status: 503, body: undefined, headers: undefined });
    expect(cc.response.extraHeaders['X-RateLimit-Remaining']).toBe('0');
    now = 60_000;
    expect((await run(conf))[0]).toBeUndefined();
  });

  it('header names from plugin_metadata/limit-count, also under rules', async () => {
    const ctx = context({ user: 'u' });
    ctx.pluginMetadata = new Map([
      [
        'limit-count',
        {
          limit_header: 'X-Limit-Quota',
          remaining_header: 'X-Limit-Left',
          reset_header: 'X-RateLimit-Reset-In',
        },
      ],
    ]);
    await run(resolved({ count: 2, time_window: 60 }), ctx);
    expect(ctx.response.extraHeaders).toEqual({
      'X-Limit-Quota': '2',
      'X-Limit-Left': '1',
      'X-RateLimit-Reset-In': '60',
    });
    const ruled = context({ user: 'u' });
    ruled.pluginMetadata = ctx.pluginMetadata;
    await run(resolved({ rules: [{ count: 1, time_window: 9, key: '$http_user' }] }), ruled);
    // A name without `RateLimit-` keeps its name, as APISIX's gsub leaves it.
    expect(ruled.response.extraHeaders).toEqual({
      'X-Limit-Quota': '1',
      'X-Limit-Left': '0',
      'X-1-RateLimit-Reset-In': '9',
    });
  });

  it('window_type sliding: the previous window weighs in (APISIX sliding-window)', async () => {
    const conf = resolved({ count: 2, time_window: 10, window_type: 'sliding' });
    const [a, ca] = await run(conf);
    expect(a).toBeUndefined();
    expect(ca.response.extraHeaders).toEqual({
      'X-RateLimit-Limit': '2',
      'X-RateLimit-Remaining': '1',
      'X-RateLimit-Reset': '10',
    });
    expect((await run(conf))[0]).toBeUndefined();
    const [refused, cr] = await run(conf);
    expect(refused?.status).toBe(503);
    expect(cr.response.extraHeaders['X-RateLimit-Remaining']).toBe('0');
    // Three quarters into the next window a quarter of the previous 2 still counts: 0.5 + 0 < 2.
    now = 17_500;
    const [b, cb] = await run(conf);
    expect(b).toBeUndefined();
    expect(cb.response.extraHeaders['X-RateLimit-Remaining']).toBe('0');
    expect(cb.response.extraHeaders['X-RateLimit-Reset']).toBe('2.5');
  });

  it('rejected_msg is sent as {"error_msg": ...}', async () => {
    const conf = resolved({ count: 1, time_window: 60, rejected_code: 429, rejected_msg: 'slow' });
    await run(conf);
    expect((await run(conf))[0]).toEqual({ status: 429, body: { error_msg: 'slow' } });
  });

  it('show_limit_quota_header false sends no headers', async () => {
    const [, ctx] = await run(
      resolved({ count: 1, time_window: 60, show_limit_quota_header: false }),
    );
    expect(ctx.response.extraHeaders).toEqual({});
  });

  it('keys: var, var_combination (client address when unresolved), constant', async () => {
    const byHeader = resolved({ count: 1, time_window: 60, key: 'http_user' });
    expect((await run(byHeader, context({ user: 'a' })))[0]).toBeUndefined();
    expect((await run(byHeader, context({ user: 'b' })))[0]).toBeUndefined();
    expect((await run(byHeader, context({ user: 'a' })))[0]?.status).toBe(503);
    const combo = resolved({
      count: 1,
      time_window: 60,
      key: '$http_a $http_b',
      key_type: 'var_combination',
    });
    expect((await run(combo, context({ a: '1' })))[0]).toBeUndefined();
    expect((await run(combo, context({ a: '1' })))[0]?.status).toBe(503);
    expect((await run(combo, context({})))[0]).toBeUndefined();
    const constant = resolved({ count: 1, time_window: 60, key: 'all', key_type: 'constant' });
    expect((await run(constant, context({}, 'r1')))[0]).toBeUndefined();
    expect((await run(constant, context({ user: 'x' }, 'r1')))[0]?.status).toBe(503);
  });

  it('two routes count separately; a group shares one counter', async () => {
    const conf = resolved({ count: 1, time_window: 60 });
    expect((await run(conf, context({}, 'r1')))[0]).toBeUndefined();
    expect((await run(conf, context({}, 'r2')))[0]).toBeUndefined();
    const grouped = resolved({ count: 1, time_window: 60, group: 'g' });
    expect((await run(grouped, context({}, 'r1')))[0]).toBeUndefined();
    expect((await run(grouped, context({}, 'r2')))[0]?.status).toBe(503);
  });

  it('count and time_window templates; unresolvable → 500 unless allow_degradation', async () => {
    const conf = resolved({ count: '${http_count ?? 1}', time_window: 60 });
    expect((await run(conf, context({ count: '2' })))[0]).toBeUndefined();
    expect((await run(conf, context({ count: '2' })))[0]).toBeUndefined();
    expect((await run(conf, context({ count: '2' })))[0]?.status).toBe(503);
    const bad = resolved({ count: '$http_count', time_window: 60 });
    expect((await run(bad, context({ count: 'x' })))[0]).toEqual({ status: 500 });
    const lenient = resolved({ count: '$http_count', time_window: 60, allow_degradation: true });
    expect((await run(lenient, context({ count: 'x' })))[0]).toBeUndefined();
  });

  it('rules: each applying rule has its own counter and X-<prefix>-RateLimit-* headers', async () => {
    const conf = resolved({
      rules: [
        { count: 1, time_window: 10, key: '$http_user', header_prefix: 'user' },
        { count: 5, time_window: 10, key: '$http_project' },
      ],
    });
    const [ok, ctx] = await run(conf, context({ user: 'jack', project: 'p' }));
    expect(ok).toBeUndefined();
    expect(ctx.response.extraHeaders).toMatchObject({
      'X-user-RateLimit-Limit': '1',
      'X-user-RateLimit-Remaining': '0',
      'X-2-RateLimit-Limit': '5',
      'X-2-RateLimit-Remaining': '4',
    });
    expect((await run(conf, context({ user: 'jack' })))[0]?.status).toBe(503);
    expect((await run(conf, context({})))[0]).toEqual({ status: 500 });
  });

  it('counters unavailable: 500 {"error_msg":"failed to limit count"}, or through with allow_degradation', async () => {
    const broken = {
      peek: () => Promise.reject(new CounterStoreUnavailableError('down')),
      charge: () => Promise.reject(new CounterStoreUnavailableError('down')),
      close: () => Promise.resolve(),
    };
    const stores = { fixed: () => broken, sliding: () => store };
    const strict = resolved({ count: 1, time_window: 60 });
    expect(await limitCount(strict, context(), stores, log)).toEqual({
      status: 500,
      body: { error_msg: 'failed to limit count' },
    });
    const lenient = resolved({ count: 1, time_window: 60, allow_degradation: true });
    expect(await limitCount(lenient, context(), stores, log)).toBeUndefined();
  });
});

describe('limit-count schema and check (APISIX check_schema)', () => {
  const check = (conf: Record<string, unknown>) => checkPluginConf('limit-count', conf, 'route');

  it('fills APISIX defaults', () => {
    expect(check({ count: 2, time_window: 60 })).toMatchObject({
      valid: true,
      value: {
        key: 'remote_addr',
        key_type: 'var',
        rejected_code: 503,
        policy: 'local',
        window_type: 'fixed',
        allow_degradation: false,
        show_limit_quota_header: true,
      },
    });
  });

  it.each([
    [{ time_window: 60 }, 'value should match only one schema, but matches none'],
    [{ count: -100, time_window: 60 }, 'count'],
    [{ count: 2, time_window: 60, rejected_code: 199 }, 'rejected_code'],
    [{ count: 2, time_window: 60, key_type: 'x' }, 'key_type'],
    [{ count: 2, time_window: 60, policy: 'redis' }, 'then clause did not match'],
    [{ count: 2, time_window: 60, policy: 'redis-cluster' }, 'else clause did not match'],
  ])('refuses %j', (conf, text) => {
    const result = check(conf);
    expect(result.valid).toBe(false);
    expect(result.valid ? '' : result.message).toContain(text);
  });

  it('cross-field rules', () => {
    const rule = { count: 1, time_window: 1, key: '$remote_addr' };
    expect(check({ rules: [rule, rule] })).toEqual({
      valid: false,
      message: "duplicate key '$remote_addr' in rules",
    });
    expect(check({ rules: [rule], group: 'g' })).toEqual({
      valid: false,
      message: 'group and rules cannot be specified at the same time',
    });
    const redis = { count: 2, time_window: 5, policy: 'redis', redis_host: '127.0.0.1' };
    expect(check({ ...redis, sync_interval: 0.05 })).toEqual({
      valid: false,
      message: 'sync_interval should not be smaller than 0.1',
    });
    expect(check({ ...redis, sync_interval: 5 })).toEqual({
      valid: false,
      message: 'sync_interval should be smaller than time_window',
    });
    expect(check({ count: 1, time_window: 1, window_type: 'sliding' }).valid).toBe(true);
    expect(check({ count: 1, time_window: 1, policy: 'redis-sentinel' }).valid).toBe(false);
    expect(
      check({
        count: 1,
        time_window: 1,
        policy: 'redis-sentinel',
        redis_sentinels: [{ host: '127.0.0.1', port: 26379 }],
        redis_master_name: 'mymaster',
      }),
    ).toMatchObject({ valid: true, value: { redis_role: 'master' } });
  });

  it('group conf mismatched: a group keeps its first configuration', () => {
    expect(check({ count: 1, time_window: 60, group: 'services_1' }).valid).toBe(true);
    expect(check({ count: 1, time_window: 60, group: 'services_1' }).valid).toBe(true);
    expect(check({ count: 2, time_window: 60, group: 'services_1' })).toEqual({
      valid: false,
      message: 'group conf mismatched',
    });
  });
});
