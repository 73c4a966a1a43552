/**
 * @module router/types
 * Shapes shared by the route matcher: what a route contributes to matching, what a request
 * offers, and what a match returns. Field names follow APISIX's route object (snake_case).
 */
import { type VarLookup } from '../expr';

/** The matching-relevant part of an APISIX route, plus the payload returned on a match. */
export interface RouteInput<T = unknown> {
  id: string;
  /** Exact path, or a prefix when it ends with `*` (`/foo/*`, `/blog/bar*`). */
  uri?: string;
  /** Several patterns for the same route; wins over `uri`, as in APISIX. */
  uris?: string[];
  /** Exact host or wildcard (`*.foo.com`, `*`); case-insensitive. */
  host?: string;
  /** Wins over `host`, as in APISIX. */
  hosts?: string[];
  /** Upper-case HTTP methods; absent or empty means any method. */
  methods?: string[];
  /** IPv4/IPv6 address or CIDR. */
  remote_addr?: string;
  /** Wins over `remote_addr`, as in APISIX. */
  remote_addrs?: string[];
  /** lua-resty-expr expression, evaluated against `MatchRequest.vars`. */
  vars?: unknown;
  /** Higher is tried first among routes sharing a URI pattern; default 0. */
  priority?: number;
  /** `0` disables the route (never matched); anything else, or absent, is enabled. */
  status?: number;
  /** Returned untouched on a match. */
  data: T;
}

/** What the matcher needs from an incoming request. */
export interface MatchRequest {
  method: string;
  /** Request host without port, any case. */
  host: string;
  /** Request path without the query string. */
  path: string;
  remoteAddr: string;
  /** Variable lookup for `vars` expressions (`arg_x`, `http_x`, `cookie_x`, ...). */
  vars: VarLookup;
}

/** A successful match. */
export interface RouteMatch<T> {
  route: RouteInput<T>;
  /** The URI pattern that matched, as configured (APISIX `matched._path`). */
  matchedUri: string;
  /** The host pattern that matched (`a.foo.com`, `*.foo.com`), lower-cased; absent for host-less routes. */
  matchedHost?: string;
  /** Captures of `:name` / `*name` segments; absent when the pattern has none. */
  params?: Record<string, string>;
}

/** A compiled, immutable route table. Build once per config change; `match` is synchronous and pure. */
export interface Router<T> {
  match(req: MatchRequest): RouteMatch<T> | undefined;
  /** Number of routes indexed (disabled and rejected routes excluded). */
  readonly size: number;
}

/** A route left out of the table, with the reason. */
export interface RouteBuildError {
  id: string;
  message: string;
}

/** Result of buildRouter: the router plus the routes that were skipped because they failed to compile. */
export type BuiltRouter<T> = Router<T> & { readonly errors: RouteBuildError[] };

/** Options for buildRouter. */
export interface RouterOptions {
  /**
   * Treat `:name` segments as single-segment parameters, as APISIX's
   * `radixtree_uri_with_parameter` does. Default false: like the default `radixtree_host_uri`
   * router, a `:` is a literal character.
   */
  paramMatch?: boolean;
}
