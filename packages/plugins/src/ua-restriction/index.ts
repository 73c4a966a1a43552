/**
 * @module ua-restriction
 * APISIX's ua-restriction (priority 2999, access phase): a request whose User-Agent matches the
 * `denylist` (and not the `allowlist`) is refused with 403 and `{"message": message}`; a request
 * without one is refused too unless `bypass_missing`. Each User-Agent header line is judged on
 * its own: one refused line refuses the request.
 *
 * @example
 * // route: { "plugins": { "ua-restriction": { "denylist": ["(Baiduspider)/(\\d+)\\.(\\d+)"] } } }
 * // User-Agent: Baiduspider/3.0 → 403 {"message":"Not allowed"}
 */
import { definePlugin, exit, type Exit, type RequestContext } from '@tollgate/core';
import type { UaRestrictionConf } from '@tollgate/schema';

const compiled = new WeakMap<readonly string[], readonly RegExp[]>();

/** The rules of one list, compiled once per configuration array (the Admin API checked them). */
function rules(list: readonly string[] | undefined): readonly RegExp[] {
  if (!list) return [];
  let out = compiled.get(list);
  if (!out) {
    out = list.flatMap((rule) => {
      try {
        return [new RegExp(rule)];
      } catch {
        return [];
      }
    });
    compiled.set(list, out);
  }
  return out;
}

/** A User-Agent line is refused when the denylist matches it and the allowlist does not. */
function refused(conf: UaRestrictionConf, userAgent: string): boolean {
  // The gateway's 16 KiB request-header limit bounds what the rules run on.
  const ua = userAgent.trim();
  if (rules(conf.allowlist).some((re) => re.test(ua))) return false;
  return rules(conf.denylist).some((re) => re.test(ua));
}

function access(conf: UaRestrictionConf, ctx: RequestContext): Exit | undefined {
  const lines = ctx.req.headersDistinct['user-agent'];
  if (!lines || lines.length === 0) {
    return conf.bypass_missing ? undefined : exit(403, { message: conf.message });
  }
  return lines.some((line) => refused(conf, line))
    ? exit(403, { message: conf.message })
    : undefined;
}

/** The ua-restriction plugin definition. */
export const uaRestriction = definePlugin<UaRestrictionConf>({
  name: 'ua-restriction',
  version: '0.1',
  priority: 2999,
  access,
});
