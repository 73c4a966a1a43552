/**
 * Issue 9, item 6 (found by the fuzz tier): a request node:http refuses (431 here) on a
 * keep-alive connection whose earlier response is still being written. The Admin API lost the
 * 431 after a refused 6 MiB body: its 400 was out, but ended only once the body was discarded,
 * and the oversized header that followed was parsed meanwhile, so the refusal saw a response in
 * progress and closed the connection without a word. A server built like ours
 * (guardHttpServer, 16 KiB headers), with requests written back to back (pipelined) so the
 * order is deterministic:
 * - the refusal follows a response whose head and body are out but whose end is held back, and
 *   one whose handler has not written anything yet: both answers arrive, in order;
 * - a request whose own body turns out malformed after its response started still just loses
 *   the connection: a second status line would corrupt the first.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardHttpServer, MAX_HEADER_BYTES } from '@tollgate/core';
import { KeepAliveConnection, statusOf, type RawAnswer } from '@tollgate/testkit';

jest.setTimeout(30_000);

const HOLD_MS = 300;
const HEADERS_TOO_LARGE = { error_msg: '431 Request Header Fields Too Large' };

/**
 * `/held`: head and body written at once, the end `HOLD_MS` later. `/slow`: nothing for
 * `HOLD_MS`. `/upload`: head and body at once, the end when the request body ended.
 */
function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const ok = () => res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
  if (req.url === '/held') {
    ok();
    res.write('ok');
    setTimeout(() => res.end(), HOLD_MS);
  } else if (req.url === '/slow') {
    setTimeout(() => {
      ok();
      res.end('ok');
    }, HOLD_MS);
  } else {
    ok();
    res.write('ok');
    req.on('end', () => res.end()).resume();
  }
}

let server: http.Server;
let port: number;

beforeAll(async () => {
  server = guardHttpServer(http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, handler));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const oversized = `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'k'.repeat(MAX_HEADER_BYTES + 1024)}\r\n\r\n`;

it.each(['/held', '/slow'])(
  'answers a 431 after the earlier response to %s, on the same connection',
  async (path) => {
    const connection = new KeepAliveConnection(port);
    try {
      connection.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n${oversized}`);
      expect(await connection.answer()).toMatchObject({ status: 200, body: 'ok' });
      const refusal = await connection.answer();
      expect(refusal).toMatchObject({
        status: 431,
        headers: { 'content-type': 'application/json', connection: 'close' },
      });
      expect(JSON.parse((refusal as RawAnswer).body)).toEqual(HEADERS_TOO_LARGE);
      expect(await connection.ended).toBe('end');
    } finally {
      connection.close();
    }
  },
);

it('answers after every pipelined response before the refused request', async () => {
  const connection = new KeepAliveConnection(port);
  try {
    const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;
    connection.write(`${get('/slow')}${get('/held')}${get('/slow')}${oversized}`);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(statusOf(await connection.answer()));
    expect(statuses).toEqual([200, 200, 200, 431]);
  } finally {
    connection.close();
  }
});

it('closes without a second status line when the body of a request already answered is malformed', async () => {
  const connection = new KeepAliveConnection(port);
  try {
    connection.write(
      'POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n',
    );
    expect(await connection.answer()).toMatchObject({ status: 200, body: 'ok' });
    connection.write('zz\r\n');
    expect(await connection.answer()).toEqual(expect.any(String));
  } finally {
    connection.close();
  }
});
