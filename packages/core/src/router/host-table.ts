/**
 * @module router/host-table
 * The host index of `radixtree_host_uri`: one URI table per configured host. Exact hosts are
 * hashed; wildcard hosts (`*.foo.com`, `*`) live in a radix trie over the reversed host, so the
 * longest matching suffix is tried first. If the URI table of one host finds nothing, the next
 * shorter wildcard is tried.
 */
import { PrefixTree } from './prefix-tree';
import { type MatchRequest, type RouteMatch } from './types';
import { type Candidate, UriTable } from './uri-table';

interface WildcardEntry<T> {
  /** The configured pattern, lower-cased (`*.foo.com`), reported as `matchedHost`. */
  pattern: string;
  /** The pattern without its leading `*`. */
  suffix: string;
  table: UriTable<T>;
}

/** Host → URI table index. Call `seal` once after the last `add`. */
export class HostTable<T> {
  private readonly exact = new Map<string, UriTable<T>>();
  private readonly wildcards = new PrefixTree<WildcardEntry<T>>();
  private readonly tables: UriTable<T>[] = [];
  private hasWildcards = false;

  /** Indexes `candidate` under host pattern `host` (any case). */
  add(host: string, candidate: Candidate<T>): void {
    const pattern = host.toLowerCase();
    if (pattern.startsWith('*')) {
      const suffix = pattern.slice(1);
      this.hasWildcards = true;
      const entry = this.wildcards.upsert(reverse(suffix), () => ({
        pattern,
        suffix,
        table: this.newTable(),
      }));
      entry.table.add(candidate);
      return;
    }
    let table = this.exact.get(pattern);
    if (!table) this.exact.set(pattern, (table = this.newTable()));
    table.add(candidate);
  }

  seal(): void {
    for (const table of this.tables) table.seal();
  }

  /** Exact host first, then wildcards from the longest suffix down. */
  match(req: MatchRequest): RouteMatch<T> | undefined {
    const host = req.host.toLowerCase();
    const exact = this.exact.get(host);
    if (exact) {
      const hit = exact.match(req, host);
      if (hit) return hit;
    }
    if (!this.hasWildcards) return undefined;
    return this.wildcards.findPrefix(reverse(host), (entry) => {
      // `*.foo.com` needs a non-empty label in front: it never matches `.foo.com`.
      if (entry.suffix !== '' && host.length <= entry.suffix.length) return undefined;
      return entry.table.match(req, entry.pattern);
    });
  }

  private newTable(): UriTable<T> {
    const table = new UriTable<T>();
    this.tables.push(table);
    return table;
  }
}

function reverse(text: string): string {
  let out = '';
  for (let i = text.length - 1; i >= 0; i--) out += text[i];
  return out;
}
