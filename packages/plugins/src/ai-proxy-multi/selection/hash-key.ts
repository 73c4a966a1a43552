/**
 * @module ai-proxy-multi/selection/hash-key
 * The chash key of a request from `balancer.hash_on` and `balancer.key` (spec §1.5, APISIX
 * `balancer/chash.lua` `fetch_chash_hash_key`).
 */
import type { RequestContext } from '@tollgate/core';
import type { AiProxyMultiConf } from '@tollgate/schema';

/** `$name` or `${name}` inside a `vars_combinations` key. */
const TEMPLATE_VAR = /\$\{(\w+)\}|\$(\w+)/g;

/** The balancer fields that shape the key. */
export type HashKeyConf = Pick<AiProxyMultiConf['balancer'], 'key'> & {
  readonly hash_on?: AiProxyMultiConf['balancer']['hash_on'];
};

function text(ctx: RequestContext, name: string): string | undefined {
  const value = ctx.vars.get(name);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * The request's chash key: `vars` → the variable named by `key` (`remote_addr`, `arg_user`,
 * `query_string`...); `header` → request header `key`; `cookie` → cookie `key`; `consumer` → the
 * authenticated consumer's username; `vars_combinations` → `key` as a template (`$remote_addr$arg_x`,
 * `${uri}`), missing variables reading as ''. A missing value falls back to `remote_addr`, as
 * APISIX's upstream chash does; [INFERRED] an empty value (`?user=`, an all-missing template)
 * counts as missing too, where Lua would hash the empty string.
 *
 * @example
 * hashKeyOf({ hash_on: 'header', key: 'X-User' }, ctx); // the X-User header, else the client IP
 */
export function hashKeyOf(balancer: HashKeyConf | undefined, ctx: RequestContext): string {
  const key = balancer?.key ?? '';
  let value: string | undefined;
  switch (balancer?.hash_on ?? 'vars') {
    case 'consumer':
      value = ctx.consumer?.username;
      break;
    case 'header':
      value = text(ctx, `http_${key.toLowerCase().replace(/-/g, '_')}`);
      break;
    case 'cookie':
      value = text(ctx, `cookie_${key}`);
      break;
    case 'vars_combinations':
      value = key.replace(
        TEMPLATE_VAR,
        (_m, braced: string | undefined, bare: string | undefined) =>
          text(ctx, braced ?? bare ?? '') ?? '',
      );
      break;
    default:
      value = key === '' ? undefined : text(ctx, key);
  }
  return value ? value : (text(ctx, 'remote_addr') ?? '');
}
