/**
 * @module openid-connect/rewrite
 * openid-connect's rewrite phase, APISIX 3.18's bearer path: clear the headers the plugin
 * outputs, find the bearer token, verify it (locally with `public_key`, with the provider's JWKS
 * when `use_jwks`, else by introspection), check scopes, audience and `claim_schema`, then send
 * the token and the user info upstream. Without a token (and without `bearer_only`) the request
 * goes to the authorization code flow (./code-flow.ts); a logged-in session's tokens are checked
 * (`required_scopes`, `claim_schema`) and sent upstream the same way.
 */
import crypto from 'node:crypto';
import { createLogger, exit, type Exit, type RequestContext } from '@tollgate/core';
import { asDraft07, validateAgainst, type OpenidConnectConf } from '@tollgate/schema';
import { bearerToken } from './bearer';
import { claimsRefusal } from './claims';
import { introspect } from './introspect';
import { algAndKid, algorithmError, claimError, decodeJwt, keyTypeOf, signatureValid } from './jwt';
import { authenticate } from './code-flow';
import { discover, jwksKey } from './provider';
import type { SessionData } from './session';

const PLUGIN_NAME = 'openid-connect';
const log = createLogger(PLUGIN_NAME);

/** Request headers the plugin sets: a client's own values never reach the upstream. */
const OUTPUT_HEADERS = [
  'x-access-token',
  'x-userinfo',
  'x-id-token',
  'x-refresh-token',
  'x-raw-id-token',
] as const;

/** Longest error_description sent back. */
const MAX_DESCRIPTION = 1024;

function requestHeader(ctx: RequestContext, name: string): string | undefined {
  const value = Object.hasOwn(ctx.req.headers, name) ? ctx.req.headers[name] : undefined;
  return Array.isArray(value) ? value[0] : value;
}

/** Header-safe text: printable ASCII only, bounded. */
function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, MAX_DESCRIPTION);
}

/** 401 with `WWW-Authenticate: Bearer realm="…", error="invalid_token", error_description="…"`. */
function invalidToken(conf: OpenidConnectConf, description: string): Exit {
  const challenge = `Bearer realm="${headerSafe(conf.realm)}", error="invalid_token", error_description="${headerSafe(description)}"`;
  return exit(401, undefined, { 'WWW-Authenticate': challenge });
}

/** `claim_schema` as the validator compiles it, prepared once per configuration. */
const claimSchemas = new WeakMap<object, Record<string, unknown>>();

/** The validation failure of `claims` against the conf's `claim_schema`, or undefined. */
function claimSchemaError(conf: OpenidConnectConf, claims: unknown): string | undefined {
  const schema = conf.claim_schema;
  if (!schema) return undefined;
  let prepared = claimSchemas.get(schema);
  if (!prepared) {
    prepared = asDraft07(schema);
    claimSchemas.set(schema, prepared);
  }
  const result = validateAgainst(prepared, claims);
  return result.valid ? undefined : result.message;
}

/** A failed verification: the text for the 401's error_description. */
class TokenRejected extends Error {}

function pemKey(pem: string): crypto.KeyObject {
  try {
    return crypto.createPublicKey(pem);
  } catch {
    throw new TokenRejected(
      'jwt signature verification failed: Decode secret is not a valid cert/public key',
    );
  }
}

/** The trusted issuers: configured, else the discovery document's (refused when unknown). */
async function trustedIssuers(conf: OpenidConnectConf): Promise<readonly string[]> {
  const configured = conf.claim_validator?.issuer?.valid_issuers;
  if (configured) return configured;
  let issuer: string | undefined;
  try {
    issuer = (await discover(conf)).issuer;
  } catch (err) {
    log.warn('OIDC access discovery url failed', { error: (err as Error).message });
  }
  if (issuer === undefined) throw new TokenRejected('issuer validation unavailable');
  return [issuer];
}

