import http from 'node:http';
import net from 'node:net';
import { RequestContext, type Exit } from '@tollgate/core';
import type { FaultInjectionConf } from '@tollgate/schema';
import { PLUGINS } from '../index';
import { faultInjection } from './index';

function context(url = '/hello'): RequestContext {
  const socket = new net.Socket();
  Object.defineProperty(socket, 'remoteAddress', { value: '127.0.0.1' });
  const req = new http.IncomingMessage(socket);
  req.headers = {};
  req.url = url;
  req.method = 'GET';
  return new RequestContext(req, new http.ServerResponse(req));
}

async function run(conf: FaultInjectionConf, url?: string): Promise<Exit | undefined> {
  return (await faultInjection.rewrite?.(conf, context(url))) ?? undefined;
}

describe('fault-injection', () => {
  afterEach(() => jest.restoreAllMocks());

  it('is registered under APISIX name and priority', () => {
    expect(PLUGINS.get('fault-injection')).toBe(faultInjection);
    expect(faultInjection.priority).toBe(11000);
  });

  it('aborts with status, body and headers resolved against variables', async () => {
    const res = await run(
      {
        abort: {
          http_status: 200,
          body: 'client addr: $remote_addr\n',
          headers: { 'X-Fault': '$arg_a', 'Content-Type': 'application/json' },
        },
      },
      '/hello?a=1',
    );
    expect(res).toEqual({
      status: 200,
      body: 'client addr: 127.0.0.1\n',
      headers: { 'x-fault': '1', 'content-type': 'application/json' },
    });
  });

  it('without a body, nginx’s page for the status', async () => {
    const res = await run({ abort: { http_status: 503 } });
    expect(res?.status).toBe(503);
    expect(res?.body).toContain('503 Service Temporarily Unavailable');
  });

  it('percentage samples with random(1, 100) <= percentage', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.5); // draws 51
    expect(await run({ abort: { http_status: 403, percentage: 50 } })).toBeUndefined();
    expect((await run({ abort: { http_status: 403, percentage: 51 } }))?.status).toBe(403);
    expect(await run({ abort: { http_status: 403, percentage: 0 } })).toBeUndefined();
  });

  it('vars decide; a rule that does not compile answers 500 with the error', async () => {
    const abort = {
      http_status: 403,
      vars: [[['arg_name', '==', 'jack']]],
    } as unknown as NonNullable<FaultInjectionConf['abort']>;
    expect(await run({ abort }, '/?name=rose')).toBeUndefined();
    expect((await run({ abort }, '/?name=jack'))?.status).toBe(403);
    const bad = await run({ abort: { http_status: 403, vars: [['arg_name']] } });
    expect(bad?.status).toBe(500);
    expect(typeof bad?.body).toBe('string');
  });

  it('delays, then lets the request go on', async () => {
    jest.useFakeTimers();
    let done = false;
    const pending = run({ delay: { duration: 2 } }).then((r) => {
      done = true;
      return r;
    });
    await jest.advanceTimersByTimeAsync(1999);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(await pending).toBeUndefined();
    jest.useRealTimers();
  });
});
