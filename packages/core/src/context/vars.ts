/**
 * @module context/vars
 * APISIX's request variables (`uri`, `host`, `arg_x`, `http_x`, `cookie_x`, `remote_addr`,
 * `route_id`, `consumer_name`, ...), computed lazily per request. Used by `vars` route conditions,
 * `_meta.filter`, chash keys, rate-limit templates and the access log.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { ownValue } from '../json';

/** Values plugins and the runtime set during a request (`route_id`, `consumer_name`, `llm_model`, ...). */
export type VarValue = string | number | boolean | undefined;

function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
  }
  return cookies;
}

/** The variables of one request. `set` stores runtime values; `get` resolves any APISIX name. */
export class RequestVars {
  private readonly values = new Map<string, VarValue>();
  private query: URLSearchParams | undefined;
  private cookies: Map<string, string> | undefined;
  private host: string | undefined;

  constructor(
    private readonly req: IncomingMessage,
    /** Path without the query string. */
    readonly uri: string,
    readonly queryString: string,
  ) {}

  /** Set a runtime variable (overrides a computed one of the same name). */
  set(name: string, value: VarValue): void {
    this.values.set(name, value);
  }

  /** Resolve a variable by its APISIX name; undefined when absent. */
  get(name: string): unknown {
    const value = this.values.get(name);
    if (value !== undefined || this.values.has(name)) return value;
    const req = this.req;
    switch (name) {
      case 'uri':
        return this.uri;
      case 'request_uri':
        return req.url;
      case 'query_string':
      case 'args':
        return this.queryString;
      case 'host':
        // Read by the router and the access log of every request: computed once.
        this.host ??= (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
        return this.host;
      case 'request_method':
        return req.method;
      case 'remote_addr':
        return normaliseAddress(req.socket.remoteAddress);
      case 'remote_port':
        return req.socket.remotePort;
      case 'server_addr':
        return normaliseAddress(req.socket.localAddress);
      case 'server_port':
        return req.socket.localPort;
      case 'scheme':
        return (req.socket as TLSSocket).encrypted === true ? 'https' : 'http';
      case 'ssl_server_name': {
        // nginx's $ssl_server_name: the SNI the client sent, empty without TLS or SNI.
        const name = (req.socket as TLSSocket).servername;
        return typeof name === 'string' ? name : undefined;
      }
      case 'server_protocol':
        return `HTTP/${req.httpVersion}`;
      case 'request_length':
        return Number(req.headers['content-length'] ?? 0);
    }
    if (name.startsWith('arg_')) {
      this.query ??= new URLSearchParams(this.queryString);
      return this.query.get(name.slice(4)) ?? undefined;
    }
    if (name.startsWith('http_')) {
      const header = ownValue(req.headers, name.slice(5).replace(/_/g, '-'));
      return Array.isArray(header) ? header.join(', ') : header;
    }
    if (name.startsWith('cookie_')) {
      this.cookies ??= parseCookies(req.headers.cookie);
      return this.cookies.get(name.slice(7));
    }
    return undefined;
  }

  /** A lookup function for expressions. */
  readonly lookup = (name: string): unknown => this.get(name);
}

/** `::ffff:1.2.3.4` → `1.2.3.4`, as nginx's `$remote_addr` shows IPv4 clients. */
export function normaliseAddress(address: string | undefined): string {
  if (!address) return '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
