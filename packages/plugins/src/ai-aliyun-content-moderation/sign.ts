/**
 * @module ai-aliyun-content-moderation/sign
 * Alibaba Cloud's RPC signature (SignatureVersion 1.0, HMAC-SHA1) for TextModerationPlus, as
 * APISIX computes it (spec A.6): every parameter is percent-encoded per RFC 3986 (only
 * `A-Za-z0-9-_.~` left as is, so the sub-delimiters `!'()*` are escaped too, which nginx's
 * escape_uri and JavaScript's encodeURIComponent both leave alone), the `key=value` pairs are
 * sorted and joined with `&`, and the signature is
 * `base64(HMAC-SHA1(secret + "&", "POST&%2F&" + encode(canonical query)))`.
 */
import { createHmac } from 'node:crypto';

const HEX = '0123456789ABCDEF';
/** Bytes left as they are: RFC 3986's unreserved characters. */
const UNRESERVED = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~') {
  UNRESERVED[c.charCodeAt(0)] = 1;
}
const ALL_UNRESERVED = /^[A-Za-z0-9\-_.~]*$/;

/**
 * `value` percent-encoded per RFC 3986 over its UTF-8 bytes (a lone surrogate is encoded as
 * U+FFFD, where encodeURIComponent would throw).
 *
 * @example
 * percentEncode("it's (a) test!*"); // 'it%27s%20%28a%29%20test%21%2A'
 */
export function percentEncode(value: string): string {
  if (ALL_UNRESERVED.test(value)) return value;
  const bytes = Buffer.from(value, 'utf8');
  let out = '';
  for (const byte of bytes) {
    if (UNRESERVED[byte] === 1) out += String.fromCharCode(byte);
    else out += `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
  }
  return out;
}

/** The sorted, encoded `key=value&...` string the signature covers. */
export function canonicalQuery(params: Readonly<Record<string, string>>): string {
  return Object.entries(params)
    .map(([key, value]) => `${percentEncode(key)}=${percentEncode(value)}`)
    .sort()
    .join('&');
}

/**
 * The `Signature` parameter for a POST of `params` (which must not hold `Signature` itself).
 *
 * @example
 * sign({ Action: 'TextModerationPlus', ... }, 'my-secret'); // 'q8k0...='
 */
export function sign(params: Readonly<Record<string, string>>, accessKeySecret: string): string {
  const stringToSign = `POST&%2F&${percentEncode(canonicalQuery(params))}`;
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign, 'utf8').digest('base64');
}

/** `params` as an `application/x-www-form-urlencoded` body, encoded the same way. */
export function formBody(params: Readonly<Record<string, string>>): string {
  return Object.entries(params)
    .map(([key, value]) => `${percentEncode(key)}=${percentEncode(value)}`)
    .join('&');
}
