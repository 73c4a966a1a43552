/**
 * @module http-server/client-error
 * The answer to a request node:http refuses before any handler sees it: a header section over
 * `maxHeaderSize` (431), an oversized chunk extension (413), a request not received in time
 * (408), anything malformed (400). The body is APISIX-style JSON, `{"error_msg": "431 Request
 * Header Fields Too Large"}`, like the gateway's `404 Route Not Found`, where nginx would send an
 * HTML page. Then the connection is closed the lingering way, so that a client still sending
 * reads the status instead of a reset.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { discardInput, type LingerLimits } from './linger';

const STATUS_BY_CODE = new Map([
  ['HPE_HEADER_OVERFLOW', 431],
  ['HPE_CHUNK_EXTENSIONS_OVERFLOW', 413],
  ['ERR_HTTP_REQUEST_TIMEOUT', 408],
]);

/** Sockets already answered: node:http reports its failed parser again for every later chunk. */
const answered = new WeakSet<Duplex>();

function errorResponse(status: number): string {
  const reason = STATUS_CODES[status] ?? 'Bad Request';
  const body = `${JSON.stringify({ error_msg: `${status} ${reason}` })}\n`;
  return (
    `HTTP/1.1 ${status} ${reason}\r\n` +
    'Content-Type: application/json\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Connection: close\r\n\r\n' +
    body
  );
}

/**
 * True when a response on this connection has sent bytes already: another status line would
 * corrupt it (node:http's own default handler checks the same).
 */
function responseStarted(socket: Duplex): boolean {
  const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  return inFlight?.headersSent === true;
}

function destroyWhenFlushed(socket: Duplex): void {
  if (socket.writableFinished) socket.destroy();
  else socket.once('finish', () => socket.destroy());
}

/**
 * A `clientError` listener: answers `err` on `socket` with JSON, half-closes, and discards what
 * the client still sends within `limits` before closing for good.
 */
export function answerClientError(
  err: Error & { code?: string },
  socket: Duplex,
  limits: LingerLimits,
): void {
  if (answered.has(socket)) return;
  answered.add(socket);
  if (err.code === 'ECONNRESET' || !socket.writable || responseStarted(socket)) {
    socket.destroy();
    return;
  }
  socket.end(errorResponse(STATUS_BY_CODE.get(err.code ?? '') ?? 400));
  if (socket.readableEnded) {
    destroyWhenFlushed(socket);
    return;
  }
  discardInput(socket, limits, () => destroyWhenFlushed(socket));
}
