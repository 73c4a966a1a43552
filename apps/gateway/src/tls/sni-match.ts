/**
 * @module tls/sni-match
 * Which SSL serves a TLS client's server name, by APISIX's rules (apisix/ssl/router/
 * radixtree_sni.lua): configured SNIs are lower-cased without a trailing dot, the client's name
 * is lower-cased; an exact SNI wins over a wildcard; `*.example.com` (any `*<suffix>`) covers
 * names that end with the suffix and add one label only (`a.example.com`, not
 * `a.b.example.com`); of several wildcards the longest suffix wins (radixtree's longest prefix
 * over the reversed name).
 *
 * Tollgate decision: APISIX's one-label check compares the client name against every SNI of the
 * matched SSL, so a long exact SNI in the same SSL can let a wildcard cover several labels;
 * here a wildcard always covers exactly one label.
 */

/** Longest server name looked up (a DNS name is at most 253 characters). */
const MAX_SERVER_NAME = 255;

/** A configured SNI as APISIX's `ssl_filter` stores it: lower-cased, trailing dot removed. */
export function normaliseSni(sni: string): string {
  return sni.replace(/\.$/, '').toLowerCase();
}

/** SNI → value, exact names and `*<suffix>` wildcards. The first SSL to claim a name keeps it. */
export class SniMatcher<T> {
  private readonly exact = new Map<string, T>();
  /** By suffix: `*.example.com` is stored under `.example.com`. */
  private readonly wildcard = new Map<string, T>();

  add(sni: string, value: T): void {
    const name = normaliseSni(sni);
    const [table, key] = name.startsWith('*') ? [this.wildcard, name.slice(1)] : [this.exact, name];
    if (!table.has(key)) table.set(key, value);
  }

  /** The value for the client's server name, or undefined. */
  match(serverName: string): T | undefined {
    if (serverName.length > MAX_SERVER_NAME) return undefined;
    const name = serverName.toLowerCase();
    const exact = this.exact.get(name);
    if (exact !== undefined) return exact;
    // The part a wildcard stands for holds no dot, so the suffix starts at or before the first
    // dot; the longest suffix is the one that starts first.
    const firstDot = name.indexOf('.');
    const lastStart = firstDot === -1 ? name.length : firstDot;
    for (let start = 0; start <= lastStart; start++) {
      const value = this.wildcard.get(name.slice(start));
      if (value !== undefined) return value;
    }
    return undefined;
  }

  get size(): number {
    return this.exact.size + this.wildcard.size;
  }
}
