// AiTransport against local node:http servers: pooling, keepalive, typed failures, abort and
// streaming. Ports come from the OS (port 0).
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { isGatewayError } from '@tollgate/core';
import {
  AiTransport,
  ExchangeCancel,
  type AiSendRequest,
  type UpstreamTransportError,
} from '../src';

interface TestServer {
  origin: string;
  server: http.Server;
  sockets: Set<Socket>;
  /** Sockets ever accepted. */
  connections: number;
  requests: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }[];
  close(): Promise<void>;
}

async function startServer(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): Promise<TestServer> {
  const server = http.createServer();
  const t: TestServer = {
    origin: '',
    server,
    sockets: new Set(),
    connections: 0,
    requests: [],
    close: () =>
      new Promise((resolve) => {
        for (const s of t.sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket: Socket) => {
    t.connections += 1;
    t.sockets.add(socket);
    socket.on('close', () => t.sockets.delete(socket));
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      t.requests.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      handler(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return t;
}

function request(origin: string, over: Partial<AiSendRequest> = {}): AiSendRequest {
  return {
    key: 'route-1#instance-a',
    origin,
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json' },
    body: Buffer.from('{"messages":[]}'),
    timeoutMs: 2000,
    keepalive: true,
    keepaliveTimeoutMs: 60_000,
    keepalivePool: 30,
    sslVerify: true,
    ...over,
  };
}

async function readAll(body: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of body) parts.push(c);
  return Buffer.concat(parts).toString();
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const waitFor = async (cond: () => boolean, ms = 2000): Promise<void> => {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('AiTransport', () => {
  let transport: AiTransport;
  const servers: TestServer[] = [];

  beforeEach(() => {
    transport = new AiTransport();
  });

  afterEach(async () => {
    await transport.close();
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  const serve = async (h: Parameters<typeof startServer>[0]): Promise<TestServer> => {
    const s = await startServer(h);
    servers.push(s);
    return s;
  };

  it('sends POST with path, query, headers and body; returns status, headers, body', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(201, { 'content-type': 'application/json', 'x-upstream': 'yes' });
      res.end('{"ok":true}');
    });
    const res = await transport.send(
      request(s.origin, {
        query: new URLSearchParams('api-version=1&x=a b'),
        headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
        hostHeader: 'llm.example.com',
      }),
    );
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['x-upstream']).toBe('yes');
    expect(await readAll(res.body)).toBe('{"ok":true}');
    expect(res.receivedAt).toBeGreaterThan(Date.now() - 5000);
    expect(res.ttfbMs).toBeGreaterThanOrEqual(0);
    expect(s.requests[0]).toMatchObject({
      method: 'POST',
      url: '/v1/chat/completions?api-version=1&x=a+b',
      body: '{"messages":[]}',
    });
    expect(s.requests[0]?.headers).toMatchObject({
      host: 'llm.example.com',
      authorization: 'Bearer k',
      'content-length': '15',
    });
  });

  it('reuses one socket for sequential requests of one instance', async () => {
    const s = await serve((_req, res) => res.end('ok'));
    for (let i = 0; i < 4; i++) {
      const res = await transport.send(request(s.origin));
      expect(await readAll(res.body)).toBe('ok');
    }
    expect(s.requests).toHaveLength(4);
    expect(s.connections).toBe(1);
  });

  it('keeps separate pools per instance key', async () => {
    const s = await serve((_req, res) => res.end('ok'));
    await readAll((await transport.send(request(s.origin, { key: 'a' }))).body);
    await readAll((await transport.send(request(s.origin, { key: 'b' }))).body);
    await readAll((await transport.send(request(s.origin, { key: 'a' }))).body);
    expect(s.connections).toBe(2);
  });

  it('keepalive false closes the connection after each request', async () => {
    const s = await serve((_req, res) => res.end('ok'));
    for (let i = 0; i < 3; i++) {
      const res = await transport.send(request(s.origin, { keepalive: false }));
      expect(await readAll(res.body)).toBe('ok');
    }
    expect(s.connections).toBe(3);
    expect(s.requests.every((r) => r.headers.connection === 'close')).toBe(true);
    await waitFor(() => s.sockets.size === 0);
  });

  it('connection refused → connect error before any response (500)', async () => {
    const s = await serve(() => undefined);
    const origin = s.origin;
    await s.close();
    const err = (await rejection(transport.send(request(origin)))) as UpstreamTransportError;
    expect(isGatewayError(err)).toBe(true);
    expect(err).toMatchObject({
      code: 'TOLLGATE_ERR_UPSTREAM_CONNECT',
      kind: 'connect',
      status: 500,
      beforeResponse: true,
    });
  });

  it('no response headers within timeoutMs → timeout error (504)', async () => {
    const s = await serve(() => undefined); // never answers
    const started = Date.now();
    const err = (await rejection(
      transport.send(request(s.origin, { timeoutMs: 200 })),
    )) as UpstreamTransportError;
    expect(err).toMatchObject({
      code: 'TOLLGATE_ERR_UPSTREAM_TIMEOUT',
      kind: 'timeout',
      status: 504,
      beforeResponse: true,
    });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('connection closed before headers → reset error (beforeResponse)', async () => {
    const s = await serve((req) => req.socket.destroy());
    const err = (await rejection(transport.send(request(s.origin)))) as UpstreamTransportError;
    expect(err).toMatchObject({ kind: 'reset', status: 500, beforeResponse: true });
  });

  it('streams the body: the first chunk arrives before the server sends the second', async () => {
    const firstSeen = deferred();
    const order: string[] = [];
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: one\n\n');
      order.push('server sent one');
      void firstSeen.promise.then(() => {
        order.push('server sends two');
        res.end('data: two\n\n');
      });
    });
    const res = await transport.send(request(s.origin));
    const got: string[] = [];
    for await (const chunk of res.body) {
      got.push(chunk.toString());
      order.push(`client got ${chunk.toString().trim()}`);
      firstSeen.resolve();
    }
    expect(got.join('')).toBe('data: one\n\ndata: two\n\n');
    expect(order).toEqual([
      'server sent one',
      'client got data: one',
      'server sends two',
      'client got data: two',
    ]);
  });

  it('a cancel mid-stream closes the upstream socket promptly', async () => {
    const serverSawClose = deferred();
    const s = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n');
      req.socket.on('close', () => serverSawClose.resolve());
    });
    const cancel = new ExchangeCancel();
    const res = await transport.send(request(s.origin, { cancel }));
    const iterator = res.body[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(String(first.value)).toBe('data: first\n\n');
    const abortedAt = Date.now();
    cancel.cancel();
    await serverSawClose.promise;
    expect(Date.now() - abortedAt).toBeLessThan(500);
    const err = await rejection(iterator.next());
    expect(isGatewayError(err)).toBe(false); // an abort is not a transport failure
  });

  // undici opens a fresh idle connection after an aborted request's socket is destroyed, so
  // these tests watch the socket that carried the request, not the socket count.
  it('a cancel before headers rejects send with the abort error and closes the socket', async () => {
    const socketClosed = deferred();
    const s = await serve((req) => req.socket.on('close', () => socketClosed.resolve()));
    const cancel = new ExchangeCancel();
    const pending = transport.send(request(s.origin, { cancel }));
    await waitFor(() => s.requests.length === 1);
    const abortedAt = Date.now();
    cancel.cancel();
    const err = (await rejection(pending)) as Error;
    expect(isGatewayError(err)).toBe(false);
    expect(err.name).toBe('AbortError');
    await socketClosed.promise;
    expect(Date.now() - abortedAt).toBeLessThan(500);
  });

  it('an exchange following an already aborted signal never reaches the server', async () => {
    const s = await serve((_req, res) => res.end('ok'));
    const client = new AbortController();
    client.abort();
    await rejection(
      transport.send(request(s.origin, { cancel: ExchangeCancel.following(client.signal) })),
    );
    expect(s.connections).toBe(0);
  });

  it('response.abort() and leaving the iteration early both release the socket', async () => {
    const closed: Promise<void>[] = [];
    const s = await serve((req, res) => {
      const d = deferred();
      req.socket.on('close', () => d.resolve());
      closed.push(d.promise);
      res.writeHead(200);
      res.write('partial');
    });
    const res = await transport.send(request(s.origin));
    res.abort();
    await closed[0];
    await expect(readAll(res.body)).rejects.toThrow();

    const res2 = await transport.send(request(s.origin));
    for await (const chunk of res2.body) {
      expect(chunk.toString()).toBe('partial');
      break;
    }
    await closed[1];
    expect(s.requests).toHaveLength(2);
  });

  it('body idle timeout and mid-body reset are typed with beforeResponse false', async () => {
    const s = await serve((req, res) => {
      res.writeHead(200);
      res.write('x');
      if (req.url?.includes('reset')) setTimeout(() => req.socket.destroy(), 20);
    });
    const idle = await transport.send(request(s.origin, { timeoutMs: 200 }));
    const idleErr = await rejection(readAll(idle.body));
    expect(idleErr).toMatchObject({ kind: 'timeout', status: 504, beforeResponse: false });

    const reset = await transport.send(request(s.origin, { path: '/reset' }));
    const resetErr = await rejection(readAll(reset.body));
    expect(resetErr).toMatchObject({ kind: 'reset', status: 500, beforeResponse: false });
  });

  it('retain() closes the pools of removed instances', async () => {
    const s = await serve((_req, res) => res.end('ok'));
    await readAll((await transport.send(request(s.origin, { key: 'keep' }))).body);
    await readAll((await transport.send(request(s.origin, { key: 'gone' }))).body);
    expect(s.sockets.size).toBe(2);
    transport.retain(new Set(['keep']));
    await waitFor(() => s.sockets.size === 1, 1000);
    await readAll((await transport.send(request(s.origin, { key: 'keep' }))).body);
    expect(s.connections).toBe(2);
  });

  it('a changed setting for the same instance gets a new pool and drains the old one', async () => {
    const s = await serve((_req, res) => res.end('ok'));
    await readAll((await transport.send(request(s.origin))).body);
    await readAll((await transport.send(request(s.origin, { timeoutMs: 3000 }))).body);
    expect(s.connections).toBe(2);
    await waitFor(() => s.sockets.size === 1, 1000);
  });
});
