import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { RequestContext, type Exit } from '@tollgate/core';
import { checkPluginConf, type ForwardAuthConf } from '@tollgate/schema';
import { PLUGINS } from '../index';
import { forwardAuth } from './index';

let server: http.Server;
let base: string;
const seen: { method?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method, headers: req.headers, body });
      if (req.url === '/ok') res.writeHead(204, { 'X-User': 'u1', 'X-Extra': 'e' });
      else res.writeHead(401, { 'X-Reason': 'bad', 'X-Hidden': 'h' });
      res.end(req.url === '/ok' ? '' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await forwardAuth.destroy?.();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function conf(overrides: Record<string, unknown>): ForwardAuthConf {
  const r = checkPluginConf('forward-auth', { uri: `${base}/ok`, ...overrides }, 'route');
  if (!r.valid) throw new Error(r.message);
  return r.value as ForwardAuthConf;
}

function context(url: string, headers: http.IncomingHttpHeaders = {}, method = 'GET') {
  const req = new http.IncomingMessage(new net.Socket());
  req.headers = { host: 'gw.test:9080', ...headers };
  req.url = url;
  req.method = method;
  return new RequestContext(req, new http.ServerResponse(req));
}

async function run(c: ForwardAuthConf, ctx: RequestContext): Promise<Exit | undefined> {
  return (await forwardAuth.access?.(c, ctx)) ?? undefined;
}

describe('forward-auth definition', () => {
  it('runs in access at APISIX priority 2002, in the registry', () => {
    expect(forwardAuth).toMatchObject({ name: 'forward-auth', version: '0.1', priority: 2002 });
    expect(forwardAuth).not.toHaveProperty('rewrite');
    expect(PLUGINS.get('forward-auth')).toBe(forwardAuth);
  });

  it('fills APISIX defaults and requires uri', () => {
    expect(checkPluginConf('forward-auth', { uri: 'http://a' }, 'route')).toEqual({
      valid: true,
      value: {
        uri: 'http://a',
        allow_degradation: false,
        status_on_error: 403,
        ssl_verify: true,
        request_method: 'GET',
        request_headers: [],
        upstream_headers: [],
        client_headers: [],
        timeout: 3000,
        keepalive: true,
        keepalive_timeout: 60000,
        keepalive_pool: 5,
      },
    });
    expect(checkPluginConf('forward-auth', {}, 'route')).toEqual({
      valid: false,
      message: 'property "uri" is required',
    });
  });
});

describe('forward-auth access', () => {
  it('sends X-Forwarded-*, request_headers and extra_headers; a 2xx copies upstream_headers', async () => {
    seen.length = 0;
    const ctx = context('/p?x=1', { authorization: 'a', 'x-user': 'forged', 'x-no': 'n' });
    const c = conf({
      request_headers: ['Authorization', 'X-Forwarded-Host'],
      upstream_headers: ['X-User', 'X-Missing'],
      extra_headers: { 'X-Uri': '$uri', 'X-Forwarded-Method': 'OVERRIDDEN' },
    });
    await expect(run(c, ctx)).resolves.toBeUndefined();
    expect(seen[0]?.method).toBe('GET');
    expect(seen[0]?.headers).toMatchObject({
      'x-forwarded-proto': 'http',
      'x-forwarded-method': 'OVERRIDDEN',
      'x-forwarded-host': 'gw.test',
      'x-forwarded-uri': '/p?x=1',
      authorization: 'a',
      'x-uri': '/p',
    });
    expect(seen[0]?.headers).not.toHaveProperty('x-no');
    expect(Object.fromEntries(ctx.upstreamHeaders)).toEqual({ 'x-user': 'u1', 'x-missing': null });
  });

  it('returns a refusal with its body and only client_headers', async () => {
    const ctx = context('/p');
    const reply = await run(conf({ uri: `${base}/deny`, client_headers: ['X-Reason'] }), ctx);
    expect(reply?.status).toBe(401);
    expect(String(reply?.body)).toBe('no');
    expect({ ...reply?.headers }).toEqual({ 'content-type': 'text/plain', 'X-Reason': 'bad' });
    expect(ctx.upstreamHeaders.size).toBe(0);
  });

  it('POST forwards the body', async () => {
    seen.length = 0;
    const ctx = context('/p', { 'content-length': '5' }, 'PUT');
    const body = run(conf({ request_method: 'POST' }), ctx);
    ctx.req.push('hello');
    ctx.req.push(null);
    await expect(body).resolves.toBeUndefined();
    expect(seen[0]).toMatchObject({ method: 'POST', body: 'hello' });
    expect(seen[0]?.headers['x-forwarded-method']).toBe('PUT');
  });

  it('a failure answers status_on_error, or passes with allow_degradation', async () => {
    const down = 'http://127.0.0.1:1/auth';
    await expect(run(conf({ uri: down }), context('/'))).resolves.toMatchObject({ status: 403 });
    await expect(
      run(conf({ uri: down, status_on_error: 502 }), context('/')),
    ).resolves.toMatchObject({ status: 502 });
    await expect(
      run(conf({ uri: down, allow_degradation: true }), context('/')),
    ).resolves.toBeUndefined();
  });

  it('never forwards framing headers, which undici sets itself', async () => {
    seen.length = 0;
    const ctx = context('/', { connection: 'keep-alive', 'content-length': '0', upgrade: 'x' });
    const c = conf({
      request_headers: ['Connection', 'Content-Length', 'Upgrade'],
      extra_headers: { Expect: '100-continue', 'Transfer-Encoding': 'chunked' },
    });
    await expect(run(c, ctx)).resolves.toBeUndefined();
    expect(seen[0]?.headers).not.toHaveProperty('upgrade');
    expect(seen[0]?.headers).not.toHaveProperty('expect');
    expect(seen[0]?.headers).not.toHaveProperty('transfer-encoding');
    expect(seen[0]?.headers).not.toHaveProperty('content-length');
  });

  it('keepalive false still works', async () => {
    await expect(run(conf({ keepalive: false }), context('/'))).resolves.toBeUndefined();
  });
});
