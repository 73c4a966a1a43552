/**
 * @module jwt-auth/fetch-token
 * Where a request carries its token, in APISIX's order: the header (a `Bearer `/`bearer `
 * prefix removed), else the query argument, else the cookie. With `hide_credentials` the token
 * is removed from the place it was found.
 */
import type { RequestContext } from '@tollgate/core';
import type { JwtAuthConf } from '@tollgate/schema';
import { requestHeader } from '../auth-common';

/** The presented token; `undefined` value when the query argument was repeated (invalid). */
export interface PresentedToken {
  readonly value: string | undefined;
}

function withoutCookie(header: string, name: string): string {
  return header
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '' && part.slice(0, part.indexOf('=')).trim() !== name)
    .join('; ');
}

/**
 * The token the request presents, or undefined when there is none.
 *
 * @example
 * fetchToken(conf, ctx); // { value: 'eyJ...' } from `Authorization: Bearer eyJ...`
 */
export function fetchToken(
  conf: Pick<JwtAuthConf, 'header' | 'query' | 'cookie' | 'hide_credentials'>,
  ctx: RequestContext,
): PresentedToken | undefined {
  const header = requestHeader(ctx, conf.header);
  if (header !== undefined) {
    if (conf.hide_credentials) ctx.upstreamHeaders.set(conf.header.toLowerCase(), null);
    const prefix = header.slice(0, 7);
    return { value: prefix === 'Bearer ' || prefix === 'bearer ' ? header.slice(7) : header };
  }
  const args = new URLSearchParams(ctx.vars.queryString).getAll(conf.query);
  if (args.length > 0) {
    if (conf.hide_credentials) ctx.removedQueryArgs.add(conf.query);
    return { value: args.length === 1 ? args[0] : undefined };
  }
  const cookie = ctx.vars.get(`cookie_${conf.cookie}`);
  if (typeof cookie !== 'string') return undefined;
  if (conf.hide_credentials) {
    const rest = withoutCookie(requestHeader(ctx, 'cookie') ?? '', conf.cookie);
    ctx.upstreamHeaders.set('cookie', rest === '' ? null : rest);
  }
  return { value: cookie };
}
