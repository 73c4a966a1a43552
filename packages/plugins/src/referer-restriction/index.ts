/**
 * @module referer-restriction
 * APISIX's referer-restriction (priority 2990, access phase): takes the host of the Referer and
 * refuses the request with 403 and `{"message": message}` when it is outside the `whitelist` or
 * inside the `blacklist`. A missing or malformed Referer is refused unless `bypass_missing`.
 *
 * @example
 * // route: { "plugins": { "referer-restriction": { "whitelist": ["*.example.com"] } } }
 * // Referer: https://app.example.com/page → served; Referer: https://evil.com → 403
 */
import { definePlugin, exit, type Exit, type RequestContext } from '@tollgate/core';
import type { RefererRestrictionConf } from '@tollgate/schema';

interface HostMatcher {
  exact: ReadonlySet<string>;
  suffixes: readonly string[];
}

const matchers = new WeakMap<readonly string[], HostMatcher>();

function matcher(list: readonly string[]): HostMatcher {
  let m = matchers.get(list);
  if (!m) {
    m = {
      exact: new Set(list.filter((h) => !h.startsWith('*'))),
      suffixes: list.filter((h) => h.startsWith('*')).map((h) => h.slice(1)),
    };
    matchers.set(list, m);
  }
  return m;
}

function listed(list: readonly string[], host: string): boolean {
  const m = matcher(list);
  return m.exact.has(host) || m.suffixes.some((suffix) => host.endsWith(suffix));
}

// lua-resty-http's parse_uri: optional http/https scheme, then `//` and the host (a bracketed
// IPv6 literal, or up to the first `:`, `/` or `?`). Linear: no nested quantifiers.
const REFERER_HOST = /^(?:https?:)?\/\/(\[[^\]]+\]|[^[\]:/?]+)/;

/** The host of a Referer, or undefined when there is none or it is malformed. */
function refererHost(ctx: RequestContext): string | undefined {
  const referer = ctx.req.headers.referer;
  if (referer === undefined) return undefined;
  return REFERER_HOST.exec(referer)?.[1];
}

function access(conf: RefererRestrictionConf, ctx: RequestContext): Exit | undefined {
  const host = refererHost(ctx);
  let blocked: boolean;
  if (host === undefined) blocked = !conf.bypass_missing;
  else if (conf.whitelist) blocked = !listed(conf.whitelist, host);
  else blocked = conf.blacklist !== undefined && listed(conf.blacklist, host);
  return blocked ? exit(403, { message: conf.message }) : undefined;
}

/** The referer-restriction plugin definition. */
export const refererRestriction = definePlugin<RefererRestrictionConf>({
  name: 'referer-restriction',
  version: '0.1',
  priority: 2990,
  access,
});
