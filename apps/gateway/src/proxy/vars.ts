/**
 * @module proxy/vars
 * Reading APISIX variables as text.
 */
import type { RequestContext } from '@tollgate/core';

/** A variable's value as text; undefined when absent or not a scalar. */
export function varText(ctx: RequestContext, name: string): string | undefined {
  const value = ctx.vars.get(name);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
