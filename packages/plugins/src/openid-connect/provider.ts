/**
 * @module openid-connect/provider
 * What the plugin learns from the OpenID provider, cached per worker: the discovery document
 * (24 hours, as lua-resty-openidc) and the JWKS it names (`jwk_expires_in`, fetched again once
 * when a token names a key it does not hold, so a key rotation is picked up).
 */
import crypto from 'node:crypto';
import type { OpenidConnectConf } from '@tollgate/schema';
import { TtlCache } from './cache';
import { answerJson, callProvider, type CallOptions } from './provider-http';

/** How long a discovery document is trusted. */
export const DISCOVERY_TTL_MS = 24 * 60 * 60 * 1000;
/** Least time between two fetches of one JWKS forced by unknown key ids. */
export const JWKS_REFRESH_MIN_MS = 1000;

/** The discovery document fields the plugin uses (any other field is ignored). */
export interface Discovery {
  issuer?: string;
  jwks_uri?: string;
  introspection_endpoint?: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  userinfo_endpoint?: string;
  end_session_endpoint?: string;
}

/** One verification key of a JWKS. */
export interface Jwk {
  kid?: string;
  kty: string;
  use?: string;
  alg?: string;
  key: crypto.KeyObject;
}

interface Jwks {
  keys: Jwk[];
  fetchedAt: number;
}

const discoveries = new TtlCache<Discovery>(256);
const jwksCache = new TtlCache<Jwks>(256);

/** Forget every cached document (tests). */
export function clearProviderCaches(): void {
  discoveries.clear();
  jwksCache.clear();
}

/** Call settings from the plugin conf (`timeout` in seconds, or a legacy value in ms). */
export function callOptions(conf: OpenidConnectConf): CallOptions {
  const legacyMs = conf.timeout >= 1000 && conf.timeout % 1000 === 0;
  return {
    timeoutMs: legacyMs ? conf.timeout : conf.timeout * 1000,
    sslVerify: conf.ssl_verify === true,
  };
}

const text = (doc: Record<string, unknown>, key: string): string | undefined => {
  const value = Object.hasOwn(doc, key) ? doc[key] : undefined;
  return typeof value === 'string' ? value : undefined;
};

/** The discovery document of `conf.discovery` (cached; a failure is thrown and not cached). */
export function discover(conf: OpenidConnectConf): Promise<Discovery> {
  const options = callOptions(conf);
  return discoveries.load(conf.discovery, DISCOVERY_TTL_MS, async () => {
    const doc = answerJson(await callProvider('discovery url', conf.discovery, options));
    return {
      issuer: text(doc, 'issuer'),
      jwks_uri: text(doc, 'jwks_uri'),
      introspection_endpoint: text(doc, 'introspection_endpoint'),
      authorization_endpoint: text(doc, 'authorization_endpoint'),
      token_endpoint: text(doc, 'token_endpoint'),
      userinfo_endpoint: text(doc, 'userinfo_endpoint'),
      end_session_endpoint: text(doc, 'end_session_endpoint'),
    };
  });
}

function parseKeys(doc: Record<string, unknown>): Jwk[] {
  const list = Object.hasOwn(doc, 'keys') ? doc.keys : undefined;
  if (!Array.isArray(list)) throw new Error('JSON decoding failed');
  const keys: Jwk[] = [];
  for (const item of list.slice(0, 100)) {
    if (typeof item !== 'object' || item === null) continue;
    const jwk = item as Record<string, unknown>;
    const kty = text(jwk, 'kty');
    if (kty !== 'RSA' && kty !== 'EC') continue;
    try {
      const key = crypto.createPublicKey({ key: jwk as crypto.JsonWebKey, format: 'jwk' });
      keys.push({ kid: text(jwk, 'kid'), kty, use: text(jwk, 'use'), alg: text(jwk, 'alg'), key });
    } catch {
      // A key node:crypto cannot read is skipped, as one of another type.
    }
  }
  return keys;
}

function pick(keys: readonly Jwk[], kid: string | undefined, kty: string): Jwk | string {
  const usable = keys.filter((k) => k.kty === kty && (k.use === undefined || k.use === 'sig'));
  if (kid === undefined) {
    if (usable.length === 1 && usable[0]) return usable[0];
    return `JWT doesn't specify kid but the keystore contains multiple ${kty} keys`;
  }
  return usable.find((k) => k.kid === kid) ?? `${kty} key with id ${kid} not found`;
}

/**
 * The key of the discovery document's JWKS that verifies a token with key id `kid` and key type
 * `kty`. A kid the cached set lacks makes one fresh fetch (at most one per second per JWKS).
 * Throws with lua-resty-openidc's wording when there is none.
 */
export async function jwksKey(
  conf: OpenidConnectConf,
  kid: string | undefined,
  kty: string,
): Promise<crypto.KeyObject> {
  const discovery = await discover(conf);
  const uri = discovery.jwks_uri;
  if (uri === undefined) throw new Error('no jwks_uri in discovery document');
  const ttl = conf.jwk_expires_in * 1000;
  const options = callOptions(conf);
  const fetchKeys = async (): Promise<Jwks> => ({
    keys: parseKeys(answerJson(await callProvider('jwks url', uri, options))),
    fetchedAt: Date.now(),
  });
  let jwks = await jwksCache.load(uri, ttl, fetchKeys);
  let found = pick(jwks.keys, kid, kty);
  if (typeof found === 'string' && Date.now() - jwks.fetchedAt >= JWKS_REFRESH_MIN_MS) {
    jwks = await jwksCache.refresh(uri, ttl, fetchKeys);
    found = pick(jwks.keys, kid, kty);
  }
  if (typeof found === 'string') throw new Error(found);
  return found.key;
}
