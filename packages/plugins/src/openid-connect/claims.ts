/**
 * @module openid-connect/claims
 * APISIX 3.18's checks of a verified token's claims (or of an introspection answer):
 * `required_scopes` against the space-separated `scope` claim, then `claim_validator.audience`
 * (`match_with_client_id` implies `required`). A failure is a 403 with `{"error": ...}`.
 */
import type { OpenidConnectConf } from '@tollgate/schema';

const field = (o: Record<string, unknown>, key: string): unknown =>
  Object.hasOwn(o, key) ? o[key] : undefined;

/** The refusal text of the first failing check, or undefined when the claims pass. */
export function claimsRefusal(
  conf: OpenidConnectConf,
  claims: Record<string, unknown>,
): string | undefined {
  if (conf.required_scopes) {
    const scope = field(claims, 'scope');
    const granted = new Set(typeof scope === 'string' ? scope.split(/\s+/) : []);
    if (!conf.required_scopes.every((s) => granted.has(s))) {
      return `required scopes ${conf.required_scopes.join(', ')} not present`;
    }
  }
  const audience = conf.claim_validator?.audience;
  const value = field(claims, audience?.claim ?? 'aud');
  const present = value !== undefined && value !== null && value !== false;
  const matchClientId = audience?.match_with_client_id === true;
  if ((audience?.required === true || matchClientId) && !present) {
    return 'required audience claim not present';
  }
  if (matchClientId) {
    const matched = Array.isArray(value)
      ? value.includes(conf.client_id)
      : value === conf.client_id;
    if (!matched) return 'mismatched audience';
  }
  return undefined;
}
