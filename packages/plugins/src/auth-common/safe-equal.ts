/**
 * @module auth-common/safe-equal
 * Secret comparison in constant time: both sides are hashed first, so neither the content nor
 * the length of the expected secret shows in the time taken.
 */
import crypto from 'node:crypto';

function digest(value: string | Buffer): Buffer {
  return crypto.createHash('sha256').update(value).digest();
}

/**
 * True when `presented` equals `expected`, compared in constant time.
 *
 * @example
 * safeEqual('bar', consumerConf.password); // true or false, same time either way
 */
export function safeEqual(presented: string | Buffer, expected: string | Buffer): boolean {
  // Equal-length digests; a SHA-256 collision is not a practical concern.
  return crypto.timingSafeEqual(digest(presented), digest(expected));
}
