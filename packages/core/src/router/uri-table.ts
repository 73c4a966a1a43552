/**
 * @module router/uri-table
 * One URI index: a hash of exact paths plus a radix trie of prefixes, each entry holding the
 * candidates that share that key, pre-sorted. In APISIX's `radixtree_host_uri` there is one such
 * table per configured host, and one for host-less routes.
 */
import { type RequestPredicate } from './conditions';
import { PrefixTree } from './prefix-tree';
import { type MatchRequest, type RouteInput, type RouteMatch } from './types';
import { type ParamCapture, type UriPattern } from './uri-pattern';

/** One (route, URI pattern) pair, compiled. */
export interface Candidate<T> {
  route: RouteInput<T>;
  pattern: string;
  parsed: UriPattern;
  priority: number;
  /** Insertion sequence, the final tie-breaker. */
  seq: number;
  accepts: RequestPredicate;
}

/**
 * lua-resty-radixtree's `sort_route`: higher priority first, then the longer pattern (relevant
 * when `/foo/*` and `/foo/*name` share the key `/foo/`), then insertion order.
 */
function compareCandidates<T>(a: Candidate<T>, b: Candidate<T>): number {
  return b.priority - a.priority || b.pattern.length - a.pattern.length || a.seq - b.seq;
}

/** Exact-then-longest-prefix URI index over candidates. Call `seal` once after the last `add`. */
export class UriTable<T> {
  private readonly exact = new Map<string, Candidate<T>[]>();
  private readonly prefixes = new PrefixTree<Candidate<T>[]>();
  private readonly buckets: Candidate<T>[][] = [];

  add(candidate: Candidate<T>): void {
    const { kind, key } = candidate.parsed;
    let bucket: Candidate<T>[] | undefined;
    if (kind === 'exact') {
      bucket = this.exact.get(key);
      if (!bucket) this.exact.set(key, (bucket = this.newBucket()));
    } else {
      bucket = this.prefixes.upsert(key, () => this.newBucket());
    }
    bucket.push(candidate);
  }

  seal(): void {
    for (const bucket of this.buckets) bucket.sort(compareCandidates);
  }

  /**
   * Exact path first, then prefixes from the longest down; within a key, the first candidate (in
   * sorted order) whose conditions and segment checks pass wins. `matchedHost` is copied into the
   * result.
   */
  match(req: MatchRequest, matchedHost?: string): RouteMatch<T> | undefined {
    const path = req.path;
    const exact = this.exact.get(path);
    if (exact) {
      for (const candidate of exact) {
        if (candidate.accepts(req)) return toMatch(candidate, matchedHost, undefined);
      }
    }
    return this.prefixes.findPrefix(path, (bucket) => firstHit(bucket, req, matchedHost));
  }

  private newBucket(): Candidate<T>[] {
    const bucket: Candidate<T>[] = [];
    this.buckets.push(bucket);
    return bucket;
  }
}

function firstHit<T>(
  bucket: Candidate<T>[],
  req: MatchRequest,
  matchedHost: string | undefined,
): RouteMatch<T> | undefined {
  for (const candidate of bucket) {
    if (!candidate.accepts(req)) continue;
    const capture: ParamCapture | undefined = candidate.parsed.capture;
    if (!capture) return toMatch(candidate, matchedHost, undefined);
    const params = capture(req.path);
    if (params) return toMatch(candidate, matchedHost, params);
  }
  return undefined;
}

function toMatch<T>(
  candidate: Candidate<T>,
  matchedHost: string | undefined,
  params: Record<string, string> | undefined,
): RouteMatch<T> {
  const match: RouteMatch<T> = { route: candidate.route, matchedUri: candidate.pattern };
  if (matchedHost !== undefined) match.matchedHost = matchedHost;
  if (params && Object.keys(params).length > 0) match.params = params;
  return match;
}
