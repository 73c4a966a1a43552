/**
 * Issue 9, item 9 through the worker's listener (`createGatewayServer` and the real request
 * handler proxying to an upstream): clients are still told `Keep-Alive: timeout=60`, and the
 * worker's shutdown (server.close() plus closeIdleConnections() every 50 ms) still closes idle
 * keep-alive connections at once and busy ones as soon as their response ends, although the
 * gateway now keeps idle connections for 65 s.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@tollgate/core';
import { PLUGINS } from '@tollgate/plugins';
import { KeepAliveConnection, statusOf } from '@tollgate/testkit';
import { Snapshot } from '../../src/config/snapshot';
import { validateItem } from '../../src/config/validate-item';
import { createRequestHandler } from '../../src/http/handler';
import { createGatewayServer, KEEP_ALIVE_MS } from '../../src/http/server';
import { UpstreamProxy } from '../../src/proxy';

jest.setTimeout(30_000);

const SLOW_MS = 600;

let upstream: http.Server;
let proxy: UpstreamProxy;
let gateway: http.Server;
let port: number;

beforeAll(async () => {
  // Answers after `x-delay-ms`, so a request can be in flight during shutdown.
  upstream = http.createServer((req, res) => {
    setTimeout(() => res.end('{}'), Number(req.headers['x-delay-ms'] ?? 0));
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  const route = validateItem(
    'routes/any',
    JSON.stringify({
      uri: '/*',
      upstream: {
        type: 'roundrobin',
        nodes: { [`127.0.0.1:${(upstream.address() as AddressInfo).port}`]: 1 },
      },
    }),
  );
  if (route.ok !== true) throw new Error(`test route invalid: ${JSON.stringify(route)}`);
  const snapshot = Snapshot.build(new Map([['routes/any', route.value]]), 1, PLUGINS);
  proxy = new UpstreamProxy();
  gateway = createGatewayServer(
    createRequestHandler({ snapshot: () => snapshot, proxy, logger: createLogger('test') }),
  );
  await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', () => r()));
  port = (gateway.address() as AddressInfo).port;
});

afterAll(async () => {
  gateway.closeAllConnections();
  await new Promise<void>((r) => gateway.close(() => r()));
  await proxy.close();
  upstream.closeAllConnections();
  await new Promise<void>((r) => upstream.close(() => r()));
});

it('advertises Keep-Alive: timeout=60 on proxied responses', async () => {
  const connection = new KeepAliveConnection(port);
  try {
    const reply = await connection.request();
    expect(reply).toMatchObject({
      status: 200,
      headers: { connection: 'keep-alive', 'keep-alive': `timeout=${KEEP_ALIVE_MS / 1000}` },
    });
  } finally {
    connection.close();
  }
});

it("closes idle and then busy keep-alive connections on the worker's shutdown", async () => {
  const idle = [new KeepAliveConnection(port), new KeepAliveConnection(port)];
  for (const connection of idle) expect(statusOf(await connection.request())).toBe(200);
  const busy = new KeepAliveConnection(port);
  expect(statusOf(await busy.request())).toBe(200);
  const slow = busy.request(
    `GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Delay-Ms: ${SLOW_MS}\r\n\r\n`,
  );
  // The slow request must be in the gateway before shutdown starts.
  await new Promise((r) => setTimeout(r, SLOW_MS / 3));

  const started = performance.now();
  const closed = new Promise<number>((r) => gateway.close(() => r(performance.now() - started)));
  // As worker.ts does.
  const sweep = setInterval(() => gateway.closeIdleConnections(), 50);
  gateway.closeIdleConnections();
  try {
    const idleEndings = await Promise.all(idle.map((c) => c.ended));
    const idleClosedMs = performance.now() - started;
    expect(idleEndings).toEqual(['end', 'end']);
    expect(idleClosedMs).toBeLessThan(SLOW_MS / 2);
    expect(statusOf(await slow)).toBe(200);
    expect(await busy.ended).toBe('end');
    expect(await closed).toBeLessThan(SLOW_MS + 1000);
  } finally {
    clearInterval(sweep);
  }
});
