import http from 'node:http';
import net from 'node:net';
import { Readable } from 'node:stream';
import { RequestContext, type Exit } from '@tollgate/core';
import { PLUGINS } from '../index';
import { clientControl } from './index';

function context(headers: http.IncomingHttpHeaders, body = ''): RequestContext {
  const req = Object.assign(Readable.from([Buffer.from(body)]), {
    headers,
    url: '/hello',
    method: 'POST',
    httpVersion: '1.1',
    socket: new net.Socket(),
  }) as unknown as http.IncomingMessage;
  return new RequestContext(req, new http.ServerResponse(req));
}

async function run(max: number | undefined, ctx: RequestContext): Promise<Exit | undefined> {
  return (await clientControl.rewrite?.({ max_body_size: max }, ctx)) ?? undefined;
}

describe('client-control', () => {
  it('is registered under APISIX name and priority', () => {
    expect(PLUGINS.get('client-control')).toBe(clientControl);
    expect(clientControl.priority).toBe(22000);
  });

  it('a declared Content-Length over the limit is 413 at once', async () => {
    const res = await run(1, context({ 'content-length': '2' }, '12'));
    expect(res?.status).toBe(413);
    expect(res?.body).toContain('413 Request Entity Too Large');
    expect(await run(2, context({ 'content-length': '2' }, '12'))).toBeUndefined();
  });

  it('a chunked body is read up to the limit', async () => {
    const over = await run(3, context({ 'transfer-encoding': 'chunked' }, '1234'));
    expect(over?.status).toBe(413);
    const ctx = context({ 'transfer-encoding': 'chunked' }, '123');
    expect(await run(3, ctx)).toBeUndefined();
    expect((await ctx.readBody(Number.MAX_SAFE_INTEGER)).toString()).toBe('123');
  });

  it('0 or no max_body_size: no limit', async () => {
    expect(await run(0, context({ 'content-length': '99999999' }))).toBeUndefined();
    expect(await run(undefined, context({ 'content-length': '99999999' }))).toBeUndefined();
  });
});
