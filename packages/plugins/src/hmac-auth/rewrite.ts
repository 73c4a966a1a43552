/**
 * @module hmac-auth/rewrite
 * hmac-auth's rewrite phase: parse the Signature header, verify it, attach the consumer; otherwise
 * fall back to the anonymous consumer or answer 401 `client request can't be validated`.
 */
import { attachConsumer, createLogger, type Exit, type RequestContext } from '@tollgate/core';
import type { HmacAuthConf } from '@tollgate/schema';
import { refuse, requestHeader } from '../auth-common';
import { parseSignature } from './parse-signature';
import { verify } from './verify';

const log = createLogger('hmac-auth');
const NOT_VALIDATED = "client request can't be validated";

/**
 * Authenticate the request by its HMAC signature. Returns nothing when a consumer (the key id's
 * owner or the anonymous consumer) is attached, else a 401 Exit.
 *
 * @example
 * await rewrite(conf, ctx); // ctx.consumer set, or { status: 401, body: { message: "client request can't be validated" } }
 */
export async function rewrite(conf: HmacAuthConf, ctx: RequestContext): Promise<Exit | undefined> {
  const header = requestHeader(ctx, 'authorization');
  const params = header === undefined ? 'missing Authorization header' : parseSignature(header);
  let message: string;
  if (typeof params === 'string') {
    // APISIX puts the header-level reason in the body.
    message = `${NOT_VALIDATED}: ${params}`;
  } else {
    const result = await verify(conf, ctx, params);
    if (result.ok) {
      if (conf.hide_credentials) ctx.upstreamHeaders.set('authorization', null);
      attachConsumer(ctx, result.match.consumer);
      return undefined;
    }
    log.warn(`${NOT_VALIDATED}: ${result.reason}`);
    message = NOT_VALIDATED;
  }
  const refused = refuse(conf, ctx, message);
  if (!refused && conf.hide_credentials) ctx.upstreamHeaders.set('authorization', null);
  return refused;
}
