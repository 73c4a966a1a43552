/**
 * @module http/server
 * The data plane's HTTP listener: node:http with a 16 KiB header limit (431 past it), nginx's
 * keep-alive timeout (advertised; closed only after a grace, `manageKeepAlive`), and the refusal
 * behaviour every server of ours has (`guardHttpServer`): JSON bodies for requests node:http
 * cannot parse, and no connection reset under a client still sending when we answer before
 * reading its whole body.
 */
import http from 'node:http';
import { guardHttpServer, manageKeepAlive, MAX_HEADER_BYTES } from '@tollgate/core';

/** Idle keep-alive time advertised to clients: nginx's default keepalive_timeout. */
export const KEEP_ALIVE_MS = 60_000;

/**
 * How much longer an idle connection is kept than advertised, so that a client reusing it at
 * about the advertised time never races the close (Node 24's `keepAliveTimeoutBuffer`, wider).
 */
export const KEEP_ALIVE_GRACE_MS = 5_000;

/** A listener for `handler`, not yet listening. */
export function createGatewayServer(handler: http.RequestListener): http.Server {
  const server = guardHttpServer(http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, handler));
  return manageKeepAlive(server, { advertisedMs: KEEP_ALIVE_MS, graceMs: KEEP_ALIVE_GRACE_MS });
}
