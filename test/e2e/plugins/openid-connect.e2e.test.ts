/**
 * openid-connect (bearer-token mode) through a real node configured through the Admin API, against
 * a local OpenID provider (support/oidc-issuer.ts) and an upstream that echoes the headers it got:
 * the cases of APISIX 3.18's t/plugin/openid-connect*.t that define the bearer behaviour (schema
 * checks, public key, JWKS, introspection, issuer/audience/scope checks, headers, unauth_action),
 * plus one route written straight into etcd the way an APISIX control plane writes it.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort, waitFor } from '@tollgate/testkit';
import { startAccessNode, type AccessNode, type Reply } from './support/access-node';
import { startOidcIssuer, type OidcIssuer } from './support/oidc-issuer';

jest.setTimeout(90_000);

let node: AccessNode;
let idp: OidcIssuer;
let echo: http.Server;
let echoHost: string;
let deadUrl: string;

beforeAll(async () => {
  idp = await startOidcIssuer();
  echo = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ headers: req.headers }));
    });
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoHost = `127.0.0.1:${(echo.address() as AddressInfo).port}`;
  deadUrl = `http://127.0.0.1:${await freePort()}`;
  node = await startAccessNode('openid-connect-e2e');
});

afterAll(async () => {
  await node?.close();
  await idp?.stop();
  echo?.closeAllConnections();
  await new Promise<void>((resolve) => echo?.close(() => resolve()));
});

const PREFIX = 'failed to check the configuration of plugin openid-connect err: ';

let routes = 0;
/** PUT a route with this openid-connect conf in front of the echo upstream; returns its uri. */
async function route(conf: Record<string, unknown>): Promise<string> {
  routes += 1;
  const uri = `/oidc/${routes}/hello`;
  await node.putRoute(`oidc-${routes}`, {
    uri,
    plugins: { 'openid-connect': conf },
    upstream: { type: 'roundrobin', nodes: { [echoHost]: 1 } },
  });
  return uri;
}

const base = () => ({
  client_id: idp.clientId,
  client_secret: idp.clientSecret,
  discovery: idp.discoveryUrl,
  bearer_only: true,
});

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const upstreamHeaders = (reply: Reply) =>
  (JSON.parse(reply.body) as { headers: Record<string, string> }).headers;
const userinfo = (reply: Reply) =>
  JSON.parse(
    Buffer.from(upstreamHeaders(reply)['x-userinfo'] ?? '', 'base64').toString(),
  ) as Record<string, unknown>;
const challenge = (description: string, realm = 'apisix') =>
  `Bearer realm="${realm}", error="invalid_token", error_description="${description}"`;

