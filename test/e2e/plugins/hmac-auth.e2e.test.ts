/**
 * hmac-auth (APISIX 3.x signature scheme) through a real `tollgate start`, configured through the
 * Admin API: the behaviour APISIX's t/plugin/hmac-auth*.t and the plugin doc define (consumer and
 * route schema, the 401 bodies, algorithms, clock skew with Date and X-Date, required signed
 * headers, the request target with its query, body Digest validation with the doc's digest,
 * hide_credentials, anonymous consumer), plus credentials.
 */
import crypto from 'node:crypto';
import { echoed, startAuthNode, type AuthNode } from './support/plugin-nodes';

jest.setTimeout(90_000);

let t: AuthNode;

beforeAll(async () => {
  t = await startAuthNode('hmac-auth');
});

afterAll(async () => {
  await t?.destroy();
});

interface SignOptions {
  keyId?: string;
  secret?: string;
  method?: string;
  target?: string;
  alg?: string;
  date?: string;
  dateHeader?: string;
  extra?: Record<string, string>;
}

/** Headers of a request signed as APISIX's doc script signs it. */
function sign(o: SignOptions = {}): Record<string, string> {
  const keyId = o.keyId ?? 'john-key';
  const alg = o.alg ?? 'hmac-sha256';
  const date = o.date ?? new Date().toUTCString();
  const dateHeader = o.dateHeader ?? 'date';
  const extra = o.extra ?? {};
  const names = ['@request-target', dateHeader, ...Object.keys(extra)];
  const lines = [keyId, `${o.method ?? 'GET'} ${o.target ?? '/get'}`, `${dateHeader}: ${date}`];
  for (const [name, value] of Object.entries(extra)) lines.push(`${name}: ${value}`);
  const signature = crypto
    .createHmac(alg.slice(5), o.secret ?? 'john-secret-key')
    .update(`${lines.join('\n')}\n`)
    .digest('base64');
  return {
    [dateHeader]: date,
    ...extra,
    Authorization: `Signature keyId="${keyId}",algorithm="${alg}",headers="${names.join(' ')}",signature="${signature}"`,
  };
}

const NOT_VALIDATED = { message: "client request can't be validated" };
const errorMsg = (r: { json: unknown }) => (r.json as { error_msg: string }).error_msg;

describe('schema', () => {
  it('consumer confs need key_id and secret_key', async () => {
    const put = (conf: unknown) =>
      t.admin.put('/apisix/admin/consumers', { username: 'john', plugins: { 'hmac-auth': conf } });
    const noKey = await put({ secret_key: 's' });
    expect(noKey.status).toBe(400);
    expect(errorMsg(noKey)).toBe(
      'invalid plugins configuration: failed to check the configuration of plugin hmac-auth err: property "key_id" is required',
    );
    expect((await put({ key_id: 'k' })).status).toBe(400);
    expect((await put({ key_id: '', secret_key: 's' })).status).toBe(400);
  });

  it('route confs: clock_skew >= 1, allowed_algorithms non-empty and from the enum', async () => {
    for (const conf of [
      { clock_skew: 0 },
      { allowed_algorithms: [] },
      { allowed_algorithms: ['hmac-md5'] },
      { signed_headers: [''] },
    ]) {
      const res = await t.route('bad', '/bad', { 'hmac-auth': conf });
      expect(res.status).toBe(400);
      expect(errorMsg(res)).toMatch(/^failed to check the configuration of plugin hmac-auth err: /);
    }
  });
});

