/**
 * @module request-headers
 * Headers sent to the LLM (spec §1.8, APISIX 3.17+ `construct_forward_headers`).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { setOwn } from '@tollgate/core';

/** Never forwarded: connection-level headers and the ones the transport sets itself. */
const DROPPED: ReadonlySet<string> = new Set([
  'host',
  'content-length',
  'accept-encoding',
  // Hop-by-hop (RFC 9110 §7.6.1): they describe the client connection, not the upstream one.
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  // The upstream body is sent whole; undici refuses `expect` anyway.
  'expect',
]);

/**
 * Build the upstream request headers:
 * 1. every client header, names lower-cased (multi-valued headers joined with `, `), except the
 *    ones the client's `Connection` header names as hop-by-hop;
 * 2. `auth.header` entries overlaid (lower-cased; they win, so a client `Authorization` is
 *    forwarded only when `auth.header` does not set one);
 * 3. `content-type: application/json` forced;
 * 4. `host`, `content-length`, `accept-encoding` and hop-by-hop headers (`connection`,
 *    `keep-alive`, `proxy-connection`, `transfer-encoding`, `te`, `trailer`, `upgrade`) plus
 *    `expect` dropped.
 * The transport sets `host` (target host) and `content-length` (upstream body) itself.
 *
 * @example
 * buildUpstreamHeaders(req.headers, { Authorization: 'Bearer sk-...' });
 */
export function buildUpstreamHeaders(
  clientHeaders: IncomingHttpHeaders,
  authHeader?: Record<string, string>,
): Record<string, string> {
  const nominated = new Set(
    String(clientHeaders.connection ?? '')
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(clientHeaders)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    if (!nominated.has(key)) setOwn(out, key, Array.isArray(value) ? value.join(', ') : value);
  }
  for (const [name, value] of Object.entries(authHeader ?? {}))
    setOwn(out, name.toLowerCase(), value);
  out['content-type'] = 'application/json';
  for (const key of DROPPED) delete out[key];
  return out;
}
