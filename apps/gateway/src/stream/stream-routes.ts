/**
 * @module stream/stream-routes
 * Stream routes compiled once per config snapshot (APISIX `stream/router/ip_port.lua`): each
 * route with its address matchers, its upstream (its own, else its service's) and its stream
 * plugins (service's, overridden by the route's: `merge_service_stream_route`), and the match of
 * one connection: routes naming the connection's SNI exactly, then those whose `*.` wildcard
 * covers it (longest first), then routes without `sni`; within each, key order.
 */
import { inList } from '@tollgate/plugins';
import type { SnapshotProblem, RouteUpstream } from '../config/snapshot';
import type { ConfigValue } from '../config/update';
import { idOf, objectOf, pluginsOf } from '../config/values';

/** What a connection is matched on (APISIX's stream variables). */
export interface StreamVars {
  remote_addr: string;
  remote_port: number;
  server_addr: string;
  server_port: number;
  /** The ClientHello's server name, on `tls_passthrough` ports. */
  sni?: string;
}

/** One stream plugin of a route, its conf schema-checked with defaults filled. */
export interface StreamPluginConf {
  name: string;
  conf: Record<string, unknown>;
}

export interface CompiledStreamRoute {
  id: string;
  /** `stream_routes/<id>`: the owner of its limit-conn counters. */
  key: string;
  /** The route's `remote_addr` / `server_addr` as one-entry lists for ip-restriction's matcher. */
  remoteAddr?: readonly string[];
  serverAddr?: readonly string[];
  serverPort?: number;
  sni?: string;
  upstream?: RouteUpstream;
  plugins: StreamPluginConf[];
}

/** Stream routes of one snapshot, grouped for matching. */
export class StreamRouteTable {
  private readonly exact = new Map<string, CompiledStreamRoute[]>();
  /** Wildcard routes by the suffix they cover (`.example.com`), longest suffix first. */
  private readonly wildcards: [string, CompiledStreamRoute[]][] = [];
  private readonly plain: CompiledStreamRoute[] = [];

  constructor(readonly routes: readonly CompiledStreamRoute[]) {
    const bySuffix = new Map<string, CompiledStreamRoute[]>();
    for (const route of routes) {
      const sni = route.sni?.toLowerCase();
      if (sni === undefined) this.plain.push(route);
      else if (sni.startsWith('*.')) push(bySuffix, sni.slice(1), route);
      else push(this.exact, sni, route);
    }
    this.wildcards = [...bySuffix].sort(([a], [b]) => b.length - a.length);
  }

  get size(): number {
    return this.routes.length;
  }

  /** The route a connection with `vars` goes to, or undefined (the connection is closed). */
  match(vars: StreamVars): CompiledStreamRoute | undefined {
    if (vars.sni !== undefined) {
      const hit = firstHit(this.exact.get(vars.sni), vars);
      if (hit) return hit;
      for (const [suffix, routes] of this.wildcards) {
        if (vars.sni.length > suffix.length && vars.sni.endsWith(suffix)) {
          const wild = firstHit(routes, vars);
          if (wild) return wild;
        }
      }
    }
    return firstHit(this.plain, vars);
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function firstHit(
  routes: readonly CompiledStreamRoute[] | undefined,
  vars: StreamVars,
): CompiledStreamRoute | undefined {
  return routes?.find(
    (r) =>
      (r.remoteAddr === undefined || inList(r.remoteAddr, vars.remote_addr)) &&
      (r.serverAddr === undefined || inList(r.serverAddr, vars.server_addr)) &&
      (r.serverPort === undefined || r.serverPort === vars.server_port),
  );
}

function pluginList(...owners: (ConfigValue | undefined)[]): StreamPluginConf[] {
  const merged = new Map<string, Record<string, unknown>>();
  for (const owner of owners) {
    for (const [name, conf] of Object.entries(pluginsOf(owner) ?? {})) {
      const object = objectOf(conf);
      if (object) merged.set(name, object);
    }
  }
  return [...merged].map(([name, conf]) => ({ name, conf }));
}

/**
 * Compiles `stream_routes` against the snapshot's services and upstreams. A route whose service
 * or upstream is missing is reported in `problems` and not served.
 */
export function compileStreamRoutes(
  streamRoutes: ReadonlyMap<string, ConfigValue>,
  services: ReadonlyMap<string, ConfigValue>,
  /** The snapshot's upstream resolution (inline, else by `upstream_id`) shared with routes. */
  upstreamOf: (ownerKey: string, value: ConfigValue) => RouteUpstream | 'missing' | undefined,
  problems: SnapshotProblem[],
): StreamRouteTable {
  const compiled: CompiledStreamRoute[] = [];
  for (const [id, route] of streamRoutes) {
    const key = `stream_routes/${id}`;
    const serviceId = idOf(route.service_id);
    const service = serviceId === undefined ? undefined : services.get(serviceId);
    if (serviceId !== undefined && !service) {
      problems.push({ key, message: `service ${serviceId} not found` });
      continue;
    }
    let upstream = upstreamOf(key, route);
    if (upstream === undefined && service) upstream = upstreamOf(`services/${serviceId}`, service);
    if (upstream === 'missing') {
      problems.push({ key, message: 'upstream not found' });
      continue;
    }
    compiled.push({
      id,
      key,
      remoteAddr: typeof route.remote_addr === 'string' ? [route.remote_addr] : undefined,
      serverAddr: typeof route.server_addr === 'string' ? [route.server_addr] : undefined,
      serverPort: typeof route.server_port === 'number' ? route.server_port : undefined,
      sni: typeof route.sni === 'string' ? route.sni : undefined,
      upstream,
      plugins: pluginList(service, route),
    });
  }
  return new StreamRouteTable(compiled);
}
