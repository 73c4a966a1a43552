/**
 * A local OpenID provider for the openid-connect tests, on loopback: the discovery document
 * (`/.well-known/openid-configuration`), a JWKS with an RS256 and an ES256 key (`/jwks`), token
 * introspection with client authentication (`/introspect`, answers set per token by the test),
 * the authorization code flow (`/authorize` sends the browser back with a code, `/token`
 * exchanges it, checking client authentication and PKCE, `/userinfo`, `/logout`), a count of the
 * requests each path received (to prove caching), key rotation, and `stop()` to make it
 * unreachable. Keys, the JWKS and tokens come from `jose` (5.x: jose 6 is ESM-only, which jest
 * 30 cannot load on Node 20).
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type JWK, type KeyLike } from 'jose';

export type SigningAlg = 'RS256' | 'ES256';

interface SigningKey {
  kid: string;
  alg: SigningAlg;
  privateKey: KeyLike;
  publicKey: KeyLike;
  jwk: JWK;
}

/** One request the issuer received. */
export interface IssuerRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface SignOptions {
  alg?: SigningAlg;
  /** Key id written in the header; default the current key's. */
  kid?: string | null;
  /** Sign with this key instead of the issuer's (a forged token). */
  privateKey?: KeyLike;
}

async function newKey(alg: SigningAlg, kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicKey, jwk };
}

export class OidcIssuer {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Introspection answers by token; any other token is `{"active": false}`. */
  readonly introspection = new Map<string, Record<string, unknown>>();
  readonly requests: IssuerRequest[] = [];
  private keys: SigningKey[] = [];
  /** The query of each authorization request. */
  readonly authorizations: URLSearchParams[] = [];
  /** Scope written into the access tokens the token endpoint issues. */
  accessTokenScope = 'openid profile';
  /** How many refresh_token grants the token endpoint answered. */
  refreshes = 0;
  private readonly codes = new Map<string, URLSearchParams>();
  private rotations = 0;
  private server: http.Server | undefined;
  private port = 0;