/** The verified claims of a JWT bearer token (`public_key` or `use_jwks`). */
async function verifyJwt(conf: OpenidConnectConf, token: string): Promise<Record<string, unknown>> {
  const issuers = await trustedIssuers(conf);
  const jwt = decodeJwt(token);
  if (typeof jwt === 'string') throw new TokenRejected(jwt);
  const { alg, kid } = algAndKid(jwt);
  const algError = algorithmError(alg, conf.token_signing_alg_values_expected);
  if (algError !== undefined) throw new TokenRejected(algError);
  const algorithm = alg as string;
  const claimFailure = claimError(jwt.payload, issuers, Date.now() / 1000);
  if (claimFailure !== undefined) {
    throw new TokenRejected(`jwt signature verification failed: ${claimFailure}`);
  }
  let key: crypto.KeyObject;
  if (conf.public_key !== undefined) {
    key = pemKey(conf.public_key);
  } else {
    try {
      key = await jwksKey(conf, kid, keyTypeOf(algorithm) ?? 'RSA');
    } catch (err) {
      throw new TokenRejected((err as Error).message);
    }
  }
  if (!signatureValid(jwt, algorithm, key)) {
    throw new TokenRejected('jwt signature verification failed');
  }
  return jwt.payload;
}

/** The introspection answer of an active token, its issuer checked when issuers are listed. */
async function introspected(
  conf: OpenidConnectConf,
  ctx: RequestContext,
  token: string,
): Promise<Record<string, unknown>> {
  let answer: Record<string, unknown>;
  try {
    answer = await introspect(conf, ctx, token);
  } catch (err) {
    throw new TokenRejected((err as Error).message);
  }
  const listed = conf.claim_validator?.issuer?.valid_issuers;
  if (listed) {
    const iss = Object.hasOwn(answer, 'iss') ? answer.iss : undefined;
    if (typeof iss !== 'string' || !listed.includes(iss)) {
      throw new TokenRejected('issuer validation failed');
    }
  }
  return answer;
}

function setOutputs(
  conf: OpenidConnectConf,
  ctx: RequestContext,
  token: string,
  userinfo: Record<string, unknown>,
): void {
  if (conf.set_access_token_header) {
    if (conf.access_token_in_authorization_header) {
      ctx.upstreamHeaders.set('authorization', `Bearer ${token}`);
    } else {
      ctx.upstreamHeaders.set('x-access-token', token);
    }
  }
  if (conf.set_userinfo_header) {
    ctx.upstreamHeaders.set('x-userinfo', Buffer.from(JSON.stringify(userinfo)).toString('base64'));
  }
}

/** The bearer path. Undefined: no token and none required, so the code flow decides. */
async function bearerPath(
  conf: OpenidConnectConf,
  ctx: RequestContext,
  clientAccessToken: string | undefined,
): Promise<Exit | 'authenticated' | undefined> {
  const found = bearerToken(requestHeader(ctx, 'authorization'), clientAccessToken);
  if (found.kind === 'malformed') {
    log.warn('OIDC introspection failed', { error: found.reason });
    return exit(400);
  }
  if (found.kind === 'none') {
    if (!conf.bearer_only) return undefined;
    return exit(401, undefined, { 'WWW-Authenticate': `Bearer realm="${headerSafe(conf.realm)}"` });
  }
  let claims: Record<string, unknown>;
  try {
    claims =
      conf.public_key !== undefined || conf.use_jwks
        ? await verifyJwt(conf, found.token)
        : await introspected(conf, ctx, found.token);
  } catch (err) {
    if (!(err instanceof TokenRejected)) throw err;
    log.warn('OIDC introspection failed', { error: err.message });
    return invalidToken(conf, err.message);
  }
  const refusal = claimsRefusal(conf, claims);
  if (refusal !== undefined) {
    log.warn('OIDC introspection failed', { error: refusal });
    return exit(403, JSON.stringify({ error: refusal }));
  }
  const schemaError = claimSchemaError(conf, claims);
  if (schemaError !== undefined) {
    log.warn('OIDC claim validation failed', { error: schemaError });
    return invalidToken(conf, schemaError);
  }
  setOutputs(conf, ctx, found.token, claims);
  return 'authenticated';
}

