import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ResponseWriter } from './response-writer';

/** One request to a loopback server whose handler gets a ResponseWriter; resolves the body size. */
async function exchange(handle: (writer: ResponseWriter) => Promise<void>): Promise<number> {
  const server = http.createServer((_req, res) => {
    void handle(new ResponseWriter(res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise<number>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/' }, (res) => {
          let size = 0;
          res.on('data', (b: Buffer) => (size += b.length));
          res.on('end', () => resolve(size));
        })
        .on('error', reject);
    });
  } finally {
    server.close();
  }
}

describe('ResponseWriter.write', () => {
  it('takes a chunk the socket accepts without a promise, and gives one while it is behind', async () => {
    const results: string[] = [];
    const big = Buffer.alloc(4 * 1024 * 1024, 'x');
    const size = await exchange(async (writer) => {
      writer.begin(200, { 'content-type': 'text/plain' });
      results.push(writer.write(Buffer.from('small')) === undefined ? 'sync' : 'promise');
      const behind = writer.write(big);
      results.push(behind instanceof Promise ? 'promise' : 'sync');
      await behind;
      writer.end();
    });
    expect(results).toEqual(['sync', 'promise']);
    expect(size).toBe(5 + big.length);
  });
});

describe('ResponseWriter.hold', () => {
  it('filters and counts a body now, and sends it only with the end', async () => {
    let endedAt = 0;
    let countedBeforeEnd = -1;
    const server = http.createServer((_req, res) => {
      const writer = new ResponseWriter(res);
      writer.filters = {
        head: () => undefined,
        chunk: (c) => Buffer.from(c.toString().toUpperCase()),
      };
      writer.begin(200, { 'content-length': 5 });
      writer.hold(Buffer.from('hello'));
      countedBeforeEnd = writer.bytesSent;
      setTimeout(() => {
        endedAt = performance.now();
        writer.end();
      }, 50);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const got = await new Promise<{ body: string; firstByteAt: number }>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port, path: '/' }, (res) => {
            let body = '';
            let firstByteAt = 0;
            res.on('data', (b: Buffer) => {
              firstByteAt ||= performance.now();
              body += b.toString();
            });
            res.on('end', () => resolve({ body, firstByteAt }));
          })
          .on('error', reject);
      });
      expect(countedBeforeEnd).toBe(5);
      expect(got.body).toBe('HELLO');
      expect(got.firstByteAt).toBeGreaterThanOrEqual(endedAt);
    } finally {
      server.close();
    }
  });
});
