/**
 * Log receivers for the logger plugins' e2e tests, on loopback: an HTTP(S) server that records
 * every POST (and can answer 503, or stall: hold requests unanswered until it recovers), a TCP
 * server that records newline-separated lines per connection, and a UDP socket that records
 * datagrams. Each keeps what it received for the test to assert on.
 */
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** One request the HTTP receiver accepted (answered 200). */
export interface ReceivedPost {
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** `ok`: answer 200; `fail`: answer 503; `stall`: hold requests until the mode changes. */
export type ReceiverMode = 'ok' | 'fail' | 'stall';

export interface HttpLogReceiver {
  readonly port: number;
  readonly url: string;
  /** Requests answered 200, in arrival order. */
  readonly posts: ReceivedPost[];
  /** Requests answered 503 or held while stalled. */
  readonly refused: number;
  mode: ReceiverMode;
  /** The JSON entries of every accepted post: arrays flattened, `new_line` bodies split. */
  entries(): Record<string, unknown>[];
  close(): Promise<void>;
}

/** Largest request body the receiver reads. */
const MAX_BODY = 64 * 1024 * 1024;

function selfSignedCert(): { key: string; cert: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'log-receiver-'));
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
        '/CN=test.invalid',
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

/** Parse an accepted body into entries (a JSON object, a JSON array, or JSON lines). */
export function parseEntries(body: string): Record<string, unknown>[] {
  const trimmed = body.trim();
  if (trimmed === '') return [];
  try {
    const value = JSON.parse(trimmed) as unknown;
    return (Array.isArray(value) ? value : [value]) as Record<string, unknown>[];
  } catch {
    return trimmed.split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

/** Start an HTTP (or, with `tls`, HTTPS with a self-signed certificate) log receiver. */
export async function startHttpLogReceiver(
  options: { tls?: boolean } = {},
): Promise<HttpLogReceiver> {
  const posts: ReceivedPost[] = [];
  let refused = 0;
  let mode: ReceiverMode = 'ok';
  const held: http.ServerResponse[] = [];
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      if (mode === 'stall') {
        refused += 1;
        held.push(res);
        return;
      }
      if (mode === 'fail') {
        refused += 1;
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end('receiver unavailable');
        return;
      }
      posts.push({
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  };
  const server = options.tls
    ? https.createServer(selfSignedCert(), handler)
    : http.createServer(handler);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    posts,
    get refused() {
      return refused;
    },
    get mode() {
      return mode;
    },
    set mode(next: ReceiverMode) {
      mode = next;
      // Requests held while stalled end with a failure: their senders retry them.
      if (next !== 'stall') for (const res of held.splice(0)) res.destroy();
    },
    entries: () => posts.flatMap((p) => parseEntries(p.body)),
    async close() {
      for (const res of held.splice(0)) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface LineReceiver {
  readonly port: number;
  /** Lines received (TCP: split on newlines; UDP: one per datagram). */
  readonly lines: string[];
  close(): Promise<void>;
}

/** A TCP server recording newline-separated lines. */
export async function startTcpLogReceiver(): Promise<LineReceiver> {
  const lines: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    let pending = '';
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => {
      pending += data;
      let nl = pending.indexOf('\n');
      while (nl !== -1) {
        lines.push(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
        nl = pending.indexOf('\n');
      }
      if (pending.length > MAX_BODY) pending = '';
    });
    socket.on('close', () => {
      if (pending !== '') lines.push(pending);
      sockets.delete(socket);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as net.AddressInfo).port,
    lines,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A UDP socket recording each datagram as one line. */
export async function startUdpLogReceiver(): Promise<LineReceiver> {
  const lines: string[] = [];
  const socket = dgram.createSocket('udp4');
  socket.on('message', (msg) => lines.push(msg.toString('utf8')));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return {
    port: socket.address().port,
    lines,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
