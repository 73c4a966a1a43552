/**
 * @module key-auth/read-key
 * Where a request carries its API key: the configured header first, then the query argument
 * (APISIX's order). With `sdk_key_headers` (Tollgate extension, issue 16) a bearer token in
 * `Authorization` and then `x-api-key` are read between the two, where the OpenAI and Anthropic
 * SDKs send their key. Pure: reads the request, changes nothing.
 */
import { ownValue, type RequestContext } from '@tollgate/core';
import type { KeyAuthConf } from '@tollgate/schema';

/** The key a request presented, and where it was found. */
export interface PresentedKey {
  /** `header` is `conf.header`; `authorization` and `x-api-key` are the SDK headers. */
  readonly source: 'header' | 'authorization' | 'x-api-key' | 'query';
  /**
   * The key, or `undefined` when the query argument was repeated: APISIX then sees a list, which
   * matches no consumer, so the request is refused as an invalid key rather than guessing one.
   */
  readonly value: string | undefined;
}

/** The header's value; a header sent twice arrives joined (`a, b`) and so matches no key. */
function headerValue(ctx: RequestContext, name: string): string | undefined {
  const value = ownValue(ctx.req.headers, name.toLowerCase());
  return Array.isArray(value) ? value[0] : value;
}

const BEARER = /^bearer[ \t]+(.*)$/is;

/**
 * The token of an `Authorization: Bearer <token>` value (scheme case-insensitive), or undefined
 * for another scheme.
 *
 * @example
 * bearerToken('bearer sk-1 '); // 'sk-1'
 * bearerToken('Basic Zm9v'); // undefined
 */
export function bearerToken(value: string): string | undefined {
  const match = BEARER.exec(value.trim());
  return match ? (match[1] ?? '').trim() : undefined;
}

/**
 * The key in header `conf.header` (case-insensitive), then (with `sdk_key_headers`) a bearer
 * token in `Authorization` and `x-api-key`, else in query argument `conf.query`, or undefined
 * when none is present. An empty value counts as present (and then matches no key).
 *
 * @example
 * readKey({ header: 'apikey', query: 'apikey', ... }, ctx); // { source: 'query', value: 'auth-one' }
 */
export function readKey(
  conf: Pick<KeyAuthConf, 'header' | 'query'> & { readonly sdk_key_headers?: boolean },
  ctx: RequestContext,
): PresentedKey | undefined {
  const fromHeader = headerValue(ctx, conf.header);
  if (fromHeader !== undefined) return { source: 'header', value: fromHeader };
  if (conf.sdk_key_headers === true) {
    const authorization = headerValue(ctx, 'authorization');
    const token = authorization === undefined ? undefined : bearerToken(authorization);
    if (token !== undefined) return { source: 'authorization', value: token };
    const apiKey = headerValue(ctx, 'x-api-key');
    if (apiKey !== undefined) return { source: 'x-api-key', value: apiKey };
  }
  const args = new URLSearchParams(ctx.vars.queryString).getAll(conf.query);
  if (args.length === 0) return undefined;
  return { source: 'query', value: args.length === 1 ? args[0] : undefined };
}
