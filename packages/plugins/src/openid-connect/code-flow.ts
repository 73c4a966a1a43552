/**
 * @module openid-connect/code-flow
 * The authorization code flow (lua-resty-openidc's `authenticate`) for requests without a bearer
 * token: a logged-in session cookie authenticates the request; otherwise `unauth_action` `auth`
 * redirects (302) to the provider's authorization endpoint with `response_type=code`,
 * `client_id`, `redirect_uri`, `scope`, `state` (and `nonce` with `use_nonce`, a PKCE S256
 * challenge with `use_pkce`, `authorization_params`), `deny` answers 401 and `pass` lets it go.
 * The provider sends the browser back to `redirect_uri` with a code, exchanged at the token
 * endpoint for the tokens; the ID token is verified and the session cookie set, then the browser
 * goes back to the URL it first asked for. `logout_path` ends the session.
 */
import crypto from 'node:crypto';
import { exit, type Exit, type RequestContext } from '@tollgate/core';
import type { OpenidConnectConf } from '@tollgate/schema';
import { algAndKid, algorithmError, claimError, decodeJwt, keyTypeOf, signatureValid } from './jwt';
import { callOptions, discover, jwksKey, type Discovery } from './provider';
import { answerJson, callProvider } from './provider-http';
import { readCookie, seal, setCookie, unseal, type SessionData } from './session';

const REDIRECT_SUFFIX = '/.apisix/redirect';

/** The authenticated session of the request (`cookie`: a renewed session to send back). */
export interface Authenticated {
  kind: 'authenticated';
  session: SessionData;
  cookie?: string;
}

/** A failure of the flow that APISIX answers with 500 (logged with `error`). */
export class CodeFlowError extends Error {}

type SessionConf = NonNullable<OpenidConnectConf['session']>;

const text = (o: Record<string, unknown>, key: string): string | undefined => {
  const value = Object.hasOwn(o, key) ? o[key] : undefined;
  return typeof value === 'string' ? value : undefined;
};

function header(ctx: RequestContext, name: string): string | undefined {
  const value = Object.hasOwn(ctx.req.headers, name) ? ctx.req.headers[name] : undefined;
  return Array.isArray(value) ? value[0] : value;
}

/** The redirect URI: configured, else the request path plus `/.apisix/redirect` (APISIX). */
function redirectUri(conf: OpenidConnectConf, ctx: RequestContext): { path: string; url: string } {
  let target = conf.redirect_uri;
  if (target === undefined) {
    const uri = ctx.vars.uri;
    target = uri.endsWith(REDIRECT_SUFFIX) ? uri : `${uri.replace(/\/$/, '')}${REDIRECT_SUFFIX}`;
  }
  if (target.startsWith('/')) {
    const schemeVar = ctx.vars.get('scheme');
    const scheme = typeof schemeVar === 'string' ? schemeVar : 'http';
    const hostVar = ctx.vars.get('host');
    const host = header(ctx, 'host') ?? (typeof hostVar === 'string' ? hostVar : 'localhost');
    return { path: target, url: `${scheme}://${host}${target}` };
  }
  let path = target;
  try {
    path = new URL(target).pathname;
  } catch {
    // Not a URL: compared as a path.
  }
  return { path, url: target };
}

