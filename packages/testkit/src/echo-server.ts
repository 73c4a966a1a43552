/**
 * @module echo-server
 * An upstream for gateway tests that answers every request with a JSON description of what it
 * received (method, url, headers, body) and its own name, and counts requests.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Echo {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  upstream: string;
}

export interface EchoServer {
  readonly port: number;
  readonly name: string;
  /** Requests answered so far. */
  readonly count: number;
  close(): Promise<void>;
}

/** Start an echo upstream on 127.0.0.1 (a free port unless `port` is given). */
export async function startEchoServer(name = 'echo', port = 0): Promise<EchoServer> {
  let count = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      count++;
      const echo: Echo = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        upstream: name,
      };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(echo));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    name,
    get count() {
      return count;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
