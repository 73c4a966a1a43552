/**
 * @module checks/cors
 * cors's check beyond its schema (APISIX `check_schema`): with `allow_credential`, no option may
 * be the `*` wildcard, and every origin regex must compile.
 */
import { firstRegexError } from './regex-rules';

const WILDCARD_OPTIONS = [
  'allow_origins',
  'allow_methods',
  'allow_headers',
  'expose_headers',
  'timing_allow_origins',
];

/** First cross-field failure of a schema-valid cors config, or undefined. */
export function checkCors(conf: Record<string, unknown>): string | undefined {
  if (conf.allow_credential === true) {
    for (const option of WILDCARD_OPTIONS) {
      if (Object.hasOwn(conf, option) && conf[option] === '*') {
        return "you can not set '*' for other option when 'allow_credential' is true";
      }
    }
  }
  return (
    firstRegexError(conf.allow_origins_by_regex) ??
    firstRegexError(conf.timing_allow_origins_by_regex)
  );
}
