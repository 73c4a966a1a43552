import http from 'node:http';
import net from 'node:net';
import { createLogger, RequestContext, type Exit, type TrafficStore } from '@tollgate/core';
import { CounterStoreUnavailableError, LocalCounterStore } from '@tollgate/limiter';
import { checkPluginConf, type LimitReqConf } from '@tollgate/schema';
import { PLUGINS } from '../index';
import { limitReq } from './limit';

const log = createLogger('limit-req-test');

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

function resolved(conf: Record<string, unknown>): LimitReqConf {
  const result = checkPluginConf('limit-req', conf, 'route');
  if (!result.valid) throw new Error(result.message);
  return result.value as LimitReqConf;
}

let now = 0;
let store: LocalCounterStore;
beforeEach(() => {
  now = 0;
  store = new LocalCounterStore({ clock: { now: () => now }, sweepIntervalMs: 0 });
});

const run = (conf: LimitReqConf, ctx = context()): Promise<Exit | undefined> =>
  limitReq(conf, ctx, () => store, log);

describe('limit-req', () => {
  it('is registered with APISIX priority 1001', () => {
    expect(PLUGINS.get('limit-req')?.priority).toBe(1001);
  });

  it('rate 0.1 burst 0.1: 200 then rejected_code (t/plugin/limit-req.t TEST 6)', async () => {
    const conf = resolved({ rate: 0.1, burst: 0.1, rejected_code: 503, key: 'remote_addr' });
    expect(await run(conf)).toBeUndefined();
    expect(await run(conf)).toEqual({ status: 503, body: undefined, headers: undefined });
  });

  it('rejected_msg is sent as {"error_msg": ...}', async () => {
    const conf = resolved({ rate: 1, burst: 0, key: 'remote_addr', rejected_msg: 'slow down' });
    await run(conf);
    expect(await run(conf)).toEqual({ status: 503, body: { error_msg: 'slow down' } });
  });

  it('within the burst a request waits for its turn; nodelay serves it at once', async () => {
    const delayed = resolved({ rate: 20, burst: 1, key: 'remote_addr' });
    await run(delayed);
    const started = performance.now();
    expect(await run(delayed)).toBeUndefined();
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    const fast = resolved({ rate: 20, burst: 1, key: 'remote_addr', nodelay: true });
    await run(fast);
    const t0 = performance.now();
    expect(await run(fast)).toBeUndefined();
    expect(performance.now() - t0).toBeLessThan(40);
  });

  it('keys count separately; an unresolved key falls back to the client address', async () => {
    const conf = resolved({ rate: 1, burst: 0, key: 'http_user' });
    expect(await run(conf, context({ user: 'a' }))).toBeUndefined();
    expect(await run(conf, context({ user: 'b' }))).toBeUndefined();
    expect((await run(conf, context({ user: 'a' })))?.status).toBe(503);
    expect(await run(conf, context())).toBeUndefined();
    expect((await run(conf, context()))?.status).toBe(503);
  });

  it('rules: each applying rule has its own bucket; none applying → 500', async () => {
    const conf = resolved({
      rules: [
        { rate: 1, burst: 0, key: '$http_user' },
        { rate: '${http_rate ?? 1}', burst: 0, key: '$http_project' },
      ],
    });
    expect(await run(conf, context({ user: 'a', project: 'p' }))).toBeUndefined();
    expect((await run(conf, context({ project: 'p' })))?.status).toBe(503);
    expect(await run(conf, context({ user: 'b' }))).toBeUndefined();
    expect(await run(conf, context())).toEqual({ status: 500 });
    const lenient = resolved({
      rules: [{ rate: 1, burst: 0, key: '$http_user' }],
      allow_degradation: true,
    });
    expect(await run(lenient, context())).toBeUndefined();
  });

  it('store unavailable: 500, or through with allow_degradation', async () => {
    const broken: TrafficStore = {
      leakyBucket: () => Promise.reject(new CounterStoreUnavailableError('down')),
      adjustGauge: () => Promise.reject(new CounterStoreUnavailableError('down')),
      slidingWindow: () => Promise.reject(new CounterStoreUnavailableError('down')),
    };
    const strict = resolved({ rate: 1, burst: 0, key: 'remote_addr' });
    expect(await limitReq(strict, context(), () => broken, log)).toEqual({ status: 500 });
    const lenient = { ...strict, allow_degradation: true };
    expect(await limitReq(lenient, context(), () => broken, log)).toBeUndefined();
  });
});

describe('limit-req schema (APISIX check_schema)', () => {
  const check = (conf: Record<string, unknown>) => checkPluginConf('limit-req', conf, 'route');

  it('fills APISIX defaults', () => {
    expect(check({ rate: 1, burst: 0, key: 'remote_addr' })).toMatchObject({
      valid: true,
      value: {
        key_type: 'var',
        policy: 'local',
        rejected_code: 503,
        nodelay: false,
        allow_degradation: false,
      },
    });
  });

  it.each([
    [{ rate: -1, burst: 0.1, key: 'remote_addr' }, 'property "rate" validation failed'],
    [{ rate: 1, burst: -1, key: 'remote_addr' }, 'property "burst" validation failed'],
    [{ rate: 1, burst: 1 }, 'value should match only one schema, but matches none'],
    [{ rate: 1, burst: 1, key: 'k', key_type: 'constant' }, 'key_type'],
    [{ rate: 1, burst: 1, key: 'k', rejected_code: 600 }, 'rejected_code'],
    [{ rate: 1, burst: 1, key: 'k', policy: 'redis' }, 'then clause did not match'],
  ])('refuses %j', (conf, text) => {
    const result = check(conf);
    expect(result.valid).toBe(false);
    expect(result.valid ? '' : result.message).toContain(text);
  });

  it('duplicate rule keys are refused', () => {
    const rule = { rate: 1, burst: 1, key: '$remote_addr' };
    expect(check({ rules: [rule, rule] })).toEqual({
      valid: false,
      message: "duplicate key '$remote_addr' in rules",
    });
  });
});