describe('openid-connect.t: schema through the Admin API', () => {
  const put = (conf: unknown) =>
    node.admin.put('/apisix/admin/routes/oidc-admin', {
      uri: '/oidc-admin',
      plugins: { 'openid-connect': conf },
      upstream: node.upstream,
    });

  it('TEST 1: client_id, client_secret and discovery (bearer_only) pass', async () => {
    const res = await put({
      client_id: 'a',
      client_secret: 'b',
      discovery: 'c',
      bearer_only: true,
    });
    expect([200, 201]).toContain(res.status);
  });

  it('the plugin is listed, with APISIX 3.18 schema defaults', async () => {
    const list = (await node.admin.get('/apisix/admin/plugins/list')).json as string[];
    expect(list).toContain('openid-connect');
    const schema = (await node.admin.get('/apisix/admin/plugins/openid-connect')).json as {
      properties: Record<string, { default?: unknown }>;
      required: string[];
    };
    expect(schema.required).toEqual(['client_id', 'discovery']);
    const defaults = Object.fromEntries(
      Object.entries(schema.properties)
        .filter(([, p]) => p.default !== undefined)
        .map(([k, p]) => [k, p.default]),
    );
    expect(defaults).toMatchObject({
      scope: 'openid',
      realm: 'apisix',
      ssl_verify: true,
      timeout: 3,
      bearer_only: false,
      introspection_endpoint_auth_method: 'client_secret_basic',
      token_endpoint_auth_method: 'client_secret_basic',
      logout_path: '/logout',
      unauth_action: 'auth',
      use_jwks: false,
      use_pkce: false,
      set_access_token_header: true,
      access_token_in_authorization_header: false,
      set_id_token_header: true,
      set_userinfo_header: true,
      set_refresh_token_header: false,
      introspection_interval: 0,
      jwk_expires_in: 86400,
    });
  });

  it('TEST 2: missing client_id', async () => {
    const res = await put({ client_secret: 'b', discovery: 'c', bearer_only: true });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error_msg: `${PREFIX}property "client_id" is required` });
  });

  it('TEST 3: wrong type of client_id', async () => {
    const res = await put({
      client_id: 123,
      client_secret: 'b',
      discovery: 'c',
      bearer_only: true,
    });
    expect(res.json).toEqual({
      error_msg: `${PREFIX}property "client_id" validation failed: wrong type: expected string, got number`,
    });
  });

  it('the code flow (bearer_only false) needs session.secret', async () => {
    const res = await put({ client_id: 'a', client_secret: 'b', discovery: 'c' });
    expect(res.json).toEqual({
      error_msg: `${PREFIX}property "session.secret" is required when "bearer_only" is false`,
    });
    const short = await put({
      client_id: 'a',
      client_secret: 'b',
      discovery: 'c',
      session: { secret: 'short' },
    });
    expect(short.status).toBe(400);
    const ok = await put({
      client_id: 'a',
      client_secret: 'b',
      discovery: 'c',
      session: { secret: '0123456789abcdef' },
    });
    expect(ok.status).toBe(200);
  });

  it('client_secret is required unless the token is verified locally', async () => {
    const introspecting = await put({ client_id: 'a', discovery: 'c', bearer_only: true });
    expect(introspecting.json).toEqual({
      error_msg: `${PREFIX}property "client_secret" is required`,
    });
    const jwks = await put({ client_id: 'a', discovery: 'c', bearer_only: true, use_jwks: true });
    expect(jwks.status).toBe(200);
    const pkce = await put({
      client_id: 'a',
      discovery: 'c',
      use_pkce: true,
      session: { secret: '0123456789abcdef' },
    });
    expect(pkce.status).toBe(200);
  });

  it.each([
    [{ unauth_action: 'redirect' }],
    [{ timeout: 0 }],
    [{ realm: 1 }],
    [{ introspection_addon_headers: [] }],
    [{ introspection_addon_headers: ['X-A:b'] }],
    [{ claim_validator: { audience: { required: 'yes' } } }],
    [{ claim_validator: { issuer: { valid_issuers: 'a' } } }],
    [{ required_scopes: 'openid' }],
    [{ session: { secret: '0123456789abcdef', storage: 'redis' } }],
    [{ session: { secret: '0123456789abcdef', unknown: 1 } }],
    [{ par: { enabled: true, endpoint_auth_method: 'none' } }],
    [{ dpop: { enabled: true } }],
    [{ client_jwt_assertion_alg: 'PS256' }],
  ])('refuses %j', async (extra) => {
    expect((await put({ ...base(), ...extra })).status).toBe(400);
  });

  it('refuses a claim_schema that is not a JSON Schema, and the flat PAR/DPoP names', async () => {
    const schema = await put({ ...base(), claim_schema: { type: 'nope' } });
    expect(schema.status).toBe(400);
    expect((schema.json as { error_msg: string }).error_msg).toMatch(
      /^failed to check the configuration of plugin openid-connect err: check claim_schema failed: /,
    );
    const flat = await put({ ...base(), use_par: true });
    expect(flat.json).toEqual({
      error_msg: `${PREFIX}property "use_par" is not allowed, use "par.enabled" instead`,
    });
  });

  it('accepts unknown fields and the legacy ssl_verify "no", as APISIX', async () => {
    expect((await put({ ...base(), ssl_verify: 'no', something_else: 1 })).status).toBe(200);
  });
});

describe('openid-connect.t: bearer_only without a token', () => {
  it('TEST 7: 401 with WWW-Authenticate: Bearer realm="apisix"', async () => {
    const uri = await route({ ...base(), public_key: await idp.publicPem() });
    const reply = await node.request(uri);
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toBe('Bearer realm="apisix"');
  });

  it('the realm is configurable; a non-bearer Authorization is no token; one without a space is a 400', async () => {
    const uri = await route({ ...base(), public_key: await idp.publicPem(), realm: 'University' });
    const none = await node.request(uri, { headers: { Authorization: 'Basic Zm9vOmJhcg==' } });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="University"');
    const malformed = await node.request(uri, { headers: { Authorization: 'garbage' } });
    expect(malformed.status).toBe(400);
  });
});

