/**
 * Routing and plugin phases through the real handler (spec §6.4, §8.4 #89, runner rules).
 */
import net from 'node:net';
import { definePlugin, exit } from '@tollgate/core';
import { httpRequest } from '@tollgate/testkit';
import { DataPlane, startEchoUpstream, type Echo } from './harness';

let plane: DataPlane;
let upstreamA: Awaited<ReturnType<typeof startEchoUpstream>>;
let upstreamB: Awaited<ReturnType<typeof startEchoUpstream>>;

const crashing = definePlugin<Record<string, unknown>>({
  name: 'test-crash',
  version: '0',
  priority: 100,
  access() {
    throw new Error('boom');
  },
});
const denying = definePlugin<{ status: number }>({
  name: 'test-deny',
  version: '0',
  priority: 200,
  access(conf) {
    return exit(conf.status, { message: 'denied by test' });
  },
});

beforeAll(async () => {
  upstreamA = await startEchoUpstream('a');
  upstreamB = await startEchoUpstream('b');
  plane = await new DataPlane([crashing, denying]).start();
});
afterAll(async () => {
  await plane.close();
  await upstreamA.close();
  await upstreamB.close();
});

const to = (u: { port: number }) => ({ nodes: { [`127.0.0.1:${u.port}`]: 1 }, type: 'roundrobin' });
const get = (path: string, headers: Record<string, string> = {}) =>
  httpRequest('GET', plane.url(path), { headers });
const servedBy = (res: { json: unknown }) => (res.json as Echo).upstream;

