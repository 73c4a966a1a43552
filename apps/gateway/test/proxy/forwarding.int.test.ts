import type { IncomingHttpHeaders } from 'node:http';
import { type RequestContext } from '@tollgate/core';
import { upstreamHost } from '../../src/proxy/request-head';
import {
  normaliseUpstream,
  type ProxyUpstream,
  type UpstreamNode,
} from '../../src/proxy/upstream-conf';
import { echo, type Front, send, startFront, startUpstream, type TestUpstream } from './harness';

interface EchoBody {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const nodeAt = (up: ProxyUpstream, i: number): UpstreamNode => up.nodes[i] as UpstreamNode;
const last = (front: Front): Front['handled'][number] =>
  front.handled[front.handled.length - 1] as Front['handled'][number];

describe('UpstreamProxy request forwarding', () => {
  let up: TestUpstream;
  let front: Front;

  beforeAll(async () => {
    up = await startUpstream('a');
    front = await startFront({ nodes: { [up.addr]: 1 }, type: 'roundrobin' });
  });
  afterAll(async () => {
    await front.close();
    await up.close();
  });
  beforeEach(() => {
    front.prepare = () => undefined;
    front.upstream = { nodes: { [up.addr]: 1 }, type: 'roundrobin' };
  });

  it('forwards method, path, query, body and end-to-end headers', async () => {
    const reply = await send(front.port, {
      method: 'PATCH',
      path: '/a/b%20c?x=1&y=two',
      headers: { 'content-type': 'text/plain', 'x-custom': 'v1', host: 'api.example.com:9080' },
      body: 'hello upstream',
    });
    expect(reply.status).toBe(200);
    expect(reply.headers['x-upstream']).toBe('a');
    const got = JSON.parse(reply.body) as EchoBody;
    expect(got.method).toBe('PATCH');
    expect(got.url).toBe('/a/b%20c?x=1&y=two');
    expect(got.body).toBe('hello upstream');
    expect(got.headers['content-type']).toBe('text/plain');
    expect(got.headers['x-custom']).toBe('v1');
    expect(got.headers['content-length']).toBe('14');
    expect(got.headers.host).toBe('api.example.com:9080');
  });

  it('drops hop-by-hop headers, including those named in Connection', async () => {
    const reply = await send(front.port, {
      method: 'POST',
      body: 'chunked body',
      headers: {
        'transfer-encoding': 'chunked',
        connection: 'keep-alive, x-hop',
        'keep-alive': 'timeout=5',
        'proxy-connection': 'keep-alive',
        te: 'trailers',
        trailer: 'x-t',
        upgrade: 'websocket',
        'x-hop': 'secret',
        'x-kept': 'yes',
      },
    });
    const got = JSON.parse(reply.body) as EchoBody;
    for (const name of ['keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade', 'x-hop']) {
      expect(got.headers[name]).toBeUndefined();
    }
    expect(got.headers['x-kept']).toBe('yes');
    expect(got.body).toBe('chunked body');
  });

  it('sets X-Real-IP and X-Forwarded-* like APISIX nginx template', async () => {
    let got = JSON.parse(
      (await send(front.port, { headers: { host: 'Api.Example.com:9080' } })).body,
    ) as EchoBody;
    expect(got.headers['x-real-ip']).toBe('127.0.0.1');
    expect(got.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(got.headers['x-forwarded-proto']).toBe('http');
    expect(got.headers['x-forwarded-host']).toBe('api.example.com');
    expect(got.headers['x-forwarded-port']).toBe(String(front.port));

    got = JSON.parse(
      (
        await send(front.port, {
          headers: {
            'x-forwarded-for': '10.0.0.1, 10.0.0.2',
            'x-forwarded-proto': 'https',
            'x-forwarded-host': 'edge.example.com',
            'x-forwarded-port': '443',
            'x-real-ip': '6.6.6.6',
          },
        })
      ).body,
    ) as EchoBody;
    expect(got.headers['x-forwarded-for']).toBe('10.0.0.1, 10.0.0.2, 127.0.0.1');
    expect(got.headers['x-forwarded-proto']).toBe('https');
    expect(got.headers['x-forwarded-host']).toBe('edge.example.com');
    expect(got.headers['x-forwarded-port']).toBe('443');
    expect(got.headers['x-real-ip']).toBe('127.0.0.1');
  });

  it('applies ctx.upstreamHeaders (set and remove) and ctx.removedQueryArgs', async () => {
    front.prepare = (ctx: RequestContext) => {
      ctx.upstreamHeaders.set('X-Consumer-Username', 'jack');
      ctx.upstreamHeaders.set('apikey', null);
      ctx.removedQueryArgs.add('auth');
      ctx.removedQueryArgs.add('a b');
    };
    const reply = await send(front.port, {
      path: '/p?keep=1&auth=secret&a+b=2&auth&last=%20x',
      headers: { apikey: 'secret', 'x-other': 'o' },
    });
    const got = JSON.parse(reply.body) as EchoBody;
    expect(got.url).toBe('/p?keep=1&last=%20x');
    expect(got.headers['x-consumer-username']).toBe('jack');
    expect(got.headers.apikey).toBeUndefined();
    expect(got.headers['x-other']).toBe('o');

    front.prepare = (ctx) => ctx.removedQueryArgs.add('auth');
    expect((JSON.parse((await send(front.port, { path: '/p?auth=1' })).body) as EchoBody).url).toBe(
      '/p',
    );
  });

  it('sends Host per pass_host: pass, node, rewrite', async () => {
    const host = async (): Promise<string | undefined> =>
      (
        JSON.parse(
          (await send(front.port, { headers: { host: 'client.example.com' } })).body,
        ) as EchoBody
      ).headers.host;
    expect(await host()).toBe('client.example.com');
    front.upstream = { nodes: { [up.addr]: 1 }, pass_host: 'node' };
    expect(await host()).toBe(up.addr);
    front.upstream = {
      nodes: { [up.addr]: 1 },
      pass_host: 'rewrite',
      upstream_host: 'svc.internal',
    };
    expect(await host()).toBe('svc.internal');
  });

  it('leaves the default port out of a node Host header', () => {
    const ctx = { upstreamHeaders: new Map(), req: { headers: {} } } as unknown as RequestContext;
    const http = normaliseUpstream({
      nodes: [{ host: 'svc.local', port: 80, weight: 1 }],
      pass_host: 'node',
    });
    expect(upstreamHost(ctx, http, nodeAt(http, 0))).toBe('svc.local');
    const https = normaliseUpstream({
      nodes: { 'svc.local': 1, '[::1]:8443': 1 },
      scheme: 'https',
      pass_host: 'node',
    });
    expect(https.nodes.map((n) => n.port)).toEqual([443, 8443]);
    expect(upstreamHost(ctx, https, nodeAt(https, 0))).toBe('svc.local');
    expect(upstreamHost(ctx, https, nodeAt(https, 1))).toBe('[::1]:8443');
  });

  it('streams a large body and sends the body a plugin already read', async () => {
    const big = Buffer.alloc(300 * 1024, 'x');
    let got = JSON.parse((await send(front.port, { method: 'POST', body: big })).body) as EchoBody;
    expect(got.body.length).toBe(big.length);

    front.prepare = (ctx) => void ctx.readBody(1024 * 1024);
    got = JSON.parse(
      (await send(front.port, { method: 'PUT', body: 'read by a plugin' })).body,
    ) as EchoBody;
    expect(got.body).toBe('read by a plugin');
  });

  it('passes response status and headers minus hop-by-hop, and sets log vars', async () => {
    up.handler = (_req, res) => {
      res.writeHead(201, {
        'x-resp': 'r',
        'keep-alive': 'timeout=5',
        'set-cookie': ['a=1', 'b=2'],
      });
      res.end('created');
    };
    try {
      const reply = await send(front.port);
      expect(reply.status).toBe(201);
      expect(reply.body).toBe('created');
      expect(reply.headers['x-resp']).toBe('r');
      expect(reply.headers['set-cookie']).toEqual(['a=1', 'b=2']);
      expect(reply.headers['keep-alive']).toBeUndefined();
      const { ctx, done } = last(front);
      await done;
      expect(ctx.vars.get('upstream_addr')).toBe(up.addr);
      expect(ctx.vars.get('upstream_status')).toBe(201);
      expect(ctx.vars.get('upstream_response_time')).toMatch(/^\d+\.\d{3}$/);
      expect(ctx.vars.get('upstream_connect_time')).toMatch(/^\d+\.\d{3}$/);
    } finally {
      up.handler = echo('a');
    }
  });
});
