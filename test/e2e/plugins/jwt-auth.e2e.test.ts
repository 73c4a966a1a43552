/**
 * jwt-auth through a real `tollgate start`, configured through the Admin API: the cases of
 * APISIX's t/plugin/jwt-auth*.t that define behaviour (consumer and route schema, token in
 * header/Bearer/query/cookie, invalid and expired tokens, base64 secrets, RS256/ES256 public
 * keys, claims and grace period, hide_credentials, key_claim_name, anonymous consumer), with the
 * 3.18 response bodies, plus credentials.
 */
import crypto from 'node:crypto';
import { echoed, startAuthNode, type AuthNode } from './support/plugin-nodes';

jest.setTimeout(90_000);

let t: AuthNode;

beforeAll(async () => {
  t = await startAuthNode('jwt-auth');
});

afterAll(async () => {
  await t?.destroy();
});

// APISIX's fixtures: HS256 over {"key":"user-key","exp":1879318541} with "my-secret-key", the same
// payload with the base64 secret of TEST 16, and an expired one ({"exp":1563870501}).
const TOKEN =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJrZXkiOiJ1c2VyLWtleSIsImV4cCI6MTg3OTMxODU0MX0.fNtFJnNmJgzbiYmGB0Yjvm-l6A6M4jRV1l4mnVFSYjs';
const TOKEN_B64_SECRET =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJrZXkiOiJ1c2VyLWtleSIsImV4cCI6MTg3OTMxODU0MX0._kNmXeH1uYVAvApFTONk2Z3Gh-a4XfGrjmqd_ahoOI0';
const EXPIRED =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJrZXkiOiJ1c2VyLWtleSIsImV4cCI6MTU2Mzg3MDUwMX0.pPNVvh-TQsdDzorRwa-uuiLYiEBODscp9wv0cwD6c68';
const INVALID = `invalid-${EXPIRED}`;

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
function sign(alg: string, key: crypto.KeyObject | string, payload: object): string {
  const input = `${b64url({ typ: 'JWT', alg })}.${b64url(payload)}`;
  const hash = `sha${alg.slice(2)}`;
  const sig = alg.startsWith('HS')
    ? crypto.createHmac(hash, key).update(input).digest()
    : crypto.sign(hash, Buffer.from(input), {
        key: key as crypto.KeyObject,
        dsaEncoding: 'ieee-p1363',
      });
  return `${input}.${sig.toString('base64url')}`;
}
const now = () => Math.floor(Date.now() / 1000);

const errorMsg = (r: { json: unknown }) => (r.json as { error_msg: string }).error_msg;
const pluginError = (err: string) =>
  `invalid plugins configuration: failed to check the configuration of plugin jwt-auth err: ${err}`;

async function expect401(
  res: Promise<{ status: number; json: unknown; headers: Headers }>,
  message: string,
  realm = 'jwt',
) {
  const r = await res;
  expect(r.status).toBe(401);
  expect(r.json).toEqual({ message });
  expect(r.headers.get('www-authenticate')).toBe(`Bearer realm="${realm}"`);
}

