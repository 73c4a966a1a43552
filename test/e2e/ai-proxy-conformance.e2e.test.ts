/**
 * ai-proxy-multi and ai-proxy, the APISIX cases of spec §8.1, end to end: Admin API → etcd →
 * gateway node (2 workers) → mock LLM instances, all real processes and sockets.
 */
import net from 'node:net';
import { Client } from 'undici';
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import { httpRequest, startCluster, sleep, untilServed, type Cluster } from '@tollgate/testkit';
import { withClientError } from './support/client-error';

jest.setTimeout(120_000);

const B = {
  messages: [
    { role: 'system', content: 'You are a mathematician' },
    { role: 'user', content: 'What is 1+1?' },
  ],
};

let cluster: Cluster;
let openai: MockLlm;
let deepseek: MockLlm;

beforeAll(async () => {
  openai = await startMockLlm({ name: 'openai', apiKeys: ['token', 'apikey'] });
  deepseek = await startMockLlm({ name: 'deepseek', apiKeys: ['token', 'apikey'] });
  cluster = await startCluster(1, 2);
});
afterAll(async () => {
  await cluster?.destroy();
  await openai?.close();
  await deepseek?.close();
});
beforeEach(() => {
  openai.clear();
  deepseek.clear();
  openai.resetBehaviour();
  deepseek.resetBehaviour();
});

let routeSeq = 0;
/** PUT a route with `plugins` on a fresh URI and wait until the node serves it. */
async function route(
  plugins: Record<string, unknown>,
  extra: Record<string, unknown> = {},
  suffix = '',
): Promise<string> {
  const id = `ai${++routeSeq}`;
  const uri = `/anything/${id}${suffix}`;
  const res = await cluster.admin.put(`/apisix/admin/routes/${id}`, { uri, plugins, ...extra });
  if (res.status !== 201) throw new Error(`route ${id}: ${res.status} ${res.text}`);
  await untilServed(cluster.gateways, uri, (status) => status !== 404);
  return uri;
}

const instance = (name: string, mock: MockLlm, over: Record<string, unknown> = {}) => ({
  name,
  provider: 'openai',
  weight: 1,
  auth: { header: { Authorization: 'Bearer token' } },
  options: { model: 'gpt-4' },
  override: { endpoint: `${mock.url}/v1/chat/completions` },
  ...over,
});

/**
 * The last request the gateway proxied to `mock`, leaving out active health probes: #25's
 * route keeps probing `/status_*` on the same mocks for the rest of the file, and a probe
 * can land between a test's request and its check.
 */
function lastProxied(mock: MockLlm) {
  return mock.requests.filter((r) => !r.path.startsWith('/status_')).at(-1);
}

function gatewayUrl(path: string): string {
  const gateway = cluster.gateways[0];
  if (!gateway) throw new Error('no gateway');
  return gateway.url(path);
}

const post = (uri: string, body: unknown = B, headers: Record<string, string> = {}) =>
  httpRequest('POST', gatewayUrl(uri), {
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });

describe('schema checks through the Admin API', () => {
  it('#1 a minimal instance is valid; #2 an unknown provider is refused', async () => {
    const ok = await cluster.admin.put('/apisix/admin/routes/s1', {
      uri: '/s1',
      plugins: {
        'ai-proxy-multi': {
          instances: [
            {
              name: 'openai-official',
              provider: 'openai',
              options: { model: 'gpt-4' },
              weight: 1,
              auth: { header: { some_header: 'some_value' } },
            },
          ],
        },
      },
    });
    expect(ok.status).toBe(201);
    const bad = await cluster.admin.put('/apisix/admin/routes/s2', {
      uri: '/s2',
      plugins: {
        'ai-proxy-multi': {
          instances: [{ name: 'x', provider: 'some-unique', weight: 1, auth: {} }],
        },
      },
    });
    expect(bad.status).toBe(400);
    expect((bad.json as { error_msg: string }).error_msg).toContain(
      'property "provider" validation failed: matches none of the enum values',
    );
  });

  it('#12 invalid endpoint, #13 duplicate names, #36 fallback_http_statuses bounds', async () => {
    const put = (conf: unknown) =>
      cluster.admin.put('/apisix/admin/routes/s3', {
        uri: '/s3',
        plugins: { 'ai-proxy-multi': conf },
      });
    const endpoint = await put({
      instances: [instance('a', openai, { override: { endpoint: 'http//127.0.0.1:1980' } })],
    });
    expect(endpoint.json).toEqual({
      error_msg: 'failed to check the configuration of plugin ai-proxy-multi err: invalid endpoint',
    });
    const dup = await put({
      instances: [
        instance('same-name', openai),
        instance('other', openai),
        instance('same-name', openai),
      ],
    });
    expect((dup.json as { error_msg: string }).error_msg).toContain(
      "duplicate instance name 'same-name' at instances[1] and instances[3]",
    );
    const statuses = await put({
      fallback_http_statuses: [200],
      instances: [instance('a', openai)],
    });
    expect((statuses.json as { error_msg: string }).error_msg).toContain(
      'expected 200 to be at least 400',
    );
  });
});

