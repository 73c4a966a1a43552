/**
 * @module request-headers
 * Headers sent to the LLM (spec §1.8, APISIX 3.17+ `construct_forward_headers`).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { ownValue, setOwn } from '@tollgate/core';

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

/** The two values clients send nearly always, parsed once. */
const USUAL_CONNECTION: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['keep-alive', new Set(['keep-alive'])],
  ['close', new Set(['close'])],
]);

/** The header names a `Connection` value nominates as hop-by-hop, lower-cased. */
function nominatedBy(connection: string): ReadonlySet<string> {
  const usual = USUAL_CONNECTION.get(connection);
  if (usual) return usual;
  return new Set(
    connection
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean),
  );
}

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
 * `changes` are plugin edits of the client's headers, applied before all of the above: a
 * value replaces the client header of that name, `null` removes it.
 *
 * @example
 * buildUpstreamHeaders(req.headers, { Authorization: 'Bearer sk-...' });
 */
export function buildUpstreamHeaders(
  clientHeaders: IncomingHttpHeaders,
  authHeader?: Record<string, string>,
  changes?: ReadonlyMap<string, string | null>,
): Record<string, string> {
  const connection = changes?.has('connection')
    ? changes.get('connection')
    : clientHeaders.connection;
  const nominated = connection == null ? undefined : nominatedBy(connection);
  // Dropped names are never added (rather than deleted at the end: a `delete` turns the object
  // into a slow dictionary for everything that reads it after, undici included).
  const sent = (key: string) => !DROPPED.has(key) && !nominated?.has(key);
  const out: Record<string, string> = {};
  for (const name of Object.keys(clientHeaders)) {
    if (changes?.has(name)) continue;
    // eslint-disable-next-line tollgate/own-keys-only -- own keys, from Object.keys
    const value = clientHeaders[name];
    if (value === undefined) continue;
    const key = name.toLowerCase();
    if (sent(key)) setOwn(out, key, Array.isArray(value) ? value.join(', ') : value);
  }
  if (changes) {
    for (const [name, value] of changes) {
      const key = name.toLowerCase();
      if (value !== null && sent(key)) setOwn(out, key, value);
    }
  }
  if (authHeader) {
    for (const name of Object.keys(authHeader)) {
      const key = name.toLowerCase();
      if (!DROPPED.has(key)) setOwn(out, key, ownValue(authHeader, name));
    }
  }
  out['content-type'] = 'application/json';
  return out;
}
