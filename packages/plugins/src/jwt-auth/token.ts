/**
 * @module jwt-auth/token
 * A JSON Web Token (compact form) decoded without trusting it, its signature checked against a
 * consumer's key, and its `exp`/`nbf` claims checked the way APISIX's jwt-auth parser does.
 */
import crypto from 'node:crypto';
import { isPlainObject, ownValue, type JsonObject } from '@tollgate/core';

/** A decoded, not yet verified token. */
export interface DecodedJwt {
  readonly alg: string;
  readonly payload: JsonObject;
  /** `base64url(header) + '.' + base64url(payload)`, the signed bytes. */
  readonly signingInput: string;
  readonly signature: Buffer;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function decodeJson(part: string): JsonObject | undefined {
  if (!BASE64URL.test(part)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return isPlainObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Decode `header.payload.signature`; undefined when it is not a JWT (APISIX: "JWT token invalid").
 *
 * @example
 * decodeJwt('eyJhbGciOiJIUzI1NiJ9.eyJrZXkiOiJ1c2VyLWtleSJ9.c2ln')?.alg; // 'HS256'
 */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [rawHeader = '', rawPayload = '', rawSignature = ''] = parts;
  const header = decodeJson(rawHeader);
  const payload = decodeJson(rawPayload);
  const alg = header && ownValue(header, 'alg');
  if (!payload || typeof alg !== 'string' || !BASE64URL.test(rawSignature)) return undefined;
  return {
    alg,
    payload,
    signingInput: `${rawHeader}.${rawPayload}`,
    signature: Buffer.from(rawSignature, 'base64url'),
  };
}

/** The key that verifies a consumer's tokens. */
export type VerifyKey =
  | { readonly kind: 'secret'; readonly secret: Buffer }
  | { readonly kind: 'public'; readonly key: crypto.KeyObject };

const HASH: Readonly<Record<string, string>> = {
  '256': 'sha256',
  '384': 'sha384',
  '512': 'sha512',
};
// Raw (r || s) ECDSA signature lengths APISIX insists on.
const ES_LENGTH: Readonly<Record<string, number>> = { ES256: 64, ES384: 96, ES512: 132 };

function hashOf(alg: string): string | undefined {
  return ownValue(HASH, alg.slice(2));
}

function verifyPublic(jwt: DecodedJwt, key: crypto.KeyObject): boolean {
  const data = Buffer.from(jwt.signingInput);
  const { alg, signature } = jwt;
  if (alg === 'EdDSA') return crypto.verify(null, data, key, signature);
  const hash = hashOf(alg);
  if (hash === undefined) return false;
  if (alg.startsWith('RS')) return crypto.verify(hash, data, key, signature);
  if (alg.startsWith('PS')) {
    const padding = crypto.constants.RSA_PKCS1_PSS_PADDING;
    const saltLength = crypto.constants.RSA_PSS_SALTLEN_AUTO;
    return crypto.verify(hash, data, { key, padding, saltLength }, signature);
  }
  if (alg.startsWith('ES')) {
    if (signature.length !== ownValue(ES_LENGTH, alg)) return false;
    return crypto.verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature);
  }
  return false;
}

/**
 * Whether the token's signature is valid for `key`, under the algorithm the token names. An
 * HMAC token verifies only against a secret and a public-key token only against a public key,
 * so a public key can never be used as an HMAC secret. HMACs are compared in constant time.
 */
export function verifySignature(jwt: DecodedJwt, key: VerifyKey): boolean {
  try {
    if (jwt.alg.startsWith('HS')) {
      const hash = hashOf(jwt.alg);
      if (key.kind !== 'secret' || hash === undefined) return false;
      const mac = crypto.createHmac(hash, key.secret).update(jwt.signingInput).digest();
      return mac.length === jwt.signature.length && crypto.timingSafeEqual(mac, jwt.signature);
    }
    return key.kind === 'public' && verifyPublic(jwt, key.key);
  } catch {
    // A key the algorithm cannot use (an EC key for RS256, ...): not verified.
    return false;
  }
}

/**
 * Check the `claims` present in the payload (an absent claim passes, as in APISIX): `exp` must
 * be later than now minus `leeway` seconds, `nbf` earlier than now plus `leeway`. Returns the
 * failure reason, or undefined.
 *
 * @example
 * verifyClaims({ exp: 1 }, ['exp'], 0, 1_700_000_000); // "'exp' claim expired"
 */
export function verifyClaims(
  payload: JsonObject,
  claims: readonly string[],
  leeway: number,
  nowSeconds: number,
): string | undefined {
  for (const name of claims) {
    const value = ownValue(payload, name);
    if (value === undefined || value === null || value === false) continue;
    if (typeof value !== 'number') return `claim ${name} is not a number`;
    if (name === 'exp' && !(value > nowSeconds - leeway)) return "'exp' claim expired";
    if (name === 'nbf' && !(value < nowSeconds + leeway)) return "'nbf' claim not valid yet";
  }
  return undefined;
}
