/**
 * @module key-auth/read-key
 * Where a request carries its API key: the configured header first, then the query argument
 * (APISIX's order). Pure: reads the request, changes nothing.
 */
import { ownValue, type RequestContext } from '@tollgate/core';
import type { KeyAuthConf } from '@tollgate/schema';

/** The key a request presented, and where it was found. */
export interface PresentedKey {
  readonly source: 'header' | 'query';
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

/**
 * The key in header `conf.header` (case-insensitive), else in query argument `conf.query`, or
 * undefined when neither is present. An empty value counts as present (and then matches no key).
 *
 * @example
 * readKey({ header: 'apikey', query: 'apikey', ... }, ctx); // { source: 'query', value: 'auth-one' }
 */
export function readKey(
  conf: Pick<KeyAuthConf, 'header' | 'query'>,
  ctx: RequestContext,
): PresentedKey | undefined {
  const fromHeader = headerValue(ctx, conf.header);
  if (fromHeader !== undefined) return { source: 'header', value: fromHeader };
  const args = new URLSearchParams(ctx.vars.queryString).getAll(conf.query);
  if (args.length === 0) return undefined;
  return { source: 'query', value: args.length === 1 ? args[0] : undefined };
}