/** The scopes granted to a session: its access token's `scope` claim, else its ID token's. */
function sessionScopes(session: SessionData): Set<string> | undefined {
  const fromToken = session.accessToken === undefined ? undefined : decodeJwt(session.accessToken);
  const claims = [typeof fromToken === 'object' ? fromToken.payload : undefined, session.idToken];
  for (const source of claims) {
    const scope = source && Object.hasOwn(source, 'scope') ? source.scope : undefined;
    if (typeof scope === 'string') return new Set(scope.split(/\s+/));
  }
  return undefined;
}

/** A logged-in session: scopes and claim_schema checked, then its tokens sent upstream. */
function sessionOutputs(
  conf: OpenidConnectConf,
  ctx: RequestContext,
  session: SessionData,
): Exit | undefined {
  if (conf.required_scopes) {
    const granted = sessionScopes(session);
    if (!granted || !conf.required_scopes.every((s) => granted.has(s))) {
      const error = `required scopes ${conf.required_scopes.join(', ')} not present`;
      log.warn('OIDC authentication failed', { error });
      return exit(403, JSON.stringify({ error }));
    }
  }
  const data = { user: session.user, access_token: session.accessToken, id_token: session.idToken };
  const schemaError = claimSchemaError(conf, data);
  if (schemaError !== undefined) {
    log.warn('OIDC claim validation failed', { error: schemaError });
    return invalidToken(conf, schemaError);
  }
  if (session.accessToken !== undefined && conf.set_access_token_header) {
    if (conf.access_token_in_authorization_header) {
      ctx.upstreamHeaders.set('authorization', `Bearer ${session.accessToken}`);
    } else {
      ctx.upstreamHeaders.set('x-access-token', session.accessToken);
    }
  }
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
  if (session.idToken && conf.set_id_token_header) {
    ctx.upstreamHeaders.set('x-id-token', b64(session.idToken));
  }
  if (session.user && conf.set_userinfo_header) {
    ctx.upstreamHeaders.set('x-userinfo', b64(session.user));
  }
  if (session.refreshToken !== undefined && conf.set_refresh_token_header) {
    ctx.upstreamHeaders.set('x-refresh-token', session.refreshToken);
  }
  if (session.rawIdToken !== undefined && conf.set_raw_id_token_header) {
    ctx.upstreamHeaders.set('x-raw-id-token', session.rawIdToken);
  }
  return undefined;
}

/**
 * The rewrite phase: nothing when the request may go on (with the token and user info headers
 * set when it was authenticated), else the refusal.
 */
export async function rewrite(
  conf: OpenidConnectConf,
  ctx: RequestContext,
): Promise<Exit | undefined> {
  const clientAccessToken = requestHeader(ctx, 'x-access-token');
  for (const name of OUTPUT_HEADERS) ctx.upstreamHeaders.set(name, null);

  if (ctx.vars.get('request_uri') === conf.logout_path) {
    try {
      await discover(conf);
    } catch (err) {
      log.error('OIDC access discovery url failed', { error: (err as Error).message });
      return exit(503);
    }
  }

  if (conf.bearer_only || conf.introspection_endpoint || conf.public_key || conf.use_jwks) {
    const outcome = await bearerPath(conf, ctx, clientAccessToken);
    if (outcome === 'authenticated') return undefined;
    if (outcome) return outcome;
  }

  let outcome: Awaited<ReturnType<typeof authenticate>>;
  try {
    outcome = await authenticate(conf, ctx);
  } catch (err) {
    log.error('OIDC authentication failed', { error: (err as Error).message });
    return exit(500);
  }
  if (outcome === undefined || !('kind' in outcome)) return outcome;
  const refused = sessionOutputs(conf, ctx, outcome.session);
  if (refused) return refused;
  if (outcome.cookie !== undefined)
    ctx.pluginState(PLUGIN_NAME, () => ({ cookie: outcome.cookie }));
  return undefined;
}

/**
 * The header filter: a session renewed in rewrite goes back to the browser as Set-Cookie.
 */
export function headerFilter(_conf: OpenidConnectConf, ctx: RequestContext): void {
  const state = ctx.pluginState<{ cookie?: string }>(PLUGIN_NAME, () => ({}));
  if (state.cookie !== undefined) ctx.response.addHeader('Set-Cookie', state.cookie);
}
