/**
 * @module http-server/early-answer
 * A response that ends before its request body has arrived: a 413 for a body over the limit, a
 * 400 for a body that cannot be valid, a 401 sent without reading the body. node:http would
 * close the connection at once if the response asks for it (`Connection: close` from either
 * side), which resets it under a client still uploading; and a reader that stopped at its size
 * limit leaves the rest of the body unread, the connection stuck until the keep-alive timeout.
 *
 * Instead, the response is written in full (status, headers with a Content-Length, body) as soon
 * as it is ready, and only ended once the rest of the body was read and discarded (bounded, see
 * {@link discardInput}), like nginx's `ngx_http_discard_request_body`. A body discarded to its end
 * leaves the connection usable for the next request; past the bounds the connection is closed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { discardInput, type LingerLimits } from './linger';

type Chunk = string | Uint8Array;

function hasBody(req: IncomingMessage): boolean {
  return (
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length']) > 0
  );
}

/**
 * Makes `res.end` wait, when the request body is still arriving, until it was discarded or a
 * bound of `limits` was reached. Call it before the request handler runs.
 */
export function drainBeforeEnd(
  req: IncomingMessage,
  res: ServerResponse,
  limits: LingerLimits,
): void {
  if (!hasBody(req)) return;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  let draining = false;
  res.end = (...args: unknown[]): ServerResponse => {
    // A second end() while draining would write the body twice.
    if (draining) return res;
    if (req.complete || req.destroyed || res.writableEnded) return end(...args);
    draining = true;
    const callback = typeof args.at(-1) === 'function' ? args.pop() : undefined;
    const chunk = args[0] as Chunk | null | undefined;
    const encoding = typeof args[1] === 'string' ? (args[1] as BufferEncoding) : 'utf8';
    const framed = res.hasHeader('content-length') || res.hasHeader('transfer-encoding');
    if (!res.headersSent && !framed) {
      // Without a length the client could not tell the answer is complete before the end.
      res.setHeader('content-length', chunk == null ? 0 : Buffer.byteLength(chunk, encoding));
    }
    if (chunk == null) res.flushHeaders();
    else res.write(chunk, encoding);
    // Whoever read the body has given up on it: a reader stopped at its size limit would
    // otherwise pause the stream again at every chunk.
    req.removeAllListeners('data');
    discardInput(req, limits, (why) => {
      end(...(callback ? [callback] : []));
      // Past the bounds the rest of the body is still coming: the connection cannot carry
      // another request.
      if (why !== 'ended') req.socket.destroy();
    });
    return res;
  };
}