  constructor(clientId = 'tollgate', clientSecret = 'tollgate-secret') {
    this.clientId = clientId;
    this.clientSecret = clientSecret;
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get issuer(): string {
    return `${this.base}/realms/test`;
  }

  get discoveryUrl(): string {
    return `${this.base}/.well-known/openid-configuration`;
  }

  /** How many requests `path` received. */
  count(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  /** The current key id for `alg`. */
  kid(alg: SigningAlg = 'RS256'): string {
    return this.key(alg).kid;
  }

  /** PEM of the current public key for `alg`. */
  publicPem(alg: SigningAlg = 'RS256'): Promise<string> {
    return exportSPKI(this.key(alg).publicKey);
  }

  /** Replace the RS256 key by a new one with a new key id (the old one leaves the JWKS). */
  async rotate(): Promise<void> {
    this.rotations += 1;
    const fresh = await newKey('RS256', `rs-${this.rotations + 1}`);
    this.keys = [...this.keys.filter((k) => k.alg !== 'RS256'), fresh];
  }

  /** A compact JWT of `claims`, signed with the issuer's current key (or `options.privateKey`). */
  sign(claims: Record<string, unknown>, options: SignOptions = {}): Promise<string> {
    const alg = options.alg ?? 'RS256';
    const key = this.key(alg);
    const kid = options.kid === undefined ? key.kid : options.kid;
    return new SignJWT(claims)
      .setProtectedHeader({ typ: 'JWT', alg, ...(kid === null ? {} : { kid }) })
      .sign(options.privateKey ?? key.privateKey);
  }

  /** Standard claims valid for an hour from now, plus `extra`. */
  claims(extra: Record<string, unknown> = {}): Record<string, unknown> {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: this.issuer,
      sub: 'jack',
      aud: this.clientId,
      iat: now,
      exp: now + 3600,
      ...extra,
    };
  }

  async start(): Promise<void> {
    this.keys = [await newKey('RS256', 'rs-1'), await newKey('ES256', 'es-1')];
    this.server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        if (body.length < 64 * 1024) body += chunk;
      });
      req.on('end', () => {
        this.handle(req, res, body).catch((err: unknown) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: String(err) }));
        });
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Stop answering (the port is closed: connections are refused). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private key(alg: SigningAlg): SigningKey {
    const key = this.keys.find((k) => k.alg === alg);
    if (!key) throw new Error(`no ${alg} key`);
    return key;
  }

  private clientAuthenticated(req: http.IncomingMessage, form: URLSearchParams): boolean {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Basic ')) {
      const [id, secret] = Buffer.from(auth.slice(6), 'base64')
        .toString()
        .split(':')
        .map(decodeURIComponent);
      return id === this.clientId && secret === this.clientSecret;
    }
    return (
      form.get('client_id') === this.clientId && form.get('client_secret') === this.clientSecret
    );
  }

  private async handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: string,
  ): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://issuer').pathname;
    this.requests.push({ path, headers: req.headers, body });
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (path === '/.well-known/openid-configuration') {
      json(200, {
        issuer: this.issuer,
        jwks_uri: `${this.base}/jwks`,
        introspection_endpoint: `${this.base}/introspect`,
        authorization_endpoint: `${this.base}/authorize`,
        token_endpoint: `${this.base}/token`,
        userinfo_endpoint: `${this.base}/userinfo`,
        end_session_endpoint: `${this.base}/logout`,
        id_token_signing_alg_values_supported: ['RS256', 'ES256'],
      });
      return;
    }
    if (path === '/jwks') {
      json(200, { keys: this.keys.map((k) => k.jwk) });
      return;
    }
    if (path === '/introspect' && req.method === 'POST') {
      const form = new URLSearchParams(body);
      if (!this.clientAuthenticated(req, form)) {
        json(401, { error: 'invalid_client' });
        return;
      }
      json(200, this.introspection.get(form.get('token') ?? '') ?? { active: false });
      return;
    }
    if (path === '/authorize') {
      const query = new URL(req.url ?? '/', 'http://issuer').searchParams;
      this.authorizations.push(query);
      const code = crypto.randomBytes(8).toString('hex');
      this.codes.set(code, query);
      const back = new URL(query.get('redirect_uri') ?? 'http://invalid/');
      back.searchParams.set('code', code);
      back.searchParams.set('state', query.get('state') ?? '');
      res.writeHead(302, { location: back.toString() });
      res.end();
      return;
    }
    if (path === '/token' && req.method === 'POST') {
      await this.token(req, new URLSearchParams(body), json);
      return;
    }
    if (path === '/userinfo') {
      const ok = req.headers.authorization?.startsWith('Bearer ');
      json(ok ? 200 : 401, ok ? { sub: 'jack', email: 'jack@example.com' } : { error: 'no token' });
      return;
    }
    json(404, { error: 'not_found' });
  }

  private async token(
    req: http.IncomingMessage,
    form: URLSearchParams,
    json: (status: number, value: unknown) => void,
  ): Promise<void> {
    if (!this.clientAuthenticated(req, form)) {
      json(401, { error: 'invalid_client' });
      return;
    }
    if (form.get('grant_type') === 'refresh_token') {
      this.refreshes += 1;
      const ok = form.get('refresh_token')?.startsWith('refresh-') === true;
      json(
        ok ? 200 : 400,
        ok
          ? {
              token_type: 'Bearer',
              expires_in: 300,
              access_token: await this.sign(
                this.claims({ scope: this.accessTokenScope, renewed: true }),
              ),
              refresh_token: `refresh-${this.refreshes + 1}`,
            }
          : { error: 'invalid_grant' },
      );
      return;
    }
    const asked = this.codes.get(form.get('code') ?? '');
    this.codes.delete(form.get('code') ?? '');
    const challenge = asked?.get('code_challenge');
    const verifier = form.get('code_verifier');
    const pkceOk =
      challenge === null ||
      challenge === undefined ||
      (verifier !== null &&
        crypto.createHash('sha256').update(verifier).digest('base64url') === challenge);
    if (!asked || form.get('redirect_uri') !== asked.get('redirect_uri') || !pkceOk) {
      json(400, { error: 'invalid_grant' });
      return;
    }
    const nonce = asked.get('nonce');
    json(200, {
      token_type: 'Bearer',
      expires_in: 300,
      access_token: await this.sign(this.claims({ scope: this.accessTokenScope })),
      refresh_token: 'refresh-1',
      id_token: await this.sign(this.claims(nonce === null ? {} : { nonce })),
    });
  }
}

/** Start an issuer. */
export async function startOidcIssuer(): Promise<OidcIssuer> {
  const issuer = new OidcIssuer();
  await issuer.start();
  return issuer;
}
