/**
 * @module balancer/hash-key
 * The chash key of a request from `hash_on` and `key` (APISIX `balancer/chash.lua`
 * `fetch_chash_hash_key`), for upstreams and ai-proxy-multi alike.
 */
import type { RequestContext } from '../context/request-context';

export type HashOn = 'vars' | 'header' | 'cookie' | 'consumer' | 'vars_combinations';

/** `$name` or `${name}` inside a `vars_combinations` key. */
const TEMPLATE_VAR = /\$\{(\w+)\}|\$(\w+)/g;

function text(ctx: RequestContext, name: string): string | undefined {
  const value = ctx.vars.get(name);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * `vars` → the variable named by `key` (`remote_addr`, `arg_user`, `query_string`...);
 * `header` → request header `key`; `cookie` → cookie `key`; `consumer` → the authenticated
 * consumer's username; `vars_combinations` → `key` as a template (`$remote_addr$arg_x`,
 * `${uri}`), missing variables reading as ''. A missing value falls back to `remote_addr`, as
 * APISIX's chash does; [INFERRED] an empty value (`?user=`, an all-missing template) counts as
 * missing too, where Lua would hash the empty string.
 *
 * @example
 * hashKeyOf(ctx, 'header', 'X-User'); // the X-User header, else the client IP
 */
export function hashKeyOf(
  ctx: RequestContext,
  hashOn: HashOn | undefined,
  key: string | undefined,
): string {
  const name = key ?? '';
  let value: string | undefined;
  switch (hashOn ?? 'vars') {
    case 'consumer':
      value = ctx.consumer?.username;
      break;
    case 'header':
      value = text(ctx, `http_${name.toLowerCase().replace(/-/g, '_')}`);
      break;
    case 'cookie':
      value = text(ctx, `cookie_${name}`);
      break;
    case 'vars_combinations':
      value = name.replace(
        TEMPLATE_VAR,
        (_m, braced: string | undefined, bare: string | undefined) =>
          text(ctx, braced ?? bare ?? '') ?? '',
      );
      break;
    default:
      value = name === '' ? undefined : text(ctx, name);
  }
  return value ? value : (text(ctx, 'remote_addr') ?? '');
}