describe('routing', () => {
  it('matches exact before prefix, longest prefix first, and answers 404 otherwise', async () => {
    plane.load({
      'routes/exact': { uri: '/blog/foo', upstream: to(upstreamA) },
      'routes/short': { uri: '/blog/*', upstream: to(upstreamB) },
      'routes/long': { uri: '/blog/foo/a/*', upstream: to(upstreamA) },
    });
    expect(servedBy(await get('/blog/foo'))).toBe('a');
    expect(servedBy(await get('/blog/bar'))).toBe('b');
    expect(servedBy(await get('/blog/foo/a/b/c'))).toBe('a');
    const miss = await get('/nothing');
    expect(miss.status).toBe(404);
    expect(miss.text).toBe('{"error_msg":"404 Route Not Found"}\n');
    expect(miss.headers.get('content-type')).toBe('application/json');
  });

  it('#89 a route with hosts only does not match another host', async () => {
    plane.load({
      'routes/1': { uri: '/hello', hosts: ['foo.com', '*.bar.com'], upstream: to(upstreamA) },
    });
    expect((await get('/hello', { host: 'foo.com' })).status).toBe(200);
    expect((await get('/hello', { host: 'x.bar.com' })).status).toBe(200);
    const miss = await get('/hello', { host: 'other.com' });
    expect(miss.status).toBe(404);
    expect(miss.json).toEqual({ error_msg: '404 Route Not Found' });
  });

  it('uses priority, methods, vars and remote_addrs, and skips disabled routes', async () => {
    plane.load({
      'routes/low': { uri: '/p', priority: 0, upstream: to(upstreamA) },
      'routes/high': { uri: '/p', priority: 10, methods: ['POST'], upstream: to(upstreamB) },
      'routes/vars': { uri: '/v', vars: [['arg_name', '==', 'json']], upstream: to(upstreamB) },
      'routes/addr': { uri: '/ip', remote_addrs: ['10.0.0.0/8'], upstream: to(upstreamB) },
      'routes/off': { uri: '/off', status: 0, upstream: to(upstreamB) },
    });
    expect(servedBy(await get('/p'))).toBe('a');
    expect(servedBy(await httpRequest('POST', plane.url('/p'), { body: {} }))).toBe('b');
    expect(servedBy(await get('/v?name=json'))).toBe('b');
    expect((await get('/v?name=xml')).status).toBe(404);
    expect((await get('/ip')).status).toBe(404);
    expect((await get('/off')).status).toBe(404);
  });

  it('merges service, plugin_config and route (route wins) and resolves upstream_id', async () => {
    plane.load(
      {
        'upstreams/u1': to(upstreamB),
        'services/s1': { upstream: to(upstreamA), plugins: { 'test-deny': { status: 418 } } },
        'plugin_configs/pc': { plugins: { 'test-deny': { status: 409 } } },
        'routes/svc': { uri: '/svc', service_id: 's1' },
        'routes/pc': { uri: '/pc', service_id: 's1', plugin_config_id: 'pc' },
        'routes/own': {
          uri: '/own',
          service_id: 's1',
          plugin_config_id: 'pc',
          plugins: { 'test-deny': { status: 403 } },
        },
        'routes/ups': { uri: '/ups', upstream_id: 'u1' },
      },
      { raw: true },
    );
    expect((await get('/svc')).status).toBe(418);
    expect((await get('/pc')).status).toBe(409);
    const own = await get('/own');
    expect(own.status).toBe(403);
    expect(own.json).toEqual({ message: 'denied by test' });
    expect(servedBy(await get('/ups'))).toBe('b');
  });

  it('runs global rules before route plugins, also for unmatched requests', async () => {
    plane.load(
      {
        'global_rules/g': { plugins: { 'test-deny': { status: 451 } } },
        'routes/1': { uri: '/x', upstream: to(upstreamA) },
      },
      { raw: true },
    );
    expect((await get('/x')).status).toBe(451);
    expect((await get('/unmatched')).status).toBe(451);
  });

  it('a crashing plugin fails only its request with a 500', async () => {
    plane.load(
      {
        'routes/crash': { uri: '/crash', plugins: { 'test-crash': {} }, upstream: to(upstreamA) },
        'routes/fine': { uri: '/fine', upstream: to(upstreamA) },
      },
      { raw: true },
    );
    const crash = await get('/crash');
    expect(crash.status).toBe(500);
    expect(crash.json).toEqual({ error_msg: 'internal server error' });
    expect((await get('/fine')).status).toBe(200);
  });

  it('a disabled plugin (_meta.disable) does not run', async () => {
    plane.load(
      {
        'routes/1': {
          uri: '/m',
          plugins: { 'test-deny': { status: 403, _meta: { disable: true } } },
          upstream: to(upstreamA),
        },
      },
      { raw: true },
    );
    expect((await get('/m')).status).toBe(200);
  });

  it('strips client-sent identity headers before the upstream', async () => {
    plane.load({ 'routes/1': { uri: '/id', upstream: to(upstreamA) } });
    const res = await get('/id', {
      'X-Consumer-Username': 'admin',
      'X-Credential-Identifier': 'c',
      'X-Consumer-Custom-ID': 'x',
      'X-Other': 'kept',
    });
    const seen = (res.json as Echo).headers;
    expect(seen['x-consumer-username']).toBeUndefined();
    expect(seen['x-credential-identifier']).toBeUndefined();
    expect(seen['x-consumer-custom-id']).toBeUndefined();
    expect(seen['x-other']).toBe('kept');
  });

  it('a route without upstream or answering plugin is 503', async () => {
    plane.load({ 'routes/1': { uri: '/none', plugins: {} } }, { raw: true });
    const res = await get('/none');
    expect(res.status).toBe(503);
    expect(res.json).toEqual({ error_msg: 'missing upstream configuration in Route or Service' });
  });
});

describe('bad requests (Node http parser, as nginx)', () => {
  async function raw(request: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(plane.port, '127.0.0.1', () => socket.write(request));
      let data = '';
      socket.on('data', (c) => (data += c.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
      setTimeout(() => {
        socket.destroy();
        resolve(data);
      }, 5000).unref();
    });
  }

  beforeAll(() => plane.load({ 'routes/1': { uri: '/*', upstream: to(upstreamA) } }));

  it('headers over 16 KiB get 431', async () => {
    const res = await raw(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`);
    expect(res).toMatch(/^HTTP\/1\.1 431/);
  });

  it('a malformed request line gets 400', async () => {
    expect(await raw('GARBAGE\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
  });

  it('conflicting Content-Length and Transfer-Encoding (smuggling) gets 400', async () => {
    const res = await raw(
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    );
    expect(res).toMatch(/^HTTP\/1\.1 400/);
  });

  it('two different Content-Length headers get 400', async () => {
    const res = await raw(
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde',
    );
    expect(res).toMatch(/^HTTP\/1\.1 400/);
  });
});