describe('signatures', () => {
  it('a correctly signed request is proxied as the consumer', async () => {
    const consumer = await t.admin.put('/apisix/admin/consumers', {
      username: 'john',
      plugins: { 'hmac-auth': { key_id: 'john-key', secret_key: 'john-secret-key' } },
    });
    expect(consumer.status).toBeLessThan(300);
    expect((await t.route('1', '/get', { 'hmac-auth': {} })).status).toBeLessThan(300);
    const res = await t.until('/get', sign(), (r) => r.status === 200);
    expect(echoed(res).headers['x-consumer-username']).toBe('john');
    expect(echoed(res).headers.authorization).toMatch(/^Signature keyId="john-key"/);
  });

  it('the header-level failures are named in the body', async () => {
    const missing = await t.get('/get');
    expect(missing.status).toBe(401);
    expect(missing.json).toEqual({
      message: "client request can't be validated: missing Authorization header",
    });
    const basic = await t.get('/get', { Authorization: 'Basic Zm9vOmJhcg==' });
    expect(basic.status).toBe(401);
    expect(basic.json).toEqual({
      message:
        "client request can't be validated: Authorization header does not start with 'Signature'",
    });
  });

  it('signature-level failures answer the same 401 body', async () => {
    const cases: Record<string, string>[] = [
      { Authorization: 'Signature keyId="john-key",algorithm="hmac-sha256"' },
      sign({ keyId: 'nobody' }),
      sign({ secret: 'wrong-secret' }),
      sign({ target: '/get?tampered=1' }),
      sign({ alg: 'hmac-md5' }),
      sign({ date: new Date(Date.now() - 3_600_000).toUTCString() }),
      { ...sign(), date: 'not a date' },
    ];
    for (const headers of cases) {
      const res = await t.get('/get', headers);
      expect(res.status).toBe(401);
      expect(res.json).toEqual(NOT_VALIDATED);
    }
  });

  it('all three algorithms, X-Date instead of Date, and the query in the request target', async () => {
    for (const alg of ['hmac-sha1', 'hmac-sha256', 'hmac-sha512']) {
      expect((await t.get('/get', sign({ alg }))).status).toBe(200);
    }
    expect((await t.get('/get', sign({ dateHeader: 'x-date' }))).status).toBe(200);
    const withQuery = await t.get('/get?a=1&b=2', sign({ target: '/get?a=1&b=2' }));
    expect(withQuery.status).toBe(200);
  });

  it('allowed_algorithms restricts the algorithms; clock_skew widens the window', async () => {
    await t.route('1', '/get', {
      'hmac-auth': { allowed_algorithms: ['hmac-sha512'], clock_skew: 7200 },
    });
    await t.until(
      '/get',
      sign({ alg: 'hmac-sha512', date: new Date(Date.now() - 3_600_000).toUTCString() }),
      (r) => r.status === 200,
    );
    const sha256 = await t.get('/get', sign());
    expect(sha256.status).toBe(401);
  });

  it('signed_headers must all be part of the signature', async () => {
    await t.route('1', '/get', { 'hmac-auth': { signed_headers: ['x-custom-a'] } });
    // Wait on the answer only this config gives: the previous test's route also refuses
    // sign() (sha256 was not allowed there), so a 401 would not show this config is live.
    await t.until('/get', sign({ extra: { 'x-custom-a': 'test' } }), (r) => r.status === 200);
    const unsigned = await t.get('/get', sign());
    expect(unsigned.status).toBe(401);
    expect(unsigned.json).toEqual(NOT_VALIDATED);
  });

  it('hide_credentials removes the Authorization header', async () => {
    await t.route('1', '/get', { 'hmac-auth': { hide_credentials: true } });
    const res = await t.until(
      '/get',
      sign(),
      (r) => r.status === 200 && echoed(r).headers.authorization === undefined,
    );
    expect(echoed(res).headers['x-consumer-username']).toBe('john');
  });
});

describe('validate_request_body', () => {
  // The body and Digest of APISIX's hmac-auth doc example.
  const BODY = '{"name": "world"}';
  const DIGEST = 'SHA-256=78qzJuLwSpZ8HacsTdFCQJWxzPMOf8bYctRk2ySLpS8=';

  it('accepts a matching Digest and refuses a missing or wrong one', async () => {
    await t.route('post', '/post', { 'hmac-auth': { validate_request_body: true } });
    const post = (headers: Record<string, string>, body = BODY) =>
      t.request('POST', '/post', { 'Content-Type': 'application/json', ...headers }, body);
    const signed = sign({ method: 'POST', target: '/post' });
    await t.until('/post', {}, (r) => r.status === 401);
    const ok = await post({ ...signed, Digest: DIGEST });
    expect(ok.status).toBe(200);
    expect(echoed(ok).body).toBe(BODY);
    const missing = await post(signed);
    expect(missing.status).toBe(401);
    expect(missing.json).toEqual(NOT_VALIDATED);
    const tampered = await post({ ...signed, Digest: DIGEST }, '{"name": "mallory"}');
    expect(tampered.status).toBe(401);
  });
});

describe('anonymous consumer and credentials', () => {
  it('an anonymous consumer serves unsigned requests; a missing one answers 401', async () => {
    await t.admin.put('/apisix/admin/consumers', { username: 'anonymous' });
    await t.route('1', '/get', { 'hmac-auth': { anonymous_consumer: 'anonymous' } });
    const res = await t.until('/get', {}, (r) => r.status === 200);
    expect(echoed(res).headers['x-consumer-username']).toBe('anonymous');
    await t.route('1', '/get', { 'hmac-auth': { anonymous_consumer: 'not-found-anonymous' } });
    const refused = await t.until('/get', {}, (r) => r.status === 401);
    expect(refused.json).toEqual({ message: 'Invalid user authorization' });
  });

  it('an hmac-auth credential authenticates its consumer with X-Credential-Identifier', async () => {
    await t.route('1', '/get', { 'hmac-auth': {} });
    await t.admin.put('/apisix/admin/consumers', { username: 'jane' });
    const cred = await t.admin.put('/apisix/admin/consumers/jane/credentials/cred-jane-hmac', {
      plugins: { 'hmac-auth': { key_id: 'jane-key', secret_key: 'jane-secret' } },
    });
    expect(cred.status).toBeLessThan(300);
    const headers = sign({ keyId: 'jane-key', secret: 'jane-secret' });
    const res = await t.until('/get', headers, (r) => r.status === 200);
    expect(echoed(res).headers['x-consumer-username']).toBe('jane');
    expect(echoed(res).headers['x-credential-identifier']).toBe('cred-jane-hmac');
  });
});
