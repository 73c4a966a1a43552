import crypto from 'node:crypto';
import { decodeJwt, verifyClaims, verifySignature, type VerifyKey } from './token';

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function sign(alg: string, key: crypto.KeyObject | string, payload: object): string {
  const input = `${b64url({ typ: 'JWT', alg })}.${b64url(payload)}`;
  const hash = `sha${alg.slice(2)}`;
  let sig: Buffer;
  if (alg.startsWith('HS')) sig = crypto.createHmac(hash, key).update(input).digest();
  else if (alg === 'EdDSA') sig = crypto.sign(null, Buffer.from(input), key);
  else if (alg.startsWith('ES'))
    sig = crypto.sign(hash, Buffer.from(input), {
      key: key as crypto.KeyObject,
      dsaEncoding: 'ieee-p1363',
    });
  else if (alg.startsWith('PS'))
    sig = crypto.sign(hash, Buffer.from(input), {
      key: key as crypto.KeyObject,
      padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
    });
  else sig = crypto.sign(hash, Buffer.from(input), key);
  return `${input}.${sig.toString('base64url')}`;
}

const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = crypto.generateKeyPairSync('ed25519');

describe('decodeJwt', () => {
  it('decodes a compact token and refuses anything else', () => {
    const token = sign('HS256', 'k', { key: 'user-key' });
    expect(decodeJwt(token)).toMatchObject({ alg: 'HS256', payload: { key: 'user-key' } });
    for (const bad of [
      '',
      'a.b',
      'a.b.c.d',
      'not-base64!.e30.',
      `${b64url([1])}.e30.`,
      `e30.e30.`,
    ]) {
      expect(decodeJwt(bad)).toBeUndefined();
    }
  });
});

describe('verifySignature', () => {
  const secret: VerifyKey = { kind: 'secret', secret: Buffer.from('my-secret-key') };

  it.each(['HS256', 'HS384', 'HS512'])('verifies %s with the secret only', (alg) => {
    const jwt = decodeJwt(sign(alg, 'my-secret-key', { key: 'k' }));
    expect(jwt && verifySignature(jwt, secret)).toBe(true);
    const wrong = decodeJwt(sign(alg, 'other', { key: 'k' }));
    expect(wrong && verifySignature(wrong, secret)).toBe(false);
  });

  it.each([
    ['RS256', rsa],
    ['RS512', rsa],
    ['PS256', rsa],
    ['ES256', ec],
    ['EdDSA', ed],
  ] as const)('verifies %s with the public key', (alg, pair) => {
    const jwt = decodeJwt(sign(alg, pair.privateKey, { key: 'k' }));
    expect(jwt && verifySignature(jwt, { kind: 'public', key: pair.publicKey })).toBe(true);
    const other = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(jwt && verifySignature(jwt, { kind: 'public', key: other.publicKey })).toBe(false);
  });

  it('never uses a public key as an HMAC secret (algorithm confusion)', () => {
    const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' });
    const jwt = decodeJwt(sign('HS256', pem.toString(), { key: 'k' }));
    expect(jwt && verifySignature(jwt, { kind: 'public', key: rsa.publicKey })).toBe(false);
  });

  it('refuses an unknown algorithm and a tampered payload', () => {
    const none = decodeJwt(`${b64url({ alg: 'none' })}.${b64url({ key: 'k' })}.`);
    expect(none && verifySignature(none, secret)).toBe(false);
    const [h, , s] = sign('HS256', 'my-secret-key', { key: 'k' }).split('.');
    const tampered = decodeJwt(`${h}.${b64url({ key: 'admin' })}.${s}`);
    expect(tampered && verifySignature(tampered, secret)).toBe(false);
  });
});

describe('verifyClaims', () => {
  const now = 1_700_000_000;
  it('passes absent claims and checks present ones with the grace period', () => {
    expect(verifyClaims({}, ['exp', 'nbf'], 0, now)).toBeUndefined();
    expect(verifyClaims({ exp: now + 1 }, ['exp'], 0, now)).toBeUndefined();
    expect(verifyClaims({ exp: now }, ['exp'], 0, now)).toBe("'exp' claim expired");
    expect(verifyClaims({ exp: now - 5 }, ['exp'], 10, now)).toBeUndefined();
    expect(verifyClaims({ nbf: now }, ['nbf'], 0, now)).toBe("'nbf' claim not valid yet");
    expect(verifyClaims({ nbf: now + 5 }, ['nbf'], 10, now)).toBeUndefined();
    expect(verifyClaims({ exp: 'soon' }, ['exp'], 0, now)).toBe('claim exp is not a number');
    expect(verifyClaims({ exp: now - 1 }, ['nbf'], 0, now)).toBeUndefined();
  });
});
