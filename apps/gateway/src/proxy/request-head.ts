/**
 * @module proxy/request-head
 * The request line and headers sent to a node: the client's, minus hop-by-hop headers, with the
 * plugins' `upstreamHeaders` applied, then the headers APISIX's nginx template sets
 * (`apisix/cli/ngx_tpl.lua`, `apisix/init.lua` `set_upstream_headers`).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { ownValue, setOwn, type RequestContext } from '@tollgate/core';
import { varText } from './vars';
import { bracketHost, type ProxyUpstream, SCHEME_PORTS, type UpstreamNode } from './upstream-conf';

/** Headers as undici takes them and node:http gives them, lower-case names. */
export type HeaderMap = Record<string, string | string[]>;

/** RFC 9110 §7.6.1 connection-specific headers, plus proxy-connection. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Copies `headers` without hop-by-hop headers, including those named in `Connection`. Works for
 * request and response headers alike.
 */
export function withoutHopByHop(headers: IncomingHttpHeaders): HeaderMap {
  const named = new Set(HOP_BY_HOP);
  const connection = headers.connection as string | string[] | undefined;
  for (const value of typeof connection === 'string' ? [connection] : (connection ?? [])) {
    for (const token of value.split(',')) named.add(token.trim().toLowerCase());
  }
  const out: HeaderMap = {};
  // Names come from the client or the node: `__proto__` must become a header, not a prototype.
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !named.has(name)) setOwn(out, name, value);
  }
  return out;
}

/**
 * The request target: the client's path and query (or the one a plugin set in
 * `ctx.upstreamUri`), minus `ctx.removedQueryArgs`.
 */
export function upstreamPath(ctx: RequestContext): string {
  const url = ctx.upstreamUri ?? ctx.req.url ?? '/';
  const q = url.indexOf('?');
  if (q === -1 || ctx.removedQueryArgs.size === 0) return url;
  const kept = url
    .slice(q + 1)
    .split('&')
    .filter((pair) => {
      if (pair === '') return false;
      const eq = pair.indexOf('=');
      const rawName = (eq === -1 ? pair : pair.slice(0, eq)).replace(/\+/g, ' ');
      let name = rawName;
      try {
        name = decodeURIComponent(rawName);
      } catch {
        // A malformed escape is kept as written.
      }
      return !ctx.removedQueryArgs.has(name);
    });
  return kept.length > 0 ? `${url.slice(0, q)}?${kept.join('&')}` : url.slice(0, q);
}

/**
 * The Host header: the client's (`pass`), the node's `host[:port]` with the scheme's default port
 * left out (`node`, APISIX `parse_server_for_upstream_host`), or `upstream_host` (`rewrite`).
 * [INFERRED] A `host` set in `ctx.upstreamHeaders` by a plugin wins over all three, as
 * proxy-rewrite's `host` does in APISIX.
 */
export function upstreamHost(
  ctx: RequestContext,
  up: ProxyUpstream,
  node: UpstreamNode,
): string | undefined {
  const override = ctx.upstreamHeaders.get('host');
  if (typeof override === 'string') return override;
  if (up.passHost === 'rewrite' && up.upstreamHost) return up.upstreamHost;
  if (up.passHost === 'node') {
    const host = bracketHost(node.host);
    return ownValue(SCHEME_PORTS, up.scheme) === node.port ? host : `${host}:${node.port}`;
  }
  return ctx.req.headers.host;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * All headers for one attempt. `Expect` is dropped because the proxy, not the node, answers for
 * the request body. X-Forwarded-Proto/Host/Port keep a value the client sent, else take the
 * gateway's scheme, `$host` and port; X-Forwarded-For appends `remote_addr` to the client's list
 * (`$proxy_add_x_forwarded_for`); X-Real-IP is `remote_addr`. This is APISIX's behaviour without
 * `trusted_addresses` configured.
 */
export function upstreamHeaders(
  ctx: RequestContext,
  up: ProxyUpstream,
  node: UpstreamNode,
): HeaderMap {
  const headers = withoutHopByHop(ctx.req.headers);
  delete headers.expect;
  for (const [name, value] of ctx.upstreamHeaders) {
    const lower = name.toLowerCase();
    if (value === null) delete headers[lower];
    else setOwn(headers, lower, value);
  }
  const remoteAddr = varText(ctx, 'remote_addr') ?? '';
  const forwardedFor = first(headers['x-forwarded-for']);
  headers['x-real-ip'] = remoteAddr;
  headers['x-forwarded-for'] = forwardedFor ? `${forwardedFor}, ${remoteAddr}` : remoteAddr;
  headers['x-forwarded-proto'] =
    first(headers['x-forwarded-proto']) || (varText(ctx, 'scheme') ?? 'http');
  headers['x-forwarded-host'] = first(headers['x-forwarded-host']) || (varText(ctx, 'host') ?? '');
  headers['x-forwarded-port'] =
    (first(headers['x-forwarded-port']) || varText(ctx, 'server_port')) ?? '';
  const host = upstreamHost(ctx, up, node);
  if (host) headers.host = host;
  else delete headers.host;
  return headers;
}
