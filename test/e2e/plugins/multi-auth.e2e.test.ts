/**
 * multi-auth through a real `tollgate start`, configured through the Admin API: APISIX's
 * t/plugin/multi-auth.t cases (basic-auth + jwt-auth + hmac-auth on one route: valid credentials
 * of any pass, anything else answers 401 Authorization Failed) and its schema checks, plus
 * key-auth in the list, hmac-auth signatures and consumer credentials.
 */
import crypto from 'node:crypto';
import { echoed, startAuthNode, type AuthNode } from './support/plugin-nodes';

jest.setTimeout(90_000);

let t: AuthNode;

beforeAll(async () => {
  t = await startAuthNode('multi-auth');
});

afterAll(async () => {
  await t?.destroy();
});

// APISIX's fixtures (jwt-auth.t / multi-auth.t): HS256 with "my-secret-key" over
// {"key":"user-key","exp":1879318541}, the same with one signature character changed, and an
// expired one.
const TOKEN =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJrZXkiOiJ1c2VyLWtleSIsImV4cCI6MTg3OTMxODU0MX0.fNtFJnNmJgzbiYmGB0Yjvm-l6A6M4jRV1l4mnVFSYjs';
const WRONG_SIGNATURE =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJrZXkiOiJ1c2VyLWtleSIsImV4cCI6MTg3OTMxODU0MX0.fNtFJnNnJgzbiYmGB0Yjvm-l6A6M4jRV1l4mnVFSYjs';
const EXPIRED =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJrZXkiOiJ1c2VyLWtleSIsImV4cCI6MTU2Mzg3MDUwMX0.pPNVvh-TQsdDzorRwa-uuiLYiEBODscp9wv0cwD6c68';
const FAILED = { message: 'Authorization Failed' };
const errorMsg = (r: { json: unknown }) => (r.json as { error_msg: string }).error_msg;

function hmacHeaders(keyId: string, secret: string, target: string): Record<string, string> {
  const date = new Date().toUTCString();
  const text = `${keyId}\nGET ${target}\ndate: ${date}\n`;
  const signature = crypto.createHmac('sha256', secret).update(text).digest('base64');
  return {
    Date: date,
    Authorization: `Signature keyId="${keyId}",algorithm="hmac-sha256",headers="@request-target date",signature="${signature}"`,
  };
}

describe('schema', () => {
  it('auth_plugins is required, has at least two entries, each a known auth plugin with a valid conf', async () => {
    const cases: [unknown, RegExp][] = [
      [{}, /property "auth_plugins" is required/],
      [{ auth_plugins: [{ 'basic-auth': {} }] }, /auth_plugins/],
      [
        { auth_plugins: [{ 'basic-auth': {} }, { 'no-such-auth': {} }] },
        /no-such-auth plugin did not found$/,
      ],
      [
        { auth_plugins: [{ 'basic-auth': {} }, { prometheus: {} }] },
        /prometheus plugin is not supported$/,
      ],
      [
        { auth_plugins: [{ 'basic-auth': {} }, { 'jwt-auth': { claims_to_verify: ['iat'] } }] },
        /plugin jwt-auth check schema failed: /,
      ],
    ];
    for (const [conf, message] of cases) {
      const res = await t.route('bad', '/bad', { 'multi-auth': conf });
      expect(res.status).toBe(400);
      expect(errorMsg(res)).toMatch(
        /^failed to check the configuration of plugin multi-auth err: /,
      );
      expect(errorMsg(res)).toMatch(message);
    }
  });
});

describe('multi-auth.t', () => {
  it('TEST 1-2: consumer foo with basic-auth and jwt-auth; route with basic, jwt and hmac', async () => {
    const consumer = await t.admin.put('/apisix/admin/consumers', {
      username: 'foo',
      plugins: {
        'basic-auth': { username: 'foo', password: 'bar' },
        'jwt-auth': { key: 'user-key', secret: 'my-secret-key' },
      },
    });
    expect(consumer.status).toBeLessThan(300);
    const route = await t.route('1', '/hello', {
      'multi-auth': {
        auth_plugins: [{ 'basic-auth': {} }, { 'jwt-auth': {} }, { 'hmac-auth': {} }],
      },
    });
    expect(route.status).toBeLessThan(300);
    // TEST 6: valid basic-auth credentials
    const ok = await t.until(
      '/hello',
      { Authorization: 'Basic Zm9vOmJhcg==' },
      (r) => r.status === 200,
    );
    expect(echoed(ok).headers['x-consumer-username']).toBe('foo');
  });

  it('TEST 5, 7, 8: invalid basic credentials, no credentials, hmac without algorithm', async () => {
    const attempts: Record<string, string>[] = [
      { Authorization: 'Basic YmFyOmJhcgo=' },
      {},
      {
        Authorization:
          'Signature keyId="my-access-key",headers="@request-target date" ,signature="asdf"',
        Date: 'Thu, 24 Sep 2020 06:39:52 GMT',
      },
    ];
    for (const headers of attempts) {
      const res = await t.get('/hello', headers);
      expect(res.status).toBe(401);
      expect(res.json).toEqual(FAILED);
    }
  });

  it('TEST 12-14: expired jwt and wrong signature fail; a valid jwt passes', async () => {
    for (const token of [EXPIRED, WRONG_SIGNATURE]) {
      const res = await t.get('/hello', { Authorization: `Bearer ${token}` });
      expect(res.status).toBe(401);
      expect(res.json).toEqual(FAILED);
    }
    const ok = await t.get('/hello', { Authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    expect(echoed(ok).headers['x-consumer-username']).toBe('foo');
  });

  it('an hmac-auth credential of another consumer passes through the third plugin', async () => {
    await t.admin.put('/apisix/admin/consumers', { username: 'jane' });
    const cred = await t.admin.put('/apisix/admin/consumers/jane/credentials/jane-hmac', {
      plugins: { 'hmac-auth': { key_id: 'jane-key', secret_key: 'jane-secret' } },
    });
    expect(cred.status).toBeLessThan(300);
    const res = await t.until(
      '/hello',
      hmacHeaders('jane-key', 'jane-secret', '/hello'),
      (r) => r.status === 200,
    );
    expect(echoed(res).headers['x-consumer-username']).toBe('jane');
    expect(echoed(res).headers['x-credential-identifier']).toBe('jane-hmac');
  });
});

describe('key-auth in the list, hide_credentials of the plugin that succeeded', () => {
  it('key-auth and basic-auth: either passes; the key is hidden by key-auth', async () => {
    await t.admin.put('/apisix/admin/consumers', {
      username: 'foo',
      plugins: {
        'basic-auth': { username: 'foo', password: 'bar' },
        'key-auth': { key: 'auth-one' },
      },
    });
    await t.route('2', '/mixed', {
      'multi-auth': {
        auth_plugins: [{ 'key-auth': { hide_credentials: true } }, { 'basic-auth': {} }],
      },
    });
    const byKey = await t.until('/mixed', { apikey: 'auth-one' }, (r) => r.status === 200);
    expect(echoed(byKey).headers.apikey).toBeUndefined();
    expect(echoed(byKey).headers['x-consumer-username']).toBe('foo');
    const byBasic = await t.get('/mixed', { Authorization: 'Basic Zm9vOmJhcg==' });
    expect(byBasic.status).toBe(200);
    expect(echoed(byBasic).headers.authorization).toBe('Basic Zm9vOmJhcg==');
    const none = await t.get('/mixed', { apikey: 'wrong' });
    expect(none.status).toBe(401);
    expect(none.json).toEqual(FAILED);
    expect(none.headers.get('www-authenticate')).toBeNull();
  });
});
