/**
 * ai-cache through a real `tollgate start` node (2 workers) on the suite's etcd, configured
 * through the Admin API, with a real Redis and the mock LLM: APISIX's t/plugin/ai-cache.t and
 * ai-cache-streaming.t cases that define behaviour (named after their TEST numbers), for OpenAI
 * chat, OpenAI responses and Anthropic messages; consumers isolated with include_consumer (and
 * sharing without it); a hit charged 0 tokens by ai-rate-limiting; the cache metrics of
 * prometheus-ai-cache.t. Tollgate writes a MISS's entry before the response ends, so the tests
 * look at Redis right after an answer, with no wait.
 */
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import {
  freePort,
  freshGet,
  httpRequest,
  redisCommand,
  waitFor,
  type HttpReply,
} from '@tollgate/testkit';
import { usePluginNodes } from './support/plugin-nodes';

jest.setTimeout(180_000);

const nodes = usePluginNodes({ name: 'ai-cache', nodes: 1, workers: 2, redis: true });
let llm: MockLlm;
let down: MockLlm;

beforeAll(async () => {
  llm = await startMockLlm({ name: 'llm' });
  // ai-proxy-multi's failing primary (TEST 54-56).
  down = await startMockLlm({ name: 'down', behaviour: { status: 500 } });
});
afterAll(async () => {
  await llm?.close();
  await down?.close();
});
beforeEach(async () => {
  llm.clear();
  llm.resetBehaviour();
  await redisCommand(nodes.redis.port, 'FLUSHALL');
});

type Protocol = 'chat' | 'responses' | 'anthropic';
const PATHS: Record<Protocol, string> = {
  chat: '/v1/chat/completions',
  responses: '/v1/responses',
  anthropic: '/v1/messages',
};

const redis = () => ({ redis_host: '127.0.0.1', redis_port: nodes.redis.port });

/** An ai-proxy conf for `protocol` on the mock LLM. */
function proxy(protocol: Protocol, options: Record<string, unknown> = {}) {
  return {
    'ai-proxy': {
      provider: protocol === 'anthropic' ? 'anthropic' : 'openai',
      auth: { header: { Authorization: 'Bearer test-key' } },
      options: { model: protocol === 'anthropic' ? 'claude-3-5-sonnet' : 'gpt-4o', ...options },
      override: { endpoint: llm.url },
    },
  };
}

/** A request body of `protocol` asking `prompt`. */
function ask(protocol: Protocol, prompt: string, extra: Record<string, unknown> = {}) {
  if (protocol === 'responses') return { model: 'gpt-4o', input: prompt, ...extra };
  if (protocol === 'anthropic') {
    return {
      model: 'claude-3-5-sonnet',
      max_tokens: 100,
      messages: [{ role: 'user', content: prompt }],
      ...extra,
    };
  }
  return { model: 'gpt-4o', messages: [{ role: 'user', content: prompt }], ...extra };
}

let seq = 0;
/** PUT route `id` (a fresh one by default) on `<prefix><protocol path>`; resolves to its URI. */
async function route(
  plugins: Record<string, unknown>,
  protocol: Protocol = 'chat',
  id = `c${++seq}`,
): Promise<string> {
  const uri = `/${id}${PATHS[protocol]}`;
  const res = await nodes.admin.put(`/apisix/admin/routes/${id}`, { uri, plugins });
  if (res.status >= 300) throw new Error(`route ${id}: ${res.status} ${res.text}`);
  await nodes.settled();
  return uri;
}

