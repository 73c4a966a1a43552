/**
 * @module cors/origins
 * Origin matching for cors: an `allow_origins`-style list (`*`, `**`, `null`, or `,`-separated
 * `scheme://host:port` origins) and regex lists, each compiled once per configuration value.
 * A match yields the value to send in Access-Control-Allow-Origin / Timing-Allow-Origin.
 */

/** An origin list, compiled. */
type OriginList =
  { kind: 'any' } | { kind: 'echo' } | { kind: 'set'; origins: ReadonlySet<string> };

const lists = new Map<string, OriginList>();
const regexLists = new WeakMap<readonly string[], readonly RegExp[]>();
// Config strings are few; the bound only keeps a pathological config churn from growing memory.
const MAX_CACHED_LISTS = 4096;

function compileList(spec: string): OriginList {
  let list = lists.get(spec);
  if (list) return list;
  if (spec === '*') list = { kind: 'any' };
  else if (spec === '**') list = { kind: 'echo' };
  else list = { kind: 'set', origins: new Set(spec.split(',')) };
  if (lists.size >= MAX_CACHED_LISTS) lists.clear();
  lists.set(spec, list);
  return list;
}

/**
 * The allowed-origin value for `origin` under the list `spec`, or undefined when it is not
 * allowed: `*` allows any request (even one without Origin) as `*`; `**` echoes the request's
 * Origin (`*` without one); otherwise the Origin must equal one of the listed origins.
 * @example matchOriginList('http://a.com,http://b.com', 'http://b.com') // 'http://b.com'
 */
export function matchOriginList(spec: string, origin: string | undefined): string | undefined {
  const list = compileList(spec);
  switch (list.kind) {
    case 'any':
      return '*';
    case 'echo':
      return origin ?? '*';
    case 'set':
      return origin !== undefined && list.origins.has(origin) ? origin : undefined;
  }
}

/**
 * The request's Origin when any of `rules` finds a match in it (a search, not anchored, as
 * APISIX's `ngx.re.find`), else undefined. The rules are compiled once per configuration array.
 * The Origin is bounded by the gateway's 16 KiB request-header limit.
 */
export function matchOriginRegex(
  rules: readonly string[],
  origin: string | undefined,
): string | undefined {
  if (origin === undefined) return undefined;
  let compiled = regexLists.get(rules);
  if (!compiled) {
    // The Admin API compiled every rule already (checks/cors); one that fails here is skipped.
    compiled = rules.flatMap((rule) => {
      try {
        return [new RegExp(rule)];
      } catch {
        return [];
      }
    });
    regexLists.set(rules, compiled);
  }
  return compiled.some((re) => re.test(origin)) ? origin : undefined;
}
