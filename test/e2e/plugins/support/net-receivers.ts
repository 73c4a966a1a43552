/**
 * Receivers for the tcp-logger, udp-logger, syslog, loki-logger and elasticsearch-logger e2e
 * tests, on loopback: a TCP (optionally TLS) server keeping what each connection sent, a UDP
 * socket keeping each datagram, and an HTTP server keeping each request and answering through a
 * handler the test can swap (Loki's push API, Elasticsearch's `GET /` and `_bulk`).
 */
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

/** Bytes a receiver keeps per connection, datagram or request body. */
const MAX_KEPT = 16 * 1024 * 1024;

/** A throwaway self-signed certificate (openssl), for the TLS receivers. */
export function selfSignedCert(): { key: string; cert: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'net-receivers-'));
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=logs.test',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    return { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface TcpReceiver {
  readonly port: number;
  /** What each connection sent, in the order the connections closed. */
  readonly closed: string[];
  /** Connections accepted so far. */
  readonly accepted: number;
  /** The TLS server names (SNI) the clients asked for (TLS receivers only). */
  readonly serverNames: (string | false | null)[];
  /** Everything received so far, over all connections, open ones included. */
  text(): string;
  close(): Promise<void>;
}

/** A TCP server (TLS with `tls`) on 127.0.0.1 that keeps what it receives. */
export async function startTcpReceiver(
  options: { tls?: boolean; port?: number } = {},
): Promise<TcpReceiver> {
  const closed: string[] = [];
  const serverNames: (string | false | null)[] = [];
  const live = new Set<{ data: string }>();
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  let all = '';
  const onSocket = (socket: net.Socket) => {
    accepted += 1;
    sockets.add(socket);
    if (socket instanceof tls.TLSSocket) serverNames.push(socket.servername);
    const conn = { data: '' };
    live.add(conn);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      if (conn.data.length < MAX_KEPT) conn.data += chunk;
      if (all.length < MAX_KEPT) all += chunk;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      sockets.delete(socket);
      live.delete(conn);
      closed.push(conn.data);
    });
  };
  const server = options.tls
    ? tls.createServer(selfSignedCert(), onSocket)
    : net.createServer(onSocket);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    closed,
    serverNames,
    get accepted() {
      return accepted;
    },
    text: () => all,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface UdpReceiver {
  readonly port: number;
  /** Each datagram received, as text, in arrival order. */
  readonly datagrams: string[];
  close(): Promise<void>;
}

/** A UDP socket on 127.0.0.1 that keeps each datagram. */
export async function startUdpReceiver(): Promise<UdpReceiver> {
  const datagrams: string[] = [];
  const socket = dgram.createSocket('udp4');
  socket.on('message', (msg) => {
    if (datagrams.length < 100_000) datagrams.push(msg.toString('utf8'));
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    datagrams,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** One request an HTTP receiver got. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** How the HTTP receiver answers: status, body and optional content type. */
export type HttpAnswer = { status: number; body: string; contentType?: string };

export interface HttpReceiver {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  /** Every request, in arrival order. */
  readonly requests: ReceivedRequest[];
  /** The handler answering each request; swap it to change the answers. */
  handler: (req: ReceivedRequest) => HttpAnswer;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 that keeps every request and answers through `handler`. */
export async function startHttpReceiver(
  handler: (req: ReceivedRequest) => HttpAnswer,
): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const state = { handler };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_KEPT) chunks.push(chunk);
    });
    req.on('end', () => {
      const got: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(got);
      const answer = state.handler(got);
      res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'application/json' });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    base: `http://127.0.0.1:${port}`,
    requests,
    get handler() {
      return state.handler;
    },
    set handler(h) {
      state.handler = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
