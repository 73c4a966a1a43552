import crypto from 'node:crypto';
import { checkPluginConf } from '../plugins';

const check = (conf: Record<string, unknown>) => {
  const result = checkPluginConf('openid-connect', conf, 'route');
  return result.valid ? undefined : result.message;
};
const base = { client_id: 'a', client_secret: 'b', discovery: 'c', bearer_only: true };
const session = { secret: '0123456789abcdef' };

describe('openid-connect check (APISIX 3.18 check_schema)', () => {
  it('needs session.secret for the code flow and client_secret unless the mode needs none', () => {
    expect(check({ client_id: 'a', client_secret: 'b', discovery: 'c' })).toBe(
      'property "session.secret" is required when "bearer_only" is false',
    );
    expect(check({ client_id: 'a', discovery: 'c', bearer_only: true })).toBe(
      'property "client_secret" is required',
    );
    expect(
      check({ client_id: 'a', discovery: 'c', bearer_only: true, public_key: 'k' }),
    ).toBeUndefined();
    expect(
      check({
        client_id: 'a',
        discovery: 'c',
        bearer_only: true,
        introspection_endpoint_auth_method: 'private_key_jwt',
      }),
    ).toBeUndefined();
    expect(check({ client_id: 'a', discovery: 'c', session, use_pkce: true })).toBeUndefined();
    expect(check({ client_id: 'a', discovery: 'c', session })).toBe(
      'property "client_secret" is required',
    );
  });

  it('refuses the flat PAR/DPoP names and an unusable claim_schema', () => {
    expect(check({ ...base, dpop_private_key: 'x' })).toBe(
      'property "dpop_private_key" is not allowed, use "dpop.private_key" instead',
    );
    expect(check({ ...base, claim_schema: { type: 'nope' } })).toMatch(
      /^check claim_schema failed: /,
    );
    expect(check({ ...base, claim_schema: { type: 'object' } })).toBeUndefined();
  });

  it('checks the DPoP JWK against its algorithm and private key', () => {
    const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const other = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = ec.publicKey.export({ format: 'jwk' });
    const pem = ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const otherPem = other.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const dpop = (extra: Record<string, unknown>) =>
      check({ ...base, dpop: { enabled: true, private_key: pem, public_jwk: jwk, ...extra } });
    expect(dpop({})).toBeUndefined();
    expect(dpop({ signing_alg: 'RS256' })).toBe(
      'property "dpop.signing_alg" "RS256" requires an RSA "dpop.public_jwk"',
    );
    expect(dpop({ private_key: otherPem })).toMatch(
      /^property "dpop.public_jwk" is not the public key of "dpop.private_key": x is /,
    );
    expect(dpop({ public_jwk: { kty: 'OKP', x: 'a' } })).toBe(
      'property "dpop.public_jwk" validation failed: kty "OKP" is not supported',
    );
    expect(dpop({ public_jwk: { kty: 'EC', crv: 'P-256', x: 'a' } })).toBe(
      'property "dpop.public_jwk" validation failed: kty "EC" requires crv, x, y',
    );
    expect(dpop({ private_key: 'not a key' })).toMatch(
      /^property "dpop.private_key" is not a valid key: /,
    );
  });

  it('checks client_jwt_assertion_alg against the reachable client authentication methods', () => {
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const jwt = {
      introspection_endpoint_auth_method: 'private_key_jwt',
      client_rsa_private_key: pem,
    };
    expect(check({ ...base, ...jwt, client_jwt_assertion_alg: 'HS256' })).toBe(
      'property "client_jwt_assertion_alg" "HS256" is symmetric and cannot be used with the private_key_jwt selected by "introspection_endpoint_auth_method"',
    );
    expect(check({ ...base, ...jwt, client_jwt_assertion_alg: 'ES256' })).toBe(
      'property "client_jwt_assertion_alg" "ES256" requires an EC "client_rsa_private_key"',
    );
    expect(check({ ...base, ...jwt, client_jwt_assertion_alg: 'RS256' })).toBeUndefined();
    expect(
      check({
        client_id: 'a',
        client_secret: 'b',
        discovery: 'c',
        session,
        introspection_endpoint: 'http://i',
        introspection_endpoint_auth_method: 'private_key_jwt',
        client_rsa_private_key: pem,
        token_endpoint_auth_method: 'client_secret_jwt',
        client_jwt_assertion_alg: 'RS256',
      }),
    ).toBe(
      'property "client_jwt_assertion_alg" is a single algorithm, but "introspection_endpoint_auth_method" selects private_key_jwt and "token_endpoint_auth_method" selects client_secret_jwt',
    );
  });

  it('needs the PAR method credential in the code flow', () => {
    expect(
      check({
        client_id: 'a',
        client_secret: 'b',
        discovery: 'c',
        session,
        par: { enabled: true, endpoint_auth_method: 'private_key_jwt' },
      }),
    ).toBe(
      'property "par.endpoint_auth_method" "private_key_jwt" requires "client_rsa_private_key" when "par.enabled" is true',
    );
  });
});
