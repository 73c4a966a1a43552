/**
 * @module hmac-auth/parse-signature
 * The fields of an `Authorization: Signature keyId="...",algorithm="...",headers="...",
 * signature="..."` header, read the way APISIX 3.x's hmac-auth reads them. Pure.
 */

/** The parameters a request signs with. Absent fields are undefined. */
export interface SignatureParams {
  readonly keyId?: string;
  readonly algorithm?: string;
  readonly signature?: string;
  /** The signed header names, in order (`@request-target` included). */
  readonly headers?: readonly string[];
}

// One `key="value"` field; APISIX matches `%s*(%w+)="(.-)"` in each comma-separated part.
const FIELD = /^\s*([A-Za-z0-9]+)="([^"]*)"/;

/**
 * Parse the header, or return the reason it is not a Signature header.
 *
 * @example
 * parseSignature('Signature keyId="k",algorithm="hmac-sha256",headers="@request-target date",signature="c2ln"');
 * // { keyId: 'k', algorithm: 'hmac-sha256', headers: ['@request-target', 'date'], signature: 'c2ln' }
 */
export function parseSignature(header: string): SignatureParams | string {
  if (!header.startsWith('Signature'))
    return "Authorization header does not start with 'Signature'";
  const fields = new Map<string, string>();
  // APISIX skips "Signature" and the character after it.
  for (const part of header.slice(10).split(',')) {
    const m = FIELD.exec(part);
    if (m?.[1] !== undefined && m[2] !== undefined) fields.set(m[1], m[2]);
  }
  const headers = fields.get('headers');
  return {
    keyId: fields.get('keyId'),
    algorithm: fields.get('algorithm'),
    signature: fields.get('signature'),
    headers: headers === undefined ? undefined : headers.split(' '),
  };
}
