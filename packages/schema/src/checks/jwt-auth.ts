/**
 * @module checks/jwt-auth
 * jwt-auth's consumer check beyond its schema (APISIX's check_schema for TYPE_CONSUMER): HS256
 * and HS512 need a secret, a base64 secret must decode, other algorithms need a public key.
 */

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/** First failure of a schema-valid jwt-auth consumer conf, or undefined. */
export function checkJwtAuthConsumer(conf: Record<string, unknown>): string | undefined {
  const algorithm = typeof conf.algorithm === 'string' ? conf.algorithm : 'HS256';
  const isHs = algorithm.startsWith('HS');
  if ((algorithm === 'HS256' || algorithm === 'HS512') && conf.secret === undefined) {
    return 'property "secret" is required when "algorithm" is "HS256" or "HS512"';
  }
  if (
    isHs &&
    conf.base64_secret === true &&
    typeof conf.secret === 'string' &&
    !BASE64.test(conf.secret)
  ) {
    return 'base64_secret required but the secret is not in base64 format';
  }
  if (!isHs && conf.public_key === undefined) return 'missing valid public key';
  return undefined;
}
