/**
 * @module jwt-auth/consumer-key
 * The key that verifies a consumer's tokens, built once per consumer configuration: the secret
 * (base64-decoded with `base64_secret`) for HS algorithms, the parsed public key otherwise.
 */
import crypto from 'node:crypto';
import type { VerifyKey } from './token';

const cache = new WeakMap<object, VerifyKey | null>();

function build(conf: Readonly<Record<string, unknown>>): VerifyKey | null {
  const algorithm = typeof conf.algorithm === 'string' ? conf.algorithm : 'HS256';
  if (algorithm.startsWith('HS')) {
    if (typeof conf.secret !== 'string') return null;
    const secret =
      conf.base64_secret === true ? Buffer.from(conf.secret, 'base64') : Buffer.from(conf.secret);
    return { kind: 'secret', secret };
  }
  if (typeof conf.public_key !== 'string') return null;
  try {
    return { kind: 'public', key: crypto.createPublicKey(conf.public_key) };
  } catch {
    return null;
  }
}

/**
 * The verify key of a consumer's jwt-auth conf, or undefined when it has none usable (no secret,
 * or a public key that does not parse).
 */
export function consumerKey(conf: Readonly<Record<string, unknown>>): VerifyKey | undefined {
  let key = cache.get(conf);
  if (key === undefined) {
    key = build(conf);
    cache.set(conf, key);
  }
  return key ?? undefined;
}