describe('jwt-auth.t: schema', () => {
  it('TEST 2, 22: key must be a string and is required', async () => {
    const put = (conf: unknown) =>
      t.admin.put('/apisix/admin/consumers', { username: 'jack', plugins: { 'jwt-auth': conf } });
    const numeric = await put({ key: 123, secret: 's' });
    expect(numeric.status).toBe(400);
    expect(errorMsg(numeric)).toBe(
      pluginError('property "key" validation failed: wrong type: expected string, got number'),
    );
    const missing = await put({ secret: 's' });
    expect(missing.status).toBe(400);
    expect(errorMsg(missing)).toBe(pluginError('property "key" is required'));
  });

  it('HS256 without a secret, a non-base64 base64 secret and RS256 without a public key are refused', async () => {
    const put = (conf: unknown) =>
      t.admin.put('/apisix/admin/consumers', { username: 'jack', plugins: { 'jwt-auth': conf } });
    const noSecret = await put({ key: 'user-key' });
    expect(noSecret.status).toBe(400);
    expect(errorMsg(noSecret)).toBe(
      pluginError('property "secret" is required when "algorithm" is "HS256" or "HS512"'),
    );
    const notBase64 = await put({ key: 'user-key', secret: 'a!b', base64_secret: true });
    expect(notBase64.status).toBe(400);
    expect(errorMsg(notBase64)).toBe(
      pluginError('base64_secret required but the secret is not in base64 format'),
    );
    expect((await put({ key: 'user-key', algorithm: 'RS256' })).status).toBe(400);
    expect((await put({ key: 'user-key', secret: 's', algorithm: 'HS1' })).status).toBe(400);
  });

  it('route confs: claims_to_verify outside exp/nbf and an empty key_claim_name are refused', async () => {
    for (const conf of [{ claims_to_verify: ['iat'] }, { key_claim_name: '' }, { realm: '' }]) {
      const res = await t.route('bad', '/bad', { 'jwt-auth': conf });
      expect(res.status).toBe(400);
      expect(errorMsg(res)).toMatch(/^failed to check the configuration of plugin jwt-auth err: /);
    }
  });

  it('the consumer schema is served by schema_type=consumer', async () => {
    const res = await t.admin.get('/apisix/admin/plugins/jwt-auth?schema_type=consumer');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ required: ['key'], dependencies: { algorithm: {} } });
  });
});

describe('jwt-auth.t: tokens', () => {
  it('TEST 3-4, 10: consumer jack, route /hello, a Bearer token in the header', async () => {
    const consumer = await t.admin.put('/apisix/admin/consumers', {
      username: 'jack',
      plugins: { 'jwt-auth': { key: 'user-key', secret: 'my-secret-key' } },
    });
    expect(consumer.status).toBeLessThan(300);
    expect((await t.route('1', '/hello', { 'jwt-auth': {} })).status).toBeLessThan(300);
    const res = await t.until(
      '/hello',
      { Authorization: `Bearer ${TOKEN}` },
      (r) => r.status === 200,
    );
    expect(echoed(res).headers['x-consumer-username']).toBe('jack');
  });

  it('TEST 7: missing token', async () => {
    await expect401(t.get('/hello'), 'Missing JWT token in request');
  });

  it('TEST 8, 14: invalid token in the query or a bearer header', async () => {
    await expect401(t.get(`/hello?jwt=${INVALID}`), 'JWT token invalid');
    await expect401(t.get('/hello', { Authorization: `bearer ${INVALID}` }), 'JWT token invalid');
  });

  it('TEST 9: expired token', async () => {
    await expect401(t.get(`/hello?jwt=${EXPIRED}`), 'failed to verify jwt');
  });

  it('TEST 5, 11, 12, 13: query argument, cookie, header without Bearer, lower-case bearer', async () => {
    for (const [uri, headers] of [
      [`/hello?jwt=${TOKEN}`, {}],
      ['/hello', { Cookie: `jwt=${TOKEN}` }],
      ['/hello', { Authorization: TOKEN }],
      ['/hello', { Authorization: `bearer ${TOKEN}` }],
    ] as const) {
      const res = await t.get(uri, headers);
      expect(res.status).toBe(200);
      expect(echoed(res).headers['x-consumer-username']).toBe('jack');
    }
  });

  it('a token naming an unknown key, or no key', async () => {
    await expect401(
      t.get('/hello', { Authorization: sign('HS256', 'my-secret-key', { key: 'nobody' }) }),
      'Invalid user key in JWT token',
    );
    await expect401(
      t.get('/hello', { Authorization: sign('HS256', 'my-secret-key', { sub: 'x' }) }),
      'missing user key in JWT token',
    );
  });

  it('TEST 16-21: base64 secret: the matching token passes, the other fails', async () => {
    await t.admin.put('/apisix/admin/consumers', {
      username: 'jack',
      plugins: {
        'jwt-auth': {
          key: 'user-key',
          secret: 'fo4XKdZ1xSrIZyms4q2BwPrW5lMpls9qqy5tiAk2esc=',
          base64_secret: true,
        },
      },
    });
    await t.until(
      '/hello',
      { Authorization: `Bearer ${TOKEN_B64_SECRET}` },
      (r) => r.status === 200,
    );
    await expect401(t.get('/hello', { Authorization: `Bearer ${TOKEN}` }), 'failed to verify jwt');
  });
});

