/**
 * @module checks/redirect
 * redirect's check beyond its schema (APISIX `check_schema`): the regex_uri regex compiles, and
 * http_to_https and append_query_string are not both set.
 */
import { compilePcre } from '@tollgate/core';

/** First cross-field failure of a schema-valid redirect config, or undefined. */
export function checkRedirect(conf: Record<string, unknown>): string | undefined {
  const regexUri = conf.regex_uri;
  if (Array.isArray(regexUri) && regexUri.length > 0) {
    try {
      compilePcre(String(regexUri[0]));
    } catch (err) {
      return `invalid regex_uri (${String(regexUri[0])}, ${String(regexUri[1])}), err:${(err as Error).message}`;
    }
  }
  if (conf.http_to_https === true && conf.append_query_string === true) {
    return 'only one of `http_to_https` and `append_query_string` can be configured.';
  }
  return undefined;
}
