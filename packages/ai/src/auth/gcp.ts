/**
 * @module auth/gcp
 * Google service-account authentication (`auth.gcp`, APISIX `ai-transport/auth.lua`
 * `fetch_gcp_access_token`): an RS256-signed JWT assertion exchanged at the service account's
 * `token_uri` for an OAuth access token (RFC 7523 `jwt-bearer` grant), sent as
 * `Authorization: Bearer <token>`.
 *
 * Tokens are cached per service account and refreshed `expire_early_secs` (default 60) before they
 * expire, `max_ttl` capping their lifetime; concurrent requests share one exchange in flight.
 * A failed exchange is not cached, and fails every request waiting on it with
 * `TOLLGATE_ERR_PROVIDER_AUTH`.
 */
import { createHash, createSign } from 'node:crypto';
import { request } from 'undici';
import { ProviderAuthError } from '../errors';
import type { RequestSigner } from '../transport/http';

/** `auth.gcp` as configured (APISIX's field names). */
export interface GcpAuthConf {
  /** The service account key file (JSON text). */
  service_account_json?: string;
  /** Longest lifetime of a cached token, in seconds. */
  max_ttl?: number;
  /** Refresh this many seconds before expiry. Default 60. */
  expire_early_secs?: number;
}

/** The fields of a service account key Tollgate uses. */
export interface GcpServiceAccount {
  client_email: string;
  private_key: string;
  private_key_id?: string;
  /** Where the assertion is exchanged; Google's default when absent. */
  token_uri: string;
}

/** The OAuth scope requested: what Vertex AI needs. */
export const GCP_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
const DEFAULT_TOKEN_URI = 'https://oauth2.googleapis.com/token';
const ASSERTION_LIFETIME_S = 3600;
const DEFAULT_EXPIRE_EARLY_S = 60;
/** A token endpoint's answer larger than this is not parsed (treated as no JSON). */
const MAX_TOKEN_ANSWER_BYTES = 64 * 1024;

/** Performs the token exchange: POSTs the form to `tokenUri`, returns status and JSON body. */
export type TokenExchange = (
  tokenUri: string,
  form: string,
  signal?: AbortSignal,
) => Promise<{ status: number; body: unknown }>;

const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/**
 * Parse `service_account_json`; throws `TOLLGATE_ERR_PROVIDER_AUTH` naming what is wrong (never
 * the key itself).
 */
export function parseServiceAccount(json: string): GcpServiceAccount {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (cause) {
    throw new ProviderAuthError('invalid gcp service_account_json: not JSON', { cause });
  }
  const sa = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<
    string,
    unknown
  >;
  const { client_email: email, private_key: key, private_key_id: keyId, token_uri: uri } = sa;
  if (typeof email !== 'string' || typeof key !== 'string') {
    throw new ProviderAuthError(
      'invalid gcp service_account_json: client_email and private_key are required',
    );
  }
  return {
    client_email: email,
    private_key: key,
    ...(typeof keyId === 'string' ? { private_key_id: keyId } : {}),
    token_uri: typeof uri === 'string' && uri !== '' ? uri : DEFAULT_TOKEN_URI,
  };
}

/**
 * The signed JWT assertion of the `jwt-bearer` grant: RS256, `iss` = the service account,
 * `aud` = its token URI, `scope` = {@link GCP_SCOPE}, valid one hour from `nowS`.
 */
export function signAssertion(sa: GcpServiceAccount, nowS: number): string {
  const header = {
    alg: 'RS256',
    typ: 'JWT',
    ...(sa.private_key_id ? { kid: sa.private_key_id } : {}),
  };
  const claims = {
    iss: sa.client_email,
    scope: GCP_SCOPE,
    aud: sa.token_uri,
    iat: nowS,
    exp: nowS + ASSERTION_LIFETIME_S,
  };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  let signature: Buffer;
  try {
    signature = createSign('RSA-SHA256').update(input).sign(sa.private_key);
  } catch (cause) {
    throw new ProviderAuthError('invalid gcp service_account_json: unusable private_key', {
      cause,
    });
  }
  return `${input}.${b64url(signature)}`;
}

/** The default exchange: a form POST through undici (not the global fetch, style §1.6). */
export const httpTokenExchange: TokenExchange = async (tokenUri, form, signal) => {
  const res = await request(tokenUri, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: form,
    signal,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += (chunk as Buffer).length;
    if (size > MAX_TOKEN_ANSWER_BYTES) {
      res.body.destroy();
      return { status: res.statusCode, body: undefined };
    }
    chunks.push(chunk as Buffer);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks, size).toString('utf8'));
  } catch {
    body = undefined;
  }
  return { status: res.statusCode, body };
};