describe('openid-connect.t: a public key verifies the token locally', () => {
  let uri: string;
  beforeAll(async () => {
    uri = await route({
      ...base(),
      public_key: await idp.publicPem(),
      token_signing_alg_values_expected: 'RS256',
      claim_validator: { issuer: { valid_issuers: [idp.issuer] } },
    });
  });

  it('TEST 9: a correct token passes; the token and the claims go upstream', async () => {
    const token = await idp.sign(idp.claims());
    const reply = await node.request(uri, {
      headers: { ...bearer(token), 'X-Userinfo': 'forged', 'X-ID-Token': 'forged' },
    });
    expect(reply.status).toBe(200);
    const headers = upstreamHeaders(reply);
    expect(headers['x-access-token']).toBe(token);
    expect(headers['x-id-token']).toBeUndefined();
    expect(headers.authorization).toBe(`Bearer ${token}`);
    expect(userinfo(reply)).toMatchObject({ iss: idp.issuer, sub: 'jack', aud: idp.clientId });
  });

  it('TEST 10: a wrong signature is a 401 (jwt signature verification failed)', async () => {
    const forged = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const token = await idp.sign(idp.claims(), { privateKey: forged });
    const reply = await node.request(uri, { headers: bearer(token) });
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toBe(challenge('jwt signature verification failed'));
  });

  it('an expired token is a 401 naming its exp', async () => {
    const exp = Math.floor(Date.now() / 1000) - 60;
    const reply = await node.request(uri, { headers: bearer(await idp.sign(idp.claims({ exp }))) });
    expect(reply.status).toBe(401);
    const when = new Date(exp * 1000).toUTCString();
    expect(reply.headers['www-authenticate']).toBe(
      challenge(`jwt signature verification failed: 'exp' claim expired at ${when}`),
    );
  });

  it('a token not valid yet (nbf) is a 401', async () => {
    const nbf = Math.floor(Date.now() / 1000) + 3600;
    const reply = await node.request(uri, { headers: bearer(await idp.sign(idp.claims({ nbf }))) });
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toBe(
      challenge(
        `jwt signature verification failed: 'nbf' claim not valid until ${new Date(nbf * 1000).toUTCString()}`,
      ),
    );
  });

  it("an issuer outside valid_issuers is a 401 (Claim 'iss' returned failure)", async () => {
    const token = await idp.sign(idp.claims({ iss: 'https://attacker.example.com' }));
    const reply = await node.request(uri, { headers: bearer(token) });
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toBe(
      challenge(
        "jwt signature verification failed: Claim 'iss' ('https://attacker.example.com') returned failure",
      ),
    );
  });

  it('an algorithm other than token_signing_alg_values_expected, and alg none, are refused', async () => {
    const es = await node.request(uri, {
      headers: bearer(await idp.sign(idp.claims(), { alg: 'ES256' })),
    });
    expect(es.status).toBe(401);
    expect(es.headers['www-authenticate']).toBe(
      challenge('token is signed by unexpected algorithm "ES256"'),
    );
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
      JSON.stringify(idp.claims()),
    ).toString('base64url')}.`;
    expect((await node.request(uri, { headers: bearer(none) })).status).toBe(401);
  });

  it('a token that is not a JWT is a 401', async () => {
    const reply = await node.request(uri, { headers: bearer('not-a-jwt') });
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toBe(challenge('invalid jwt: invalid jwt string'));
  });

  it('X-Access-Token carries the token when there is no Authorization header', async () => {
    const token = await idp.sign(idp.claims());
    const reply = await node.request(uri, { headers: { 'X-Access-Token': token } });
    expect(reply.status).toBe(200);
    expect(upstreamHeaders(reply)['x-access-token']).toBe(token);
  });
});

describe('openid-connect claim validator (3.18): issuer and audience', () => {
  it('TEST 1-2: match_with_client_id needs an audience equal to the client id', async () => {
    const uri = await route({
      ...base(),
      discovery: `${deadUrl}/discovery-unavailable`,
      public_key: await idp.publicPem(),
      token_signing_alg_values_expected: 'RS256',
      claim_validator: {
        issuer: { valid_issuers: [idp.issuer] },
        audience: { match_with_client_id: true },
      },
    });
    const send = async (aud: unknown) =>
      node.request(uri, { headers: bearer(await idp.sign(idp.claims({ aud }))) });
    const none = await send(undefined);
    expect(none.status).toBe(403);
    expect(JSON.parse(none.body)).toEqual({ error: 'required audience claim not present' });
    const other = await send('another-client');
    expect(other.status).toBe(403);
    expect(JSON.parse(other.body)).toEqual({ error: 'mismatched audience' });
    expect((await send(idp.clientId)).status).toBe(200);
    expect((await send(['x', idp.clientId])).status).toBe(200);
  });

  it('TEST 3-4: a token is refused while the trusted issuer cannot be determined', async () => {
    const uri = await route({
      ...base(),
      discovery: `${deadUrl}/discovery-unavailable`,
      public_key: await idp.publicPem(),
    });
    const token = await idp.sign(idp.claims({ iss: 'https://attacker.example.com' }));
    const reply = await node.request(uri, { headers: bearer(token) });
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toBe(challenge('issuer validation unavailable'));
  });

  it('audience.required with a custom claim', async () => {
    const uri = await route({
      ...base(),
      public_key: await idp.publicPem(),
      claim_validator: { audience: { claim: 'azp', required: true } },
    });
    const without = await node.request(uri, { headers: bearer(await idp.sign(idp.claims())) });
    expect(without.status).toBe(403);
    const withAzp = await node.request(uri, {
      headers: bearer(await idp.sign(idp.claims({ azp: 'x' }))),
    });
    expect(withAzp.status).toBe(200);
  });
});

describe('openid-connect: required_scopes and claim_schema', () => {
  it('a token missing a required scope is a 403', async () => {
    const uri = await route({
      ...base(),
      public_key: await idp.publicPem(),
      required_scopes: ['read', 'write'],
    });
    const missing = await node.request(uri, {
      headers: bearer(await idp.sign(idp.claims({ scope: 'openid read' }))),
    });
    expect(missing.status).toBe(403);
    expect(missing.body).toBe('{"error":"required scopes read, write not present"}');
    const granted = await node.request(uri, {
      headers: bearer(await idp.sign(idp.claims({ scope: 'openid read write' }))),
    });
    expect(granted.status).toBe(200);
  });

  it('claims that fail claim_schema are a 401 with the reason', async () => {
    const uri = await route({
      ...base(),
      public_key: await idp.publicPem(),
      claim_schema: { type: 'object', required: ['email'] },
    });
    const reply = await node.request(uri, { headers: bearer(await idp.sign(idp.claims())) });
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toMatch(
      /^Bearer realm="apisix", error="invalid_token", error_description=".*email.*"$/,
    );
    const ok = await node.request(uri, {
      headers: bearer(await idp.sign(idp.claims({ email: 'jack@example.com' }))),
    });
    expect(ok.status).toBe(200);
  });
});

describe('openid-connect: use_jwks (the discovery document names the JWKS)', () => {
  let uri: string;
  beforeAll(async () => {
    uri = await route({ ...base(), client_secret: undefined, use_jwks: true });
  });

  it('RS256 and ES256 tokens verify; the issuer comes from discovery; both are fetched once', async () => {
    const discoveries = idp.count('/.well-known/openid-configuration');
    const jwks = idp.count('/jwks');
    for (let i = 0; i < 5; i += 1) {
      expect(
        (await node.request(uri, { headers: bearer(await idp.sign(idp.claims())) })).status,
      ).toBe(200);
      const es = await node.request(uri, {
        headers: bearer(await idp.sign(idp.claims(), { alg: 'ES256' })),
      });
      expect(es.status).toBe(200);
    }
    expect(idp.count('/.well-known/openid-configuration') - discoveries).toBeLessThanOrEqual(1);
    expect(idp.count('/jwks') - jwks).toBeLessThanOrEqual(1);
    const attacker = await node.request(uri, {
      headers: bearer(await idp.sign(idp.claims({ iss: 'https://attacker.example.com' }))),
    });
    expect(attacker.status).toBe(401);
  });

  it('an unknown key id is a 401 naming it', async () => {
    const reply = await node.request(uri, {
      headers: bearer(await idp.sign(idp.claims(), { kid: 'nope' })),
    });
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toBe(challenge('RSA key with id nope not found'));
  });

  it('a rotated key is fetched again; the old key id is then refused', async () => {
    const old = await idp.sign(idp.claims());
    await idp.rotate();
    const fresh = await idp.sign(idp.claims());
    await waitFor('the rotated key to verify', async () => {
      const reply = await node.request(uri, { headers: bearer(fresh) });
      return reply.status === 200;
    });
    const stale = await node.request(uri, { headers: bearer(old) });
    expect(stale.status).toBe(401);
    expect(stale.headers['www-authenticate']).toBe(challenge('RSA key with id rs-1 not found'));
  });
});

describe('openid-connect.t: token introspection', () => {
  it('TEST 11-12: an active token passes (client_secret_post); the answer is X-Userinfo', async () => {
    const uri = await route({
      ...base(),
      introspection_endpoint: `${idp.base}/introspect`,
      introspection_endpoint_auth_method: 'client_secret_post',
      introspection_addon_headers: ['X-Tenant'],
    });
    const answer = {
      active: true,
      sub: 'jack',
      scope: 'openid',
      exp: Math.floor(Date.now() / 1000) + 600,
    };
    idp.introspection.set('opaque-1', answer);
    const reply = await node.request(uri, { headers: { ...bearer('opaque-1'), 'X-Tenant': 't1' } });
    expect(reply.status).toBe(200);
    expect(upstreamHeaders(reply)['x-access-token']).toBe('opaque-1');
    expect(userinfo(reply)).toEqual(answer);
    const sent = idp.requests.filter((r) => r.path === '/introspect').at(-1);
    expect(new URLSearchParams(sent?.body)).toEqual(
      new URLSearchParams({
        token: 'opaque-1',
        client_id: idp.clientId,
        client_secret: idp.clientSecret,
      }),
    );
    expect(sent?.headers['x-tenant']).toBe('t1');
  });

  it('TEST 13: an inactive token is a 401 (invalid token)', async () => {
    const uri = await route({ ...base(), introspection_endpoint: `${idp.base}/introspect` });
    const reply = await node.request(uri, { headers: bearer('unknown-token') });
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toBe(challenge('invalid token'));
  });

  it('client_secret_basic by default; the endpoint comes from discovery; answers are cached until exp', async () => {
    const uri = await route(base());
    idp.introspection.set('opaque-2', {
      active: true,
      sub: 'rose',
      exp: Math.floor(Date.now() / 1000) + 600,
    });
    const before = idp.count('/introspect');
    for (let i = 0; i < 4; i += 1) {
      expect((await node.request(uri, { headers: bearer('opaque-2') })).status).toBe(200);
    }
    expect(idp.count('/introspect') - before).toBe(1);
    const sent = idp.requests.filter((r) => r.path === '/introspect').at(-1);
    expect(sent?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${idp.clientId}:${idp.clientSecret}`).toString('base64')}`,
    );
  });

  it('a wrong client secret is refused by the provider: 401 with its answer', async () => {
    const uri = await route({ ...base(), client_secret: 'wrong' });
    idp.introspection.set('opaque-3', { active: true });
    const reply = await node.request(uri, { headers: bearer('opaque-3') });
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toBe(
      challenge('response indicates failure, status=401, body={"error":"invalid_client"}'),
    );
  });

  it("claim validator TEST 5-10: with valid_issuers the answer's iss must be listed", async () => {
    const listed = await route({
      ...base(),
      introspection_endpoint: `${idp.base}/introspect`,
      claim_validator: { issuer: { valid_issuers: ['https://example.com/issuer'] } },
    });
    idp.introspection.set('allowed-issuer', { active: true, iss: 'https://example.com/issuer' });
    idp.introspection.set('other-issuer', {
      active: true,
      iss: 'https://other.example.com/issuer',
    });
    idp.introspection.set('missing-issuer', { active: true });
    expect((await node.request(listed, { headers: bearer('allowed-issuer') })).status).toBe(200);
    for (const token of ['other-issuer', 'missing-issuer']) {
      const reply = await node.request(listed, { headers: bearer(token) });
      expect(reply.status).toBe(401);
      expect(reply.headers['www-authenticate']).toBe(challenge('issuer validation failed'));
    }
    const open = await route({ ...base(), introspection_endpoint: `${idp.base}/introspect` });
    expect((await node.request(open, { headers: bearer('missing-issuer') })).status).toBe(200);
  });

  it('an unreachable introspection endpoint is a 401 naming it', async () => {
    const uri = await route({ ...base(), introspection_endpoint: `${deadUrl}/introspect` });
    const reply = await node.request(uri, { headers: bearer('anything') });
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toBe(
      challenge(
        `accessing introspection endpoint (${deadUrl}/introspect) failed: connection refused`,
      ),
    );
  });
});

describe('openid-connect: headers sent upstream', () => {
  it('access_token_in_authorization_header puts the token in Authorization', async () => {
    const uri = await route({
      ...base(),
      public_key: await idp.publicPem(),
      access_token_in_authorization_header: true,
    });
    const token = await idp.sign(idp.claims());
    const reply = await node.request(uri, { headers: { ...bearer(token), 'X-Access-Token': 'x' } });
    expect(reply.status).toBe(200);
    expect(upstreamHeaders(reply).authorization).toBe(`Bearer ${token}`);
    expect(upstreamHeaders(reply)['x-access-token']).toBeUndefined();
  });

  it('set_access_token_header and set_userinfo_header false send neither', async () => {
    const uri = await route({
      ...base(),
      public_key: await idp.publicPem(),
      set_access_token_header: false,
      set_userinfo_header: false,
    });
    const reply = await node.request(uri, {
      headers: { ...bearer(await idp.sign(idp.claims())), 'X-Userinfo': 'forged' },
    });
    expect(reply.status).toBe(200);
    expect(upstreamHeaders(reply)['x-access-token']).toBeUndefined();
    expect(upstreamHeaders(reply)['x-userinfo']).toBeUndefined();
  });
});

describe('openid-connect: unauth_action without bearer_only', () => {
  const codeFlow = async (unauth: string) => ({
    ...base(),
    bearer_only: false,
    session: { secret: '0123456789abcdef' },
    public_key: await idp.publicPem(),
    unauth_action: unauth,
  });

  it('deny answers 401 to a request without a token; a valid token still passes', async () => {
    const uri = await route(await codeFlow('deny'));
    expect((await node.request(uri)).status).toBe(401);
    expect(
      (await node.request(uri, { headers: bearer(await idp.sign(idp.claims())) })).status,
    ).toBe(200);
  });

  it('pass lets a request without a token through, with no user headers', async () => {
    const uri = await route(await codeFlow('pass'));
    const reply = await node.request(uri, { headers: { 'X-Userinfo': 'forged' } });
    expect(reply.status).toBe(200);
    expect(upstreamHeaders(reply)['x-userinfo']).toBeUndefined();
    const bad = await node.request(uri, { headers: bearer('not-a-jwt') });
    expect(bad.status).toBe(401);
  });
});

/** `name=value` of the first Set-Cookie of a reply. */
function cookieOf(reply: Reply): string {
  const set = reply.headers['set-cookie'];
  const first = Array.isArray(set) ? set[0] : set;
  if (!first) throw new Error('no Set-Cookie');
  return first.split(';')[0] ?? '';
}

/** GET an absolute URL (the provider), without following redirects. */
function getUrl(url: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

describe('openid-connect.t: the authorization code flow', () => {
  let flows = 0;
  /** A code-flow route on `/oidc-code-N/*`; returns its prefix. */
  async function codeRoute(extra: Record<string, unknown> = {}): Promise<string> {
    flows += 1;
    const prefix = `/oidc-code-${flows}`;
    await node.putRoute(
      `oidc-code-${flows}`,
      {
        uri: `${prefix}/*`,
        plugins: {
          'openid-connect': {
            client_id: idp.clientId,
            client_secret: idp.clientSecret,
            discovery: idp.discoveryUrl,
            session: { secret: '0123456789abcdef' },
            ...extra,
          },
        },
        upstream: { type: 'roundrobin', nodes: { [echoHost]: 1 } },
      },
      `${prefix}/probe`,
    );
    return prefix;
  }

  /** Log in through the provider; returns the session cookie and the final redirect. */
  async function login(path: string): Promise<{ cookie: string; back: Reply }> {
    const start = await node.request(path);
    expect(start.status).toBe(302);
    const atProvider = await getUrl(start.headers.location ?? '');
    expect(atProvider.status).toBe(302);
    const callback = new URL(atProvider.headers.location ?? '');
    const back = await node.request(`${callback.pathname}${callback.search}`, {
      headers: { Cookie: cookieOf(start) },
    });
    expect(back.status).toBe(302);
    return { cookie: cookieOf(back), back };
  }

  it('TEST 4-5: a request without a session is redirected to the authorization endpoint', async () => {
    const prefix = await codeRoute({ redirect_uri: 'https://iresty.com', scope: 'apisix' });
    const reply = await node.request(`${prefix}/hello`);
    expect(reply.status).toBe(302);
    const location = new URL(reply.headers.location ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(`${idp.base}/authorize`);
    expect(location.searchParams.get('scope')).toBe('apisix');
    expect(location.searchParams.get('client_id')).toBe(idp.clientId);
    expect(location.searchParams.get('response_type')).toBe('code');
    expect(location.searchParams.get('redirect_uri')).toBe('https://iresty.com');
    expect(location.searchParams.get('state')).toMatch(/^[0-9a-f]{32}$/);
    expect(location.searchParams.get('nonce')).toBeNull();
    expect(reply.headers['set-cookie']?.[0]).toMatch(
      /^session=[\w-]+; Path=\/; Max-Age=86400; HttpOnly; SameSite=Lax$/,
    );
  });

  it('the callback exchanges the code; the session then sends the tokens and user info upstream', async () => {
    const prefix = await codeRoute();
    const { cookie, back } = await login(`${prefix}/hello?x=1`);
    expect(back.headers.location).toBe(`${prefix}/hello?x=1`);
    const reply = await node.request(`${prefix}/hello?x=1`, { headers: { Cookie: cookie } });
    expect(reply.status).toBe(200);
    const headers = upstreamHeaders(reply);
    expect(headers['x-access-token']?.split('.')).toHaveLength(3);
    expect(JSON.parse(Buffer.from(headers['x-id-token'] ?? '', 'base64').toString())).toMatchObject(
      {
        sub: 'jack',
        aud: idp.clientId,
        iss: idp.issuer,
      },
    );
    expect(userinfo(reply)).toEqual({ sub: 'jack', email: 'jack@example.com' });
    expect(headers['x-refresh-token']).toBeUndefined();
    const authorize = idp.authorizations.at(-1);
    expect(authorize?.get('redirect_uri')).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:\\d+${prefix}/hello/\\.apisix/redirect$`),
    );
  });

  it('PKCE, nonce and set_refresh_token_header', async () => {
    const prefix = await codeRoute({
      use_pkce: true,
      use_nonce: true,
      set_refresh_token_header: true,
    });
    const { cookie } = await login(`${prefix}/hello`);
    const sent = idp.authorizations.at(-1);
    expect(sent?.get('code_challenge_method')).toBe('S256');
    expect(sent?.get('nonce')).toMatch(/^[0-9a-f]{32}$/);
    const reply = await node.request(`${prefix}/hello`, { headers: { Cookie: cookie } });
    expect(reply.status).toBe(200);
    expect(upstreamHeaders(reply)['x-refresh-token']).toBe('refresh-1');
  });

  it('a callback whose state does not match the session is a 500; a forged cookie starts over', async () => {
    const prefix = await codeRoute();
    const start = await node.request(`${prefix}/hello`);
    const wrong = await node.request(`${prefix}/hello/.apisix/redirect?code=x&state=nope`, {
      headers: { Cookie: cookieOf(start) },
    });
    expect(wrong.status).toBe(500);
    const forged = await node.request(`${prefix}/hello`, { headers: { Cookie: 'session=AAAA' } });
    expect(forged.status).toBe(302);
  });

  it('required_scopes applies to the session (3.18)', async () => {
    const prefix = await codeRoute({ required_scopes: ['llm'] });
    const { cookie } = await login(`${prefix}/hello`);
    const refused = await node.request(`${prefix}/hello`, { headers: { Cookie: cookie } });
    expect(refused.status).toBe(403);
    expect(refused.body).toBe('{"error":"required scopes llm not present"}');
  });

  it('an expired access token is renewed with the refresh token, the new session set as a cookie', async () => {
    // A leeway longer than the token's 300 s lifetime makes every access token count as expired.
    const prefix = await codeRoute({
      access_token_expires_leeway: 1000,
      set_refresh_token_header: true,
    });
    const { cookie } = await login(`${prefix}/hello`);
    const before = idp.refreshes;
    const reply = await node.request(`${prefix}/hello`, { headers: { Cookie: cookie } });
    expect(reply.status).toBe(200);
    expect(idp.refreshes - before).toBe(1);
    const token = upstreamHeaders(reply)['x-access-token'] ?? '';
    expect(
      JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()),
    ).toMatchObject({
      renewed: true,
    });
    expect(upstreamHeaders(reply)['x-refresh-token']).toBe(`refresh-${idp.refreshes + 1}`);
    expect(reply.headers['set-cookie']?.[0]).toMatch(/^session=[\w-]+; Path=\//);
  });

  it('without renew_access_token_on_expiry an expired session logs in again', async () => {
    const prefix = await codeRoute({
      access_token_expires_leeway: 1000,
      renew_access_token_on_expiry: false,
    });
    const { cookie } = await login(`${prefix}/hello`);
    const reply = await node.request(`${prefix}/hello`, { headers: { Cookie: cookie } });
    expect(reply.status).toBe(302);
    expect(reply.headers.location).toMatch(new RegExp(`^${idp.base}/authorize\\?`));
  });

  it('logout_path ends the session at the provider end-session endpoint', async () => {
    const prefix = await codeRoute({
      logout_path: '/oidc-code-logout/logout',
      post_logout_redirect_uri: 'https://example.com/bye',
    });
    const { cookie } = await login(`${prefix}/hello`);
    await node.putRoute(
      'oidc-code-logout',
      {
        uri: '/oidc-code-logout/*',
        plugins: {
          'openid-connect': {
            client_id: idp.clientId,
            client_secret: idp.clientSecret,
            discovery: idp.discoveryUrl,
            session: { secret: '0123456789abcdef' },
            logout_path: '/oidc-code-logout/logout',
            post_logout_redirect_uri: 'https://example.com/bye',
          },
        },
        upstream: { type: 'roundrobin', nodes: { [echoHost]: 1 } },
      },
      '/oidc-code-logout/probe',
    );
    const out = await node.request('/oidc-code-logout/logout', { headers: { Cookie: cookie } });
    expect(out.status).toBe(302);
    const location = new URL(out.headers.location ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(`${idp.base}/logout`);
    expect(location.searchParams.get('post_logout_redirect_uri')).toBe('https://example.com/bye');
    expect(location.searchParams.get('id_token_hint')?.split('.')).toHaveLength(3);
    expect(out.headers['set-cookie']?.[0]).toMatch(/^session=; Path=\/; Max-Age=0/);
  });
});

describe('openid-connect: a route written into etcd by an APISIX control plane', () => {
  it('is loaded and enforced by the Tollgate data plane', async () => {
    const now = 1_700_000_000;
    await node.putEtcd('routes/oidc-apisix', {
      id: 'oidc-apisix',
      uri: '/oidc-apisix/hello',
      plugins: {
        'openid-connect': {
          client_id: idp.clientId,
          client_secret: idp.clientSecret,
          discovery: idp.discoveryUrl,
          bearer_only: true,
          use_jwks: true,
          scope: 'openid',
          realm: 'apisix',
          ssl_verify: false,
          timeout: 3,
          introspection_endpoint_auth_method: 'client_secret_basic',
          token_endpoint_auth_method: 'client_secret_basic',
          logout_path: '/logout',
          unauth_action: 'auth',
          use_pkce: false,
          set_access_token_header: true,
          access_token_in_authorization_header: false,
          set_id_token_header: true,
          set_userinfo_header: true,
          set_refresh_token_header: false,
          renew_access_token_on_expiry: true,
          iat_slack: 120,
          accept_none_alg: false,
          accept_unsupported_alg: true,
          jwk_expires_in: 86400,
          introspection_interval: 0,
          client_jwt_assertion_expires_in: 60,
        },
      },
      upstream: {
        type: 'roundrobin',
        nodes: { [echoHost]: 1 },
        hash_on: 'vars',
        scheme: 'http',
        pass_host: 'pass',
      },
      status: 1,
      priority: 0,
      create_time: now,
      update_time: now,
    });
    await waitFor('the APISIX-written openid-connect route', async () => {
      const reply = await node.request('/oidc-apisix/hello');
      return reply.status === 401;
    });
    const ok = await node.request('/oidc-apisix/hello', {
      headers: bearer(await idp.sign(idp.claims())),
    });
    expect(ok.status).toBe(200);
    expect(userinfo(ok)).toMatchObject({ sub: 'jack' });
  });
});

describe('openid-connect: the provider unreachable', () => {
  it('a JWKS that cannot be fetched is a 401 naming the discovery url', async () => {
    const other = await startOidcIssuer();
    const uri = await route({
      client_id: other.clientId,
      discovery: other.discoveryUrl,
      bearer_only: true,
      use_jwks: true,
      claim_validator: { issuer: { valid_issuers: [other.issuer] } },
    });
    const token = await other.sign(other.claims());
    await other.stop();
    const reply = await node.request(uri, { headers: bearer(token) });
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toBe(
      challenge(`accessing discovery url (${other.discoveryUrl}) failed: connection refused`),
    );
  });
});
