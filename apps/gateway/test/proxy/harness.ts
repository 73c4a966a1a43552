/**
 * Test rig for the upstream proxy: real node:http upstreams on 127.0.0.1:0 that record what they
 * receive, a real node:http front server whose handler runs `UpstreamProxy.proxy`, and a plain
 * node:http client.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { RequestContext } from '@tollgate/core';
import { UpstreamProxy } from '../../src/proxy';

export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type UpstreamHandler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  body: Buffer,
) => void;

export interface TestUpstream {
  name: string;
  port: number;
  addr: string;
  received: Received[];
  /** Every socket accepted, in order. */
  sockets: Socket[];
  handler: UpstreamHandler;
  close(): Promise<void>;
}

/** Answers with a JSON echo of the request, tagged with the upstream's name. */
export function echo(name: string): UpstreamHandler {
  return (req, res, body) => {
    res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': name });
    res.end(
      JSON.stringify({
        upstream: name,
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: body.toString(),
      }),
    );
  };
}

/** An upstream server; its handler may be replaced by tests. */
export async function startUpstream(
  name: string,
  handler?: UpstreamHandler,
): Promise<TestUpstream> {
  const upstream: TestUpstream = {
    name,
    port: 0,
    addr: '',
    received: [],
    sockets: [],
    handler: handler ?? echo(name),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      upstream.received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: body.toString(),
      });
      upstream.handler(req, res, body);
    });
  });
  server.on('connection', (socket: Socket) => upstream.sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  upstream.port = (server.address() as AddressInfo).port;
  upstream.addr = `127.0.0.1:${upstream.port}`;
  return upstream;
}

/** A port nothing listens on (connections are refused). */
export async function refusedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Front {
  port: number;
  proxy: UpstreamProxy;
  /** Upstream config and key for the next requests. */
  upstream: Record<string, unknown>;
  key: string;
  /** Runs on each context before proxying (to mimic plugins). */
  prepare: (ctx: RequestContext) => void;
  /** Contexts of handled requests with their proxy() promises, in arrival order. */
  handled: { ctx: RequestContext; done: Promise<void> }[];
  close(): Promise<void>;
}

/** A front server: `new RequestContext(req, res)` then `proxy.proxy(ctx, front.upstream, front.key)`. */
export async function startFront(
  upstream: Record<string, unknown>,
  key = 'routes/1#upstream',
): Promise<Front> {
  const proxy = new UpstreamProxy();
  const front: Front = {
    port: 0,
    proxy,
    upstream,
    key,
    prepare: () => undefined,
    handled: [],
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await proxy.close();
    },
  };
  const server = http.createServer((req, res) => {
    const ctx = new RequestContext(req, res);
    front.prepare(ctx);
    front.handled.push({ ctx, done: proxy.proxy(ctx, front.upstream, front.key) });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  front.port = (server.address() as AddressInfo).port;
  return front;
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface SendOptions {
  method?: string;
  path?: string;
  headers?: http.OutgoingHttpHeaders;
  body?: string | Buffer;
}

/** One request on a fresh connection; resolves with the whole response. */
export function send(port: number, options: SendOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: options.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Resolves when `check` holds, rejects after `timeoutMs`. */
export async function waitFor(
  check: () => boolean,
  timeoutMs = 2000,
  what = 'condition',
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
