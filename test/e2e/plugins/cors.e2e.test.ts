/**
 * cors through a real node, configured through the Admin API: APISIX's t/plugin/cors.t,
 * cors3.t (plugin metadata) and cors4.t (Timing-Allow-Origin, regexes, expose_headers), one
 * route per APISIX test block so each is checked on a config the gateway has applied.
 */
import { startAccessNode, type AccessNode, type Reply } from './support/access-node';

jest.setTimeout(60_000);

let node: AccessNode;

beforeAll(async () => {
  node = await startAccessNode('cors-e2e');
});

afterAll(async () => {
  await node?.close();
});

const CORS_HEADERS = [
  'access-control-allow-origin',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-expose-headers',
  'access-control-max-age',
  'access-control-allow-credentials',
  'timing-allow-origin',
];

/** The CORS headers of a reply (absent ones left out). */
function corsHeaders(reply: Reply): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const name of [...CORS_HEADERS, 'vary']) {
    const value = reply.headers[name];
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

let routes = 0;
/** A fresh route at a fresh path with `cors` (and any other plugins); resolves the path. */
async function route(plugins: Record<string, unknown>, upstreamPath = '/hello'): Promise<string> {
  routes += 1;
  const uri = `/cors-${routes}${upstreamPath}`;
  await node.putRoute(`cors-${routes}`, {
    uri,
    plugins,
    upstream: node.upstream,
  });
  return uri;
}

const put = (id: string, plugins: Record<string, unknown>) =>
  node.admin.put(`/apisix/admin/routes/${id}`, {
    uri: '/cors-admin',
    plugins,
    upstream: node.upstream,
  });

describe('cors.t: schema through the Admin API', () => {
  it('TEST 2: a wrong type is refused', async () => {
    const res = await put('cors-bad', { cors: { max_age: '600' } });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error_msg:
        'failed to check the configuration of plugin cors err: property "max_age" validation failed: wrong type: expected integer, got string',
    });
  });

  it('TEST 3-5: an empty cors, a forced-wildcard one with credentials, and none are accepted', async () => {
    expect((await put('cors-ok', { cors: {} })).status).toBe(201);
    const forced = {
      allow_origins: '**',
      allow_methods: '**',
      allow_headers: 'request-h',
      expose_headers: 'expose-h',
      madx_age: 5,
      allow_credential: true,
    };
    expect((await put('cors-ok', { cors: forced })).status).toBe(200);
    expect((await put('cors-ok', {})).status).toBe(200);
  });

  it.each([
    ['TEST 24', { allow_origins: '*' }],
    ['TEST 25', { allow_methods: '*' }],
    ['TEST 26', { allow_headers: '*' }],
    ['TEST 27', { expose_headers: '*' }],
    ['timing_allow_origins', { timing_allow_origins: '*' }],
  ])("%s: '*' is refused with allow_credential", async (_name, option) => {
    const res = await put('cors-cred', { cors: { ...option, allow_credential: true } });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error_msg:
        "failed to check the configuration of plugin cors err: you can not set '*' for other option when 'allow_credential' is true",
    });
  });

  it('cors4.t TEST 1: timing_allow_origins accepts origin lists and refuses the rest', async () => {
    for (const good of ['*', '**', 'null', 'https://x.com,http://y.com.uk:12000,http://c.tv']) {
      expect(
        (await put('cors-timing', { cors: { timing_allow_origins: good } })).status,
      ).toBeLessThan(300);
    }
    for (const bad of [
      '',
      '*a',
      '*,http://y.com',
      'nulll',
      'x.com',
      'https://x.com,*,https://y.com.uk',
    ]) {
      expect((await put('cors-timing', { cors: { timing_allow_origins: bad } })).status).toBe(400);
    }
  });

  it('cors3.t TEST 1: plugin metadata origin lists are checked', async () => {
    const bad = await node.admin.put('/apisix/admin/plugin_metadata/cors', {
      allow_origins: { key: 'x.com' },
    });
    expect(bad.status).toBe(400);
  });

  it('an origin regex that does not compile is refused', async () => {
    const res = await put('cors-re', { cors: { allow_origins_by_regex: ['(a'] } });
    expect(res.status).toBe(400);
    expect((res.json as { error_msg: string }).error_msg).toMatch(
      /^failed to check the configuration of plugin cors err: Invalid regular expression/,
    );
  });
});

