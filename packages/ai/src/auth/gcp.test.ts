import { generateKeyPairSync, verify } from 'node:crypto';
import { MockAgent, getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import {
  GcpTokenCache,
  httpTokenExchange,
  parseServiceAccount,
  signAssertion,
  type TokenExchange,
} from './gcp';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const serviceAccount = JSON.stringify({
  type: 'service_account',
  client_email: 'gw@proj.iam.gserviceaccount.com',
  private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  private_key_id: 'kid-1',
  token_uri: 'http://127.0.0.1:1/token',
});

function decodeJwt(jwt: string) {
  const [h, p, s] = jwt.split('.') as [string, string, string];
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>,
    claims: JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>,
    valid: verify('RSA-SHA256', Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s, 'base64url')),
  };
}

function fakeExchange(expiresIn = 3600) {
  const calls: { uri: string; form: URLSearchParams }[] = [];
  let release: () => void = () => undefined;
  let gate: Promise<void> | undefined;
  const exchange: TokenExchange = async (uri, form) => {
    calls.push({ uri, form: new URLSearchParams(form) });
    if (gate) await gate;
    return { status: 200, body: { access_token: `tok-${calls.length}`, expires_in: expiresIn } };
  };
  return {
    calls,
    exchange,
    hold: () => {
      gate = new Promise((r) => (release = r));
    },
    release: () => release(),
  };
}

describe('GCP service-account tokens', () => {
  it('signs an RS256 jwt-bearer assertion: iss, aud = token_uri, scope, one-hour exp', () => {
    const jwt = decodeJwt(signAssertion(parseServiceAccount(serviceAccount), 1000));
    expect(jwt.valid).toBe(true);
    expect(jwt.header).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'kid-1' });
    expect(jwt.claims).toEqual({
      iss: 'gw@proj.iam.gserviceaccount.com',
      aud: 'http://127.0.0.1:1/token',
      scope: 'https://www.googleapis.com/auth/cloud-platform',
      iat: 1000,
      exp: 4600,
    });
  });

  it('exchanges once, caches, and refreshes expire_early_secs before expiry', async () => {
    let now = 1_000_000;
    const fake = fakeExchange(600);
    const cache = new GcpTokenCache({ exchange: fake.exchange, now: () => now });
    const conf = { service_account_json: serviceAccount, expire_early_secs: 60 };
    expect(await cache.token(conf)).toBe('tok-1');
    expect(fake.calls[0]?.uri).toBe('http://127.0.0.1:1/token');
    expect(fake.calls[0]?.form.get('grant_type')).toBe(
      'urn:ietf:params:oauth:grant-type:jwt-bearer',
    );
    expect(decodeJwt(fake.calls[0]?.form.get('assertion') ?? '').valid).toBe(true);
    now += 539_000;
    expect(await cache.token(conf)).toBe('tok-1');
    now += 1_000; // 540 s = 600 - 60: refresh
    expect(await cache.token(conf)).toBe('tok-2');
    expect(fake.calls).toHaveLength(2);
  });

  it('max_ttl caps the lifetime of a token', async () => {
    let now = 0;
    const fake = fakeExchange(3600);
    const cache = new GcpTokenCache({ exchange: fake.exchange, now: () => now });
    const conf = { service_account_json: serviceAccount, max_ttl: 120, expire_early_secs: 0 };
    await cache.token(conf);
    now = 119_000;
    expect(await cache.token(conf)).toBe('tok-1');
    now = 120_000;
    expect(await cache.token(conf)).toBe('tok-2');
  });

  it('concurrent callers share one exchange in flight', async () => {
    const fake = fakeExchange();
    fake.hold();
    const cache = new GcpTokenCache({ exchange: fake.exchange });
    const conf = { service_account_json: serviceAccount };
    const all = Promise.all(Array.from({ length: 20 }, () => cache.token(conf)));
    await new Promise((r) => setImmediate(r));
    fake.release();
    expect(new Set(await all)).toEqual(new Set(['tok-1']));
    expect(fake.calls).toHaveLength(1);
    expect(cache.exchanges).toBe(1);
  });

  it('a failed exchange is typed, not cached, and the next call retries', async () => {
    let fail = true;
    const cache = new GcpTokenCache({
      exchange: () =>
        Promise.resolve(
          fail
            ? { status: 400, body: { error: 'invalid_grant' } }
            : { status: 200, body: { access_token: 'ok', expires_in: 3600 } },
        ),
    });
    const conf = { service_account_json: serviceAccount };
    await expect(cache.token(conf)).rejects.toMatchObject({
      code: 'TOLLGATE_ERR_PROVIDER_AUTH',
      status: 502,
      message: 'failed to get gcp access token: token endpoint answered 400: invalid_grant',
    });
    fail = false;
    expect(await cache.token(conf)).toBe('ok');
  });

  it('an unreachable endpoint and a bad service account are typed too, without the key', async () => {
    const cache = new GcpTokenCache({ exchange: () => Promise.reject(new Error('ECONNREFUSED')) });
    await expect(cache.token({ service_account_json: serviceAccount })).rejects.toMatchObject({
      code: 'TOLLGATE_ERR_PROVIDER_AUTH',
      message: 'failed to get gcp access token: token endpoint unreachable',
    });
    await expect(cache.token({ service_account_json: 'nope' })).rejects.toMatchObject({
      message: 'invalid gcp service_account_json: not JSON',
    });
    const badKey = JSON.stringify({ client_email: 'a', private_key: 'secret-not-a-pem' });
    const err = (await cache
      .token({ service_account_json: badKey })
      .catch((e: unknown) => e)) as Error;
    expect(err.message).toBe('invalid gcp service_account_json: unusable private_key');
    expect(err.message).not.toContain('secret-not-a-pem');
  });

  it('a caller that aborts stops waiting without cancelling the shared exchange', async () => {
    const fake = fakeExchange();
    fake.hold();
    const cache = new GcpTokenCache({ exchange: fake.exchange });
    const conf = { service_account_json: serviceAccount };
    const ac = new AbortController();
    const aborted = cache.token(conf, ac.signal);
    const other = cache.token(conf);
    ac.abort();
    await expect(aborted).rejects.toThrow();
    fake.release();
    expect(await other).toBe('tok-1');
  });
});

describe('httpTokenExchange', () => {
  const previous = getGlobalDispatcher();
  const agent = new MockAgent();
  beforeAll(() => {
    agent.disableNetConnect();
    setGlobalDispatcher(agent);
  });
  afterAll(async () => {
    setGlobalDispatcher(previous);
    await agent.close();
  });

  it('parses the JSON answer', async () => {
    agent
      .get('http://token.test')
      .intercept({ path: '/token', method: 'POST' })
      .reply(200, { access_token: 'tok', expires_in: 3600 });
    expect(await httpTokenExchange('http://token.test/token', 'a=b')).toEqual({
      status: 200,
      body: { access_token: 'tok', expires_in: 3600 },
    });
  });

  it('treats an answer over 64 KiB as no JSON', async () => {
    const huge = JSON.stringify({ access_token: 'tok', pad: 'x'.repeat(70 * 1024) });
    agent.get('http://token.test').intercept({ path: '/token', method: 'POST' }).reply(200, huge);
    expect(await httpTokenExchange('http://token.test/token', 'a=b')).toEqual({
      status: 200,
      body: undefined,
    });
  });
});
