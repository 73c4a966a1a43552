/**
 * @module http-server
 * What every node:http server of ours (the gateway's listeners, the Admin API) does with
 * requests it refuses: an APISIX-style JSON error instead of node's bare status line, and no
 * connection reset under a client that is still sending (issue 9).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Http2SecureServer } from 'node:http2';
import type { Duplex } from 'node:stream';
import { answerClientError } from './client-error';
import { drainBeforeEnd } from './early-answer';
import { DEFAULT_LINGER_LIMITS, type LingerLimits } from './linger';

export { DEFAULT_LINGER_LIMITS, discardInput, type LingerEnd, type LingerLimits } from './linger';
export { manageKeepAlive, type KeepAliveOptions } from './keep-alive';
export { adaptHttp2Exchange } from './http2-exchange';

/**
 * Header bytes (request line and headers) a request may carry before it is refused with 431;
 * nginx's `large_client_header_buffers` default is of the same order (4 × 8k).
 */
export const MAX_HEADER_BYTES = 16 * 1024;

/**
 * Installs the refusal behaviour on `server`: JSON answers for requests node:http cannot parse,
 * and a bounded drain of the body of requests answered before their body arrived.
 *
 * @example
 * const server = guardHttpServer(http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, handler));
 */
export function guardHttpServer<S extends Server | Http2SecureServer>(
  server: S,
  limits: LingerLimits = DEFAULT_LINGER_LIMITS,
): S {
  server.on('clientError', (err: Error, socket: Duplex) => answerClientError(err, socket, limits));
  // First, so the response is prepared before any handler can end it.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) =>
    drainBeforeEnd(req, res, limits),
  );
  return server;
}