describe('cors.t: headers through the gateway', () => {
  it('TEST 7: defaults', async () => {
    const uri = await route({ cors: {} });
    const reply = await node.request(uri);
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('hello world\n');
    expect(corsHeaders(reply)).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': '*',
      'access-control-allow-headers': '*',
      'access-control-max-age': '5',
    });
  });

  const specified = {
    allow_origins: 'http://sub.domain.com,http://sub2.domain.com',
    allow_methods: 'GET,POST',
    allow_headers: 'headr1,headr2',
    expose_headers: 'ex-headr1,ex-headr2',
    max_age: 50,
    allow_credential: true,
  };

  it('TEST 9-10: a listed origin gets every header and Vary; another gets none', async () => {
    const uri = await route({ cors: specified });
    const hit = await node.request(uri, {
      headers: { Origin: 'http://sub2.domain.com', 'resp-vary': 'Via' },
    });
    expect(hit.body).toBe('hello world\n');
    expect(corsHeaders(hit)).toEqual({
      'access-control-allow-origin': 'http://sub2.domain.com',
      vary: 'Via, Origin',
      'access-control-allow-methods': 'GET,POST',
      'access-control-allow-headers': 'headr1,headr2',
      'access-control-expose-headers': 'ex-headr1,ex-headr2',
      'access-control-max-age': '50',
      'access-control-allow-credentials': 'true',
    });
    const miss = await node.request(uri, { headers: { Origin: 'http://sub3.domain.com' } });
    expect(miss.body).toBe('hello world\n');
    expect(corsHeaders(miss)).toEqual({});
  });

  it('TEST 12-14: forced wildcards echo the origin and request headers; OPTIONS is answered', async () => {
    const uri = await route({
      cors: { allow_origins: '**', allow_methods: '**', allow_headers: '**', expose_headers: '*' },
    });
    const all = 'GET,POST,PUT,DELETE,PATCH,HEAD,OPTIONS,CONNECT,TRACE';
    const echoed = await node.request(uri, {
      headers: {
        Origin: 'https://sub.domain.com',
        'Access-Control-Request-Headers': 'req-header1,req-header2',
      },
    });
    expect(corsHeaders(echoed)).toEqual({
      'access-control-allow-origin': 'https://sub.domain.com',
      vary: 'Origin',
      'access-control-allow-methods': all,
      'access-control-allow-headers': 'req-header1,req-header2',
      'access-control-expose-headers': '*',
      'access-control-max-age': '5',
    });
    const bare = await node.request(uri);
    expect(corsHeaders(bare)).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': all,
      'access-control-expose-headers': '*',
      'access-control-max-age': '5',
    });
    const preflight = await node.request(uri, {
      method: 'OPTIONS',
      headers: { Origin: 'https://sub.domain.com' },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.body).toBe('');
    expect(preflight.headers['access-control-allow-origin']).toBe('https://sub.domain.com');
  });

  it('TEST 16: a refusal by an auth plugin still carries the CORS headers', async () => {
    const uri = await route({
      'key-auth': {},
      cors: { allow_origins: '**', allow_methods: '**', allow_headers: '*', expose_headers: '*' },
    });
    const reply = await node.request(uri, { headers: { Origin: 'https://sub.domain.com' } });
    expect(reply.status).toBe(401);
    expect(JSON.parse(reply.body)).toEqual({ message: 'Missing API key in request' });
    expect(corsHeaders(reply)).toMatchObject({
      'access-control-allow-origin': 'https://sub.domain.com',
      'access-control-allow-methods': 'GET,POST,PUT,DELETE,PATCH,HEAD,OPTIONS,CONNECT,TRACE',
      'access-control-allow-headers': '*',
      'access-control-expose-headers': '*',
      'access-control-max-age': '5',
    });
  });

  it('TEST 18-23: the plugin replaces the upstream CORS headers', async () => {
    const uri = await route(
      {
        cors: {
          allow_origins: '**',
          allow_methods: '**',
          allow_headers: 'request-h',
          expose_headers: 'expose-h',
          allow_credential: true,
        },
      },
      '/headers',
    );
    const query = new URLSearchParams({
      'Access-Control-Allow-Origin': 'https://evil.com',
      'Access-Control-Allow-Methods': 'methods',
      'Access-Control-Allow-Headers': 'a-headers',
      'Access-Control-Expose-Headers': 'e-headers',
      'Access-Control-Max-Age': '10',
      'Access-Control-Allow-Credentials': 'false',
    });
    const reply = await node.request(`${uri}?${query.toString()}`, {
      headers: { Origin: 'https://sub.domain.com' },
    });
    expect(reply.body).toBe(`${uri}\n`);
    expect(corsHeaders(reply)).toEqual({
      'access-control-allow-origin': 'https://sub.domain.com',
      vary: 'Origin',
      'access-control-allow-methods': 'GET,POST,PUT,DELETE,PATCH,HEAD,OPTIONS,CONNECT,TRACE',
      'access-control-allow-headers': 'request-h',
      'access-control-expose-headers': 'expose-h',
      'access-control-max-age': '5',
      'access-control-allow-credentials': 'true',
    });
  });

  it('TEST 29, 31: allow_origins_by_regex', async () => {
    const uri = await route({ cors: { ...specified, allow_origins_by_regex: ['.*\\.test.com'] } });
    const hit = await node.request(uri, {
      headers: { Origin: 'http://a.test.com', 'resp-vary': 'Via' },
    });
    expect(corsHeaders(hit)).toMatchObject({
      'access-control-allow-origin': 'http://a.test.com',
      vary: 'Via, Origin',
      'access-control-allow-credentials': 'true',
    });
    const miss = await node.request(uri, { headers: { Origin: 'http://a.test2.com' } });
    expect(corsHeaders(miss)).toEqual({});
  });
});

