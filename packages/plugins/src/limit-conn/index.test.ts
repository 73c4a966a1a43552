import http from 'node:http';
import net from 'node:net';
import { createLogger, RequestContext, type TrafficStore } from '@tollgate/core';
import { CounterStoreUnavailableError, LocalCounterStore } from '@tollgate/limiter';
import { checkPluginConf, type LimitConnConf } from '@tollgate/schema';
import { PLUGINS } from '../index';
import { decrease, increase } from './limit';

const log = createLogger('limit-conn-test');

function context(headers: http.IncomingHttpHeaders = {}): RequestContext {
  const socket = new net.Socket();
  Object.defineProperty(socket, 'remoteAddress', { value: '10.0.0.1' });
  const req = new http.IncomingMessage(socket);
  req.headers = headers;
  req.url = '/hello';
  req.method = 'GET';
  const ctx = new RequestContext(req, new http.ServerResponse(req));
  ctx.route = { id: 'r1', matchedUri: '/hello' };
  return ctx;
}

function resolved(conf: Record<string, unknown>): LimitConnConf {
  const result = checkPluginConf('limit-conn', conf, 'route');
  if (!result.valid) throw new Error(result.message);
  return result.value as LimitConnConf;
}

let store: LocalCounterStore;
beforeEach(() => {
  store = new LocalCounterStore({ sweepIntervalMs: 0 });
});

const enter = (conf: LimitConnConf, ctx: RequestContext) => increase(conf, ctx, () => store, log);

describe('limit-conn', () => {
  it('is registered with APISIX priority 1003', () => {
    expect(PLUGINS.get('limit-conn')?.priority).toBe(1003);
  });

  it('conn 2 burst 0: the third concurrent request is refused; a finished one frees its place', async () => {
    const conf = resolved({ conn: 2, burst: 0, default_conn_delay: 0.1 });
    const a = context();
    const b = context();
    expect(await enter(conf, a)).toBeUndefined();
    expect(await enter(conf, b)).toBeUndefined();
    expect(await enter(conf, context())).toEqual({
      status: 503,
      body: undefined,
      headers: undefined,
    });
    await decrease(conf, a, log);
    expect(await enter(conf, context())).toBeUndefined();
  });

  it('refused requests are not counted: after the others leave, the gauge is back at 0', async () => {
    const conf = resolved({ conn: 1, burst: 0, default_conn_delay: 0.1, rejected_msg: 'busy' });
    const a = context();
    await enter(conf, a);
    const refused = context();
    expect(await enter(conf, refused)).toEqual({ status: 503, body: { error_msg: 'busy' } });
    await decrease(conf, refused, log);
    await decrease(conf, a, log);
    expect(store.size).toBe(0);
  });

  it('within the burst a request is delayed by default_conn_delay × floor((n − 1) / conn)', async () => {
    const conf = resolved({
      conn: 1,
      burst: 1,
      default_conn_delay: 0.05,
      only_use_default_delay: true,
    });
    await enter(conf, context());
    const started = performance.now();
    expect(await enter(conf, context())).toBeUndefined();
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect((await enter(conf, context()))?.status).toBe(503);
  });

  it('keys count separately (var_combination)', async () => {
    const conf = resolved({
      conn: 1,
      burst: 0,
      default_conn_delay: 0.1,
      key: '$http_user',
      key_type: 'var_combination',
    });
    expect(await enter(conf, context({ user: 'a' }))).toBeUndefined();
    expect(await enter(conf, context({ user: 'b' }))).toBeUndefined();
    expect((await enter(conf, context({ user: 'a' })))?.status).toBe(503);
  });

  it('store unavailable: 500, or through with allow_degradation', async () => {
    const broken: TrafficStore = {
      leakyBucket: () => Promise.reject(new CounterStoreUnavailableError('down')),
      adjustGauge: () => Promise.reject(new CounterStoreUnavailableError('down')),
      slidingWindow: () => Promise.reject(new CounterStoreUnavailableError('down')),
    };
    const strict = resolved({ conn: 1, burst: 0, default_conn_delay: 0.1 });
    expect(await increase(strict, context(), () => broken, log)).toEqual({ status: 500 });
    const lenient = { ...strict, allow_degradation: true };
    const ctx = context();
    expect(await increase(lenient, ctx, () => broken, log)).toBeUndefined();
    await expect(decrease(lenient, ctx, log)).resolves.toBeUndefined();
  });
});

describe('limit-conn schema (APISIX check_schema)', () => {
  const check = (conf: Record<string, unknown>) => checkPluginConf('limit-conn', conf, 'route');

  it('fills APISIX defaults', () => {
    expect(check({ conn: 1, burst: 0, default_conn_delay: 0.1 })).toMatchObject({
      valid: true,
      value: {
        key: 'remote_addr',
        key_type: 'var',
        only_use_default_delay: false,
        policy: 'local',
        key_ttl: 3600,
        redis_prefix: 'limit_conn',
        rejected_code: 503,
        allow_degradation: false,
      },
    });
  });

  it.each([
    [{ burst: 0, default_conn_delay: 0.1 }, 'property "conn" is required'],
    [{ conn: 0, burst: 0, default_conn_delay: 0.1 }, 'property "conn" validation failed'],
    [{ conn: 1, burst: -1, default_conn_delay: 0.1 }, 'property "burst" validation failed'],
    [{ conn: 1, burst: 0, default_conn_delay: 0 }, 'property "default_conn_delay"'],
    [{ conn: 1, burst: 0, default_conn_delay: 1, key_type: 'constant' }, 'key_type'],
    [{ conn: 1, burst: 0, default_conn_delay: 1, policy: 'redis' }, 'then clause did not match'],
  ])('refuses %j', (conf, text) => {
    const result = check(conf);
    expect(result.valid).toBe(false);
    expect(result.valid ? '' : result.message).toContain(text);
  });
});
