import { makeCa, makeCert } from '@tollgate/testkit';
import { certKeyError, isSecretReference, sslConfError } from './ssl';

describe('certificate and key checks (APISIX ssl.lua validate)', () => {
  const ca = makeCa('checks CA');
  const rsa = makeCert(ca, { cn: 'rsa.test' });
  const ec = makeCert(ca, { cn: 'ec.test', keyType: 'ec' });

  it('accepts matching RSA and EC pairs, and a certificate alone', () => {
    expect(certKeyError(rsa.cert, rsa.key)).toBeUndefined();
    expect(certKeyError(ec.cert, ec.key)).toBeUndefined();
    expect(certKeyError(ca.cert, undefined)).toBeUndefined();
  });

  it('names what failed, as APISIX does', () => {
    expect(certKeyError(rsa.key, rsa.key)).toBe(
      'failed to parse cert: PEM_read_bio_X509_AUX() failed',
    );
    expect(certKeyError(rsa.cert, rsa.cert)).toBe(
      'failed to parse key: PEM_read_bio_PrivateKey() failed',
    );
    expect(certKeyError(rsa.cert, ec.key)).toBe(
      'failed to match key: the private key does not belong to the certificate',
    );
  });

  it('reads a stored (encrypted) key through the reader; one it cannot read is refused', () => {
    const stored = Buffer.from(rsa.key).toString('base64');
    const decode = (text: string) => Buffer.from(text, 'base64').toString('utf8');
    expect(certKeyError(rsa.cert, stored, decode)).toBeUndefined();
    expect(certKeyError(rsa.cert, stored, () => undefined)).toBe(
      'failed to decrypt previous encrypted key',
    );
  });

  it('skips secret references and client certificates extra pairs', () => {
    expect(isSecretReference('$secret://vault/1/key')).toBe(true);
    expect(isSecretReference('$ENV://KEY')).toBe(true);
    expect(isSecretReference('-----BEGIN')).toBe(false);
    expect(sslConfError({ cert: '$env://CERT', key: rsa.key })).toBeUndefined();
    expect(
      sslConfError({ type: 'client', cert: rsa.cert, key: rsa.key, certs: [ec.cert] }),
    ).toBeUndefined();
    expect(sslConfError({ cert: rsa.cert, key: rsa.key, certs: [ec.cert] })).toBe(
      'mismatched number of certs and keys',
    );
  });
});
