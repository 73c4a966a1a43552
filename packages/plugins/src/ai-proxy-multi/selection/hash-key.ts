/**
 * @module ai-proxy-multi/selection/hash-key
 * The chash key of a request from `balancer.hash_on` and `balancer.key` (spec §1.5, APISIX
 * `balancer/chash.lua` `fetch_chash_hash_key`).
 */
import { hashKeyOf as coreHashKeyOf, type RequestContext } from '@tollgate/core';
import type { AiProxyMultiConf } from '@tollgate/schema';

/** The balancer fields that shape the key. */
export type HashKeyConf = Pick<AiProxyMultiConf['balancer'], 'key'> & {
  readonly hash_on?: AiProxyMultiConf['balancer']['hash_on'];
};

/**
 * The request's chash key for an ai-proxy-multi `balancer` (core's `hashKeyOf`: the variable,
 * header, cookie, consumer or template named by `hash_on`/`key`, else the client address).
 *
 * @example
 * hashKeyOf({ hash_on: 'header', key: 'X-User' }, ctx); // the X-User header, else the client IP
 */
export function hashKeyOf(balancer: HashKeyConf | undefined, ctx: RequestContext): string {
  return coreHashKeyOf(ctx, balancer?.hash_on, balancer?.key);
}