describe('cors3.t: allow_origins_by_metadata', () => {
  beforeAll(async () => {
    const res = await node.admin.put('/apisix/admin/plugin_metadata/cors', {
      allow_origins: {
        key_1: 'https://domain.com',
        key_2: 'https://sub.domain.com,https://sub2.domain.com',
        key_3: '*',
      },
      inactive_timeout: 1,
    });
    expect(res.status).toBeLessThan(300);
  });

  const defaults = {
    'access-control-allow-methods': '*',
    'access-control-allow-headers': '*',
    'access-control-max-age': '5',
  };

  it('TEST 2-6: one metadata key beside allow_origins', async () => {
    const uri = await route({
      cors: { allow_origins: 'https://test.com', allow_origins_by_metadata: ['key_1'] },
    });
    const miss = await node.request(uri, { headers: { Origin: 'http://foo.example.org' } });
    expect(corsHeaders(miss)).toEqual({});
    const own = await node.request(uri, {
      headers: { Origin: 'https://test.com', 'resp-vary': 'Via' },
    });
    expect(corsHeaders(own)).toEqual({
      'access-control-allow-origin': 'https://test.com',
      vary: 'Via, Origin',
      ...defaults,
    });
    const meta = await node.request(uri, {
      headers: { Origin: 'https://domain.com', 'resp-vary': 'Via' },
    });
    expect(corsHeaders(meta)).toEqual({
      'access-control-allow-origin': 'https://domain.com',
      vary: 'Via, Origin',
      ...defaults,
    });
  });

  it('TEST 7-10: several metadata keys', async () => {
    const uri = await route({
      cors: { allow_origins: 'https://test.com', allow_origins_by_metadata: ['key_1', 'key_2'] },
    });
    expect(
      corsHeaders(await node.request(uri, { headers: { Origin: 'http://foo.example.org' } })),
    ).toEqual({});
    const first = await node.request(uri, { headers: { Origin: 'https://domain.com' } });
    expect(first.headers['access-control-allow-origin']).toBe('https://domain.com');
    const second = await node.request(uri, { headers: { Origin: 'https://sub.domain.com' } });
    expect(second.headers['access-control-allow-origin']).toBe('https://sub.domain.com');
  });

  it('TEST 11-12: a wildcard metadata list allows and echoes any origin', async () => {
    const uri = await route({
      cors: { allow_origins: 'https://test.com', allow_origins_by_metadata: ['key_3'] },
    });
    const reply = await node.request(uri, { headers: { Origin: 'http://foo.example.org' } });
    expect(corsHeaders(reply)).toEqual({
      'access-control-allow-origin': 'http://foo.example.org',
      vary: 'Origin',
      ...defaults,
    });
  });
});

