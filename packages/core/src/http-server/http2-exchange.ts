/**
 * @module http-server/http2-exchange
 * An HTTP/2 request (node:http2's compatibility API) made to look, to the gateway's pipeline,
 * like the HTTP/1.1 one it is written against:
 * - `req.headers` and `req.rawHeaders` without pseudo-headers, so nothing copies `:path` or
 *   `:authority` upstream, and with `host` taken from `:authority` when the client sent no Host
 *   (RFC 9113 §8.3.1), so `$host`, `$http_host`, route `host` matching and SNI checks read it;
 * - connection-specific response headers (`connection`, `keep-alive`, `transfer-encoding`,
 *   `upgrade`, `proxy-connection`; RFC 9113 §8.2.2) dropped, whoever sets them (an upstream's
 *   response copied through, the gateway's own `Connection: close`): node:http2 throws
 *   ERR_HTTP2_INVALID_CONNECTION_HEADERS on them;
 * - `res.destroyed` and `res.writableFinished` read from the stream, so a client that resets the
 *   stream counts as gone, as a closed connection does on HTTP/1.1 (the compat response has no
 *   `destroyed`, and its `writableFinished` is true once the stream closed, however it closed).
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { setOwn } from '../json';

/** Response headers HTTP/2 forbids (RFC 9113 §8.2.2), lower-case. */
const HTTP2_CONNECTION_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
]);

type HeaderValue = string | string[] | number | undefined;

/** Whether `name` (any case) may not be sent in an HTTP/2 response. */
export function isConnectionHeader(name: string): boolean {
  return HTTP2_CONNECTION_HEADERS.has(name.toLowerCase());
}

/**
 * A copy of `headers` without the connection-specific ones, names kept as given.
 *
 * @example
 * stripConnectionHeaders({ Connection: 'close', 'content-type': 'text/plain' });
 * // { 'content-type': 'text/plain' }
 */
export function stripConnectionHeaders<T extends Record<string, HeaderValue>>(headers: T): T {
  const out: Record<string, HeaderValue> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!isConnectionHeader(name)) setOwn(out, name, value);
  }
  return out as T;
}

/** The request headers an HTTP/1.1 request would carry: no pseudo-headers, `host` filled in. */
function requestView(req: Http2ServerRequest): {
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
} {
  const headers: IncomingMessage['headers'] = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!name.startsWith(':')) setOwn(headers, name, value);
  }
  const rawHeaders: string[] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? '';
    if (!name.startsWith(':')) rawHeaders.push(name, raw[i + 1] ?? '');
  }
  const authority = req.headers[':authority'];
  if (headers.host === undefined && typeof authority === 'string') {
    headers.host = authority;
    rawHeaders.unshift('host', authority);
  }
  return { headers, rawHeaders };
}

/**
 * Adapts one HTTP/2 exchange in place (see the module comment) and returns it typed as the
 * node:http pair the request handlers take.
 *
 * @example
 * server.on('request', (req, res) => {
 *   if (req.httpVersionMajor === 2) handler(...adaptHttp2Exchange(req, res));
 * });
 */
export function adaptHttp2Exchange(
  req: Http2ServerRequest,
  res: Http2ServerResponse,
): [IncomingMessage, ServerResponse] {
  const { headers, rawHeaders } = requestView(req);
  // Own properties shadow the prototype's getters; `req.url`/`req.method` still read the
  // pseudo-headers, which node:http2 keeps apart.
  Object.defineProperty(req, 'headers', { value: headers, writable: true, configurable: true });
  Object.defineProperty(req, 'rawHeaders', {
    value: rawHeaders,
    writable: true,
    configurable: true,
  });
  Object.defineProperty(res, 'destroyed', { get: () => res.stream.destroyed, configurable: true });
  // The stream's own `writableFinished` is true after a reset too; `aborted` tells them apart.
  Object.defineProperty(res, 'writableFinished', {
    get: () => res.stream.writableFinished && !res.stream.aborted,
    configurable: true,
  });
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name: string, value: number | string | readonly string[]) => {
    if (!isConnectionHeader(name)) setHeader(name, value);
    return res;
  };
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => Http2ServerResponse;
  res.writeHead = (status: number, ...rest: unknown[]) => {
    const args = rest.map((arg) =>
      arg !== null && typeof arg === 'object' && !Array.isArray(arg)
        ? stripConnectionHeaders(arg as OutgoingHttpHeaders)
        : arg,
    );
    return writeHead(status, ...args);
  };
  return [req as unknown as IncomingMessage, res as unknown as ServerResponse];
}
