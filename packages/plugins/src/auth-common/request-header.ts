/**
 * @module auth-common/request-header
 * A request header as APISIX's `core.request.header` returns it: the first value when the
 * header was sent more than once.
 */
import { ownValue, type RequestContext } from '@tollgate/core';

/**
 * The request header `name` (case-insensitive), or undefined when absent.
 *
 * @example
 * requestHeader(ctx, 'Authorization'); // 'Basic Zm9vOmJhcg=='
 */
export function requestHeader(ctx: RequestContext, name: string): string | undefined {
  const value = ownValue(ctx.req.headers, name.toLowerCase());
  return Array.isArray(value) ? value[0] : value;
}