function clientAuth(
  conf: OpenidConnectConf,
  fields: [string, string][],
  headers: Record<string, string>,
): void {
  const secret = conf.client_secret ?? '';
  if (conf.token_endpoint_auth_method === 'client_secret_post') {
    fields.push(['client_id', conf.client_id], ['client_secret', secret]);
  } else if (conf.client_secret !== undefined) {
    const pair = `${encodeURIComponent(conf.client_id)}:${encodeURIComponent(secret)}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  } else {
    fields.push(['client_id', conf.client_id]);
  }
}

const form = (fields: [string, string][]) =>
  fields.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');

/** Verify the ID token of the token endpoint's answer; returns its claims. */
async function verifyIdToken(
  conf: OpenidConnectConf,
  discovery: Discovery,
  raw: string,
  nonce: string | undefined,
): Promise<Record<string, unknown>> {
  const jwt = decodeJwt(raw);
  if (typeof jwt === 'string') throw new CodeFlowError(jwt);
  const { alg, kid } = algAndKid(jwt);
  const algError = algorithmError(alg, conf.token_signing_alg_values_expected);
  if (algError !== undefined) throw new CodeFlowError(algError);
  const now = Date.now() / 1000;
  const issuers = discovery.issuer === undefined ? undefined : [discovery.issuer];
  const claimFailure = claimError(jwt.payload, issuers, now);
  if (claimFailure !== undefined) throw new CodeFlowError(claimFailure);
  const key = await jwksKey(conf, kid, keyTypeOf(alg as string) ?? 'RSA');
  if (!signatureValid(jwt, alg as string, key)) {
    throw new CodeFlowError('jwt signature verification failed');
  }
  const aud = Object.hasOwn(jwt.payload, 'aud') ? jwt.payload.aud : undefined;
  const audOk = Array.isArray(aud) ? aud.includes(conf.client_id) : aud === conf.client_id;
  if (!audOk) throw new CodeFlowError('id_token audience does not match the client id');
  const iat = Object.hasOwn(jwt.payload, 'iat') ? jwt.payload.iat : undefined;
  if (typeof iat === 'number' && iat > now + conf.iat_slack) {
    throw new CodeFlowError('id_token issued in the future');
  }
  if (nonce !== undefined && text(jwt.payload, 'nonce') !== nonce) {
    throw new CodeFlowError('nonce in id_token does not match the one sent');
  }
  return jwt.payload;
}

/** The callback at the redirect URI: code for tokens, session set, back to the original URL. */
async function callback(
  conf: OpenidConnectConf,
  session: SessionConf,
  ctx: RequestContext,
  pending: SessionData | undefined,
  redirectUrl: string,
): Promise<Exit> {
  const code = ctx.vars.get('arg_code');
  const state = ctx.vars.get('arg_state');
  if (typeof code !== 'string' || pending?.state === undefined || state !== pending.state) {
    throw new CodeFlowError('state from argument does not match state restored from session');
  }
  const discovery = await discover(conf);
  if (discovery.token_endpoint === undefined) throw new CodeFlowError('no token endpoint');
  const fields: [string, string][] = [
    ['grant_type', 'authorization_code'],
    ['code', code],
    ['redirect_uri', redirectUrl],
  ];
  if (pending.codeVerifier !== undefined) fields.push(['code_verifier', pending.codeVerifier]);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  clientAuth(conf, fields, headers);
  const tokens = answerJson(
    await callProvider('token endpoint', discovery.token_endpoint, {
      ...callOptions(conf),
      method: 'POST',
      headers,
      body: form(fields),
    }),
  );
  const accessToken = text(tokens, 'access_token');
  if (accessToken === undefined) throw new CodeFlowError('no access_token in token response');
  const now = Math.floor(Date.now() / 1000);
  const data: SessionData = { created: now, accessToken };
  const rawIdToken = text(tokens, 'id_token');
  if (rawIdToken !== undefined) {
    data.idToken = await verifyIdToken(conf, discovery, rawIdToken, pending.nonce);
    data.rawIdToken = rawIdToken;
  }
  const expiresIn = Object.hasOwn(tokens, 'expires_in') ? tokens.expires_in : undefined;
  const lifetime = typeof expiresIn === 'number' ? expiresIn : conf.access_token_expires_in;
  if (lifetime !== undefined) data.accessTokenExpires = now + lifetime;
  data.refreshToken = text(tokens, 'refresh_token');
  if (discovery.userinfo_endpoint !== undefined) {
    data.user = answerJson(
      await callProvider('userinfo endpoint', discovery.userinfo_endpoint, {
        ...callOptions(conf),
        headers: { authorization: `Bearer ${accessToken}` },
      }),
    );
  }
  return exit(302, undefined, {
    Location: pending.originalUrl ?? '/',
    'Set-Cookie': setCookie(session, seal(session, data)),
  });
}

/** `logout_path`: end the session, then the provider's end-session endpoint or a page. */
async function logout(
  conf: OpenidConnectConf,
  session: SessionConf,
  current: SessionData | undefined,
): Promise<Exit> {
  const cleared = setCookie(session, undefined);
  const discovery = await discover(conf);
  if (discovery.end_session_endpoint !== undefined) {
    const url = new URL(discovery.end_session_endpoint);
    if (current?.rawIdToken !== undefined)
      url.searchParams.set('id_token_hint', current.rawIdToken);
    if (conf.post_logout_redirect_uri !== undefined) {
      url.searchParams.set('post_logout_redirect_uri', conf.post_logout_redirect_uri);
    }
    return exit(302, undefined, { Location: url.toString(), 'Set-Cookie': cleared });
  }
  if (conf.post_logout_redirect_uri !== undefined) {
    return exit(302, undefined, { Location: conf.post_logout_redirect_uri, 'Set-Cookie': cleared });
  }
  return exit(200, '<html><body>Logged Out</body></html>\n', {
    'Content-Type': 'text/html',
    'Set-Cookie': cleared,
  });
}

/**
 * The URL to come back to after login, as a local path: leading slashes and backslashes become
 * one slash, so `//host/x` (which a browser reads as another site) stays on this one.
 *
 * @example localPath('//evil.example/x?a=1'); // '/evil.example/x?a=1'
 */
export function localPath(requestUri: string): string {
  return requestUri.replace(/^[/\\]+/, '/');
}

/** 302 to the authorization endpoint, the pending authorization sealed in the cookie. */
async function authorize(
  conf: OpenidConnectConf,
  session: SessionConf,
  ctx: RequestContext,
  redirectUrl: string,
): Promise<Exit> {
  const discovery = await discover(conf);
  if (discovery.authorization_endpoint === undefined) {
    throw new CodeFlowError('no authorization endpoint in discovery document');
  }
  const pending: SessionData = {
    created: Math.floor(Date.now() / 1000),
    state: crypto.randomBytes(16).toString('hex'),
    originalUrl: localPath(String(ctx.vars.get('request_uri'))),
  };
  const url = new URL(discovery.authorization_endpoint);
  const params = url.searchParams;
  params.set('response_type', 'code');
  params.set('client_id', conf.client_id);
  params.set('scope', conf.scope);
  params.set('redirect_uri', redirectUrl);
  params.set('state', pending.state ?? '');
  if (conf.use_nonce) {
    pending.nonce = crypto.randomBytes(16).toString('hex');
    params.set('nonce', pending.nonce);
  }
  if (conf.use_pkce) {
    pending.codeVerifier = crypto.randomBytes(32).toString('base64url');
    const challenge = crypto.createHash('sha256').update(pending.codeVerifier).digest('base64url');
    params.set('code_challenge', challenge);
    params.set('code_challenge_method', 'S256');
  }
  for (const [name, value] of Object.entries(conf.authorization_params ?? {})) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      params.set(name, String(value));
    }
  }
  return exit(302, undefined, {
    Location: url.toString(),
    'Set-Cookie': setCookie(session, seal(session, pending)),
  });
}