describe('cors4.t: Timing-Allow-Origin, regexes and expose_headers', () => {
  const base = {
    allow_methods: 'GET,POST',
    allow_headers: 'request-h',
    expose_headers: 'expose-h',
    max_age: 10,
  };
  const get = (uri: string, origin: string) => node.request(uri, { headers: { Origin: origin } });

  it('TEST 2-4: allow_origins * with a timing list', async () => {
    const uri = await route({
      cors: { ...base, allow_origins: '*', timing_allow_origins: 'http://sub.domain.com' },
    });
    const hit = await get(uri, 'http://sub.domain.com');
    expect(corsHeaders(hit)).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET,POST',
      'access-control-allow-headers': 'request-h',
      'access-control-expose-headers': 'expose-h',
      'access-control-max-age': '10',
      'timing-allow-origin': 'http://sub.domain.com',
    });
    const miss = await get(uri, 'http://other.domain.com');
    expect(miss.headers['access-control-allow-origin']).toBe('*');
    expect(miss.headers['timing-allow-origin']).toBeUndefined();
  });

  it('TEST 5-7: the same single origin in both lists', async () => {
    const uri = await route({
      cors: {
        ...base,
        allow_origins: 'http://sub.domain.com',
        timing_allow_origins: 'http://sub.domain.com',
      },
    });
    const hit = await get(uri, 'http://sub.domain.com');
    expect(hit.headers['access-control-allow-origin']).toBe('http://sub.domain.com');
    expect(hit.headers['timing-allow-origin']).toBe('http://sub.domain.com');
    expect(corsHeaders(await get(uri, 'http://other.domain.com'))).toEqual({});
  });

  it('TEST 8-11: different single origins', async () => {
    const uri = await route({
      cors: {
        ...base,
        allow_origins: 'http://one.domain.com',
        timing_allow_origins: 'http://another.domain.com',
      },
    });
    const one = await get(uri, 'http://one.domain.com');
    expect(one.headers['access-control-allow-origin']).toBe('http://one.domain.com');
    expect(one.headers['timing-allow-origin']).toBeUndefined();
    expect(corsHeaders(await get(uri, 'http://another.domain.com'))).toEqual({
      'timing-allow-origin': 'http://another.domain.com',
    });
    expect(corsHeaders(await get(uri, 'http://notexistent.domain.com'))).toEqual({});
  });

  it('TEST 12-15: allow_origins a superset of timing_allow_origins', async () => {
    const uri = await route({
      cors: {
        ...base,
        allow_origins: 'http://one.domain.com,http://two.domain.com',
        timing_allow_origins: 'http://one.domain.com',
      },
    });
    const one = await get(uri, 'http://one.domain.com');
    expect(one.headers['access-control-allow-origin']).toBe('http://one.domain.com');
    expect(one.headers['timing-allow-origin']).toBe('http://one.domain.com');
    const two = await get(uri, 'http://two.domain.com');
    expect(two.headers['access-control-allow-origin']).toBe('http://two.domain.com');
    expect(two.headers['timing-allow-origin']).toBeUndefined();
    expect(corsHeaders(await get(uri, 'http://notexistent.domain.com'))).toEqual({});
  });

  it('TEST 16-20: intersecting lists', async () => {
    const uri = await route({
      cors: {
        ...base,
        allow_origins: 'http://one.domain.com,http://two.domain.com',
        timing_allow_origins: 'http://one.domain.com,http://three.domain.com',
      },
    });
    const one = await get(uri, 'http://one.domain.com');
    expect(one.headers['access-control-allow-origin']).toBe('http://one.domain.com');
    expect(one.headers['timing-allow-origin']).toBe('http://one.domain.com');
    const two = await get(uri, 'http://two.domain.com');
    expect(two.headers['access-control-allow-origin']).toBe('http://two.domain.com');
    expect(two.headers['timing-allow-origin']).toBeUndefined();
    expect(corsHeaders(await get(uri, 'http://three.domain.com'))).toEqual({
      'timing-allow-origin': 'http://three.domain.com',
    });
    expect(corsHeaders(await get(uri, 'http://notexistent.domain.com'))).toEqual({});
  });

  it('TEST 21-23: both by regex', async () => {
    const uri = await route({
      cors: {
        ...base,
        allow_origins_by_regex: ['http://.*?\\.domain\\.com'],
        timing_allow_origins_by_regex: ['http://.*?\\.domain\\.com'],
      },
    });
    const hit = await get(uri, 'http://sub.domain.com');
    expect(hit.headers['access-control-allow-origin']).toBe('http://sub.domain.com');
    expect(hit.headers['timing-allow-origin']).toBe('http://sub.domain.com');
    expect(corsHeaders(await get(uri, 'http://other.newdomain.com'))).toEqual({});
  });

  it('TEST 24-25: a timing regex wins over the timing list', async () => {
    const uri = await route({
      cors: {
        ...base,
        allow_origins_by_regex: ['http://.*?\\.domain\\.com'],
        timing_allow_origins_by_regex: ['http://test.*?\\.domain\\.com'],
        timing_allow_origins: 'http://nonexistent.newdomain.com',
      },
    });
    const hit = await get(uri, 'http://testurl.domain.com');
    expect(hit.headers['access-control-allow-origin']).toBe('http://testurl.domain.com');
    expect(hit.headers['timing-allow-origin']).toBe('http://testurl.domain.com');
  });

  it('TEST 26-29: an empty expose_headers sends none; a set one is sent', async () => {
    const forced = {
      allow_credential: true,
      allow_headers: '**',
      allow_methods: '**',
      allow_origins: '**',
      max_age: 3500,
    };
    const empty = await route({ cors: { ...forced, expose_headers: '' } });
    const none = await get(empty, 'http://sub.domain.com');
    expect(corsHeaders(none)).toEqual({
      'access-control-allow-origin': 'http://sub.domain.com',
      vary: 'Origin',
      'access-control-allow-methods': 'GET,POST,PUT,DELETE,PATCH,HEAD,OPTIONS,CONNECT,TRACE',
      'access-control-max-age': '3500',
      'access-control-allow-credentials': 'true',
    });
    const set = await route({ cors: { ...forced, expose_headers: 'ex-headr1,ex-headr2' } });
    const some = await get(set, 'http://sub.domain.com');
    expect(some.headers['access-control-expose-headers']).toBe('ex-headr1,ex-headr2');
  });
});