describe('request handling (ai-proxy-multi.t)', () => {
  it('#3 the LLM refuses a wrong key: 401 Unauthorized passed through', async () => {
    const uri = await route({
      'ai-proxy-multi': {
        instances: [
          instance('a', openai, { auth: { header: { Authorization: 'Bearer wrongtoken' } } }),
        ],
      },
    });
    const res = await post(uri);
    expect(res.status).toBe(401);
    expect(res.text).toBe('Unauthorized');
  });

  it('#4 a chat completion from the fixture; the upstream got the instance options', async () => {
    const uri = await route({
      'ai-proxy-multi': {
        instances: [
          instance('a', openai, { options: { model: 'gpt-4', max_tokens: 512, temperature: 1.0 } }),
        ],
      },
    });
    const res = await post(uri, B, { 'X-AI-Fixture': 'openai/chat-basic.json' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('"content": "1 + 1 = 2."');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const sent = lastProxied(openai);
    expect(sent?.path).toBe('/v1/chat/completions');
    expect(sent?.json).toMatchObject({ ...B, model: 'gpt-4', max_tokens: 512, temperature: 1.0 });
    expect(sent?.headers.authorization).toBe('Bearer token');
  });

  it('a whole answer goes with its Content-Length: an HTTP/1.0 keep-alive client keeps its connection', async () => {
    const uri = await route({ 'ai-proxy-multi': { instances: [instance('a', openai)] } });
    const { hostname, port } = new URL(gatewayUrl(uri));
    const socket = net.connect(Number(port), hostname);
    socket.setEncoding('utf8');
    let received = '';
    socket.on('data', (chunk: string) => (received += chunk));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    /** Sends one request and waits for a whole answer: its head, then content-length bytes. */
    const exchange = async (): Promise<{ head: string; body: string }> => {
      received = '';
      const body = JSON.stringify(B);
      socket.write(
        `POST ${uri} HTTP/1.0\r\nHost: ${hostname}\r\nConnection: keep-alive\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      for (let waited = 0; waited < 5_000; waited += 10) {
        const end = received.indexOf('\r\n\r\n');
        const length = /\r\ncontent-length: (\d+)/i.exec(received.slice(0, end))?.[1];
        if (
          end >= 0 &&
          length !== undefined &&
          Buffer.byteLength(received.slice(end + 4)) >= Number(length)
        ) {
          return { head: received.slice(0, end), body: received.slice(end + 4) };
        }
        await sleep(10);
      }
      throw new Error(`no whole answer: ${JSON.stringify(received)}`);
    };
    try {
      const first = await exchange();
      expect(first.head).toMatch(/^HTTP\/1\.1 200 /);
      expect(first.head).toMatch(/\r\nconnection: keep-alive/i);
      expect(first.head).not.toMatch(/transfer-encoding/i);
      expect(JSON.parse(first.body)).toHaveProperty('choices');
      const second = await exchange();
      expect(second.head).toMatch(/^HTTP\/1\.1 200 /);
      expect(socket.destroyed).toBe(false);
    } finally {
      socket.destroy();
      await closed;
    }
  });

  it('#5 empty body, #7 invalid JSON, #8 wrong content type; #6 any method', async () => {
    const uri = await route({ 'ai-proxy-multi': { instances: [instance('a', openai)] } });
    const url = gatewayUrl(uri);
    const empty = await httpRequest('POST', url, {
      raw: '',
      headers: { 'content-type': 'application/json' },
    });
    expect(empty.status).toBe(400);
    expect(empty.json).toEqual(
      withClientError({ message: 'could not get body: request body is empty' }, 400),
    );
    const invalid = await httpRequest('POST', url, {
      raw: '{}"messages": [',
      headers: { 'content-type': 'application/json' },
    });
    expect(invalid.status).toBe(400);
    expect((invalid.json as { message: string }).message).toMatch(
      /^could not parse JSON request body: /,
    );
    const form = await httpRequest('POST', url, {
      raw: 'a=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(400);
    expect(form.text).toBe(
      'unsupported content-type: application/x-www-form-urlencoded, only application/json is supported',
    );
    const noProtocol = await httpRequest('POST', url, {
      raw: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(noProtocol.status).toBe(400);
    expect(noProtocol.text).toBe('no matching AI protocol for the request');
    expect(openai.requests).toHaveLength(0);
    const asGet = await httpRequest('GET', url, {
      raw: JSON.stringify(B),
      headers: { 'content-type': 'application/json' },
    });
    expect(asGet.status).toBe(200);
    expect(lastProxied(openai)?.method).toBe('POST');
  });

  it('#9 options are merged into the body; #10 the endpoint path is used verbatim', async () => {
    const uri = await route({
      'ai-proxy-multi': {
        instances: [
          instance('a', openai, {
            options: { model: 'some-model', foo: 'bar', temperature: 1.0 },
            override: { endpoint: `${openai.url}/random` },
          }),
        ],
      },
    });
    expect((await post(uri)).status).toBe(200);
    const sent = lastProxied(openai);
    expect(sent?.path).toBe('/random');
    expect(sent?.json).toMatchObject({ model: 'some-model', foo: 'bar', temperature: 1.0 });
  });

  it('#11 stream from options: SSE passed through to [DONE], no stream_options injected', async () => {
    const uri = await route({
      'ai-proxy-multi': {
        instances: [instance('a', openai, { options: { model: 'gpt-4', stream: true } })],
      },
    });
    const res = await post(uri, { messages: [{ role: 'system', content: 'some content' }] });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(lastProxied(openai)?.json).not.toHaveProperty('stream_options');
  });

  it('a client stream gets stream_options.include_usage injected', async () => {
    const uri = await route({ 'ai-proxy-multi': { instances: [instance('a', openai)] } });
    const res = await post(uri, { ...B, stream: true, stream_options: { include_usage: false } });
    expect(res.status).toBe(200);
    expect(lastProxied(openai)?.json).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(res.text).toContain('"usage"');
  });

  it('#14/#15/#16 auth.query is appended and merged with the endpoint query', async () => {
    const wrong = await route({
      'ai-proxy-multi': {
        instances: [instance('a', openai, { auth: { query: { api_key: 'wrong_key' } } })],
      },
    });
    expect((await post(wrong)).status).toBe(401);
    const right = await route({
      'ai-proxy-multi': {
        instances: [
          instance('a', openai, {
            auth: { query: { api_key: 'apikey' } },
            override: { endpoint: `${openai.url}/v1/chat/completions?some_query=yes` },
          }),
        ],
      },
    });
    expect((await post(right, B, { 'X-AI-Fixture': 'openai/chat-basic.json' })).status).toBe(200);
    const query = lastProxied(openai)?.query;
    expect(query).toMatchObject({ api_key: 'apikey', some_query: 'yes' });
  });

  it('#27 a single instance returning 500 answers 500 (no retry)', async () => {
    const uri = await route({
      'ai-proxy-multi': {
        fallback_strategy: ['http_5xx'],
        instances: [instance('deepseek', deepseek)],
      },
    });
    deepseek.setBehaviour({ status: 500 });
    const res = await post(uri);
    expect(res.status).toBe(500);
    expect(deepseek.requests).toHaveLength(1);
  });

  it('#28 ai-proxy-multi from a plugin_config', async () => {
    const pc = await cluster.admin.put('/apisix/admin/plugin_configs/ai-pc', {
      plugins: {
        'ai-proxy-multi': {
          instances: [instance('openai', openai), instance('deepseek', deepseek)],
        },
      },
    });
    expect(pc.status).toBe(201);
    const uri = await route({}, { plugin_config_id: 'ai-pc' });
    const res = await post(uri);
    expect(res.status).toBe(200);
    expect(openai.requests.length + deepseek.requests.length).toBe(1);
  });
});

describe('balancing and fallback (ai-proxy-multi.balancer.t, -retry.t)', () => {
  const two = (
    extra: Record<string, unknown>,
    a: Record<string, unknown> = {},
    b: Record<string, unknown> = {},
  ) => ({
    'ai-proxy-multi': {
      ...extra,
      instances: [
        instance('openai', openai, { priority: 1, ...a }),
        instance('deepseek', deepseek, { priority: 0, ...b }),
      ],
    },
  });

  it('roundrobin 4:1 in one priority group gives exactly 8/2 over 10 requests', async () => {
    const uri = await route({
      'ai-proxy-multi': {
        instances: [
          instance('openai', openai, { weight: 4 }),
          instance('deepseek', deepseek, { weight: 1 }),
        ],
      },
    });
    // Each worker balances on its own: one connection (an undici Client) reaches one worker.
    const client = new Client(new URL(gatewayUrl('/')).origin);
    try {
      for (let i = 0; i < 10; i++) {
        const res = await client.request({
          method: 'POST',
          path: uri,
          body: JSON.stringify(B),
          headers: { 'content-type': 'application/json' },
        });
        await res.body.dump();
        expect(res.statusCode).toBe(200);
      }
    } finally {
      await client.close();
    }
    expect(openai.requests).toHaveLength(8);
    expect(deepseek.requests).toHaveLength(2);
  });

  it('#18 chash on query_string spreads by key, the same key always to the same instance', async () => {
    const uri = await route({
      'ai-proxy-multi': {
        balancer: { algorithm: 'chash', hash_on: 'vars', key: 'query_string' },
        instances: [
          instance('openai', openai, { weight: 4 }),
          instance('deepseek', deepseek, { weight: 1 }),
        ],
      },
    });
    for (let i = 1; i <= 10; i++) expect((await post(`${uri}?index=${i}`)).status).toBe(200);
    expect(openai.requests.length + deepseek.requests.length).toBe(10);
    const before = [openai.requests.length, deepseek.requests.length];
    for (let i = 0; i < 4; i++) await post(`${uri}?index=3`);
    const moved = [
      openai.requests.length - (before[0] ?? 0),
      deepseek.requests.length - (before[1] ?? 0),
    ];
    expect(moved.sort()).toEqual([0, 4]);
  });

  it.each([
    ['#19 http_5xx on 500', ['http_5xx'], { status: 500 }],
    ['#20 http_429 on 429', ['http_429'], { status: 429 }],
    ['#22 http_5xx on 503', ['http_5xx'], { status: 503 }],
    ['#23 both on 503', ['http_429', 'http_5xx'], { status: 503 }],
  ])('%s: all 10 served by the fallback instance', async (_label, strategy, behaviour) => {
    const uri = await route(two({ fallback_strategy: strategy }));
    openai.setBehaviour(behaviour);
    for (let i = 0; i < 10; i++) {
      const res = await post(uri);
      expect(res.status).toBe(200);
      expect((res.json as { model?: string; choices: unknown[] }).choices).toBeDefined();
    }
    expect(deepseek.requests).toHaveLength(10);
  });

  it('#21 http_5xx with the first instance unreachable: all 10 by deepseek', async () => {
    const down = await startMockLlm({ name: 'down' });
    const url = down.url;
    await down.close();
    const uri = await route(
      two(
        { fallback_strategy: ['http_5xx'] },
        { override: { endpoint: `${url}/v1/chat/completions` } },
      ),
    );
    for (let i = 0; i < 10; i++) expect((await post(uri)).status).toBe(200);
    expect(deepseek.requests).toHaveLength(10);
  });

  it('all instances failing with retries: 502 with the last upstream error body', async () => {
    const uri = await route(two({ fallback_strategy: ['http_5xx'] }));
    openai.setBehaviour({ status: 500 });
    deepseek.setBehaviour({ status: 503 });
    const res = await post(uri);
    expect(res.status).toBe(502);
    expect(res.text).toContain('error');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('no fallback configured: the first upstream error is returned', async () => {
    const uri = await route(two({}));
    openai.setBehaviour({ status: 503 });
    const res = await post(uri);
    expect(res.status).toBe(503);
    expect(deepseek.requests).toHaveLength(0);
  });

  it('#30 retry_on_failure_within_ms 5000: a fast failure falls back', async () => {
    const uri = await route(
      two({ fallback_strategy: ['http_5xx'], retry_on_failure_within_ms: 5000 }, { priority: 10 }),
    );
    openai.setBehaviour({ status: 500 });
    const res = await post(uri);
    expect(res.status).toBe(200);
    expect(deepseek.requests).toHaveLength(1);
  });

  it('#31 retry_on_failure_within_ms 200: a slow failure is returned as-is', async () => {
    const uri = await route(
      two({ fallback_strategy: ['http_5xx'], retry_on_failure_within_ms: 200 }, { priority: 10 }),
    );
    openai.setBehaviour({ status: 500, delayMs: 500, content: 'slow internal error' });
    const res = await post(uri);
    expect(res.status).toBe(500);
    expect(res.text).toContain('slow internal error');
    expect(deepseek.requests).toHaveLength(0);
  });

  it('#33 fallback_http_statuses retries 401 and 402; #34 max_retries 0 does not; #35 without it 401 is final', async () => {
    const expired = await startMockLlm({ name: 'expired' });
    const drained = await startMockLlm({ name: 'drained' });
    try {
      expired.setBehaviour({ status: 401, content: 'invalid api key' });
      drained.setBehaviour({ status: 402 });
      const three = (extra: Record<string, unknown>) => ({
        'ai-proxy-multi': {
          ...extra,
          instances: [
            instance('expired', expired, { priority: 20 }),
            instance('drained', drained, { priority: 10 }),
            instance('good', openai, { priority: 0 }),
          ],
        },
      });
      expect((await post(await route(three({ fallback_http_statuses: [401, 402] })))).status).toBe(
        200,
      );
      const capped = await post(
        await route(three({ fallback_http_statuses: [401, 402], max_retries: 0 })),
      );
      expect(capped.status).toBe(401);
      expect(capped.text).toContain('invalid api key');
      const plain = await post(await route(three({ fallback_strategy: ['http_429', 'http_5xx'] })));
      expect(plain.status).toBe(401);
      expect(plain.text).toContain('invalid api key');
    } finally {
      await expired.close();
      await drained.close();
    }
  });

  it('#25 active health checks: an instance whose probe fails gets no traffic', async () => {
    const checks = (path: string) => ({
      active: {
        type: 'http',
        http_path: path,
        healthy: { interval: 1, successes: 1 },
        unhealthy: { interval: 1, http_failures: 1 },
      },
    });
    const uri = await route({
      'ai-proxy-multi': {
        instances: [
          instance('openai', openai, { checks: checks('/status_200') }),
          instance('deepseek', deepseek, { checks: checks('/status_500') }),
        ],
      },
    });
    await post(uri);
    await sleep(2500);
    openai.clear();
    deepseek.clear();
    for (let i = 0; i < 10; i++) expect((await post(uri)).status).toBe(200);
    expect(openai.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(10);
    expect(deepseek.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(0);
  });
});

describe('ai-proxy (ai-proxy.t)', () => {
  const single = (over: Record<string, unknown> = {}) => ({
    'ai-proxy': {
      provider: 'openai',
      auth: { header: { Authorization: 'Bearer token' } },
      options: { model: 'gpt-4' },
      override: { endpoint: `${openai.url}/v1/chat/completions` },
      ...over,
    },
  });

  it('#37 the endpoint path is used', async () => {
    const uri = await route(single({ override: { endpoint: `${openai.url}/post` } }));
    expect((await post(uri, { messages: [{ role: 'user', content: 'hello' }] })).status).toBe(200);
    expect(lastProxied(openai)?.path).toBe('/post');
  });

  it('#38 client headers are forwarded, #39 accept-encoding is not', async () => {
    const uri = await route(single());
    await post(uri, B, { 'test-type': 'header_forwarding', 'accept-encoding': 'gzip, deflate' });
    const headers = lastProxied(openai)?.headers ?? {};
    expect(headers['test-type']).toBe('header_forwarding');
    expect(headers['accept-encoding']).toBeUndefined();
    expect(headers.authorization).toBe('Bearer token');
  });

  it('#40 an upstream 500 is returned with its body and Content-Type', async () => {
    const uri = await route(single());
    openai.setBehaviour({ status: 500, content: 'upstream boom' });
    const res = await post(uri);
    expect(res.status).toBe(500);
    expect(res.text).toContain('upstream boom');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('embeddings go to the provider path for embeddings', async () => {
    const embeddings = await route(single({ override: { endpoint: openai.url } }));
    const res = await post(embeddings, { input: 'hello', model: 'text-embedding-3-small' });
    expect(res.status).toBe(200);
    expect((res.json as { object: string }).object).toBe('list');
    expect(lastProxied(openai)?.path).toBe('/v1/embeddings');
  });

  it('anthropic messages go to /v1/messages of an anthropic instance', async () => {
    const uri = await route(
      {
        'ai-proxy': {
          provider: 'anthropic',
          auth: { header: { Authorization: 'Bearer token' } },
          override: { endpoint: openai.url },
        },
      },
      {},
      '/v1/messages',
    );
    const res = await post(uri, {
      model: 'claude-x',
      max_tokens: 16,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.status).toBe(200);
    expect(lastProxied(openai)?.path).toBe('/v1/messages');
    expect((res.json as { type: string }).type).toBe('message');
  });
});