function post(uri: string, body: unknown, headers: Record<string, string> = {}) {
  return httpRequest('POST', `http://127.0.0.1:${nodes.ports[0] ?? 0}${uri}`, {
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

const status = (res: HttpReply) => res.headers.get('x-ai-cache-status');
const llmCalls = () => llm.requests.filter((r) => r.path.startsWith('/v1/')).length;

async function cacheKeys(): Promise<string[]> {
  return (await redisCommand(nodes.redis.port, 'KEYS', 'ai-cache:l1:*')) as string[];
}

/**
 * The exact entries in Redis, asserting there are `n`. Tollgate writes a MISS's entry before
 * the response ends, so once a test has its answer the entry is there (or never will be).
 */
async function entries(n: number): Promise<string[]> {
  const keys = await cacheKeys();
  expect(keys).toHaveLength(n);
  return keys;
}

describe('ai-cache: APISIX t/plugin/ai-cache.t', () => {
  it('TEST 1-3: minimal config accepted; no redis_host and an out-of-range ttl refused', async () => {
    const ok = await nodes.admin.put('/apisix/admin/routes/schema', {
      uri: '/schema/v1/chat/completions',
      plugins: { ...proxy('chat'), 'ai-cache': redis() },
    });
    expect(ok.status).toBeLessThan(300);
    const missing = await nodes.admin.put('/apisix/admin/routes/schema', {
      uri: '/schema/v1/chat/completions',
      plugins: { ...proxy('chat'), 'ai-cache': {} },
    });
    expect(missing.status).toBe(400);
    // APISIX: `then clause did not match` (redis_host required when policy is redis).
    expect(missing.text).toMatch(/plugin ai-cache err: .*then clause did not match/);
    const ttl = await nodes.admin.put('/apisix/admin/routes/schema', {
      uri: '/schema/v1/chat/completions',
      plugins: { ...proxy('chat'), 'ai-cache': { ...redis(), exact: { ttl: 0 } } },
    });
    expect(ttl.status).toBe(400);
    expect(ttl.text).toMatch(/ttl/);
    const noExact = await nodes.admin.put('/apisix/admin/routes/schema', {
      uri: '/schema/v1/chat/completions',
      plugins: { ...proxy('chat'), 'ai-cache': { ...redis(), layers: ['semantic'] } },
    });
    expect(noExact.status).toBe(400);
  });

  for (const protocol of ['chat', 'responses', 'anthropic'] as const) {
    it(`TEST 4-6 (25-27 for anthropic), ${protocol}: a MISS, then a HIT from Redis; the LLM called once`, async () => {
      const uri = await route({ ...proxy(protocol), 'ai-cache': redis() }, protocol);
      const body = ask(protocol, `cache me (${protocol})`);
      const miss = await post(uri, body);
      expect(miss.status).toBe(200);
      expect(status(miss)).toBe('MISS');
      expect(miss.headers.get('x-ai-cache-age')).toBeNull();
      const [key] = await entries(1);
      expect(key).toMatch(/^ai-cache:l1:route=c\d+:[0-9a-f]{64}$/);
      const hit = await post(uri, body);
      expect(hit.status).toBe(200);
      expect(status(hit)).toBe('HIT');
      expect(hit.headers.get('x-ai-cache-age')).toMatch(/^\d+$/);
      expect(hit.headers.get('content-type')).toBe('application/json');
      expect(hit.text).toBe(miss.text);
      expect(llmCalls()).toBe(1);
      // A third time, on whichever worker: still one LLM call.
      expect(status(await post(uri, body))).toBe('HIT');
      expect(llmCalls()).toBe(1);
    });
  }

  it('TEST 8-9: a 401 from the LLM is a MISS and is not cached', async () => {
    const uri = await route({ ...proxy('chat'), 'ai-cache': redis() });
    const body = ask('chat', 'non-2xx-test-prompt');
    const refused = await post(uri, body, { 'X-Mock-Status': '401' });
    expect(refused.status).toBe(401);
    expect(status(refused)).toBe('MISS');
    await entries(0);
    const again = await post(uri, body);
    expect([again.status, status(again)]).toEqual([200, 'MISS']);
  });

  it('TEST 10-12: a matching bypass_on header is a BYPASS, not stored; another value a MISS', async () => {
    const uri = await route({
      ...proxy('chat'),
      'ai-cache': { ...redis(), bypass_on: [{ header: 'X-AI-Cache-Bypass', equals: '1' }] },
    });
    const body = ask('chat', 'bypass rule test');
    expect(status(await post(uri, body, { 'X-AI-Cache-Bypass': '1' }))).toBe('BYPASS');
    await entries(0);
    expect(status(await post(uri, body))).toBe('MISS');
    expect(
      status(await post(uri, ask('chat', 'bypass-nonmatch'), { 'X-AI-Cache-Bypass': '0' })),
    ).toBe('MISS');
  });

  it('TEST 13-14: any of several bypass_on rules bypasses (the second matches)', async () => {
    const uri = await route({
      ...proxy('chat'),
      'ai-cache': {
        ...redis(),
        bypass_on: [
          { header: 'X-AI-Cache-Bypass', equals: '1' },
          { header: 'X-Debug', equals: 'on' },
        ],
      },
    });
    expect(status(await post(uri, ask('chat', 'any-rule'), { 'X-Debug': 'on' }))).toBe('BYPASS');
  });

  it('TEST 15-17: an answer over max_cache_body_size is a MISS and stays one', async () => {
    const uri = await route({
      ...proxy('chat'),
      'ai-cache': { ...redis(), max_cache_body_size: 10 },
    });
    const body = ask('chat', 'body-size-test');
    expect(status(await post(uri, body))).toBe('MISS');
    await entries(0);
    expect(status(await post(uri, body))).toBe('MISS');
    expect(llmCalls()).toBe(2);
  });

  it('TEST 18-21: include_vars isolates tenants: alpha MISS, beta MISS, alpha HIT', async () => {
    const uri = await route({
      ...proxy('chat'),
      'ai-cache': { ...redis(), cache_key: { include_vars: ['http_x_tenant'] } },
    });
    const body = ask('chat', 'scope isolation test');
    expect(status(await post(uri, body, { 'X-Tenant': 'alpha' }))).toBe('MISS');
    await entries(1);
    expect(status(await post(uri, body, { 'X-Tenant': 'beta' }))).toBe('MISS');
    const keys = await entries(2);
    expect(keys.some((k) => k.includes(':http_x_tenant=alpha:'))).toBe(true);
    expect(status(await post(uri, body, { 'X-Tenant': 'alpha' }))).toBe('HIT');
    // A tenant value that tries to forge another scope stays its own (escaped), and a huge one
    // is hashed into a bounded key.
    expect(status(await post(uri, body, { 'X-Tenant': 'alpha:http_x_tenant=beta' }))).toBe('MISS');
    expect(status(await post(uri, body, { 'X-Tenant': 'x'.repeat(4000) }))).toBe('MISS');
    const bounded = await entries(4);
    expect(Math.max(...bounded.map((k) => k.length))).toBeLessThan(300);
  });

  it('TEST 22-24: an entry expires after exact.ttl (1 s)', async () => {
    const uri = await route({ ...proxy('chat'), 'ai-cache': { ...redis(), exact: { ttl: 1 } } });
    const body = ask('chat', 'ttl-expiry-test');
    expect(status(await post(uri, body))).toBe('MISS');
    const [key] = await entries(1);
    expect(await redisCommand(nodes.redis.port, 'TTL', key ?? '')).toBeLessThanOrEqual(1);
    await waitFor('the entry to expire', async () => (await cacheKeys()).length === 0, 5000);
    expect(status(await post(uri, body))).toBe('MISS');
  });

  it('TEST 28-29: an unreachable Redis fails open: a MISS, proxied, 200', async () => {
    const closed = await freePort();
    const uri = await route({
      ...proxy('chat'),
      'ai-cache': { redis_host: '127.0.0.1', redis_port: closed, redis_timeout: 200 },
    });
    for (let i = 0; i < 3; i++) {
      const res = await post(uri, ask('chat', 'redis-down failopen'));
      expect([res.status, status(res)]).toEqual([200, 'MISS']);
      expect(res.text).toContain('choices');
    }
    expect(llmCalls()).toBe(3);
  });

  it('TEST 30-31: cache_headers false sends no X-AI-Cache-* headers (and still caches)', async () => {
    const uri = await route({ ...proxy('chat'), 'ai-cache': { ...redis(), cache_headers: false } });
    const body = ask('chat', 'cache-headers-off-test');
    const miss = await post(uri, body);
    await entries(1);
    const hit = await post(uri, body);
    for (const res of [miss, hit]) {
      expect(res.status).toBe(200);
      expect(status(res)).toBeNull();
      expect(res.headers.get('x-ai-cache-age')).toBeNull();
    }
    expect(hit.text).toBe(miss.text);
    expect(llmCalls()).toBe(1);
  });

  it('TEST 32-34: a 201 from the LLM is passed through as a MISS and not cached', async () => {
    const uri = await route({ ...proxy('chat'), 'ai-cache': redis() });
    const body = ask('chat', 'status-201-test-prompt');
    const created = await post(uri, body, { 'X-Mock-Status': '201' });
    expect([created.status, status(created)]).toEqual([201, 'MISS']);
    await entries(0);
    const ok = await post(uri, body);
    expect([ok.status, status(ok)]).toEqual([200, 'MISS']);
  });

  it('TEST 35-38: routes do not share entries by default', async () => {
    const a = await route({ ...proxy('chat'), 'ai-cache': redis() });
    const b = await route({ ...proxy('chat'), 'ai-cache': redis() });
    const body = ask('chat', 'cross-route isolation test');
    expect(status(await post(a, body))).toBe('MISS');
    await entries(1);
    expect(status(await post(b, body))).toBe('MISS');
    await entries(2);
    expect(status(await post(a, body))).toBe('HIT');
  });

  it('TEST 39-41: share_across_routes shares one scope', async () => {
    const shared = { ...redis(), cache_key: { share_across_routes: true } };
    const a = await route({ ...proxy('chat'), 'ai-cache': shared });
    const b = await route({ ...proxy('chat'), 'ai-cache': shared });
    const body = ask('chat', 'cross-route share test');
    expect(status(await post(a, body))).toBe('MISS');
    const [key] = await entries(1);
    expect(key).toMatch(/^ai-cache:l1:shared:/);
    expect(status(await post(b, body))).toBe('HIT');
    expect(llmCalls()).toBe(1);
  });

  it('TEST 42-43: a route without ai-proxy is a BYPASS and proxied as usual', async () => {
    const res0 = await nodes.admin.put('/apisix/admin/routes/noai', {
      uri: '/noai/v1/chat/completions',
      upstream: nodes.upstream(),
      plugins: { 'ai-cache': redis() },
    });
    expect(res0.status).toBeLessThan(300);
    await nodes.settled();
    const res = await post('/noai/v1/chat/completions', ask('chat', 'no ai-proxy guard test'));
    expect([res.status, status(res)]).toEqual([200, 'BYPASS']);
    expect(llmCalls()).toBe(0);
  });

  it('TEST 44-45: fail_mode error refuses a request that did not pass through ai-proxy', async () => {
    const res0 = await nodes.admin.put('/apisix/admin/routes/noai', {
      uri: '/noai/v1/chat/completions',
      upstream: nodes.upstream(),
      plugins: { 'ai-cache': { ...redis(), fail_mode: 'error' } },
    });
    expect(res0.status).toBeLessThan(300);
    await nodes.settled();
    const res = await post('/noai/v1/chat/completions', ask('chat', 'fail_mode error guard test'));
    expect(res.status).toBe(500);
    expect(res.text).toMatch(/must be used with the ai-proxy/);
  });

  it('TEST 46-47: ai-proxy-multi instances cache independently: each instance called at most once', async () => {
    const instance = (name: string, model: string) => ({
      name,
      provider: 'openai',
      weight: 1,
      auth: { header: { Authorization: 'Bearer test-key' } },
      options: { model },
      override: { endpoint: llm.url },
    });
    const uri = await route({
      'ai-proxy-multi': {
        instances: [instance('gpt4o', 'gpt-4o'), instance('gpt4o-mini', 'gpt-4o-mini')],
      },
      'ai-cache': redis(),
    });
    const body = ask('chat', 'multi-instance isolation');
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) {
      seen.push(status(await post(uri, body)) ?? '');
      await entries(seen.filter((s) => s === 'MISS').length);
    }
    const models = llm.requests.map((r) => (r.json as { model?: string }).model);
    // An instance answers from the LLM only once; its model decides its key.
    expect(new Set(models).size).toBe(models.length);
    expect(seen.filter((s) => s === 'MISS')).toHaveLength(models.length);
    expect(seen.filter((s) => s === 'HIT').length).toBeGreaterThanOrEqual(4);
  });

  it('TEST 48-50: share_across_routes does not share across different options.model', async () => {
    const shared = { ...redis(), cache_key: { share_across_routes: true } };
    const a = await route({ ...proxy('chat'), 'ai-cache': shared });
    const b = await route({ ...proxy('chat', { model: 'gpt-4o-mini' }), 'ai-cache': shared });
    const body = ask('chat', 'cross-model share test');
    expect(status(await post(a, body))).toBe('MISS');
    await entries(1);
    expect(status(await post(b, body))).toBe('MISS');
  });

  it('TEST 51-53: nor across different server-side options (temperature)', async () => {
    const shared = { ...redis(), cache_key: { share_across_routes: true } };
    const a = await route({ ...proxy('chat', { temperature: 0.2 }), 'ai-cache': shared });
    const b = await route({ ...proxy('chat', { temperature: 0.8 }), 'ai-cache': shared });
    const body = ask('chat', 'cross-options share test');
    expect(status(await post(a, body))).toBe('MISS');
    await entries(1);
    expect(status(await post(b, body))).toBe('MISS');
  });

  it('TEST 54-56: a fallback instance answer is not cached under the first-picked instance key', async () => {
    const instance = (name: string, url: string, priority: number) => ({
      name,
      provider: 'openai',
      weight: 1,
      priority,
      auth: { header: { Authorization: 'Bearer test-key' } },
      options: { model: 'gpt-4o' },
      override: { endpoint: url },
    });
    const uri = await route({
      'ai-proxy-multi': {
        fallback_strategy: ['http_5xx'],
        instances: [instance('primary-fail', down.url, 2), instance('backup-ok', llm.url, 1)],
      },
      'ai-cache': redis(),
    });
    const body = ask('chat', 'fallback poison test');
    const first = await post(uri, body);
    expect([first.status, status(first)]).toEqual([200, 'MISS']);
    await entries(0);
    const second = await post(uri, body);
    expect([second.status, status(second)]).toEqual([200, 'MISS']);
  });
});

/** The text of a stream's body, with the protocol's terminator. */
const TERMINATOR: Record<Protocol, RegExp> = {
  chat: /data: \[DONE\]/,
  responses: /response\.completed/,
  anthropic: /message_stop/,
};

describe('ai-cache: APISIX t/plugin/ai-cache-semantic.t (layer not supported yet)', () => {
  it('an APISIX semantic configuration loads and runs the exact layer only', async () => {
    const uri = await route({
      ...proxy('chat'),
      'ai-cache': {
        ...redis(),
        layers: ['exact', 'semantic'],
        semantic: {
          similarity_threshold: 0.9,
          embedding: {
            openai: {
              endpoint: `${llm.url}/v1/embeddings`,
              model: 'text-embedding-3-small',
              api_key: 'test-key',
            },
          },
          vector_search: { redis: {} },
        },
      },
    });
    const body = ask('chat', 'What is the capital of France?');
    expect(status(await post(uri, body))).toBe('MISS');
    expect(status(await post(uri, body))).toBe('HIT');
    const paraphrase = await post(uri, ask('chat', 'What is the capital city of France?'));
    expect(status(paraphrase)).toBe('MISS');
    expect(paraphrase.headers.get('x-ai-cache-similarity')).toBeNull();
    // No embeddings call: the layer is not run.
    expect(llm.requests.filter((r) => r.path === '/v1/embeddings')).toHaveLength(0);
  });

  it('the semantic layer still needs its configuration, as in APISIX', async () => {
    const res = await nodes.admin.put('/apisix/admin/routes/sem', {
      uri: '/sem/v1/chat/completions',
      plugins: { ...proxy('chat'), 'ai-cache': { ...redis(), layers: ['exact', 'semantic'] } },
    });
    expect(res.status).toBe(400);
  });
});

describe('ai-cache: APISIX t/plugin/ai-cache-streaming.t', () => {
  for (const protocol of ['chat', 'responses', 'anthropic'] as const) {
    it(`TEST 4-6, ${protocol}: a stream is a MISS, then replayed from Redis as text/event-stream`, async () => {
      const uri = await route({ ...proxy(protocol), 'ai-cache': redis() }, protocol);
      const body = ask(protocol, `stream me (${protocol})`, { stream: true });
      const miss = await post(uri, body);
      expect([miss.status, status(miss)]).toEqual([200, 'MISS']);
      expect(miss.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(miss.text).toMatch(TERMINATOR[protocol]);
      await entries(1);
      const hit = await post(uri, body);
      expect([hit.status, status(hit)]).toEqual([200, 'HIT']);
      expect(hit.headers.get('content-type')).toBe('text/event-stream');
      expect(hit.headers.get('x-ai-cache-age')).toMatch(/^\d+$/);
      expect(hit.text).toBe(miss.text);
      expect(llmCalls()).toBe(1);
    });
  }

  it('TEST 7-9: a stream cut before its terminator is not cached', async () => {
    const uri = await route({ ...proxy('chat'), 'ai-cache': redis() });
    const body = ask('chat', 'truncated stream', { stream: true });
    const cut = await post(uri, body, { 'X-Mock-Cut-After-Events': '2' });
    expect(status(cut)).toBe('MISS');
    expect(cut.text).not.toMatch(/data: \[DONE\]/);
    await entries(0);
    expect(status(await post(uri, body, { 'X-Mock-Cut-After-Events': '2' }))).toBe('MISS');
  });

  it('TEST 10-12: options.stream forces a stream; the entry replays as text/event-stream', async () => {
    const uri = await route({ ...proxy('chat', { stream: true }), 'ai-cache': redis() });
    const body = ask('chat', 'forced stream');
    const miss = await post(uri, body);
    expect(status(miss)).toBe('MISS');
    expect(miss.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await entries(1);
    const hit = await post(uri, body);
    expect(status(hit)).toBe('HIT');
    expect(hit.headers.get('content-type')).toBe('text/event-stream');
    expect(hit.text).toMatch(/data: \[DONE\]/);
  });

  it('TEST 13-18: the same prompt streamed and not streamed never share an entry', async () => {
    const shared = { ...redis(), cache_key: { share_across_routes: true } };
    const uri = await route({ ...proxy('chat'), 'ai-cache': shared });
    const prompt = 'stream isolation';
    expect(status(await post(uri, ask('chat', prompt)))).toBe('MISS');
    await entries(1);
    const streamed = await post(uri, ask('chat', prompt, { stream: true }));
    expect(status(streamed)).toBe('MISS');
    expect(streamed.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await entries(2);
    const json = await post(uri, ask('chat', prompt));
    expect([status(json), json.headers.get('content-type')]).toEqual(['HIT', 'application/json']);
    const sse = await post(uri, ask('chat', prompt, { stream: true }));
    expect([status(sse), sse.headers.get('content-type')]).toEqual(['HIT', 'text/event-stream']);
  });

  it('TEST 19-21: a stream aborted by max_response_bytes is not cached', async () => {
    const conf = proxy('chat');
    const uri = await route({
      'ai-proxy': { ...conf['ai-proxy'], max_response_bytes: 300 },
      'ai-cache': redis(),
    });
    const body = ask('chat', 'a long answer please', { stream: true });
    const cut = await post(uri, body, { 'X-Mock-Content': 'word '.repeat(200) });
    expect(status(cut)).toBe('MISS');
    expect(cut.text).toMatch(/max_response_bytes exceeded/);
    await entries(0);
    expect(status(await post(uri, body, { 'X-Mock-Content': 'word '.repeat(200) }))).toBe('MISS');
  });
});

describe('ai-cache: consumers (include_consumer), quotas and metrics', () => {
  beforeAll(async () => {
    for (const name of ['jack', 'rose']) {
      const res = await nodes.admin.put(`/apisix/admin/consumers/${name}`, {
        username: name,
        plugins: { 'key-auth': { key: `${name}-key` } },
      });
      if (res.status >= 300) throw new Error(`consumer ${name}: ${res.status} ${res.text}`);
    }
  });

  it('include_consumer: two consumers never see each other’s answers', async () => {
    const uri = await route({
      'key-auth': {},
      ...proxy('chat'),
      'ai-cache': { ...redis(), cache_key: { include_consumer: true } },
    });
    const body = ask('chat', 'what is my secret?');
    const jack = await post(uri, body, {
      apikey: 'jack-key',
      'X-Mock-Content': 'the answer for jack',
    });
    expect([jack.status, status(jack)]).toEqual([200, 'MISS']);
    const [key] = await entries(1);
    expect(key).toContain(':consumer=jack:');
    const rose = await post(uri, body, {
      apikey: 'rose-key',
      'X-Mock-Content': 'the answer for rose',
    });
    expect(status(rose)).toBe('MISS');
    expect(rose.text).not.toContain('jack');
    await entries(2);
    const jackAgain = await post(uri, body, { apikey: 'jack-key' });
    const roseAgain = await post(uri, body, { apikey: 'rose-key' });
    expect([status(jackAgain), status(roseAgain)]).toEqual(['HIT', 'HIT']);
    expect(jackAgain.text).toBe(jack.text);
    expect(roseAgain.text).toBe(rose.text);
    expect(roseAgain.text).not.toContain('jack');
    expect(llmCalls()).toBe(2);
  });

  it('without include_consumer, consumers of a route share entries (APISIX default)', async () => {
    const uri = await route({ 'key-auth': {}, ...proxy('chat'), 'ai-cache': redis() });
    const body = ask('chat', 'shared by design');
    const jack = await post(uri, body, { apikey: 'jack-key' });
    await entries(1);
    const rose = await post(uri, body, { apikey: 'rose-key' });
    expect(status(rose)).toBe('HIT');
    expect(rose.text).toBe(jack.text);
  });

  it('a HIT costs no tokens: ai-rate-limiting (after ai-cache) is not charged by hits', async () => {
    // The mock reports 10 tokens an answer; the quota is 30.
    llm.setBehaviour({ usage: { prompt: 5, completion: 5 } });
    const uri = await route({
      ...proxy('chat'),
      'ai-cache': redis(),
      'ai-rate-limiting': { limit: 30, time_window: 60 },
    });
    const first = await post(uri, ask('chat', 'quota 1'));
    expect(first.headers.get('x-ai-ratelimit-remaining-ai-proxy-openai')).toBe('30');
    await entries(1);
    for (let i = 0; i < 5; i++) {
      const hit = await post(uri, ask('chat', 'quota 1'));
      expect([hit.status, status(hit)]).toEqual([200, 'HIT']);
    }
    // 10 tokens charged so far (the MISS), whatever the 5 hits: 20 left before the next one.
    const next = await post(uri, ask('chat', 'quota 2'));
    expect([next.status, status(next)]).toEqual([200, 'MISS']);
    expect(next.headers.get('x-ai-ratelimit-remaining-ai-proxy-openai')).toBe('20');
    expect(llmCalls()).toBe(2);
  });

  it('prometheus-ai-cache.t TEST 1-5, 13-14: misses, exact hits (empty llm_model) and bypasses counted', async () => {
    const res = await nodes.admin.put('/apisix/admin/routes/metrics1', {
      uri: '/metrics1/v1/chat/completions',
      name: 'ai-cache-route',
      plugins: {
        prometheus: {},
        ...proxy('chat'),
        'ai-cache': { ...redis(), bypass_on: [{ header: 'X-No-Cache', equals: '1' }] },
      },
    });
    expect(res.status).toBeLessThan(300);
    await nodes.settled();
    const uri = '/metrics1/v1/chat/completions';
    const body = ask('chat', 'What is the capital of France?');
    expect(status(await post(uri, body))).toBe('MISS');
    expect(status(await post(uri, body))).toBe('HIT');
    expect(status(await post(uri, body, { 'X-No-Cache': '1' }))).toBe('BYPASS');
    const labels = (extra = '') =>
      `route="ai-cache-route",route_id="metrics1",.*node="ai-proxy-openai",request_type="ai_chat",request_llm_model="gpt-4o",llm_model="${extra}"`;
    const scrape = async () =>
      (await freshGet(`http://127.0.0.1:${nodes.metricsPort()}/apisix/prometheus/metrics`)).body;
    // The workers' counters reach the export server through the primary: wait for all three.
    const text = await waitFor('the cache counters', async () => {
      const t = await scrape();
      return /apisix_ai_cache_bypasses_total\{/.test(t) && /apisix_ai_cache_hits_total\{/.test(t)
        ? t
        : undefined;
    });
    expect(text).toMatch(new RegExp(`apisix_ai_cache_misses_total\\{${labels('gpt-4o')}\\} 1`));
    expect(text).toMatch(new RegExp(`apisix_ai_cache_hits_total\\{layer="exact",${labels()}\\} 1`));
    expect(text).toMatch(new RegExp(`apisix_ai_cache_bypasses_total\\{${labels('gpt-4o')}\\} 1`));
  });
});
