/**
 * @module jwt-auth/rewrite
 * jwt-auth's rewrite phase: fetch the token, decode it, find the consumer named by its key
 * claim, verify the signature with that consumer's key and the exp/nbf claims, attach the
 * consumer; otherwise fall back to the anonymous consumer or answer 401 with
 * `WWW-Authenticate: Bearer realm="<realm>"`.
 */
import {
  attachConsumer,
  ownValue,
  type Exit,
  type JsonObject,
  type RequestContext,
} from '@tollgate/core';
import type { JwtAuthConf } from '@tollgate/schema';
import { refuse } from '../auth-common';
import { consumerKey } from './consumer-key';
import { fetchToken } from './fetch-token';
import { decodeJwt, verifyClaims, verifySignature } from './token';

/** Name under which consumers and credentials configure their key and secret. */
export const PLUGIN_NAME = 'jwt-auth';

const MISSING = 'Missing JWT token in request';
const INVALID_TOKEN = 'JWT token invalid';
const MISSING_KEY = 'missing user key in JWT token';
const INVALID_KEY = 'Invalid user key in JWT token';
const FAILED = 'failed to verify jwt';

interface JwtState {
  payload?: JsonObject;
}

/**
 * The verified payload of this request's token, when jwt-auth ran with `store_in_ctx` (APISIX's
 * `ctx.jwt_auth_payload`).
 */
export function jwtPayload(ctx: RequestContext): JsonObject | undefined {
  return ctx.pluginState<JwtState>(PLUGIN_NAME, () => ({})).payload;
}

type Found = { consumer: Parameters<typeof attachConsumer>[1]; payload: JsonObject };

function findConsumer(conf: JwtAuthConf, ctx: RequestContext): Found | string {
  const presented = fetchToken(conf, ctx);
  if (!presented) return MISSING;
  const jwt = presented.value === undefined ? undefined : decodeJwt(presented.value);
  if (!jwt) return INVALID_TOKEN;
  const userKey = ownValue(jwt.payload, conf.key_claim_name);
  if (userKey === undefined || userKey === null || userKey === false) return MISSING_KEY;
  const match =
    typeof userKey === 'string'
      ? ctx.consumers.findCredential(PLUGIN_NAME, 'key', userKey)
      : undefined;
  if (!match) return INVALID_KEY;
  const key = consumerKey(match.conf);
  if (!key || !verifySignature(jwt, key)) return FAILED;
  const leeway = match.conf.lifetime_grace_period;
  const claimsError = verifyClaims(
    jwt.payload,
    conf.claims_to_verify,
    typeof leeway === 'number' ? leeway : 0,
    Math.floor(Date.now() / 1000),
  );
  if (claimsError !== undefined) return FAILED;
  return { consumer: match.consumer, payload: jwt.payload };
}

/**
 * Authenticate the request by JWT. Returns nothing when a consumer (the token's or the
 * anonymous consumer) is attached, else a 401 Exit.
 *
 * @example
 * rewrite(conf, ctx); // ctx.consumer set, or { status: 401, body: { message: 'failed to verify jwt' } }
 */
export function rewrite(conf: JwtAuthConf, ctx: RequestContext): Exit | undefined {
  const found = findConsumer(conf, ctx);
  if (typeof found !== 'string') {
    if (conf.store_in_ctx)
      ctx.pluginState<JwtState>(PLUGIN_NAME, () => ({})).payload = found.payload;
    attachConsumer(ctx, found.consumer);
    return undefined;
  }
  return refuse(conf, ctx, found, { 'WWW-Authenticate': `Bearer realm="${conf.realm}"` });
}
