/**
 * @module checks/uri-blocker
 * uri-blocker's check beyond its schema (APISIX `check_schema`): every block rule must compile
 * as a regular expression.
 */
import { firstRegexError } from './regex-rules';

/** First cross-field failure of a schema-valid uri-blocker config, or undefined. */
export function checkUriBlocker(conf: Record<string, unknown>): string | undefined {
  return firstRegexError(conf.block_rules);
}
