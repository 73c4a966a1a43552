/**
 * @module http-server/keep-alive
 * Closing idle keep-alive connections without losing a request that is already on its way
 * (issue 9, item 9: a few "socket hang up" around etcd events).
 *
 * node:http closes a connection from a socket timer `keepAliveTimeout` (+ 1 s in Node 20) after
 * its last response, with `destroy()`. Two races lose a request there:
 * - A client that ignores the advertised `Keep-Alive: timeout=N` (node:http's Agent without a
 *   `timeout` keeps idle sockets forever) may send its next request just as the server closes.
 * - In an event-loop iteration timers run before the poll phase. When the loop was busy across
 *   the deadline (a config snapshot rebuilt after etcd came back, a burst of logs), a request
 *   that reached the kernel meanwhile is never read: the timer destroys the socket with the
 *   request unread, the kernel answers with a reset, and the client sees "socket hang up". The
 *   window is as long as the block, not a network round trip.
 *
 * So the server keeps advertising N seconds, which clients that honour the hint (undici,
 * browsers, nginx) close before, but closes only after N plus a grace. And it decides the close
 * in the check phase (`setImmediate`), after the poll phase has read whatever arrived: a
 * connection that started a request or received any byte since it went idle stays open. An
 * idle connection is closed with a FIN.
 *
 * Slow or stalled requests are still ended by node:http's `headersTimeout` and
 * `requestTimeout`, which do not depend on `keepAliveTimeout`; `closeIdleConnections()` still
 * closes idle connections, as node:http judges idleness from its parser.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Http2SecureServer } from 'node:http2';
import type { Socket } from 'node:net';

/** How long idle keep-alive connections are kept. */
export interface KeepAliveOptions {
  /** Idle time announced in `Keep-Alive: timeout=<seconds>` (whole seconds, at least 1 s). */
  advertisedMs: number;
  /** Idle time kept beyond the advertised one before the connection is closed. */
  graceMs: number;
}

/** Keep-alive state of one connection, created at its first request. */
interface Connection {
  readonly socket: Socket;
  readonly idleMs: number;
  /** Requests started whose response has not finished. */
  inFlight: number;
  /** `socket.bytesRead` when the connection was last seen idle. */
  bytesAtIdle: number;
  timer: NodeJS.Timeout | undefined;
}

const kConnection = Symbol('tollgate.keepAlive.connection');

type TrackedSocket = Socket & { [kConnection]?: Connection };

function onSocketClose(this: TrackedSocket): void {
  clearTimeout(this[kConnection]?.timer);
}

function track(socket: TrackedSocket, idleMs: number): Connection {
  const connection: Connection = { socket, idleMs, inFlight: 0, bytesAtIdle: 0, timer: undefined };
  socket[kConnection] = connection;
  socket.once('close', onSocketClose);
  return connection;
}

function closeIfIdle(connection: Connection): void {
  const { socket } = connection;
  if (connection.inFlight > 0 || socket.destroyed) return;
  if (socket.bytesRead !== connection.bytesAtIdle) {
    // Part of a request arrived; headersTimeout bounds how long it may take.
    goIdle(connection);
    return;
  }
  socket.destroySoon();
}

function onIdleTimeout(connection: Connection): void {
  // Bytes that arrived while the loop was busy are read in this iteration's poll phase, which
  // runs after the timers and before the immediates.
  if (connection.inFlight === 0) setImmediate(closeIfIdle, connection);
}

function goIdle(connection: Connection): void {
  connection.bytesAtIdle = connection.socket.bytesRead;
  if (connection.timer) connection.timer.refresh();
  else connection.timer = setTimeout(onIdleTimeout, connection.idleMs, connection).unref();
}

function onResponseFinish(this: ServerResponse): void {
  const connection = (this.req.socket as TrackedSocket)[kConnection];
  if (connection !== undefined && --connection.inFlight === 0) goIdle(connection);
}

/**
 * Replaces node:http's keep-alive timeout on `server`: responses that keep the connection
 * advertise `Keep-Alive: timeout=<advertisedMs / 1000>`, and a connection is closed once it was
 * idle for `advertisedMs + graceMs` with no request started and no byte received meanwhile.
 * For servers that do not accept upgrades (node:http destroys those sockets). On an HTTP/2
 * server with `allowHTTP1`, only its HTTP/1 connections are handled here.
 *
 * @example
 * const server = manageKeepAlive(guardHttpServer(http.createServer(handler)), {
 *   advertisedMs: 60_000,
 *   graceMs: 5_000,
 * });
 */
export function manageKeepAlive<S extends Server | Http2SecureServer>(
  server: S,
  options: KeepAliveOptions,
): S {
  const { advertisedMs, graceMs } = options;
  if (!Number.isInteger(advertisedMs) || advertisedMs < 1000 || advertisedMs % 1000 !== 0) {
    throw new RangeError(
      `advertisedMs must be whole seconds of at least 1000, got ${advertisedMs}`,
    );
  }
  if (!Number.isInteger(graceMs) || graceMs < 0) {
    throw new RangeError(`graceMs must be a non-negative integer, got ${graceMs}`);
  }
  const idleMs = advertisedMs + graceMs;
  // Turns off node:http's idle timer and its own Keep-Alive header.
  // (node:http2 with `allowHTTP1` reads it from the server for its HTTP/1 connections too.)
  (server as { keepAliveTimeout?: number }).keepAliveTimeout = 0;
  // First, so the header is set before any handler writes the head.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    // An HTTP/2 session multiplexes its requests; its idle time is the listener's to bound.
    if (req.httpVersionMajor >= 2) return;
    const socket = req.socket as TrackedSocket;
    const connection = socket[kConnection] ?? track(socket, idleMs);
    connection.inFlight++;
    // node:http writes `Keep-Alive: timeout=<s>` itself, from the response's copy of the
    // server's keepAliveTimeout (zeroed above), whenever the response keeps the connection.
    // Set on the response it brings the header back without the timer, and without setHeader:
    // a header set before writeHead(status, headers) sends every other one through setHeader
    // too, twice the header work per response (issue 14).
    (res as ServerResponse & { _keepAliveTimeout: number })._keepAliveTimeout = advertisedMs;
    res.on('finish', onResponseFinish);
  });
  return server;
}
