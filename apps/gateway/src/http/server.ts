/**
 * @module http/server
 * The data plane's HTTP listener: node:http with a 16 KiB header limit (431 past it), nginx's
 * keep-alive timeout, and the refusal behaviour every server of ours has (`guardHttpServer`):
 * JSON bodies for requests node:http cannot parse, and no connection reset under a client still
 * sending when we answer before reading its whole body.
 */
import http from 'node:http';
import { guardHttpServer, MAX_HEADER_BYTES } from '@tollgate/core';

/** Idle keep-alive connections are kept as long as nginx's default keepalive_timeout. */
export const KEEP_ALIVE_MS = 60_000;

/** A listener for `handler`, not yet listening. */
export function createGatewayServer(handler: http.RequestListener): http.Server {
  const server = guardHttpServer(http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, handler));
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  return server;
}
