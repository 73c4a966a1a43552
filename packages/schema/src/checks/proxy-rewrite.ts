/**
 * @module checks/proxy-rewrite
 * proxy-rewrite's check beyond its schema (APISIX `check_schema`): regex_uri holds [regex,
 * template] pairs whose regexes compile, and headers in the 2.x plain-object form have valid names
 * and values.
 */
import { compilePcre } from '@tollgate/core';

/** RFC 9110 token characters: visible ASCII except `:` (APISIX `validate_header_field`). */
export function validHeaderField(field: string): boolean {
  for (let i = 0; i < field.length; i++) {
    const c = field.charCodeAt(i);
    if (c <= 32 || c >= 127 || c === 58) return false;
  }
  return true;
}

/** No control characters other than tab (APISIX `validate_header_value`). */
export function validHeaderValue(value: string | number): boolean {
  const text = String(value);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9) || c === 127) return false;
  }
  return true;
}

/** True for the `{add, set, remove}` form (APISIX `is_new_headers_conf`). */
export function isOperationHeaders(headers: Record<string, unknown>): boolean {
  const isTable = (key: string) =>
    Object.hasOwn(headers, key) && typeof headers[key] === 'object' && headers[key] !== null;
  return isTable('add') || isTable('set') || isTable('remove');
}

function regexUriError(regexUri: unknown): string | undefined {
  if (!Array.isArray(regexUri) || regexUri.length === 0) return undefined;
  if (regexUri.length % 2 !== 0) return 'The length of regex_uri should be an even number';
  for (let i = 0; i < regexUri.length; i += 2) {
    try {
      compilePcre(String(regexUri[i]));
    } catch (err) {
      return `invalid regex_uri(${String(regexUri[i])}, ${String(regexUri[i + 1])}): ${(err as Error).message}`;
    }
  }
  return undefined;
}

function plainHeadersError(headers: Record<string, unknown>): string | undefined {
  for (const [field, value] of Object.entries(headers)) {
    if (typeof value !== 'string' && typeof value !== 'number')
      return 'invalid type as header value';
    if (field.length === 0) return 'invalid field length in header';
    if (!validHeaderField(field)) return 'invalid field character in header';
    if (!validHeaderValue(value)) return 'invalid value character in header';
  }
  return undefined;
}

/** First cross-field failure of a schema-valid proxy-rewrite config, or undefined. */
export function checkProxyRewrite(conf: Record<string, unknown>): string | undefined {
  const regexError = regexUriError(conf.regex_uri);
  if (regexError) return regexError;
  const headers = conf.headers;
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) return undefined;
  const table = headers as Record<string, unknown>;
  return isOperationHeaders(table) ? undefined : plainHeadersError(table);
}
