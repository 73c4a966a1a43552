/**
 * @module consumer-restriction
 * APISIX's consumer-restriction (priority 2400, access phase, after the auth plugins of rewrite):
 * reads the consumer name, consumer group, service or route id of the request (by `type`) and
 * refuses it when blacklisted, not whitelisted, or using a method `allowed_by_methods` does not
 * give that consumer. Without the value (no consumer, a route without service) the answer is 401.
 *
 * @example
 * // route: { "plugins": { "key-auth": {}, "consumer-restriction": { "whitelist": ["jack"] } } }
 * // rose's key → 403 {"message":"The consumer_name is forbidden."}
 */
import { definePlugin, exit, type Exit, type RequestContext } from '@tollgate/core';
import type { ConsumerRestrictionConf } from '@tollgate/schema';

type MethodRule = NonNullable<ConsumerRestrictionConf['allowed_by_methods']>[number];

function valueOf(conf: ConsumerRestrictionConf, ctx: RequestContext): string | undefined {
  const value = ctx.vars.get(conf.type);
  if (typeof value === 'string') return value === '' ? undefined : value;
  return typeof value === 'number' ? String(value) : undefined;
}

/** The first entry for `user` decides; a user without an entry may use any method. */
function methodAllowed(rules: readonly MethodRule[], user: string, method: string): boolean {
  const rule = rules.find((r) => r.user === user);
  return rule === undefined || (rule.methods ?? []).some((m) => m === method);
}

function reject(conf: ConsumerRestrictionConf): Exit {
  return exit(conf.rejected_code, {
    message: conf.rejected_msg ?? `The ${conf.type} is forbidden.`,
  });
}

function access(conf: ConsumerRestrictionConf, ctx: RequestContext): Exit | undefined {
  const value = valueOf(conf, ctx);
  if (value === undefined) {
    return exit(401, {
      message: `The request is rejected, please check the ${conf.type} for this request`,
    });
  }
  if (conf.blacklist?.includes(value)) return reject(conf);
  const whitelisted = conf.whitelist?.includes(value) ?? false;
  if (conf.whitelist && !whitelisted) return reject(conf);
  const rules = conf.allowed_by_methods;
  if (rules && rules.length > 0 && !whitelisted) {
    if (!methodAllowed(rules, value, ctx.req.method ?? 'GET')) return reject(conf);
  }
  return undefined;
}

/** The consumer-restriction plugin definition. */
export const consumerRestriction = definePlugin<ConsumerRestrictionConf>({
  name: 'consumer-restriction',
  version: '0.1',
  priority: 2400,
  access,
});
