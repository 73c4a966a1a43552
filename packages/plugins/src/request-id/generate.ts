/**
 * @module request-id/generate
 * The ID algorithms of APISIX's request-id: uuid (v4), nanoid (21 URL-safe characters), range_id
 * (random characters from a configured set) and ksuid (27 base62 characters, time-ordered).
 */
import crypto from 'node:crypto';
import type { RequestIdConf } from '@tollgate/schema';

const NANOID_ALPHABET = 'useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict';
const NANOID_LENGTH = 21;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** KSUID timestamps count seconds from 2014-05-13T16:53:20Z. */
const KSUID_EPOCH_S = 1_400_000_000;
const KSUID_LENGTH = 27;

function nanoid(): string {
  const bytes = crypto.randomBytes(NANOID_LENGTH);
  let out = '';
  // 64 symbols: the low 6 bits of a random byte pick one uniformly.
  for (const byte of bytes) out += NANOID_ALPHABET.charAt(byte & 63);
  return out;
}

function rangeId(length: number, charSet: string): string {
  let out = '';
  for (let i = 0; i < length; i++) out += charSet.charAt(crypto.randomInt(charSet.length));
  return out;
}

/** 4 bytes of seconds since the KSUID epoch, 16 random bytes, base62 to 27 characters. */
export function ksuid(nowMs = Date.now()): string {
  const bytes = Buffer.alloc(20);
  bytes.writeUInt32BE(Math.max(0, Math.floor(nowMs / 1000) - KSUID_EPOCH_S) >>> 0, 0);
  crypto.randomFillSync(bytes, 4, 16);
  let value = BigInt(`0x${bytes.toString('hex')}`);
  let out = '';
  while (value > 0n) {
    out = BASE62.charAt(Number(value % 62n)) + out;
    value /= 62n;
  }
  return out.padStart(KSUID_LENGTH, '0');
}

/** A new ID by `conf.algorithm`. */
export function generateId(conf: RequestIdConf): string {
  switch (conf.algorithm) {
    case 'nanoid':
      return nanoid();
    case 'range_id':
      return rangeId(conf.range_id.length ?? 16, conf.range_id.char_set ?? BASE62);
    case 'ksuid':
      return ksuid();
    default:
      return crypto.randomUUID();
  }
}
