/**
 * @module openid-connect/session
 * The authorization code flow's session, kept in one cookie sealed with `session.secret`
 * (AES-256-GCM under the SHA-256 of the secret, so the browser can neither read nor change it).
 * The cookie carries the pending authorization (state, nonce, PKCE verifier, original URL) and,
 * once logged in, the tokens and user info; it expires after `session.absolute_timeout`.
 */
import crypto from 'node:crypto';
import type { RequestContext } from '@tollgate/core';
import type { OpenidConnectConf } from '@tollgate/schema';

/** lua-resty-session's default absolute session lifetime, in seconds. */
export const DEFAULT_ABSOLUTE_TIMEOUT = 86_400;
/** Largest cookie value read. */
const MAX_COOKIE = 8 * 1024;

/** What the session holds. */
export interface SessionData {
  /** Unix seconds the session started. */
  created: number;
  state?: string;
  nonce?: string;
  codeVerifier?: string;
  originalUrl?: string;
  accessToken?: string;
  /** Unix seconds the access token expires (when the provider said). */
  accessTokenExpires?: number;
  refreshToken?: string;
  idToken?: Record<string, unknown>;
  rawIdToken?: string;
  user?: Record<string, unknown>;
}

type SessionConf = NonNullable<OpenidConnectConf['session']>;

const keyOf = (secret: string) => crypto.createHash('sha256').update(secret).digest();

/** The cookie name (`session.cookie_name`, default `session`). */
export function cookieName(session: SessionConf): string {
  return session.cookie_name ?? 'session';
}

function lifetime(session: SessionConf): number {
  return session.absolute_timeout ?? session.cookie?.lifetime ?? DEFAULT_ABSOLUTE_TIMEOUT;
}

/** Seal `data` into a cookie value. */
export function seal(session: SessionConf, data: SessionData): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', keyOf(session.secret), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The session of a cookie value, or undefined when it is absent, forged or expired. */
export function unseal(
  session: SessionConf,
  value: string | undefined,
  nowSeconds: number,
): SessionData | undefined {
  if (value === undefined || value.length > MAX_COOKIE) return undefined;
  const raw = Buffer.from(value, 'base64url');
  if (raw.length < 29) return undefined;
  try {
    const decipher = crypto.createDecipheriv(
      'aes-256-gcm',
      keyOf(session.secret),
      raw.subarray(0, 12),
    );
    decipher.setAuthTag(raw.subarray(12, 28));
    const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString(
      'utf8',
    );
    const data = JSON.parse(text) as SessionData;
    if (typeof data.created !== 'number' || data.created + lifetime(session) <= nowSeconds) {
      return undefined;
    }
    return data;
  } catch {
    return undefined;
  }
}

/** The session cookie the request carries, if any. */
export function readCookie(session: SessionConf, ctx: RequestContext): string | undefined {
  const value = ctx.vars.get(`cookie_${cookieName(session)}`);
  return typeof value === 'string' ? value : undefined;
}

/** A Set-Cookie value for `value` (an empty value with Max-Age=0 clears it). */
export function setCookie(session: SessionConf, value: string | undefined): string {
  const parts = [`${cookieName(session)}=${value ?? ''}`, `Path=${session.cookie_path ?? '/'}`];
  if (session.cookie_domain !== undefined) parts.push(`Domain=${session.cookie_domain}`);
  parts.push(`Max-Age=${value === undefined ? 0 : lifetime(session)}`);
  if (session.cookie_secure === true) parts.push('Secure');
  if (session.cookie_http_only !== false) parts.push('HttpOnly');
  const sameSite = session.cookie_same_site ?? 'Lax';
  if (sameSite !== 'Default') parts.push(`SameSite=${sameSite}`);
  return parts.join('; ');
}
