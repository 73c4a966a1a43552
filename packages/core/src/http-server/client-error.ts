/**
 * @module http-server/client-error
 * The answer to a request node:http refuses before any handler sees it: a header section over
 * `maxHeaderSize` (431), an oversized chunk extension (413), a request not received in time
 * (408), anything malformed (400). The body is APISIX-style JSON, `{"error_msg": "431 Request
 * Header Fields Too Large"}`, like the gateway's `404 Route Not Found`, where nginx would send an
 * HTML page. Then the connection is closed the lingering way, so that a client still sending
 * reads the status instead of a reset.
 *
 * On a keep-alive connection the refused request may follow others whose responses are still
 * being written: a response ended only once its refused body was discarded (`drainBeforeEnd`),
 * a slow handler, pipelined requests. The error answer waits its turn behind those, as the
 * response to any later request would; written at once it would land inside or before them.
 */
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { discardInput, type LingerLimits } from './linger';

const STATUS_BY_CODE = new Map([
  ['HPE_HEADER_OVERFLOW', 431],
  ['HPE_CHUNK_EXTENSIONS_OVERFLOW', 413],
  ['ERR_HTTP_REQUEST_TIMEOUT', 408],
]);

/** Sockets already answered: node:http reports its failed parser again for every later chunk. */
const answered = new WeakSet<Duplex>();

/**
 * node:http's socket: `_httpMessage` is the response that owns it, set while that response is
 * written and cleared (or handed to the next pipelined response) once it finished.
 */
type HttpSocket = Duplex & { _httpMessage?: ServerResponse | null };

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

function destroyWhenFlushed(socket: Duplex): void {
  if (socket.writableFinished) socket.destroy();
  else socket.once('finish', () => socket.destroy());
}

/**
 * Calls `then` once no response to an earlier request is left to write on `socket`. A response
 * whose request is complete belongs to an earlier request: the parser moved past it to the one
 * that failed. One whose request is still incomplete is the failed request's own (its body was
 * malformed), which nothing can follow. Meanwhile node:http's failed parser discards what
 * arrives, up to `limits.maxBytes`, past which the connection is closed.
 */
function afterEarlierResponses(socket: HttpSocket, limits: LingerLimits, then: () => void): void {
  const inFlight = socket._httpMessage;
  if (!inFlight?.req.complete) {
    then();
    return;
  }
  let bytes = 0;
  const onData = (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > limits.maxBytes) socket.destroy();
  };
  socket.on('data', onData);
  // Registered after node:http's own 'finish' listener, which detaches the socket and hands it
  // to the next pipelined response, if any.
  inFlight.once('finish', () => {
    socket.off('data', onData);
    afterEarlierResponses(socket, limits, then);
  });
}

function answer(err: Error & { code?: string }, socket: HttpSocket, limits: LingerLimits): void {
  // Closed after the earlier responses (one asked for it), or the failed request's own response
  // started already: another status line would corrupt it (node:http's default handler checks
  // the same).
  if (!socket.writable || socket._httpMessage?.headersSent === true) {
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

/**
 * A `clientError` listener: answers `err` on `socket` with JSON once the responses to earlier
 * requests are written, half-closes, and discards what the client still sends within `limits`
 * before closing for good.
 */
export function answerClientError(
  err: Error & { code?: string },
  socket: Duplex,
  limits: LingerLimits,
): void {
  if (answered.has(socket)) return;
  answered.add(socket);
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  afterEarlierResponses(socket, limits, () => answer(err, socket, limits));
}
