import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { RequestContext } from '@tollgate/core';
import { waitFor } from '@tollgate/testkit';
import type { ProxyMirrorConf } from '@tollgate/schema';
import { mirrorPath } from './index';
import { Mirror, parseNginxTime, timeoutsFromAttr } from './mirror';

function context(url: string): RequestContext {
  const socket = new net.Socket();
  const req = new http.IncomingMessage(socket);
  req.headers = {};
  req.url = url;
  req.method = 'GET';
  return new RequestContext(req, new http.ServerResponse(req));
}

const conf = (extra: Partial<ProxyMirrorConf> = {}): ProxyMirrorConf => ({
  host: 'http://127.0.0.1:1986',
  path_concat_mode: 'replace',
  sample_ratio: 1,
  ...extra,
});

describe('mirrorPath (APISIX enable_mirror)', () => {
  it('is the request URI with its query by default', () => {
    expect(mirrorPath(conf(), context('/hello'))).toBe('/hello');
    expect(mirrorPath(conf(), context('/hello?sample_ratio=1'))).toBe('/hello?sample_ratio=1');
  });

  it('replace: the path with the query; prefix: the path before the URI', () => {
    expect(mirrorPath(conf({ path: '/a' }), context('/hello'))).toBe('/a');
    expect(mirrorPath(conf({ path: '/a' }), context('/hello?a=1'))).toBe('/a?a=1');
    const prefix = conf({ path: '/a', path_concat_mode: 'prefix' });
    expect(mirrorPath(prefix, context('/hello'))).toBe('/a/hello');
    expect(mirrorPath(prefix, context('/hello?a=1'))).toBe('/a/hello?a=1');
  });

  it('uses the upstream URI a higher-priority plugin already set', () => {
    const ctx = context('/hello?a=1');
    ctx.upstreamUri = '/rewritten?b=2';
    expect(mirrorPath(conf(), ctx)).toBe('/rewritten?b=2');
  });
});

describe('plugin_attr.proxy-mirror.timeout', () => {
  it('reads nginx times, seconds by default', () => {
    expect(parseNginxTime('60s')).toBe(60_000);
    expect(parseNginxTime('2000ms')).toBe(2000);
    expect(parseNginxTime('1m')).toBe(60_000);
    expect(parseNginxTime('5')).toBe(5000);
    expect(parseNginxTime(3)).toBe(3000);
    expect(parseNginxTime('soon')).toBeUndefined();
    expect(parseNginxTime(-1)).toBeUndefined();
  });

  it('defaults each timeout to 60 s', () => {
    expect(timeoutsFromAttr(undefined)).toEqual({
      connectMs: 60_000,
      sendMs: 60_000,
      readMs: 60_000,
    });
    expect(timeoutsFromAttr({ timeout: { connect: '2000ms', read: 'bad' } })).toEqual({
      connectMs: 2000,
      sendMs: 60_000,
      readMs: 60_000,
    });
  });
});

describe('Mirror', () => {
  let server: http.Server;
  let origin: string;
  const received: { method?: string; url?: string; body: string; host?: string }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        received.push({ method: req.method, url: req.url, body, host: req.headers.host });
        res.end('ignored');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('sends method, path, headers and body, and returns before the answer', async () => {
    const mirror = new Mirror({ connectMs: 1000, sendMs: 1000, readMs: 1000 });
    mirror.send({
      origin,
      path: '/a?b=1',
      method: 'POST',
      headers: { host: 'client.example', 'content-type': 'text/plain' },
      body: Buffer.from('payload'),
    });
    expect(mirror.pending).toBe(1);
    await waitFor('mirror requests done', () => Promise.resolve(mirror.pending === 0));
    expect(mirror.pending).toBe(0);
    expect(received).toEqual([
      { method: 'POST', url: '/a?b=1', body: 'payload', host: 'client.example' },
    ]);
    await mirror.close();
  });

  it('swallows failures (nothing listening)', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const mirror = new Mirror({ connectMs: 500, sendMs: 500, readMs: 500 });
    mirror.send({
      origin: `http://127.0.0.1:${port}`,
      path: '/',
      method: 'GET',
      headers: {},
      body: null,
    });
    await waitFor('mirror requests done', () => Promise.resolve(mirror.pending === 0));
    expect(mirror.pending).toBe(0);
    await mirror.close();
  });
});
