/**
 * @module checks/ua-restriction
 * ua-restriction's check beyond its schema (APISIX `check_schema`): every allowlist and
 * denylist entry must compile as a regular expression.
 */
import { firstRegexError } from './regex-rules';

/** First cross-field failure of a schema-valid ua-restriction config, or undefined. */
export function checkUaRestriction(conf: Record<string, unknown>): string | undefined {
  return firstRegexError(conf.allowlist) ?? firstRegexError(conf.denylist);
}
