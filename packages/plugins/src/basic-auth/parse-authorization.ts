/**
 * @module basic-auth/parse-authorization
 * The user name and password of an `Authorization: Basic ...` header, read the way APISIX's
 * basic-auth reads them. Pure.
 */

/** A parsed header, or the reason it could not be parsed (logged, never sent to the client). */
export type ParsedBasic =
  | { readonly ok: true; readonly username: string; readonly password: string }
  | { readonly ok: false; readonly reason: string };

// APISIX matches `Basic\s(.+)` unanchored and case-sensitively.
const BASIC = /Basic\s(.+)/;
// What ngx.decode_base64 accepts: the standard alphabet, padding optional.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;
const WHITESPACE = /\s+/g;

/**
 * Parse a Basic authorization header. As in APISIX: the decoded text is split on `:`, the first
 * two parts are the user name and password (a third part is ignored), and whitespace is removed
 * from both.
 *
 * @example
 * parseAuthorization('Basic Zm9vOmJhcg=='); // { ok: true, username: 'foo', password: 'bar' }
 */
export function parseAuthorization(header: string): ParsedBasic {
  const m = BASIC.exec(header);
  const encoded = m?.[1];
  if (encoded === undefined) return { ok: false, reason: 'Invalid authorization header format' };
  if (!BASE64.test(encoded)) {
    return { ok: false, reason: 'Failed to decode authentication header' };
  }
  const parts = Buffer.from(encoded, 'base64').toString('latin1').split(':');
  const [username, password] = parts;
  if (username === undefined || password === undefined) {
    return { ok: false, reason: 'Split authorization err: invalid decoded data' };
  }
  return {
    ok: true,
    username: username.replace(WHITESPACE, ''),
    password: password.replace(WHITESPACE, ''),
  };
}
