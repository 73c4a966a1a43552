import { createDecipheriv } from 'node:crypto';
import { APISIX_DEFAULT_KEYRING, Keyring } from './keyring';

describe('Keyring (APISIX data_encryption cipher)', () => {
  // Ciphertexts from APISIX's own tests and docs: t/node/data_encrypt.t (keyring
  // edd1c9f0985e76a2) and the consumers example (default keyring, key-auth key auth-one).
  it.each([
    [['edd1c9f0985e76a2'], 'bar', '77+NmbYqNfN+oLm0aX5akg=='],
    [['edd1c9f0985e76a2'], 'auth-two', 'vU/ZHVJw7b0XscDJ1Fhtig=='],
    [APISIX_DEFAULT_KEYRING, 'auth-one', '4y+JvURBE6ZwRbbgaryrhg=='],
  ])('keyring %j stores %s as APISIX does (%s)', (keys, plain, stored) => {
    const keyring = new Keyring(keys);
    expect(keyring.encrypt(plain)).toBe(stored);
    expect(keyring.decrypt(stored)).toBe(plain);
  });

  it('is AES-128-CBC with the key as IV, PKCS#7 and base64', () => {
    const key = Buffer.from('0123456789abcdef');
    const stored = new Keyring([key.toString()]).encrypt('a secret longer than one block');
    const decipher = createDecipheriv('aes-128-cbc', key, key);
    const plain = Buffer.concat([decipher.update(Buffer.from(stored, 'base64')), decipher.final()]);
    expect(plain.toString()).toBe('a secret longer than one block');
  });

  it('encrypts with the first key and decrypts with any (rotation)', () => {
    const old = new Keyring(['edd1c9f0985e76a2']).encrypt('bar');
    const rotated = new Keyring(['qeddd145sfvddff3', 'edd1c9f0985e76a2']);
    expect(rotated.decrypt(old)).toBe('bar');
    expect(rotated.encrypt('bar')).not.toBe(old);
    expect(new Keyring(['qeddd145sfvddff3']).decrypt(old)).toBeUndefined();
  });

  it('uses a 32-byte key as AES-256 and skips keys of other lengths', () => {
    const long = 'k'.repeat(32);
    const stored = new Keyring(['short', long]).encrypt('x');
    const decipher = createDecipheriv(
      'aes-256-cbc',
      Buffer.from(long),
      Buffer.from(long).subarray(0, 16),
    );
    expect(
      Buffer.concat([decipher.update(Buffer.from(stored, 'base64')), decipher.final()]).toString(),
    ).toBe('x');
    expect(new Keyring(['short', 'also-too-long-for-aes128']).empty).toBe(true);
  });

  it('reads plain text that no key decrypts as undefined', () => {
    const keyring = new Keyring(APISIX_DEFAULT_KEYRING);
    for (const stored of ['bar', 'auth-one', '', 'not base64!', 'YWJj', '$env://KEY']) {
      expect(keyring.decrypt(stored)).toBeUndefined();
    }
  });

  it('leaves values as they are with an empty keyring', () => {
    const keyring = new Keyring([]);
    expect(keyring.encrypt('bar')).toBe('bar');
    expect(keyring.decrypt('bar')).toBe('bar');
  });
});
