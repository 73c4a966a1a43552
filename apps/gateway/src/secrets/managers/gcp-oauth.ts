/**
 * @module secrets/managers/gcp-oauth
 * OAuth 2.0 access tokens for a Google service account, as APISIX's google-cloud-oauth utility:
 * a JWT assertion (RS256; `iss` the account, `aud` the token URI, `scope`, one hour) signed with
 * jose and exchanged at `token_uri` for a token, which is reused until a minute before it expires.
 * The assertion is made here rather than with google-auth-library, which sends it to Google's
 * fixed token endpoint and so cannot honour a service account's own `token_uri` (as APISIX does).
 * Tokens are cached per account, token URI, scope and key, in a bounded map.
 */
import { createHash, createPrivateKey } from 'node:crypto';
import { SignJWT } from 'jose';
import { exchangeJson } from './json-exchange';

/** The parts of a service account the token exchange needs. */
export interface ServiceAccount {
  client_email: string;
  private_key: string;
  token_uri: string;
  scope: string;
}

export interface AccessToken {
  type: string;
  token: string;
}

const ASSERTION_LIFETIME_S = 60 * 60;
/** A token this close to its expiry is refreshed first (APISIX: 60 s). */
const REFRESH_MARGIN_MS = 60_000;
const MAX_CACHED_ACCOUNTS = 64;

interface Cached extends AccessToken {
  expiresAtMs: number;
}

const cache = new Map<string, Cached>();
const inFlight = new Map<string, Promise<Cached>>();

function cacheKey(account: ServiceAccount): string {
  const { client_email, token_uri, scope, private_key } = account;
  return createHash('sha256')
    .update(JSON.stringify([client_email, token_uri, scope, private_key]))
    .digest('hex');
}

async function assertion(account: ServiceAccount): Promise<string> {
  let key;
  try {
    key = createPrivateKey(account.private_key);
  } catch {
    throw new Error('the service account private_key is no PEM private key');
  }
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: account.scope })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setIssuer(account.client_email)
    .setAudience(account.token_uri)
    .setIssuedAt(now)
    .setExpirationTime(now + ASSERTION_LIFETIME_S)
    .sign(key);
}

async function requestToken(account: ServiceAccount, verifyTls: boolean, signal: AbortSignal) {
  const form = new URLSearchParams({
    grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    assertion: await assertion(account),
  });
  const answer = await exchangeJson(
    {
      url: new URL(account.token_uri),
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      verifyTls,
    },
    signal,
  );
  const json = answer.json as Record<string, unknown> | undefined;
  const token = answer.status === 200 ? json?.access_token : undefined;
  if (typeof token !== 'string' || token === '') {
    throw new Error(`failed to get google oauth token: token endpoint answered ${answer.status}`);
  }
  const type = typeof json?.token_type === 'string' ? json.token_type : 'Bearer';
  const expiresIn = typeof json?.expires_in === 'number' ? json.expires_in : 0;
  return { token, type, expiresAtMs: Date.now() + expiresIn * 1000 };
}

function remember(key: string, token: Cached): void {
  cache.delete(key);
  if (cache.size >= MAX_CACHED_ACCOUNTS) cache.delete(cache.keys().next().value as string);
  cache.set(key, token);
}

/** A valid access token for `account`: the cached one, or a new one (one exchange at a time). */
export async function accessToken(
  account: ServiceAccount,
  verifyTls: boolean,
  signal: AbortSignal,
): Promise<AccessToken> {
  const key = cacheKey(account);
  const cached = cache.get(key);
  if (cached && Date.now() < cached.expiresAtMs - REFRESH_MARGIN_MS) return cached;
  let pending = inFlight.get(key);
  if (!pending) {
    pending = requestToken(account, verifyTls, signal).finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  const fresh = await pending;
  remember(key, fresh);
  return fresh;
}
