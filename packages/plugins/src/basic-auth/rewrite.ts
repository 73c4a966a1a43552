/**
 * @module basic-auth/rewrite
 * basic-auth's rewrite phase: find the consumer by the Basic user name, check the password in
 * constant time, hide the header if asked, attach the consumer; otherwise fall back to the
 * anonymous consumer or answer 401.
 */
import { attachConsumer, type Exit, type RequestContext } from '@tollgate/core';
import type { BasicAuthConf } from '@tollgate/schema';
import { refuse, requestHeader, safeEqual } from '../auth-common';
import { parseAuthorization } from './parse-authorization';

/** Name under which consumers and credentials configure their user name and password. */
export const PLUGIN_NAME = 'basic-auth';

const MISSING = 'Missing authorization in request';
const INVALID_HEADER = 'Invalid authorization in request';
const INVALID_USER = 'Invalid user authorization';

/**
 * The consumer the request's Basic credentials belong to, or the client-facing failure message.
 * Both a wrong user name and a wrong password give `Invalid user authorization`.
 */
function findConsumer(
  ctx: RequestContext,
  header: string,
): Parameters<typeof attachConsumer>[1] | string {
  const parsed = parseAuthorization(header);
  if (!parsed.ok) return INVALID_HEADER;
  const match = ctx.consumers.findCredential(PLUGIN_NAME, 'username', parsed.username);
  const expected = match?.conf.password;
  if (!match || typeof expected !== 'string') {
    // Compare anyway, so an unknown user name costs the same time as a wrong password.
    safeEqual(parsed.password, '');
    return INVALID_USER;
  }
  return safeEqual(parsed.password, expected) ? match.consumer : INVALID_USER;
}

/**
 * Authenticate the request by HTTP Basic credentials. Returns nothing when a consumer (the
 * credentials' owner or the anonymous consumer) is attached, else a 401 Exit.
 *
 * @example
 * rewrite({ hide_credentials: false, realm: 'basic' }, ctx);
 * // ctx.consumer is foo, or { status: 401, body: { message: 'Missing authorization in request' } }
 */
export function rewrite(conf: BasicAuthConf, ctx: RequestContext): Exit | undefined {
  const header = requestHeader(ctx, 'authorization');
  const found = header === undefined ? MISSING : findConsumer(ctx, header);
  if (typeof found !== 'string') {
    if (conf.hide_credentials) ctx.upstreamHeaders.set('authorization', null);
    attachConsumer(ctx, found);
    return undefined;
  }
  // APISIX sets WWW-Authenticate only when the header is missing, with the realm in single quotes.
  const challenge =
    header === undefined ? { 'WWW-Authenticate': `Basic realm='${conf.realm}'` } : undefined;
  const refused = refuse(conf, ctx, found, challenge);
  // As in APISIX, the header is hidden only when a consumer (here the anonymous one) is attached.
  if (!refused && conf.hide_credentials) ctx.upstreamHeaders.set('authorization', null);
  return refused;
}
