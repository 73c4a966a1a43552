/**
 * basic-auth through a real `tollgate start`, configured through the Admin API: APISIX's
 * t/plugin/basic-auth.t, basic-auth-realm.t and basic-auth-anonymous-consumer.t cases that define
 * behaviour (schema accept/reject, 401 bodies, the WWW-Authenticate realm, hide_credentials,
 * the anonymous consumer), plus credentials and the consumer headers the upstream receives.
 */
import { echoed, startAuthNode, type AuthNode } from './support/plugin-nodes';

jest.setTimeout(60_000);

let t: AuthNode;

beforeAll(async () => {
  t = await startAuthNode('basic-auth');
});

afterAll(async () => {
  await t?.destroy();
});

const FOO_BAR = { Authorization: 'Basic Zm9vOmJhcg==' };
const pluginError = (err: string) => ({
  error_msg: `invalid plugins configuration: failed to check the configuration of plugin basic-auth err: ${err}`,
});

describe('basic-auth.t', () => {
  it('TEST 2: a non-string username is refused', async () => {
    const res = await t.admin.put('/apisix/admin/consumers', {
      username: 'foo',
      plugins: { 'basic-auth': { username: 123, password: 'bar' } },
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual(
      pluginError('property "username" validation failed: wrong type: expected string, got number'),
    );
  });

  it('TEST 12-14: a consumer conf without password, empty, or not an object is refused', async () => {
    const put = (conf: unknown) =>
      t.admin.put('/apisix/admin/consumers', {
        username: 'foo',
        plugins: { 'basic-auth': conf },
      });
    const noPassword = await put({ username: 'foo' });
    expect(noPassword.status).toBe(400);
    expect(noPassword.json).toEqual(pluginError('property "password" is required'));
    const empty = await put({});
    expect(empty.status).toBe(400);
    expect((empty.json as { error_msg: string }).error_msg).toMatch(
      /^invalid plugins configuration: failed to check the configuration of plugin basic-auth err: property "(username|password)" is required$/,
    );
    const notObject = await put('blah');
    expect(notObject.status).toBe(400);
    expect(notObject.json).toEqual({
      error_msg:
        'invalid plugins configuration: invalid plugin conf "blah" for plugin [basic-auth]',
    });
  });

  it('TEST 16: the consumer schema requires username and password', async () => {
    const res = await t.admin.get('/apisix/admin/plugins/basic-auth?schema_type=consumer');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      type: 'object',
      required: ['username', 'password'],
      properties: { username: { type: 'string' }, password: { type: 'string' } },
    });
  });

  it('route confs: bad types and realms are refused, defaults accepted', async () => {
    for (const conf of [{ hide_credentials: 'yes' }, { realm: '' }, { realm: 'a"b' }]) {
      const res = await t.route('bad', '/bad', { 'basic-auth': conf });
      expect(res.status).toBe(400);
      expect((res.json as { error_msg: string }).error_msg).toMatch(
        /^failed to check the configuration of plugin basic-auth err: /,
      );
    }
  });

  it('TEST 3-11: consumer foo/bar on /hello', async () => {
    const consumer = await t.admin.put('/apisix/admin/consumers', {
      username: 'foo',
      plugins: { 'basic-auth': { username: 'foo', password: 'bar' } },
    });
    expect(consumer.status).toBeLessThan(300);
    expect((await t.route('1', '/hello', { 'basic-auth': {} })).status).toBeLessThan(300);

    // TEST 11 (and config applied)
    const ok = await t.until('/hello', FOO_BAR, (r) => r.status === 200);
    expect(echoed(ok).headers['x-consumer-username']).toBe('foo');

    // TEST 5
    const missing = await t.get('/hello');
    expect(missing.status).toBe(401);
    expect(missing.text).toBe('{"message":"Missing authorization in request"}\n');

    // TEST 6, 7, 8
    for (const authorization of ['Bad_header YmFyOmJhcgo=', 'Basic aca_a', 'Basic YmFy']) {
      const res = await t.get('/hello', { Authorization: authorization });
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ message: 'Invalid authorization in request' });
      expect(res.headers.get('www-authenticate')).toBeNull();
    }

    // TEST 9 (bar:bar), TEST 10 (foo:foo)
    for (const authorization of ['Basic YmFyOmJhcgo=', 'Basic Zm9vOmZvbwo=']) {
      const res = await t.get('/hello', { Authorization: authorization });
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ message: 'Invalid user authorization' });
    }
  });

  it('TEST 18-21: hide_credentials true hides Authorization from the upstream, false keeps it', async () => {
    await t.route('1', '/echo', { 'basic-auth': { hide_credentials: true } });
    const hidden = await t.until('/echo', FOO_BAR, (r) => r.status === 200);
    expect(echoed(hidden).headers.authorization).toBeUndefined();

    await t.route('1', '/echo', { 'basic-auth': { hide_credentials: false } });
    const kept = await t.until(
      '/echo',
      FOO_BAR,
      (r) => r.status === 200 && echoed(r).headers.authorization !== undefined,
    );
    expect(echoed(kept).headers.authorization).toBe('Basic Zm9vOmJhcg==');
  });

  it('a client-sent X-Consumer-Username is replaced by the authenticated one', async () => {
    const res = await t.get('/echo', { ...FOO_BAR, 'X-Consumer-Username': 'admin' });
    expect(res.status).toBe(200);
    expect(echoed(res).headers['x-consumer-username']).toBe('foo');
  });
});

