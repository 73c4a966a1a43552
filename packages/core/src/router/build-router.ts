/**
 * @module router/build-router
 * Builds the data plane's route matcher with APISIX's default `radixtree_host_uri` semantics:
 * routes with hosts are indexed per host and tried first; host-less routes are tried only when no
 * host-specific route matches.
 */
import { compileConditions, RouteCompileError } from './conditions';
import { HostTable } from './host-table';
import {
  type BuiltRouter,
  type MatchRequest,
  type RouteBuildError,
  type RouteInput,
  type RouteMatch,
  type RouterOptions,
} from './types';
import { parseUriPattern } from './uri-pattern';
import { type Candidate, UriTable } from './uri-table';

/**
 * Compiles `routes` into an immutable matcher. Disabled routes (`status: 0`) are left out silently;
 * routes whose uri, host, remote_addr or vars fail to compile are left out and listed in `errors`,
 * so one bad route never takes the others down. Pure: no I/O, no global state.
 *
 * @example
 * const router = buildRouter([{ id: '1', uri: '/v1/*', hosts: ['*.example.com'], data: route }]);
 * const hit = router.match({ method: 'POST', host: 'api.example.com', path: '/v1/chat',
 *   remoteAddr: '10.0.0.1', vars: (name) => ctx.vars[name] });
 * hit?.route.data; // route
 */
export function buildRouter<T>(
  routes: readonly RouteInput<T>[],
  options: RouterOptions = {},
): BuiltRouter<T> {
  const paramMatch = options.paramMatch ?? false;
  const hosted = new HostTable<T>();
  const hostless = new UriTable<T>();
  const errors: RouteBuildError[] = [];
  let size = 0;
  let seq = 0;
  let anyHosted = false;

  for (const route of routes) {
    if (route.status === 0) continue;
    let candidates: Candidate<T>[];
    let hosts: string[];
    try {
      hosts = routeHosts(route);
      candidates = compileRoute(route, paramMatch, () => seq++);
    } catch (err) {
      errors.push({ id: String(route.id), message: (err as Error).message });
      continue;
    }
    for (const candidate of candidates) {
      if (hosts.length === 0) hostless.add(candidate);
      for (const host of hosts) hosted.add(host, candidate);
    }
    anyHosted ||= hosts.length > 0;
    size++;
  }
  hosted.seal();
  hostless.seal();

  const match = (req: MatchRequest): RouteMatch<T> | undefined =>
    (anyHosted ? hosted.match(req) : undefined) ?? hostless.match(req);
  return Object.freeze({ match, size, errors });
}

/** `hosts` wins over `host`; an empty list means no host constraint. */
function routeHosts(route: RouteInput): string[] {
  const hosts = route.hosts ?? (route.host === undefined ? [] : [route.host]);
  for (const host of hosts) {
    if (typeof host !== 'string' || host === '') {
      throw new RouteCompileError(`invalid host: ${JSON.stringify(host)}`);
    }
  }
  return hosts;
}

function compileRoute<T>(
  route: RouteInput<T>,
  paramMatch: boolean,
  nextSeq: () => number,
): Candidate<T>[] {
  const patterns = route.uris ?? (route.uri === undefined ? [] : [route.uri]);
  if (patterns.length === 0) throw new RouteCompileError('missing uri or uris');
  for (const pattern of patterns) {
    if (typeof pattern !== 'string' || pattern === '') {
      throw new RouteCompileError(`invalid uri: ${JSON.stringify(pattern)}`);
    }
  }
  const accepts = compileConditions(route);
  const priority = typeof route.priority === 'number' ? route.priority : 0;
  return patterns.map((pattern) => ({
    route,
    pattern,
    parsed: parseUriPattern(pattern, paramMatch),
    priority,
    seq: nextSeq(),
    accepts,
  }));
}
