import crypto from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { RequestContext, type Exit } from '@tollgate/core';
import { validateAgainst, type OpenidConnectConf } from '@tollgate/schema';
import { PLUGINS } from '../index';
import { bearerToken } from './bearer';
import { TtlCache } from './cache';
import { claimsRefusal } from './claims';
import { localPath } from './code-flow';
import { cacheSeconds } from './introspect';
import { seal, setCookie, unseal } from './session';
import { openidConnect } from './index';

const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const ISSUER = 'https://idp.example.com';

function sign(claims: Record<string, unknown>, key: crypto.KeyObject = privateKey): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}`;
  return `${input}.${crypto.sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

/** A validated, defaults-filled conf (as the gateway gives it to the plugin). */
function conf(extra: Record<string, unknown> = {}): OpenidConnectConf {
  const result = validateAgainst('tollgate:plugins/openid-connect', {
    client_id: 'tollgate',
    discovery: 'http://127.0.0.1:1/.well-known/openid-configuration',
    bearer_only: true,
    public_key: PEM,
    claim_validator: { issuer: { valid_issuers: [ISSUER] } },
    ...extra,
  });
  if (!result.valid) throw new Error(result.message);
  return result.value as OpenidConnectConf;
}

function context(headers: http.IncomingHttpHeaders = {}): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.headers = headers;
  req.url = '/hello';
  req.method = 'GET';
  return new RequestContext(req, new http.ServerResponse(req));
}

const claims = (extra: Record<string, unknown> = {}) => ({
  iss: ISSUER,
  sub: 'jack',
  aud: 'tollgate',
  exp: Math.floor(Date.now() / 1000) + 600,
  ...extra,
});

async function run(c: OpenidConnectConf, ctx: RequestContext): Promise<Exit | undefined> {
  return (await openidConnect.rewrite?.(c, ctx)) ?? undefined;
}

describe('openid-connect definition', () => {
  it('is registered with APISIX priority 2599, in the rewrite phase, not as a consumer auth plugin', () => {
    expect(PLUGINS.get('openid-connect')).toBe(openidConnect);
    expect(openidConnect.priority).toBe(2599);
    expect(openidConnect.type).toBeUndefined();
    expect(openidConnect.rewrite).toBeDefined();
    expect(openidConnect.access).toBeUndefined();
  });
});

describe('openid-connect rewrite with a public key', () => {
  it('passes a valid token and sets X-Access-Token and X-Userinfo (base64 JSON)', async () => {
    const token = sign(claims());
    const ctx = context({ authorization: `Bearer ${token}`, 'x-userinfo': 'forged' });
    expect(await run(conf(), ctx)).toBeUndefined();
    expect(ctx.upstreamHeaders.get('x-access-token')).toBe(token);
    const info = JSON.parse(
      Buffer.from(ctx.upstreamHeaders.get('x-userinfo') ?? '', 'base64').toString(),
    ) as Record<string, unknown>;
    expect(info).toEqual(claims({ exp: info.exp }));
    expect(ctx.upstreamHeaders.get('x-id-token')).toBeNull();
    expect(ctx.consumer).toBeUndefined();
  });

  it('answers 401 with the realm and nothing else when the token is missing', async () => {
    const out = await run(conf({ realm: 'r1' }), context());
    expect(out).toEqual({
      status: 401,
      body: undefined,
      headers: { 'WWW-Authenticate': 'Bearer realm="r1"' },
    });
  });

  it('answers 401 invalid_token for a forged signature and an expired token', async () => {
    const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const forged = await run(conf(), context({ authorization: `Bearer ${sign(claims(), other)}` }));
    expect(forged?.headers?.['WWW-Authenticate']).toBe(
      'Bearer realm="apisix", error="invalid_token", error_description="jwt signature verification failed"',
    );
    const exp = Math.floor(Date.now() / 1000) - 1;
    const expired = await run(
      conf(),
      context({ authorization: `Bearer ${sign(claims({ exp }))}` }),
    );
    expect(expired?.status).toBe(401);
    expect(expired?.headers?.['WWW-Authenticate']).toContain(
      `'exp' claim expired at ${new Date(exp * 1000).toUTCString()}`,
    );
  });

  it('answers 403 for missing scopes and a mismatched audience', async () => {
    const scoped = await run(
      conf({ required_scopes: ['a'] }),
      context({ authorization: `Bearer ${sign(claims({ scope: 'b' }))}` }),
    );
    expect(scoped).toEqual({
      status: 403,
      body: '{"error":"required scopes a not present"}',
      headers: undefined,
    });
    const aud = await run(
      conf({
        claim_validator: {
          issuer: { valid_issuers: [ISSUER] },
          audience: { match_with_client_id: true },
        },
      }),
      context({ authorization: `Bearer ${sign(claims({ aud: 'x' }))}` }),
    );
    expect(aud?.body).toBe('{"error":"mismatched audience"}');
  });

  it('keeps header values header-safe (control characters from the token are replaced)', async () => {
    const out = await run(
      conf(),
      context({ authorization: `Bearer ${sign(claims({ iss: 'a\r\nb' }))}` }),
    );
    expect(out?.headers?.['WWW-Authenticate']).toContain("Claim 'iss' ('a??b') returned failure");
  });

  it('puts the token in Authorization when access_token_in_authorization_header', async () => {
    const token = sign(claims());
    const ctx = context({ 'x-access-token': token });
    expect(await run(conf({ access_token_in_authorization_header: true }), ctx)).toBeUndefined();
    expect(ctx.upstreamHeaders.get('authorization')).toBe(`Bearer ${token}`);
    expect(ctx.upstreamHeaders.get('x-access-token')).toBeNull();
  });

  it('without bearer_only and without a token: deny is 401, pass goes on', async () => {
    const flow = (unauth_action: string) =>
      conf({ bearer_only: false, session: { secret: '0123456789abcdef' }, unauth_action });
    expect((await run(flow('deny'), context()))?.status).toBe(401);
    expect(await run(flow('pass'), context())).toBeUndefined();
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer abc', undefined, { kind: 'token', token: 'abc' }],
    ['bearer abc', undefined, { kind: 'token', token: 'abc' }],
    ['Bearer  abc', undefined, { kind: 'token', token: ' abc' }],
    ['Basic abc', 'x', { kind: 'none' }],
    ['abc', undefined, { kind: 'malformed', reason: 'Invalid Authorization header format.' }],
    [undefined, 'xat', { kind: 'token', token: 'xat' }],
    [undefined, undefined, { kind: 'none' }],
  ])('%j / X-Access-Token %j', (authorization, xat, expected) => {
    expect(bearerToken(authorization, xat)).toEqual(expected);
  });
});

