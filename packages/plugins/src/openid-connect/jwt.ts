/**
 * @module openid-connect/jwt
 * A bearer JWT checked the way lua-resty-openidc's `bearer_jwt_verify` checks it: the `none`
 * algorithm and unexpected algorithms are refused, the claims (`exp`, `nbf`, the trusted
 * issuers) are validated before the signature, and every failure but a missing key is worded
 * `jwt signature verification failed: <reason>` as lua-resty-jwt words the reason.
 */
import crypto from 'node:crypto';

/** Largest token accepted (bytes of the compact form). */
export const MAX_TOKEN_LENGTH = 16 * 1024;

/** A compact JWT decoded without trusting it. */
export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

/** Signature settings by `alg`: digest, key type, and padding or ECDSA signature length. */
const ALGS = new Map<
  string,
  { hash: string; kty: 'RSA' | 'EC'; pss?: boolean; sigLength?: number }
>([
  ['RS256', { hash: 'sha256', kty: 'RSA' }],
  ['RS384', { hash: 'sha384', kty: 'RSA' }],
  ['RS512', { hash: 'sha512', kty: 'RSA' }],
  ['PS256', { hash: 'sha256', kty: 'RSA', pss: true }],
  ['PS384', { hash: 'sha384', kty: 'RSA', pss: true }],
  ['PS512', { hash: 'sha512', kty: 'RSA', pss: true }],
  ['ES256', { hash: 'sha256', kty: 'EC', sigLength: 64 }],
  ['ES384', { hash: 'sha384', kty: 'EC', sigLength: 96 }],
  ['ES512', { hash: 'sha512', kty: 'EC', sigLength: 132 }],
]);

const B64URL = /^[A-Za-z0-9_-]*$/;

function jsonPart(part: string): Record<string, unknown> | undefined {
  if (!B64URL.test(part)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Decode `header.payload.signature`, or return lua-resty-jwt's failure text. */
export function decodeJwt(token: string): DecodedJwt | string {
  if (token.length > MAX_TOKEN_LENGTH) return 'invalid jwt: invalid jwt string';
  const parts = token.split('.');
  if (parts.length !== 3) return 'invalid jwt: invalid jwt string';
  const [rawHeader = '', rawPayload = '', rawSignature = ''] = parts;
  const header = jsonPart(rawHeader);
  if (!header) return 'invalid jwt: invalid header: ' + rawHeader;
  const payload = jsonPart(rawPayload);
  if (!payload) return 'invalid jwt: invalid payload: ' + rawPayload;
  if (!B64URL.test(rawSignature)) return 'invalid jwt: invalid jwt string';
  return {
    header,
    payload,
    signingInput: `${rawHeader}.${rawPayload}`,
    signature: Buffer.from(rawSignature, 'base64url'),
  };
}

const field = (o: Record<string, unknown>, key: string): unknown =>
  Object.hasOwn(o, key) ? o[key] : undefined;

/** The token's `alg` and `kid` header fields. */
export function algAndKid(jwt: DecodedJwt): { alg: unknown; kid: string | undefined } {
  const kid = field(jwt.header, 'kid');
  return { alg: field(jwt.header, 'alg'), kid: typeof kid === 'string' ? kid : undefined };
}

/** The key type an algorithm verifies with, when Tollgate verifies it. */
export function keyTypeOf(alg: string): 'RSA' | 'EC' | undefined {
  return ALGS.get(alg)?.kty;
}

/**
 * Why the header's algorithm is refused before any key is looked up, or undefined: `none`
 * unless accepted, one other than `token_signing_alg_values_expected`, one Tollgate does not
 * verify with a public key.
 */
export function algorithmError(alg: unknown, expected: string | undefined): string | undefined {
  if (typeof alg !== 'string') return 'invalid jwt: invalid header: alg';
  if (alg === 'none') return 'token uses "none" alg but accept_none_alg is not enabled';
  if (expected !== undefined && alg !== expected) {
    return `token is signed by unexpected algorithm "${alg}"`;
  }
  if (!ALGS.has(alg)) return `jwt signature verification failed: Unsupported algorithm ${alg}`;
  return undefined;
}

/** HTTP date of a unix time, as ngx.http_time writes it. */
function httpTime(seconds: number): string {
  return new Date(Math.floor(seconds) * 1000).toUTCString();
}

/**
 * The first failing claim, worded as lua-resty-jwt's validators (`'exp' claim expired at <date>`,
 * `'nbf' claim not valid until <date>`, `Claim 'iss' ('<iss>') returned failure`, `'iss' claim
 * is required.`), or undefined.
 */
export function claimError(
  payload: Record<string, unknown>,
  validIssuers: readonly string[] | undefined,
  nowSeconds: number,
): string | undefined {
  const exp = field(payload, 'exp');
  if (exp !== undefined) {
    if (typeof exp !== 'number' || exp < 0) {
      return "'exp' is malformed.  Expected to be a positive numeric value.";
    }
    if (!(nowSeconds < exp)) return `'exp' claim expired at ${httpTime(exp)}`;
  }
  const nbf = field(payload, 'nbf');
  if (nbf !== undefined) {
    if (typeof nbf !== 'number' || nbf < 0) {
      return "'nbf' is malformed.  Expected to be a positive numeric value.";
    }
    if (nbf > nowSeconds) return `'nbf' claim not valid until ${httpTime(nbf)}`;
  }
  if (validIssuers) {
    const iss = field(payload, 'iss');
    if (iss === undefined) return "'iss' claim is required.";
    if (typeof iss !== 'string' || !validIssuers.includes(iss)) {
      const shown = typeof iss === 'string' ? iss : JSON.stringify(iss);
      return `Claim 'iss' ('${shown}') returned failure`;
    }
  }
  return undefined;
}

/** Whether the signature is valid for `key` under `alg` (an algorithm of {@link ALGS}). */
export function signatureValid(jwt: DecodedJwt, alg: string, key: crypto.KeyObject): boolean {
  const spec = ALGS.get(alg);
  if (!spec) return false;
  const data = Buffer.from(jwt.signingInput);
  try {
    if (spec.kty === 'EC') {
      if (jwt.signature.length !== spec.sigLength) return false;
      return crypto.verify(spec.hash, data, { key, dsaEncoding: 'ieee-p1363' }, jwt.signature);
    }
    if (spec.pss) {
      const padding = crypto.constants.RSA_PKCS1_PSS_PADDING;
      const saltLength = crypto.constants.RSA_PSS_SALTLEN_DIGEST;
      return crypto.verify(spec.hash, data, { key, padding, saltLength }, jwt.signature);
    }
    return crypto.verify(spec.hash, data, key, jwt.signature);
  } catch {
    return false;
  }
}