describe('jwt-auth public keys (RS256 / ES256)', () => {
  it('verifies with the consumer public key; a token signed by another key fails', async () => {
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = (k: crypto.KeyObject) => k.export({ type: 'spki', format: 'pem' }).toString();
    for (const [username, key, alg, pair] of [
      ['kerouac', 'user-key-rs256', 'RS256', rsa],
      ['ginsberg', 'user-key-es256', 'ES256', ec],
    ] as const) {
      const res = await t.admin.put('/apisix/admin/consumers', {
        username,
        plugins: { 'jwt-auth': { key, algorithm: alg, public_key: pem(pair.publicKey) } },
      });
      expect(res.status).toBeLessThan(300);
      const token = sign(alg, pair.privateKey, { key, exp: now() + 60 });
      const ok = await t.until(
        '/hello',
        { Authorization: `Bearer ${token}` },
        (r) => r.status === 200,
      );
      expect(echoed(ok).headers['x-consumer-username']).toBe(username);
      const other = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const forged = sign('ES256', other.privateKey, { key });
      await expect401(t.get('/hello', { Authorization: forged }), 'failed to verify jwt');
      // The public key used as an HMAC secret does not verify (no algorithm confusion).
      const confused = sign('HS256', pem(pair.publicKey), { key });
      await expect401(t.get('/hello', { Authorization: confused }), 'failed to verify jwt');
    }
  });
});

describe('jwt-auth claims', () => {
  it('nbf in the future fails; lifetime_grace_period lets a slightly expired token pass', async () => {
    await t.admin.put('/apisix/admin/consumers', {
      username: 'neal',
      plugins: {
        'jwt-auth': { key: 'neal-key', secret: 'neal-secret', lifetime_grace_period: 60 },
      },
    });
    const expiredRecently = sign('HS256', 'neal-secret', { key: 'neal-key', exp: now() - 10 });
    await t.until('/hello', { Authorization: expiredRecently }, (r) => r.status === 200);
    const future = sign('HS256', 'neal-secret', { key: 'neal-key', nbf: now() + 600 });
    await expect401(t.get('/hello', { Authorization: future }), 'failed to verify jwt');
    const longExpired = sign('HS256', 'neal-secret', { key: 'neal-key', exp: now() - 600 });
    await expect401(t.get('/hello', { Authorization: longExpired }), 'failed to verify jwt');
  });

  it('claims_to_verify ["nbf"] leaves exp unchecked', async () => {
    await t.route('1', '/hello', { 'jwt-auth': { claims_to_verify: ['nbf'] } });
    const longExpired = sign('HS256', 'neal-secret', { key: 'neal-key', exp: now() - 600 });
    await t.until('/hello', { Authorization: longExpired }, (r) => r.status === 200);
  });
});