interface CachedToken {
  token: string;
  /** Epoch ms after which the token is refreshed. */
  refreshAt: number;
}

/** Options of {@link GcpTokenCache}. */
export interface GcpTokenCacheOptions {
  exchange?: TokenExchange;
  /** Epoch ms; tests inject a clock. */
  now?: () => number;
}

/**
 * Access tokens per service account. One per process is enough ({@link defaultGcpTokenCache}).
 *
 * @example
 * const token = await cache.token({ service_account_json, expire_early_secs: 60 });
 */
export class GcpTokenCache {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<CachedToken>>();
  /** The cache key last computed for a conf object, so a request does not hash the JSON again. */
  private readonly keys = new WeakMap<GcpAuthConf, { json: string; conf: string; key: string }>();
  private readonly exchange: TokenExchange;
  private readonly now: () => number;
  /** Token exchanges started (for tests and metrics). */
  exchanges = 0;

  constructor(opts: GcpTokenCacheOptions = {}) {
    this.exchange = opts.exchange ?? httpTokenExchange;
    this.now = opts.now ?? Date.now;
  }

  /** A valid access token for `conf`: cached, or from one shared exchange. */
  async token(conf: GcpAuthConf, signal?: AbortSignal): Promise<string> {
    const json = conf.service_account_json;
    if (!json) throw new ProviderAuthError('missing gcp service_account_json');
    const key = this.keyOf(conf, json);
    const cached = this.tokens.get(key);
    if (cached && this.now() < cached.refreshAt) return cached.token;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.fetch(conf, json).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    // A caller's abort stops its wait, never the shared exchange other callers wait on.
    const fresh = await (signal ? raceAbort(pending, signal) : pending);
    this.tokens.set(key, fresh);
    return fresh.token;
  }

  private keyOf(conf: GcpAuthConf, json: string): string {
    const rest = `${conf.max_ttl ?? ''}\0${conf.expire_early_secs ?? ''}`;
    const known = this.keys.get(conf);
    if (known && known.json === json && known.conf === rest) return known.key;
    const key = createHash('sha256').update(`${json}\0${rest}`).digest('hex');
    this.keys.set(conf, { json, conf: rest, key });
    return key;
  }

  /** Forget every cached token. */
  clear(): void {
    this.tokens.clear();
  }

  private async fetch(conf: GcpAuthConf, json: string): Promise<CachedToken> {
    this.exchanges++;
    const sa = parseServiceAccount(json);
    const started = this.now();
    const form = new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: signAssertion(sa, Math.floor(started / 1000)),
    }).toString();
    let res: { status: number; body: unknown };
    try {
      res = await this.exchange(sa.token_uri, form);
    } catch (cause) {
      throw new ProviderAuthError('failed to get gcp access token: token endpoint unreachable', {
        cause,
      });
    }
    const body = (typeof res.body === 'object' && res.body !== null ? res.body : {}) as Record<
      string,
      unknown
    >;
    const token = body.access_token;
    if (res.status !== 200 || typeof token !== 'string' || token === '') {
      const reason = typeof body.error === 'string' ? `: ${body.error}` : '';
      throw new ProviderAuthError(
        `failed to get gcp access token: token endpoint answered ${res.status}${reason}`,
      );
    }
    const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : ASSERTION_LIFETIME_S;
    const ttl = Math.min(expiresIn, conf.max_ttl ?? Infinity);
    const early = conf.expire_early_secs ?? DEFAULT_EXPIRE_EARLY_S;
    return { token, refreshAt: started + Math.max(0, ttl - early) * 1000 };
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: Error) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** The process-wide token cache used by {@link gcpBearerSigner} by default. */
export const defaultGcpTokenCache = new GcpTokenCache();

/**
 * A {@link RequestSigner} that sets `authorization: Bearer <access token>` for `conf`.
 *
 * @example
 * const sign = gcpBearerSigner({ service_account_json: json });
 */
export function gcpBearerSigner(
  conf: GcpAuthConf,
  cache: GcpTokenCache = defaultGcpTokenCache,
): RequestSigner {
  return async (_req, signal) => ({ authorization: `Bearer ${await cache.token(conf, signal)}` });
}
