/**
 * @module openid-connect/bearer
 * The bearer token of a request, as APISIX 3.18's `get_bearer_access_token`: the Authorization
 * header split at its first space (`Bearer`, any case, then the token), else the client's
 * `X-Access-Token` header. An Authorization header without a space is a 400.
 */

/** What the request carries. */
export type BearerToken =
  { kind: 'token'; token: string } | { kind: 'none' } | { kind: 'malformed'; reason: string };

/**
 * Find the bearer token.
 *
 * @example
 * bearerToken('Bearer abc', undefined); // { kind: 'token', token: 'abc' }
 * bearerToken('Basic abc', undefined);  // { kind: 'none' }
 */
export function bearerToken(
  authorization: string | undefined,
  xAccessToken: string | undefined,
): BearerToken {
  if (authorization === undefined) {
    return xAccessToken === undefined ? { kind: 'none' } : { kind: 'token', token: xAccessToken };
  }
  const space = authorization.indexOf(' ');
  if (space === -1) return { kind: 'malformed', reason: 'Invalid Authorization header format.' };
  if (authorization.slice(0, space).toLowerCase() !== 'bearer') return { kind: 'none' };
  return { kind: 'token', token: authorization.slice(space + 1) };
}