describe('jwt-auth route options', () => {
  it('custom header/query/cookie names and realm', async () => {
    await t.route('1', '/hello', {
      'jwt-auth': { header: 'X-Token', query: 'token', cookie: 'auth', realm: 'staff' },
    });
    const token = sign('HS256', 'neal-secret', { key: 'neal-key' });
    await t.until('/hello', { 'X-Token': token }, (r) => r.status === 200);
    expect((await t.get(`/hello?token=${token}`)).status).toBe(200);
    expect((await t.get('/hello', { Cookie: `auth=${token}` })).status).toBe(200);
    await expect401(
      t.get('/hello', { Authorization: token }),
      'Missing JWT token in request',
      'staff',
    );
  });

  it('key_claim_name reads the consumer key from another claim', async () => {
    await t.route('1', '/hello', { 'jwt-auth': { key_claim_name: 'iss' } });
    const token = sign('HS256', 'neal-secret', { iss: 'neal-key' });
    const res = await t.until('/hello', { Authorization: token }, (r) => r.status === 200);
    expect(echoed(res).headers['x-consumer-username']).toBe('neal');
  });

  it('hide_credentials removes the token from the header, the query and the cookie', async () => {
    await t.route('1', '/hello', { 'jwt-auth': { hide_credentials: true } });
    const token = sign('HS256', 'neal-secret', { key: 'neal-key' });
    const header = await t.until(
      '/hello',
      { Authorization: `Bearer ${token}`, 'X-Other': 'kept' },
      (r) => r.status === 200 && echoed(r).headers.authorization === undefined,
    );
    expect(echoed(header).headers['x-other']).toBe('kept');
    const query = await t.get(`/hello?jwt=${token}&a=1`);
    expect(echoed(query).url).toBe('/hello?a=1');
    const cookie = await t.get('/hello', { Cookie: `a=1; jwt=${token}; b=2` });
    expect(echoed(cookie).headers.cookie).toBe('a=1; b=2');

    await t.route('1', '/hello', { 'jwt-auth': { hide_credentials: false } });
    const kept = await t.until(
      '/hello',
      { Authorization: `Bearer ${token}` },
      (r) => r.status === 200 && echoed(r).headers.authorization !== undefined,
    );
    expect(echoed(kept).headers.authorization).toBe(`Bearer ${token}`);
  });
});

describe('jwt-auth-anonymous-consumer.t', () => {
  it('an anonymous consumer serves requests without a valid token; a missing one answers 401', async () => {
    await t.admin.put('/apisix/admin/consumers', { username: 'anonymous' });
    await t.route('1', '/hello', { 'jwt-auth': { anonymous_consumer: 'anonymous' } });
    const res = await t.until('/hello', {}, (r) => r.status === 200);
    expect(echoed(res).headers['x-consumer-username']).toBe('anonymous');

    await t.route('1', '/hello', { 'jwt-auth': { anonymous_consumer: 'not-found-anonymous' } });
    const refused = await t.until('/hello', {}, (r) => r.status === 401);
    expect(refused.json).toEqual({ message: 'Invalid user authorization' });
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="jwt"');
  });
});

describe('credentials', () => {
  it('a jwt-auth credential authenticates its consumer with X-Credential-Identifier', async () => {
    await t.route('1', '/hello', { 'jwt-auth': {} });
    await t.admin.put('/apisix/admin/consumers', { username: 'john' });
    const cred = await t.admin.put('/apisix/admin/consumers/john/credentials/cred-john-jwt', {
      plugins: { 'jwt-auth': { key: 'john-key', secret: 'john-secret', algorithm: 'HS512' } },
    });
    expect(cred.status).toBeLessThan(300);
    const token = sign('HS512', 'john-secret', { key: 'john-key' });
    const res = await t.until(
      '/hello',
      { Authorization: `Bearer ${token}` },
      (r) => r.status === 200,
    );
    expect(echoed(res).headers['x-consumer-username']).toBe('john');
    expect(echoed(res).headers['x-credential-identifier']).toBe('cred-john-jwt');
  });
});

describe('consumer groups', () => {
  it('a jwt-auth consumer gets its consumer group’s plugins (limit-count of the group)', async () => {
    const group = await t.admin.put('/apisix/admin/consumer_groups/staff', {
      plugins: { 'limit-count': { count: 2, time_window: 60, rejected_code: 429 } },
    });
    expect(group.status).toBeLessThan(300);
    const member = await t.admin.put('/apisix/admin/consumers', {
      username: 'grouped',
      group_id: 'staff',
      plugins: { 'jwt-auth': { key: 'grouped-key', secret: 'grouped-secret' } },
    });
    expect(member.status).toBeLessThan(300);
    await t.route('grouped', '/grouped', { 'jwt-auth': {} });
    const auth = { Authorization: sign('HS256', 'grouped-secret', { key: 'grouped-key' }) };
    const first = await t.until('/grouped', auth, (r) => r.status === 200);
    expect(echoed(first).headers['x-consumer-username']).toBe('grouped');
    expect(first.headers.get('x-ratelimit-limit')).toBe('2');
    expect((await t.get('/grouped', auth)).status).toBe(200);
    expect((await t.get('/grouped', auth)).status).toBe(429);
  });
});
