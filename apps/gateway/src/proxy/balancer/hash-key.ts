/**
 * @module proxy/balancer/hash-key
 * The chash key of a request, from `hash_on` and `key` (APISIX `chash.lua`
 * `fetch_chash_hash_key`).
 */
import type { RequestContext } from '@tollgate/core';
import type { HashOn } from '../upstream-conf';
import { varText } from '../vars';

const TEMPLATE_VAR = /\$\{(\w+)\}|\$(\w+)/g;

/**
 * `vars`: the variable named by `key`; `header`: request header `key`; `cookie`: cookie `key`;
 * `consumer`: the authenticated consumer's username; `vars_combinations`: `key` as a template
 * (`$remote_addr$arg_x`, `${uri}`), missing variables resolving to ''.
 *
 * A missing value falls back to `remote_addr`, as in APISIX. [INFERRED] An empty value (an
 * all-missing template, `?x=`) is treated as missing too; Lua would hash the empty string.
 */
export function chashKey(ctx: RequestContext, hashOn: HashOn, key: string): string {
  let value: string | undefined;
  switch (hashOn) {
    case 'consumer':
      value = ctx.consumer?.username;
      break;
    case 'header':
      value = varText(ctx, `http_${key.toLowerCase().replace(/-/g, '_')}`);
      break;
    case 'cookie':
      value = varText(ctx, `cookie_${key}`);
      break;
    case 'vars_combinations':
      value = key.replace(
        TEMPLATE_VAR,
        (_m, braced: string | undefined, bare: string | undefined) => {
          return varText(ctx, braced ?? bare ?? '') ?? '';
        },
      );
      break;
    default:
      value = varText(ctx, key);
  }
  return value ? value : (varText(ctx, 'remote_addr') ?? '');
}
