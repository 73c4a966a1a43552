/**
 * @module stream-servers
 * L4 stand-ins for stream proxy tests and benches: a TCP echo (optionally greeting first, so a
 * test sees which backend it reached), a TCP byte counter that answers only after the client's
 * FIN (half-close), a UDP echo, a TLS backend that names itself, and clients that collect what
 * comes back. Loopback only; every wait is bounded.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';

export interface StreamServer {
  port: number;
  /** Connections (TCP) or datagrams (UDP) seen so far. */
  readonly hits: number;
  close(): Promise<void>;
}

function listening(server: net.Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

function tcpServer(server: net.Server, counter: { hits: number }, port: number): StreamServer {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s) => {
    counter.hits++;
    sockets.add(s);
    s.on('error', () => s.destroy());
    s.once('close', () => sockets.delete(s));
  });
  return {
    port,
    get hits() {
      return counter.hits;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Echoes every byte back (with back-pressure), after a `<banner>\n` greeting when given. */
export async function startTcpEcho(banner?: string): Promise<StreamServer> {
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    if (banner !== undefined) socket.write(`${banner}\n`);
    socket.pipe(socket);
  });
  const counter = { hits: 0 };
  const result = tcpServer(server, counter, 0);
  result.port = await listening(server);
  return result;
}

/** Counts what the client sends and answers `<count>\n` once the client has half-closed. */
export async function startTcpCounter(): Promise<StreamServer> {
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    let count = 0;
    socket.on('data', (chunk: Buffer) => (count += chunk.length));
    socket.once('end', () => socket.end(`${count}\n`));
  });
  const counter = { hits: 0 };
  const result = tcpServer(server, counter, 0);
  result.port = await listening(server);
  return result;
}

/** A TLS server with `pair` that writes `<banner>\n` and closes. */
export async function startTlsBackend(
  pair: { cert: string; key: string },
  banner: string,
): Promise<StreamServer> {
  const server = tls.createServer({ cert: pair.cert, key: pair.key }, (socket) => {
    socket.end(`${banner}\n`);
  });
  const counter = { hits: 0 };
  server.on('secureConnection', () => counter.hits++);
  const port = await listening(server);
  return {
    port,
    get hits() {
      return counter.hits;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Answers every datagram with `<prefix><datagram>`. */
export async function startUdpEcho(prefix: string): Promise<StreamServer> {
  const socket = dgram.createSocket('udp4');
  let hits = 0;
  socket.on('message', (msg, rinfo) => {
    hits++;
    socket.send(Buffer.concat([Buffer.from(prefix), msg]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return {
    port: socket.address().port,
    get hits() {
      return hits;
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

export interface TcpExchangeOptions {
  /** Local address to connect from (any 127.0.0.0/8 address). */
  localAddress?: string;
  /** Bytes to send once connected. */
  send?: Buffer | string;
  /** Half-close after sending (default true). */
  end?: boolean;
  /** Resolve once this many bytes came back (default: when the server closes). */
  bytes?: number;
  timeoutMs?: number;
}

/**
 * Connects, sends, and resolves everything received until the server closes (or `bytes`
 * arrived). A connection the other side resets or closes resolves what came before.
 */
export function tcpExchange(port: number, options: TcpExchangeOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({
      host: '127.0.0.1',
      port,
      localAddress: options.localAddress,
      allowHalfOpen: true,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`tcp exchange on ${port} timed out`));
    }, options.timeoutMs ?? 10_000);
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks, size));
    };
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (options.bytes !== undefined && size >= options.bytes) finish();
    });
    socket.on('error', finish);
    socket.on('close', finish);
    socket.on('end', () => socket.end());
    socket.once('connect', () => {
      if (options.send !== undefined) socket.write(options.send);
      if (options.end ?? true) socket.end();
    });
  });
}

/** Sends `message` from a fresh UDP socket and resolves the first reply, or undefined. */
export function udpExchange(
  port: number,
  message: string,
  timeoutMs = 2_000,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      resolve(undefined);
    }, timeoutMs);
    socket.once('message', (reply) => {
      clearTimeout(timer);
      socket.close();
      resolve(reply.toString());
    });
    socket.send(message, port, '127.0.0.1');
  });
}
