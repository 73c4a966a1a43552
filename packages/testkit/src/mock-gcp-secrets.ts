/**
 * @module mock-gcp-secrets
 * A stand-in for Google's OAuth token endpoint and Secret Manager's `versions/latest:access` on
 * 127.0.0.1. The token endpoint checks the JWT-bearer assertion as Google does: RS256 signature
 * verified with node:crypto against the service account's public key, `iss`, `aud` (this token
 * URI), `scope` and the expiry; it issues a random bearer token. Secret reads need one of the
 * issued tokens. Refusals are recorded with their reason.
 */
import { randomBytes, verify, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MockGcpSecretsOptions {
  clientEmail: string;
  /** The service account's public key. */
  publicKey: KeyObject | string;
  projectId: string;
  /** Secret payloads (plain text; served base64-encoded) by secret id. */
  secrets: Record<string, string>;
  /** `expires_in` of issued tokens, in seconds (default 3600). */
  tokenTtlSeconds?: number;
}

export interface MockGcpSecrets {
  /** For the service account's `token_uri`. */
  readonly tokenUri: string;
  /** For `entries_uri`: `http://127.0.0.1:<port>/v1/`. */
  readonly entriesUri: string;
  /** Tokens issued so far. */
  readonly tokensIssued: number;
  /** Secret versions served so far. */
  readonly served: number;
  readonly rejections: readonly string[];
  close(): Promise<void>;
}

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

function decodePart(part: string | undefined): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part ?? '', 'base64url').toString());
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Why the assertion is not acceptable, or undefined. */
function assertionProblem(
  assertion: string,
  opts: MockGcpSecretsOptions,
  tokenUri: string,
): string | undefined {
  const parts = assertion.split('.');
  if (parts.length !== 3) return 'assertion is no JWS';
  const [header, claims] = [decodePart(parts[0]), decodePart(parts[1])];
  if (header?.alg !== 'RS256') return 'alg';
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
  if (!verify('RSA-SHA256', signed, opts.publicKey, Buffer.from(parts[2] ?? '', 'base64url'))) {
    return 'bad signature';
  }
  const now = Date.now() / 1000;
  if (claims?.iss !== opts.clientEmail) return 'iss';
  if (claims.aud !== tokenUri) return 'aud';
  if (typeof claims.scope !== 'string' || claims.scope === '') return 'scope';
  if (typeof claims.exp !== 'number' || claims.exp <= now) return 'expired';
  if (typeof claims.iat !== 'number' || claims.iat > now + 60) return 'iat';
  return undefined;
}

/** Starts the stand-in on a free loopback port. */
export async function startMockGcpSecrets(opts: MockGcpSecretsOptions): Promise<MockGcpSecrets> {
  const issued = new Set<string>();
  const rejections: string[] = [];
  let served = 0;
  let tokenUri = '';
  const answer = (res: http.ServerResponse, status: number, body: object) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const refuse = (res: http.ServerResponse, status: number, reason: string) => {
    rejections.push(reason);
    answer(res, status, { error: { code: status, message: reason } });
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method === 'POST' && url.pathname === '/token') {
        const form = new URLSearchParams(Buffer.concat(chunks).toString());
        if (form.get('grant_type') !== JWT_BEARER) return refuse(res, 400, 'grant_type');
        const problem = assertionProblem(form.get('assertion') ?? '', opts, tokenUri);
        if (problem) return refuse(res, 400, problem);
        const token = randomBytes(16).toString('hex');
        issued.add(token);
        return answer(res, 200, {
          access_token: token,
          token_type: 'Bearer',
          expires_in: opts.tokenTtlSeconds ?? 3600,
        });
      }
      const m = /^\/v1\/projects\/([^/]+)\/secrets\/([^/]+)\/versions\/latest:access$/.exec(
        url.pathname,
      );
      if (req.method !== 'GET' || !m)
        return refuse(res, 404, `unexpected ${req.method} ${url.pathname}`);
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (bearer === undefined || !issued.has(bearer)) return refuse(res, 401, 'no valid token');
      const [project, secret] = [m[1] ?? '', m[2] ?? ''];
      if (project !== opts.projectId || !Object.hasOwn(opts.secrets, secret)) {
        return refuse(res, 404, `no secret ${project}/${secret}`);
      }
      served++;
      return answer(res, 200, {
        name: `projects/${project}/secrets/${secret}/versions/1`,
        payload: { data: Buffer.from(opts.secrets[secret] ?? '').toString('base64') },
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  tokenUri = `${origin}/token`;
  return {
    tokenUri,
    entriesUri: `${origin}/v1/`,
    get tokensIssued() {
      return issued.size;
    },
    get served() {
      return served;
    },
    rejections,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
