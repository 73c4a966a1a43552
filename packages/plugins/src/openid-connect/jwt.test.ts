import crypto from 'node:crypto';
import { algorithmError, claimError, decodeJwt, signatureValid } from './jwt';

const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('decodeJwt', () => {
  it('refuses what is not a compact JWT', () => {
    expect(decodeJwt('abc')).toBe('invalid jwt: invalid jwt string');
    expect(decodeJwt('a.b.c.d')).toBe('invalid jwt: invalid jwt string');
    expect(decodeJwt(`!!.${part({})}.x`)).toMatch(/^invalid jwt: invalid header/);
    expect(decodeJwt(`${part({ alg: 'RS256' })}.${part([1])}.x`)).toMatch(
      /^invalid jwt: invalid payload/,
    );
    expect(decodeJwt('a'.repeat(20_000))).toBe('invalid jwt: invalid jwt string');
  });

  it('does not let a __proto__ claim reach a prototype', () => {
    const jwt = decodeJwt(`${part({ alg: 'RS256' })}.${'eyJfX3Byb3RvX18iOnsieCI6MX19'}.x`);
    expect(typeof jwt).toBe('object');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('algorithmError', () => {
  it.each([
    ['none', undefined, 'token uses "none" alg but accept_none_alg is not enabled'],
    ['ES256', 'RS256', 'token is signed by unexpected algorithm "ES256"'],
    ['HS256', undefined, 'jwt signature verification failed: Unsupported algorithm HS256'],
    [42, undefined, 'invalid jwt: invalid header: alg'],
    ['RS256', 'RS256', undefined],
    ['ES512', undefined, undefined],
  ])('%j expected %j', (alg, expected, error) => {
    expect(algorithmError(alg, expected)).toBe(error);
  });
});

describe('claimError', () => {
  const now = 1_700_000_000;
  it('words the failures as lua-resty-jwt', () => {
    expect(claimError({ exp: now }, undefined, now)).toBe(
      "'exp' claim expired at Tue, 14 Nov 2023 22:13:20 GMT",
    );
    expect(claimError({ exp: 'x' }, undefined, now)).toBe(
      "'exp' is malformed.  Expected to be a positive numeric value.",
    );
    expect(claimError({ nbf: now + 1 }, undefined, now)).toBe(
      "'nbf' claim not valid until Tue, 14 Nov 2023 22:13:21 GMT",
    );
    expect(claimError({}, ['a'], now)).toBe("'iss' claim is required.");
    expect(claimError({ iss: 'b' }, ['a'], now)).toBe("Claim 'iss' ('b') returned failure");
    expect(claimError({ iss: 'a', exp: now + 1, nbf: now }, ['a'], now)).toBeUndefined();
  });
});

describe('signatureValid', () => {
  it('checks RS256, PS256 and ES256 signatures', () => {
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const input = `${part({ alg: 'x' })}.${part({ sub: 'jack' })}`;
    const data = Buffer.from(input);
    const rs = crypto.sign('sha256', data, rsa.privateKey);
    const ps = crypto.sign('sha256', data, {
      key: rsa.privateKey,
      padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
      saltLength: crypto.constants.RSA_PSS_SALTLEN_DIGEST,
    });
    const es = crypto.sign('sha256', data, { key: ec.privateKey, dsaEncoding: 'ieee-p1363' });
    const jwt = (signature: Buffer) => ({
      header: {},
      payload: {},
      signingInput: input,
      signature,
    });
    expect(signatureValid(jwt(rs), 'RS256', rsa.publicKey)).toBe(true);
    expect(signatureValid(jwt(ps), 'PS256', rsa.publicKey)).toBe(true);
    expect(signatureValid(jwt(es), 'ES256', ec.publicKey)).toBe(true);
    expect(signatureValid(jwt(rs), 'RS256', ec.publicKey)).toBe(false);
    expect(signatureValid(jwt(es.subarray(1)), 'ES256', ec.publicKey)).toBe(false);
    expect(signatureValid(jwt(rs), 'HS256', rsa.publicKey)).toBe(false);
  });
});
