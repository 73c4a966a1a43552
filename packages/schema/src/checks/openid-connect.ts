/**
 * @module checks/openid-connect
 * openid-connect's check beyond its schema (APISIX 3.18 `check_schema`): the code flow needs a
 * session secret; client_secret is required unless the mode needs none; `claim_schema` must be
 * a usable JSON Schema; the flat lua-resty-openidc names of the `par`/`dpop` options are refused;
 * a DPoP JWK must fit its algorithm and private key; a single client assertion algorithm must
 * suit every client authentication method the configuration can reach.
 */
import crypto from 'node:crypto';
import { validateAgainst } from '../validator';
import { asDraft07 } from './request-validation';

type Conf = Record<string, unknown>;

/** Flat lua-resty-openidc option → the nested field that owns it. */
const RESERVED_FLAT: readonly (readonly [string, string])[] = [
  ['use_par', 'par.enabled'],
  ['pushed_authorization_request_endpoint', 'par.endpoint'],
  ['pushed_authorization_request_endpoint_auth_method', 'par.endpoint_auth_method'],
  ['use_dpop', 'dpop.enabled'],
  ['dpop_signing_alg', 'dpop.signing_alg'],
  ['dpop_private_key', 'dpop.private_key'],
  ['dpop_public_jwk', 'dpop.public_jwk'],
];

const DPOP_KEY_TYPE = new Map<string, { kty: string; crv?: string }>([
  ['ES256', { kty: 'EC', crv: 'P-256' }],
  ['RS256', { kty: 'RSA' }],
  ['PS256', { kty: 'RSA' }],
]);

const JWK_MEMBERS = new Map<string, readonly string[]>([
  ['EC', ['crv', 'x', 'y']],
  ['RSA', ['e', 'n']],
]);

const ASSERTION_KEY_TYPE = new Map<string, { kty: string; crv?: string }>([
  ['RS256', { kty: 'RSA' }],
  ['RS512', { kty: 'RSA' }],
  ['ES256', { kty: 'EC', crv: 'P-256' }],
  ['ES512', { kty: 'EC', crv: 'P-521' }],
]);

/** The credential each client authentication method needs (false: none beyond the secret). */
const METHOD_CREDENTIAL = new Map<string, string | false>([
  ['client_secret_basic', false],
  ['client_secret_post', false],
  ['private_key_jwt', 'client_rsa_private_key'],
  ['client_secret_jwt', 'client_secret'],
]);

const obj = (value: unknown): Conf | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Conf)
    : undefined;

const own = (conf: Conf | undefined, key: string): unknown =>
  conf && Object.hasOwn(conf, key) ? conf[key] : undefined;

function clientSecretOptional(conf: Conf): boolean {
  if (conf.bearer_only === true) {
    return (
      conf.public_key !== undefined ||
      conf.use_jwks === true ||
      conf.introspection_endpoint_auth_method === 'private_key_jwt'
    );
  }
  return conf.token_endpoint_auth_method === 'private_key_jwt' || conf.use_pkce === true;
}

/** The public JWK of a PEM private key, or the failure text. */
function privateKeyJwk(pem: string, field: string): Conf | string {
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey(pem);
  } catch (err) {
    return `property "${field}" is not a valid key: ${(err as Error).message}`;
  }
  try {
    return crypto.createPublicKey(key).export({ format: 'jwk' });
  } catch {
    return `property "${field}" could not be read as a JWK`;
  }
}

function checkDpop(dpop: Conf | undefined): string | undefined {
  if (own(dpop, 'enabled') !== true) return undefined;
  const jwk = obj(own(dpop, 'public_jwk'));
  if (!jwk) return undefined;
  const kty = own(jwk, 'kty');
  const members = typeof kty === 'string' ? JWK_MEMBERS.get(kty) : undefined;
  if (!members) {
    return `property "dpop.public_jwk" validation failed: kty "${String(kty)}" is not supported`;
  }
  for (const member of members) {
    const value = own(jwk, member);
    if (value === undefined) {
      return `property "dpop.public_jwk" validation failed: kty "${String(kty)}" requires ${members.join(', ')}`;
    }
    if (typeof value !== 'string' || value === '') {
      return `property "dpop.public_jwk" validation failed: "${member}" must be a non-empty string`;
    }
  }
  const alg = own(dpop, 'signing_alg');
  const expected = typeof alg === 'string' ? DPOP_KEY_TYPE.get(alg) : undefined;
  if (!expected) return undefined;
  if (expected.kty !== kty) {
    return `property "dpop.signing_alg" "${String(alg)}" requires an ${expected.kty} "dpop.public_jwk"`;
  }
  if (expected.crv && own(jwk, 'crv') !== expected.crv) {
    return `property "dpop.signing_alg" "${String(alg)}" requires "dpop.public_jwk" crv "${expected.crv}", got "${String(own(jwk, 'crv'))}"`;
  }
  const pem = own(dpop, 'private_key');
  if (typeof pem !== 'string' || pem.startsWith('$')) return undefined;
  const derived = privateKeyJwk(pem, 'dpop.private_key');
  if (typeof derived === 'string') return derived;
  for (const member of ['kty', ...members]) {
    if (own(derived, member) !== own(jwk, member)) {
      return `property "dpop.public_jwk" is not the public key of "dpop.private_key": ${member} is "${String(own(derived, member))}"`;
    }
  }
  return undefined;
}