/**
 * Renew an expired access token with the session's refresh token (`renew_access_token_on_expiry`):
 * the renewed session, or undefined when the provider refuses (the session then counts as
 * logged out, as lua-resty-openidc's).
 */
async function renew(
  conf: OpenidConnectConf,
  current: SessionData,
): Promise<SessionData | undefined> {
  if (!conf.renew_access_token_on_expiry || current.refreshToken === undefined) return undefined;
  const discovery = await discover(conf);
  if (discovery.token_endpoint === undefined) return undefined;
  const fields: [string, string][] = [
    ['grant_type', 'refresh_token'],
    ['refresh_token', current.refreshToken],
  ];
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  clientAuth(conf, fields, headers);
  let tokens: Record<string, unknown>;
  try {
    tokens = answerJson(
      await callProvider('token endpoint', discovery.token_endpoint, {
        ...callOptions(conf),
        method: 'POST',
        headers,
        body: form(fields),
      }),
    );
  } catch {
    return undefined;
  }
  const accessToken = text(tokens, 'access_token');
  if (accessToken === undefined) return undefined;
  const now = Math.floor(Date.now() / 1000);
  const renewed: SessionData = { ...current, accessToken, accessTokenExpires: undefined };
  const expiresIn = Object.hasOwn(tokens, 'expires_in') ? tokens.expires_in : undefined;
  const lifetime = typeof expiresIn === 'number' ? expiresIn : conf.access_token_expires_in;
  if (lifetime !== undefined) renewed.accessTokenExpires = now + lifetime;
  renewed.refreshToken = text(tokens, 'refresh_token') ?? current.refreshToken;
  const rawIdToken = text(tokens, 'id_token');
  if (rawIdToken !== undefined) {
    renewed.idToken = await verifyIdToken(conf, discovery, rawIdToken, undefined);
    renewed.rawIdToken = rawIdToken;
  }
  return renewed;
}

/**
 * Run the flow for a request without a bearer token: the authenticated session, an Exit
 * (redirect, logout, 401), or undefined to let the request through unauthenticated (`pass`).
 * Throws CodeFlowError (or a provider failure) for APISIX's 500.
 */
export async function authenticate(
  conf: OpenidConnectConf,
  ctx: RequestContext,
): Promise<Authenticated | Exit | undefined> {
  const session = conf.session;
  if (!session) {
    throw new CodeFlowError('property "session.secret" is required when "bearer_only" is false');
  }
  const now = Date.now() / 1000;
  const current = unseal(session, readCookie(session, ctx), now);
  const redirect = redirectUri(conf, ctx);
  if (ctx.vars.uri === redirect.path) {
    return callback(conf, session, ctx, current, redirect.url);
  }
  if (ctx.vars.get('request_uri') === conf.logout_path) return logout(conf, session, current);
  const live =
    current?.accessToken !== undefined &&
    (current.accessTokenExpires === undefined ||
      current.accessTokenExpires - conf.access_token_expires_leeway > now);
  if (current && live) return { kind: 'authenticated', session: current };
  if (current?.accessToken !== undefined) {
    const renewed = await renew(conf, current);
    if (renewed) {
      return {
        kind: 'authenticated',
        session: renewed,
        cookie: setCookie(session, seal(session, renewed)),
      };
    }
  }
  if (conf.unauth_action === 'pass') return undefined;
  if (conf.unauth_action === 'deny') return exit(401);
  return authorize(conf, session, ctx, redirect.url);
}