describe('claimsRefusal', () => {
  const base = conf();
  it('passes without checks configured', () => {
    expect(claimsRefusal(base, {})).toBeUndefined();
  });
  it('audience.required uses the configured claim', () => {
    const c = conf({ claim_validator: { audience: { claim: 'azp', required: true } } });
    expect(claimsRefusal(c, { aud: 'x' })).toBe('required audience claim not present');
    expect(claimsRefusal(c, { azp: 'x' })).toBeUndefined();
  });
  it('match_with_client_id accepts a list containing the client id', () => {
    const c = conf({ claim_validator: { audience: { match_with_client_id: true } } });
    expect(claimsRefusal(c, { aud: ['a', 'tollgate'] })).toBeUndefined();
    expect(claimsRefusal(c, { aud: ['a'] })).toBe('mismatched audience');
    expect(claimsRefusal(c, {})).toBe('required audience claim not present');
  });
});

describe('introspection cache time', () => {
  it('is the time to exp, capped by introspection_interval, else the interval', () => {
    expect(cacheSeconds({ exp: 1100 }, conf(), 1000)).toBe(100);
    expect(cacheSeconds({ exp: 1100 }, conf({ introspection_interval: 30 }), 1000)).toBe(30);
    expect(cacheSeconds({}, conf({ introspection_interval: 30 }), 1000)).toBe(30);
    expect(cacheSeconds({}, conf(), 1000)).toBe(0);
    expect(cacheSeconds({ ttl: 50 }, conf({ introspection_expiry_claim: 'ttl' }), 1000)).toBe(50);
  });
});

describe('TtlCache', () => {
  it('expires entries, evicts the oldest past its bound, and shares concurrent loads', async () => {
    let now = 0;
    const cache = new TtlCache<number>(2, () => now);
    cache.set('a', 1, 10);
    cache.set('b', 2, 10);
    cache.set('c', 3, 10);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBe(2);
    now = 10;
    expect(cache.get('b')).toBeUndefined();
    let loads = 0;
    const loader = () => {
      loads += 1;
      return Promise.resolve(7);
    };
    const [x, y] = await Promise.all([cache.load('k', 5, loader), cache.load('k', 5, loader)]);
    expect([x, y, loads]).toEqual([7, 7, 1]);
    await expect(cache.load('bad', 5, () => Promise.reject(new Error('down')))).rejects.toThrow(
      'down',
    );
    expect(cache.get('bad')).toBeUndefined();
  });
});

describe('session cookie', () => {
  const session = { secret: '0123456789abcdef', storage: 'cookie' as const };
  it('round-trips sealed data and refuses a forged, foreign or expired cookie', () => {
    const value = seal(session, { created: 1000, state: 's' });
    expect(unseal(session, value, 1001)).toEqual({ created: 1000, state: 's' });
    expect(unseal({ ...session, secret: 'another-secret-16' }, value, 1001)).toBeUndefined();
    const forged = `${value.slice(0, -2)}${value.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(unseal(session, forged, 1001)).toBeUndefined();
    expect(unseal(session, value, 1000 + 86_400)).toBeUndefined();
    expect(unseal({ ...session, absolute_timeout: 10 }, value, 1011)).toBeUndefined();
    expect(unseal(session, 'x'.repeat(10_000), 1001)).toBeUndefined();
  });
  it('writes the cookie attributes of the session conf', () => {
    expect(setCookie(session, 'v')).toBe(
      'session=v; Path=/; Max-Age=86400; HttpOnly; SameSite=Lax',
    );
    expect(
      setCookie(
        {
          ...session,
          cookie_name: 'oidc',
          cookie_path: '/a',
          cookie_domain: 'x.test',
          cookie_secure: true,
          cookie_http_only: false,
          cookie_same_site: 'Strict',
        },
        undefined,
      ),
    ).toBe('oidc=; Path=/a; Domain=x.test; Max-Age=0; Secure; SameSite=Strict');
  });
});

describe('localPath', () => {
  it('keeps the URL to return to on this site', () => {
    expect(localPath('/hello?x=1')).toBe('/hello?x=1');
    expect(localPath('//evil.example/x')).toBe('/evil.example/x');
    expect(localPath('/\\evil.example')).toBe('/evil.example');
  });
});
