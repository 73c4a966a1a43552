/**
 * Issue 9, item 6: the drain after an early answer is bounded. A server with small linger limits
 * (the production ones are 64 MiB, 30 s, 5 s idle) answers 413 without reading the body; clients
 * that keep sending forever, go quiet, or trickle are answered and then cut off at the bound.
 * Also: a request that does not arrive within node's requestTimeout gets a JSON 408.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { guardHttpServer, type LingerLimits } from '@tollgate/core';

jest.setTimeout(30_000);

const LIMITS: LingerLimits = { maxBytes: 2 * 1024 * 1024, maxMs: 1_500, idleMs: 300 };

let server: http.Server;
let port: number;

beforeAll(async () => {
  server = guardHttpServer(
    http.createServer((_req, res) => {
      // As the gateway's ResponseWriter does: the head, with a length, before the body.
      const body = '{"message":"too large"}\n';
      res.writeHead(413, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    }),
    LIMITS,
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

interface Stream {
  /** Everything the server sent. */
  received: string;
  /** Body bytes written before the server closed the connection. */
  sent: number;
  /** Milliseconds from the end of the head to the close. */
  closedAfterMs: number;
}

/**
 * Sends `head`, then `chunkBytes` every `paceMs` (stopping after `stopAfter` bytes) until the
 * server closes the connection; reads all along.
 */
function streamUntilClosed(
  head: string,
  options: { chunkBytes: number; paceMs: number; stopAfter?: number },
): Promise<Stream> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    let sent = 0;
    let closed = false;
    const start = performance.now();
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      resolve({ received, sent, closedAfterMs: performance.now() - start });
    });
    socket.write(head);
    const chunk = Buffer.alloc(options.chunkBytes, 'a');
    void (async () => {
      while (!closed && sent < (options.stopAfter ?? Infinity)) {
        sent += chunk.length;
        if (!socket.write(chunk)) await new Promise((r) => setTimeout(r, 5));
        await delay(options.paceMs);
      }
    })();
  });
}

const postHead = (length: number, extra = '') =>
  `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${length}\r\n${extra}\r\n`;

describe('issue 9 item 6: lingering is bounded', () => {
  it('a client that never stops sending is answered, then cut off after maxBytes', async () => {
    const stream = await streamUntilClosed(postHead(1024 ** 3), {
      chunkBytes: 64 * 1024,
      paceMs: 0,
    });
    expect(stream.received).toMatch(
      /^HTTP\/1\.1 413 [^\r]*\r\n[\s\S]*\r\n\r\n\{"message":"too large"\}\n$/,
    );
    // The bound, plus what socket buffers on both sides hold.
    expect(stream.sent).toBeGreaterThan(LIMITS.maxBytes);
    expect(stream.sent).toBeLessThan(LIMITS.maxBytes + 32 * 1024 * 1024);
  });

  it('a client that goes quiet is cut off after idleMs', async () => {
    const stream = await streamUntilClosed(postHead(10 * 1024 * 1024), {
      chunkBytes: 1024,
      paceMs: 0,
      stopAfter: 1024,
    });
    expect(stream.received).toContain('{"message":"too large"}');
    expect(stream.closedAfterMs).toBeGreaterThanOrEqual(LIMITS.idleMs - 20);
    expect(stream.closedAfterMs).toBeLessThan(LIMITS.maxMs);
  });

  it('a client that trickles is cut off after maxMs', async () => {
    const stream = await streamUntilClosed(postHead(10 * 1024 * 1024), {
      chunkBytes: 1024,
      paceMs: 50,
    });
    expect(stream.received).toContain('{"message":"too large"}');
    expect(stream.closedAfterMs).toBeGreaterThanOrEqual(LIMITS.maxMs - 20);
    expect(stream.closedAfterMs).toBeLessThan(LIMITS.maxMs + 1_000);
  });

  it('after a 431 the rest of the request is discarded within the same bounds', async () => {
    const stream = await streamUntilClosed(
      postHead(1024 ** 3, `x-big: ${'k'.repeat(70_000)}\r\n`),
      {
        chunkBytes: 64 * 1024,
        paceMs: 0,
      },
    );
    expect(stream.received).toMatch(/^HTTP\/1\.1 431 /);
    expect(stream.received).toContain('{"error_msg":"431 Request Header Fields Too Large"}\n');
    expect(stream.sent).toBeLessThan(LIMITS.maxBytes + 32 * 1024 * 1024);
  });

  it('a request that does not arrive in time gets 408 JSON', async () => {
    const slow = guardHttpServer(
      http.createServer({ requestTimeout: 200, connectionsCheckingInterval: 50 }, (_q, r) =>
        r.end(),
      ),
      LIMITS,
    );
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', () => r()));
    try {
      const socket = net.connect((slow.address() as AddressInfo).port, '127.0.0.1');
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
      socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      await new Promise((r) => socket.once('close', r));
      expect(received).toMatch(/^HTTP\/1\.1 408 /);
      expect(received).toContain('\r\n\r\n{"error_msg":"408 Request Timeout"}\n');
    } finally {
      slow.closeAllConnections();
      await new Promise<void>((r) => slow.close(() => r()));
    }
  });
});
