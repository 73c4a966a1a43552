/**
 * @module data-encryption/keyring
 * APISIX's `apisix.data_encryption.keyring` cipher (apisix/core/data_encryption.lua), so that a
 * value written by an APISIX node reads on Tollgate and the other way round: AES-CBC with each
 * key used as both the key and the IV, PKCS#7 padding, standard base64. A 16-byte key selects
 * AES-128 and a 32-byte key AES-256 (its first 16 bytes are the IV, as OpenSSL reads them); a key
 * of any other length is skipped, as APISIX skips it. The first key encrypts; decryption tries
 * every key in order, so a new key can be put first while values written with the old ones
 * still read (rotation).
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';

/**
 * APISIX's default keyring (apisix/cli/config.lua). It is public: a deployment that relies on
 * encryption at rest must set its own.
 */
export const APISIX_DEFAULT_KEYRING: readonly string[] = ['qeddd145sfvddff3', 'edd1c9f0985e76a2'];

interface KeyCipher {
  algorithm: 'aes-128-cbc' | 'aes-256-cbc';
  key: Buffer;
  iv: Buffer;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BLOCK_BYTES = 16;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function cipherOf(text: string): KeyCipher | undefined {
  const key = Buffer.from(text, 'utf8');
  if (key.length === 16) return { algorithm: 'aes-128-cbc', key, iv: key };
  if (key.length === 32) return { algorithm: 'aes-256-cbc', key, iv: key.subarray(0, BLOCK_BYTES) };
  return undefined;
}

function decryptWith(cipher: KeyCipher, data: Buffer): string | undefined {
  try {
    const decipher = createDecipheriv(cipher.algorithm, cipher.key, cipher.iv);
    const plain = Buffer.concat([decipher.update(data), decipher.final()]);
    // A wrong key passes the padding check about once in 256 tries; its output is then not
    // text. APISIX would hand such bytes on; refusing them lets the next key try (rotation).
    return strictUtf8.decode(plain);
  } catch {
    return undefined;
  }
}

/** The ciphers of one keyring. */
export class Keyring {
  private readonly ciphers: readonly KeyCipher[];

  constructor(keys: readonly string[]) {
    this.ciphers = keys.flatMap((k) => cipherOf(k) ?? []);
  }

  /** No usable key: values are stored and read as they are. */
  get empty(): boolean {
    return this.ciphers.length === 0;
  }

  /**
   * `plain` encrypted with the first key, base64; `plain` itself when the keyring is empty.
   * @example new Keyring(['qeddd145sfvddff3']).encrypt('auth-one') // '4y+JvURBE6ZwRbbgaryrhg=='
   */
  encrypt(plain: string): string {
    const first = this.ciphers[0];
    if (!first) return plain;
    const cipher = createCipheriv(first.algorithm, first.key, first.iv);
    return Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]).toString('base64');
  }

  /**
   * The plain text of `stored`, trying each key in order; `stored` itself when the keyring is
   * empty; undefined when no key decrypts it (plain text stored before encryption was on, a
   * value written with a key no longer in the ring).
   */
  decrypt(stored: string): string | undefined {
    if (this.ciphers.length === 0) return stored;
    if (stored.length % 4 === 1 || !BASE64.test(stored)) return undefined;
    const data = Buffer.from(stored, 'base64');
    if (data.length === 0 || data.length % BLOCK_BYTES !== 0) return undefined;
    for (const cipher of this.ciphers) {
      const plain = decryptWith(cipher, data);
      if (plain !== undefined) return plain;
    }
    return undefined;
  }
}