describe('basic-auth-realm.t', () => {
  it('TEST 1-2: default realm', async () => {
    await t.route('realm', '/realm', { 'basic-auth': {} });
    const res = await t.until('/realm', {}, (r) => r.status === 401);
    expect(res.headers.get('www-authenticate')).toBe("Basic realm='basic'");
  });

  it('TEST 3-4: custom realm', async () => {
    await t.route('realm', '/realm', { 'basic-auth': { realm: 'secure-zone' } });
    const res = await t.until(
      '/realm',
      {},
      (r) => r.headers.get('www-authenticate') === "Basic realm='secure-zone'",
    );
    expect(res.status).toBe(401);
  });
});

describe('basic-auth-anonymous-consumer.t', () => {
  it('TEST 1-4: without credentials the anonymous consumer is used; with them, the owner', async () => {
    const anon = await t.admin.put('/apisix/admin/consumers', { username: 'anonymous' });
    expect(anon.status).toBeLessThan(300);
    await t.route('anon', '/anon', { 'basic-auth': { anonymous_consumer: 'anonymous' } });
    const res = await t.until('/anon', {}, (r) => r.status === 200);
    expect(echoed(res).headers['x-consumer-username']).toBe('anonymous');
    const owner = await t.get('/anon', FOO_BAR);
    expect(echoed(owner).headers['x-consumer-username']).toBe('foo');
  });

  it('TEST 5-6: a missing anonymous consumer answers 401 Invalid user authorization', async () => {
    await t.route('anon', '/anon', { 'basic-auth': { anonymous_consumer: 'not-found-anonymous' } });
    const res = await t.until('/anon', {}, (r) => r.status === 401);
    expect(res.json).toEqual({ message: 'Invalid user authorization' });
  });
});

describe('credentials', () => {
  it('a basic-auth credential authenticates its consumer with X-Credential-Identifier', async () => {
    expect(
      (await t.admin.put('/apisix/admin/consumers', { username: 'john' })).status,
    ).toBeLessThan(300);
    const cred = await t.admin.put('/apisix/admin/consumers/john/credentials/cred-john', {
      plugins: { 'basic-auth': { username: 'johndoe', password: 'john-key' } },
    });
    expect(cred.status).toBeLessThan(300);
    const auth = { Authorization: `Basic ${Buffer.from('johndoe:john-key').toString('base64')}` };
    const res = await t.until('/echo', auth, (r) => r.status === 200);
    expect(echoed(res).headers['x-consumer-username']).toBe('john');
    expect(echoed(res).headers['x-credential-identifier']).toBe('cred-john');
  });
});

describe('basic-auth-anonymous-consumer.t with limit-count (consumer plugins merged)', () => {
  it('TEST 1-4: jack gets his own limit (4), the anonymous consumer its own (1)', async () => {
    const jack = await t.admin.put('/apisix/admin/consumers', {
      username: 'jack',
      plugins: {
        'basic-auth': { username: 'jack-user', password: 'jack-pass' },
        'limit-count': { count: 4, time_window: 60 },
      },
    });
    expect(jack.status).toBeLessThan(300);
    const anon = await t.admin.put('/apisix/admin/consumers', {
      username: 'anonymous-limited',
      plugins: { 'limit-count': { count: 1, time_window: 60 } },
    });
    expect(anon.status).toBeLessThan(300);
    await t.route('limited', '/limited', {
      'basic-auth': { anonymous_consumer: 'anonymous-limited' },
    });
    const auth = {
      Authorization: `Basic ${Buffer.from('jack-user:jack-pass').toString('base64')}`,
    };
    // The config is applied once jack is recognised (his first request).
    const first = await t.until(
      '/limited',
      auth,
      (r) => r.status === 200 && echoed(r).headers['x-consumer-username'] === 'jack',
    );
    expect(first.headers.get('x-ratelimit-limit')).toBe('4');
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await t.get('/limited', auth)).status);
    expect(statuses).toEqual([200, 200, 200, 503]);
    const anonymous = [];
    for (let i = 0; i < 4; i++) anonymous.push((await t.get('/limited')).status);
    expect(anonymous).toEqual([200, 503, 503, 503]);
  });
});
