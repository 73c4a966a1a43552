import http from 'node:http';
import net from 'node:net';
import { manageKeepAlive } from './keep-alive';

/** The raw response head to `request` sent on a new connection to `server`. */
async function rawHead(server: http.Server, request: string): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  try {
    return await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const end = text.indexOf('\r\n\r\n');
        if (end === -1) return;
        socket.destroy();
        resolve(text.slice(0, end));
      });
      socket.on('error', reject);
    });
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('manageKeepAlive', () => {
  it("turns node:http's own keep-alive timer off", () => {
    const server = manageKeepAlive(http.createServer(), { advertisedMs: 60_000, graceMs: 5_000 });
    expect(server.keepAliveTimeout).toBe(0);
  });

  it('advertises Keep-Alive: timeout=N on a response that keeps the connection, with no header set before the head', async () => {
    const setBeforeHead: string[][] = [];
    const server = manageKeepAlive(
      http.createServer((_req, res) => {
        setBeforeHead.push(res.getHeaderNames());
        res.writeHead(200, { 'content-length': 2 }).end('ok');
      }),
      { advertisedMs: 7_000, graceMs: 0 },
    );
    const head = await rawHead(server, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(head.split('\r\n')).toEqual(
      expect.arrayContaining(['Connection: keep-alive', 'Keep-Alive: timeout=7']),
    );
    // writeHead(status, headers) then takes the headers as given (node:http's fast path).
    expect(setBeforeHead).toEqual([[]]);
  });

  it('sends no Keep-Alive header on a response that closes the connection', async () => {
    const server = manageKeepAlive(
      http.createServer((_req, res) => res.writeHead(200, { 'content-length': 0 }).end()),
      { advertisedMs: 7_000, graceMs: 0 },
    );
    const head = await rawHead(server, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(head).toContain('Connection: close');
    expect(head).not.toMatch(/keep-alive:/i);
  });

  it.each([
    [{ advertisedMs: 500, graceMs: 0 }, /advertisedMs/],
    [{ advertisedMs: 1500, graceMs: 0 }, /advertisedMs/],
    [{ advertisedMs: 1000, graceMs: -1 }, /graceMs/],
    [{ advertisedMs: 1000, graceMs: 0.5 }, /graceMs/],
  ])('refuses %j', (options, message) => {
    expect(() => manageKeepAlive(http.createServer(), options)).toThrow(message);
  });
});
