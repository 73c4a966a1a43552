/**
 * @module cloud/gcp
 * Google's OAuth token endpoint for service accounts (`POST /token`, RFC 7523 `jwt-bearer`
 * grant) and the bearer check of the Vertex AI paths. The assertion must be an RS256 JWT signed
 * by the private key of one of the configured service accounts (checked with its public key),
 * with `iss` = its `client_email`, `aud` = the token URL, and an unexpired `exp`. Issued tokens
 * are remembered until they expire (expired ones are dropped at the next issue); Vertex requests
 * must present one.
 */
import { randomBytes, verify } from 'node:crypto';

/** A service account the mock trusts: its email and the PEM public key of its key pair. */
export interface MockServiceAccount {
  client_email: string;
  public_key: string;
}

/** The Vertex/OAuth side of a mock. */
export interface MockGcpOptions {
  serviceAccounts: MockServiceAccount[];
  /** `expires_in` of issued tokens, in seconds. Default 3600. */
  tokenTtlSeconds?: number;
}

/** What the token endpoint answers: status and OAuth JSON body. */
export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Tokens issued so far, with their expiry (epoch ms). */
export type IssuedTokens = Map<string, number>;

const invalidGrant = (description: string): TokenAnswer => ({
  status: 400,
  body: { error: 'invalid_grant', error_description: description },
});

function decodePart(part: string | undefined): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Answer a token request. `tokenUrl` is the URL the assertion's `aud` must name (this endpoint).
 *
 * @example
 * issueToken(form, 'http://127.0.0.1:4000/token', gcp, issued, Date.now());
 */
export function issueToken(
  form: URLSearchParams,
  tokenUrl: string,
  gcp: MockGcpOptions,
  issued: IssuedTokens,
  nowMs: number,
): TokenAnswer {
  if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
    return { status: 400, body: { error: 'unsupported_grant_type' } };
  }
  const [h, p, s] = (form.get('assertion') ?? '').split('.');
  const head = decodePart(h);
  const claims = decodePart(p);
  if (!head || !claims || s === undefined) return invalidGrant('Invalid JWT.');
  if (head.alg !== 'RS256') return invalidGrant('Invalid JWT: alg must be RS256.');
  const account = gcp.serviceAccounts.find((a) => a.client_email === claims.iss);
  if (!account) return invalidGrant('Invalid JWT: unknown issuer.');
  const valid = verify(
    'RSA-SHA256',
    Buffer.from(`${h}.${p}`),
    account.public_key,
    Buffer.from(s, 'base64url'),
  );
  if (!valid) return invalidGrant('Invalid JWT Signature.');
  if (claims.aud !== tokenUrl)
    return invalidGrant(
      'Invalid JWT: Token must be a short-lived token and in a reasonable timeframe. Check your aud.',
    );
  const nowS = nowMs / 1000;
  if (typeof claims.exp !== 'number' || claims.exp <= nowS)
    return invalidGrant('Invalid JWT: expired.');
  if (typeof claims.scope !== 'string' || claims.scope === '')
    return invalidGrant('Invalid JWT: no scope.');
  const ttl = gcp.tokenTtlSeconds ?? 3600;
  // Forget expired tokens, so a long run that keeps refreshing does not grow the map forever.
  for (const [t, expires] of issued) if (expires <= nowMs) issued.delete(t);
  const token = `ya29.mock-${randomBytes(16).toString('hex')}`;
  issued.set(token, nowMs + ttl * 1000);
  return { status: 200, body: { access_token: token, expires_in: ttl, token_type: 'Bearer' } };
}

/** Whether `authorization` carries a token this mock issued and that has not expired. */
export function hasIssuedToken(
  authorization: string | undefined,
  issued: IssuedTokens,
  nowMs: number,
): boolean {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  const expires = m?.[1] ? issued.get(m[1]) : undefined;
  return expires !== undefined && nowMs < expires;
}

/** The message of Google's 401 (sent in its error body, `googleErrorBody`). */
export const GCP_UNAUTHENTICATED =
  'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.';