/** The client authentication methods this configuration can reach, by the field that picks each. */
function reachableMethods(conf: Conf): { name: string; method: unknown }[] {
  const out: { name: string; method: unknown }[] = [];
  const localJwt = conf.public_key !== undefined || conf.use_jwks === true;
  if (!localJwt && (conf.bearer_only === true || conf.introspection_endpoint !== undefined)) {
    out.push({
      name: 'introspection_endpoint_auth_method',
      method: conf.introspection_endpoint_auth_method,
    });
  }
  if (conf.bearer_only !== true) {
    const method = conf.token_endpoint_auth_method;
    const credential = typeof method === 'string' ? METHOD_CREDENTIAL.get(method) : undefined;
    if (credential === undefined || credential === false || own(conf, credential) !== undefined) {
      out.push({ name: 'token_endpoint_auth_method', method });
    }
    const par = obj(conf.par);
    if (own(par, 'enabled') === true && own(par, 'endpoint_auth_method') !== undefined) {
      out.push({ name: 'par.endpoint_auth_method', method: own(par, 'endpoint_auth_method') });
    }
  }
  return out;
}

function checkAssertionAlg(conf: Conf): string | undefined {
  const alg = conf.client_jwt_assertion_alg;
  if (typeof alg !== 'string') return undefined;
  let asymmetricBy: string | undefined;
  let symmetricBy: string | undefined;
  for (const { name, method } of reachableMethods(conf)) {
    if (method === 'private_key_jwt') asymmetricBy ??= name;
    else if (method === 'client_secret_jwt') symmetricBy ??= name;
  }
  if (asymmetricBy && symmetricBy) {
    return `property "client_jwt_assertion_alg" is a single algorithm, but "${asymmetricBy}" selects private_key_jwt and "${symmetricBy}" selects client_secret_jwt`;
  }
  const symmetric = alg.startsWith('HS');
  if (asymmetricBy && symmetric) {
    return `property "client_jwt_assertion_alg" "${alg}" is symmetric and cannot be used with the private_key_jwt selected by "${asymmetricBy}"`;
  }
  if (symmetricBy && !symmetric) {
    return `property "client_jwt_assertion_alg" "${alg}" is asymmetric and cannot be used with the client_secret_jwt selected by "${symmetricBy}"`;
  }
  const expected = asymmetricBy ? ASSERTION_KEY_TYPE.get(alg) : undefined;
  const pem = conf.client_rsa_private_key;
  if (!expected || typeof pem !== 'string' || pem.startsWith('$')) return undefined;
  const derived = privateKeyJwk(pem, 'client_rsa_private_key');
  if (typeof derived === 'string') return derived;
  if (own(derived, 'kty') !== expected.kty) {
    return `property "client_jwt_assertion_alg" "${alg}" requires an ${expected.kty} "client_rsa_private_key"`;
  }
  if (expected.crv && own(derived, 'crv') !== expected.crv) {
    return `property "client_jwt_assertion_alg" "${alg}" requires a "client_rsa_private_key" on curve "${expected.crv}", got "${String(own(derived, 'crv'))}"`;
  }
  return undefined;
}

function checkParMethod(conf: Conf): string | undefined {
  const par = obj(conf.par);
  if (conf.bearer_only === true || own(par, 'enabled') !== true) return undefined;
  const method = own(par, 'endpoint_auth_method');
  const credential = typeof method === 'string' ? METHOD_CREDENTIAL.get(method) : undefined;
  if (credential && own(conf, credential) === undefined) {
    return `property "par.endpoint_auth_method" "${String(method)}" requires "${credential}" when "par.enabled" is true`;
  }
  return undefined;
}

function checkClaimSchema(schema: unknown): string | undefined {
  const value = obj(schema);
  if (!value) return undefined;
  try {
    validateAgainst(asDraft07(value), null);
    return undefined;
  } catch (err) {
    return `check claim_schema failed: ${(err as Error).message}`;
  }
}

/** First failure of a schema-valid openid-connect config, or undefined. */
export function checkOpenidConnect(conf: Conf): string | undefined {
  if (conf.bearer_only !== true && conf.session === undefined) {
    return 'property "session.secret" is required when "bearer_only" is false';
  }
  if (!clientSecretOptional(conf) && conf.client_secret === undefined) {
    return 'property "client_secret" is required';
  }
  const schemaError = checkClaimSchema(conf.claim_schema);
  if (schemaError) return schemaError;
  for (const [name, ownerField] of RESERVED_FLAT) {
    if (Object.hasOwn(conf, name)) {
      return `property "${name}" is not allowed, use "${ownerField}" instead`;
    }
  }
  return checkDpop(obj(conf.dpop)) ?? checkAssertionAlg(conf) ?? checkParMethod(conf);
}
