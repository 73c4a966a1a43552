/**
 * ai-aliyun-content-moderation through a real node configured through the Admin API: APISIX's
 * t/plugin/ai-aliyun-content-moderation.t, each test named after the APISIX TEST it ports, for
 * OpenAI chat, the Responses API and Anthropic messages. The LLM is the repo's mock LLM (the
 * APISIX answers as fixtures: `I will kill you.` with usage 8/5/10, and the t/sse_server_example
 * streams, paced so each event reaches the gateway on its own), and Alibaba Cloud is the testkit
 * stand-in, which checks every signature and counts the calls.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import {
  AdminClient,
  freePort,
  freshGet,
  startMockAliyunModeration,
  startTollgate,
  testEtcdEndpoint,
  uniquePrefix,
  waitFor,
  type MockAliyunModeration,
  type TollgateNode,
} from '@tollgate/testkit';

jest.setTimeout(60_000);

const PLUGIN = 'ai-aliyun-content-moderation';
const ADVICE =
  'As an AI language model, I cannot write unethical or controversial content for you.';
const KEY_ID = 'fake-key-id';
const SECRET = 'fake-key-secret';

let llm: MockLlm;
let aliyun: MockAliyunModeration;
let node: TollgateNode;
let admin: AdminClient;
let gatewayPort: number;
let metricsPort: number;
let output = '';

beforeAll(async () => {
  llm = await startMockLlm({
    name: 'aliyun-llm',
    fixturesDir: path.resolve(__dirname, 'fixtures'),
  });
  aliyun = await startMockAliyunModeration({ accessKeyId: KEY_ID, accessKeySecret: SECRET });
  gatewayPort = await freePort();
  const adminPort = await freePort();
  const key = 'aliyun-cm-e2e-admin-key';
  node = await startTollgate({
    config: {
      apisix: { node_listen: [{ ip: '127.0.0.1', port: gatewayPort }] },
      nginx_config: { worker_processes: 1 },
      deployment: {
        role: 'traditional',
        etcd: { host: [testEtcdEndpoint()], prefix: uniquePrefix('aliyun-cm'), timeout: 3 },
        admin: {
          admin_key: [{ name: 'admin', key, role: 'admin' }],
          admin_listen: { ip: '127.0.0.1', port: adminPort },
        },
      },
    },
    readyPorts: [gatewayPort, adminPort],
    env: { ALIYUN_CM_E2E_SECRET: SECRET },
    onOutput: (text) => (output += text),
  });
  admin = new AdminClient(`http://127.0.0.1:${adminPort}`, key);
  const config = JSON.parse(fs.readFileSync(node.configFile, 'utf8')) as {
    plugin_attr: { prometheus: { export_addr: { port: number } } };
  };
  metricsPort = config.plugin_attr.prometheus.export_addr.port;
});

afterAll(async () => {
  await node?.destroy();
  await llm?.close();
  await aliyun?.close();
});

beforeEach(() => {
  llm.clear();
  aliyun.clear();
  aliyun.failWith(undefined);
  aliyun.delay(0);
});

afterEach(() => {
  // Every call the gateway made was signed correctly.
  expect(aliyun.rejections).toEqual([]);
});

// ---------------------------------------------------------------------------------------------
// helpers

const moderation = (over: Record<string, unknown> = {}) => ({
  endpoint: aliyun.url,
  region_id: 'cn-shanghai',
  access_key_id: KEY_ID,
  access_key_secret: SECRET,
  risk_level_bar: 'high',
  ...over,
});

const proxy = (provider = 'openai', endpoint = `${llm.url}/v1/chat/completions`) => ({
  provider,
  auth: { header: { Authorization: 'Bearer wrongtoken' } },
  override: { endpoint },
});

/** PUT a route and wait until the node routes it (a GET probe stops at ai-proxy's body check). */
async function route(id: string, uri: string, plugins: Record<string, unknown>): Promise<string> {
  const res = await admin.put(`/apisix/admin/routes/${id}`, { uri, plugins });
  if (res.status !== 200 && res.status !== 201) {
    throw new Error(`route ${id}: ${res.status} ${res.text}`);
  }
  await waitFor(`${uri} to be routed`, async () => {
    const probe = await send('GET', uri, undefined, {});
    return probe.status !== 404 || !probe.text.includes('404 Route Not Found');
  });
  return uri;
}

interface Reply {
  status: number;
  contentType: string;
  text: string;
  json: Record<string, any>;
  /** The SSE events received, in order, with the time each arrived. */
  events: { data: string; event?: string; at: number }[];
}

/**
 * Send a request over a fresh connection (no keep-alive left behind) and read the whole answer,
 * parsing SSE events as they arrive.
 */
function send(
  method: string,
  uri: string,
  body: string | undefined,
  headers: Record<string, string>,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: gatewayPort,
        path: uri,
        method,
        agent: false,
        headers: { connection: 'close', ...headers },
        timeout: 20_000,
      },
      (res) => {
        const events: Reply['events'] = [];
        let text = '';
        let pending = '';
        res.setEncoding('utf8');
        res.on('data', (piece: string) => {
          text += piece;
          pending += piece;
          let cut = pending.indexOf('\n\n');
          while (cut !== -1) {
            const block = pending.slice(0, cut);
            pending = pending.slice(cut + 2);
            const data = [...block.matchAll(/^data: ?(.*)$/gm)].map((m) => m[1]).join('\n');
            const event = /^event: ?(.*)$/m.exec(block)?.[1];
            if (data !== '' || event) events.push({ data, event, at: Date.now() });
            cut = pending.indexOf('\n\n');
          }
        });
        res.on('end', () => {
          let json: Record<string, any> = {};
          try {
            json = JSON.parse(text) as Record<string, any>;
          } catch {
            // A stream or plain text.
          }
          const type = res.headers['content-type'];
          resolve({ status: res.statusCode ?? 0, contentType: type ?? '', text, json, events });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

/** POST `body` as JSON. */
const post = (uri: string, body: unknown, headers: Record<string, string> = {}) =>
  send('POST', uri, JSON.stringify(body), { 'content-type': 'application/json', ...headers });

const chat = (content: unknown, extra: Record<string, unknown> = {}) => ({
  messages: [{ role: 'user', content }],
  ...extra,
});
const KILL_YOU = { 'x-ai-fixture': 'aliyun/chat-kill-you.json' };
/** A t/sse_server_example stream, one event every 50 ms (or `perSecond`). */
const paced = (fixture: string, perSecond = 20) => ({
  'x-ai-fixture': `aliyun/${fixture}`,
  'x-mock-tokens-per-second': String(perSecond),
});
const dataJson = (data: string) => JSON.parse(data) as Record<string, any>;

// ---------------------------------------------------------------------------------------------

describe('ai-aliyun-content-moderation.t: configuration through the Admin API', () => {
  it('TEST 1: a route with the plugin only is accepted; a bad value is refused', async () => {
    const ok = await admin.put('/apisix/admin/routes/aliyun-admin', {
      uri: '/aliyun/admin',
      plugins: { [PLUGIN]: moderation({ check_request: true }) },
    });
    expect([200, 201]).toContain(ok.status);
    const bad = await admin.put('/apisix/admin/routes/aliyun-admin', {
      uri: '/aliyun/admin',
      plugins: { [PLUGIN]: moderation({ risk_level_bar: 'extreme' }) },
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain(`failed to check the configuration of plugin ${PLUGIN}`);
    const missing = await admin.put('/apisix/admin/routes/aliyun-admin', {
      uri: '/aliyun/admin',
      plugins: { [PLUGIN]: { endpoint: aliyun.url, region_id: 'r', access_key_id: 'k' } },
    });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('access_key_secret');
  });

  it('TEST 2: without ai-proxy, fail_mode error answers 500; skip passes the request on', async () => {
    const uri = '/aliyun/no-proxy/v1/chat/completions';
    const upstream = { type: 'roundrobin', nodes: { [`127.0.0.1:${llm.port}`]: 1 } };
    for (const [mode, id] of [
      ['error', 'aliyun-no-proxy'],
      ['skip', 'aliyun-no-proxy'],
    ] as const) {
      const res = await admin.put(`/apisix/admin/routes/${id}`, {
        uri,
        plugins: { [PLUGIN]: moderation({ fail_mode: mode }) },
        upstream,
      });
      expect([200, 201]).toContain(res.status);
      const reply = await waitFor(`fail_mode ${mode} to apply`, async () => {
        const r = await post(uri, { prompt: 'What is 1+1?' });
        return (mode === 'error') === (r.status === 500) ? r : undefined;
      });
      if (mode === 'error') {
        expect(reply.text).toBe(
          'no ai instance picked, ai-aliyun-content-moderation plugin must be used with ai-proxy or ai-proxy-multi plugin',
        );
      } else {
        // Passed unchecked to the upstream as a plain proxied request.
        expect(llm.requests.at(-1)?.path).toBe('/aliyun/no-proxy/v1/chat/completions');
      }
    }
    expect(aliyun.calls).toHaveLength(0);
  });
});

describe('ai-aliyun-content-moderation.t: prompts (OpenAI chat)', () => {
  let uri: string;
  beforeAll(async () => {
    // TEST 3
    uri = await route('aliyun-chat', '/aliyun/chat', {
      'ai-proxy': proxy(),
      [PLUGIN]: moderation({ check_request: true }),
    });
  });

  it('TEST 4: a harmless prompt passes and the LLM answers (the "kill you" fixture)', async () => {
    const res = await post(uri, chat('What is 1+1?'), KILL_YOU);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/kill you/);
    expect(aliyun.calls).toMatchObject([
      { service: 'llm_query_moderation', content: 'What is 1+1?', regionId: 'cn-shanghai' },
    ]);
  });

  it("the signature holds for text with the sub-delimiters !'()* and non-ASCII", async () => {
    const prompt = "What's (1+1)*2?! Ünïcødé 😀";
    const res = await post(uri, chat(prompt), KILL_YOU);
    expect(res.status).toBe(200);
    expect(aliyun.calls.map((c) => c.content)).toEqual([prompt]);
  });

  it("TEST 5: a violent prompt gets 200 with the service's Advice answer; the LLM is not called", async () => {
    const res = await post(uri, chat('I want to kill you'), KILL_YOU);
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^application\/json/);
    expect(res.json).toMatchObject({
      object: 'chat.completion',
      choices: [{ message: { role: 'assistant', content: ADVICE }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    });
    expect(llm.requests).toHaveLength(0);
  });

  it('a violent streamed prompt gets a complete SSE completion ending with [DONE]', async () => {
    const res = await post(uri, chat('I want to kill you', { stream: true }));
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^text\/event-stream/);
    expect(res.events.map((e) => e.data).at(-1)).toBe('[DONE]');
    expect(dataJson(res.events[0]?.data ?? '{}').choices[0].delta.content).toBe(ADVICE);
  });

  it('TEST 29: an empty prompt passes without a call', async () => {
    const res = await post(uri, chat(''), KILL_YOU);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/kill you/);
    expect(aliyun.calls).toHaveLength(0);
  });

  it('TEST 30: an image-only prompt passes without a call', async () => {
    const image = [{ type: 'image_url', image_url: { url: 'data:image/jpg;base64,abc' } }];
    const res = await post(uri, chat(image), KILL_YOU);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/kill you/);
    expect(aliyun.calls).toHaveLength(0);
  });

  it('TEST 31: the text of a text+image prompt is moderated', async () => {
    const parts = [
      { type: 'text', text: 'I want to kill you' },
      { type: 'image_url', image_url: { url: 'data:image/jpg;base64,abc' } },
    ];
    const res = await post(uri, chat(parts), KILL_YOU);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/cannot write unethical/);
  });

  it('TEST 32: a safe text with an image passes', async () => {
    const parts = [
      { type: 'text', text: 'What is 1+1?' },
      { type: 'image_url', image_url: { url: 'data:image/jpg;base64,abc' } },
    ];
    const res = await post(uri, chat(parts), KILL_YOU);
    expect(res.text).toMatch(/kill you/);
    expect(aliyun.calls.map((c) => c.content)).toEqual(['What is 1+1?']);
  });

  it('TEST 33: a conversation ending with a tool result passes (last mode: no user turn at the end)', async () => {
    const res = await post(
      uri,
      {
        messages: [
          { role: 'user', content: 'hello' },
          {
            role: 'assistant',
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather' } }],
          },
          { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
        ],
      },
      KILL_YOU,
    );
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/kill you/);
    expect(aliyun.calls).toHaveLength(0);
  });
});

describe('ai-aliyun-content-moderation.t: answers, non-stream (TEST 6-15, 26-27)', () => {
  beforeAll(async () => {
    // TEST 6 and TEST 10: one route per provider, answers checked (6) or prompts only (10).
    for (const provider of ['openai', 'deepseek', 'openai-compatible']) {
      await route(`aliyun-resp-${provider}`, `/aliyun/resp-${provider}`, {
        'ai-proxy': proxy(provider),
        [PLUGIN]: moderation({
          check_request: true,
          check_response: true,
          deny_code: 400,
          deny_message: 'your request is rejected',
        }),
      });
      await route(`aliyun-req-${provider}`, `/aliyun/req-${provider}`, {
        'ai-proxy': proxy(provider),
        [PLUGIN]: moderation({
          check_request: true,
          check_response: false,
          deny_code: 400,
          deny_message: 'your request is rejected',
        }),
      });
    }
  });

  it.each([
    ['TEST 7', 'openai'],
    ['TEST 8', 'deepseek'],
    ['TEST 9', 'openai-compatible'],
  ])('%s: a violent answer is refused with 400 for the %s provider', async (_t, provider) => {
    const res = await post(`/aliyun/resp-${provider}`, chat('What is 1+1?'), KILL_YOU);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/your request is rejected/);
    expect(aliyun.calls.map((c) => c.service)).toEqual([
      'llm_query_moderation',
      'llm_response_moderation',
    ]);
    // One session id for the request's calls.
    expect(new Set(aliyun.calls.map((c) => c.sessionId)).size).toBe(1);
  });

  it.each([
    ['TEST 11', 'openai'],
    ['TEST 12', 'deepseek'],
    ['TEST 13', 'openai-compatible'],
  ])('%s: a violent prompt is refused with 400 for the %s provider', async (_t, provider) => {
    const res = await post(`/aliyun/req-${provider}`, chat('I want to kill you'), KILL_YOU);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/your request is rejected/);
    expect(llm.requests).toHaveLength(0);
  });

  it('TEST 14: the refusal keeps the usage data', async () => {
    const res = await post('/aliyun/resp-openai', chat('What is 1+1?'), KILL_YOU);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/completion_tokens/);
  });

  it('TEST 15: the refusal names the real model', async () => {
    const res = await post(
      '/aliyun/resp-openai',
      chat('What is 1+1?', { model: 'gpt-3.5-turbo' }),
      KILL_YOU,
    );
    expect(res.status).toBe(400);
    expect(res.json.model).toBe('gpt-3.5-turbo');
  });

  it('TEST 26/27: an answer-side refusal keeps the LLM usage (not zeros)', async () => {
    await route('aliyun-usage', '/aliyun/usage', {
      'ai-proxy': proxy(),
      [PLUGIN]: moderation({
        check_request: false,
        check_response: true,
        deny_code: 400,
        deny_message: 'your request is rejected',
      }),
    });
    const res = await post('/aliyun/usage', chat('I want to kill you'), KILL_YOU);
    expect(res.status).toBe(400);
    expect(res.json.usage).toEqual({ completion_tokens: 5, prompt_tokens: 8, total_tokens: 10 });
    expect(aliyun.calls.map((c) => c.service)).toEqual(['llm_response_moderation']);
  });

  it('TEST 34: an upstream error status is passed on without an answer check', async () => {
    const res = await post('/aliyun/usage', chat('kill'), { 'x-mock-status': '400' });
    expect(res.status).toBe(400);
    expect(res.json).toHaveProperty('error');
    expect(aliyun.calls).toHaveLength(0);
  });
});

describe('ai-aliyun-content-moderation.t: streams (TEST 16-25)', () => {
  const streamRoute = (id: string, over: Record<string, unknown>) =>
    route(id, `/aliyun/${id}`, {
      'ai-proxy-multi': {
        instances: [
          {
            name: 'self-hosted',
            provider: 'openai-compatible',
            weight: 1,
            auth: { header: { Authorization: 'Bearer token' } },
            options: { model: 'custom-instruct', max_tokens: 512, temperature: 1.0, stream: true },
            override: { endpoint: `${llm.url}/v1/chat/completions` },
          },
        ],
        ssl_verify: false,
      },
      [PLUGIN]: moderation({
        check_request: false,
        check_response: true,
        deny_code: 400,
        deny_message: 'your request is rejected',
        ...over,
      }),
    });
  const streamBody = { messages: [{ role: 'system', content: 'some content' }], stream: true };

  it('TEST 16/17: final_packet adds "risk_level":"high" to the final data events', async () => {
    const uri = await streamRoute('stream-final', {});
    const res = await post(uri, streamBody, paced('chat-offensive.sse'));
    expect(res.status).toBe(200);
    const texts = res.events.map((e) =>
      e.data === '[DONE]' ? '' : (dataJson(e.data).choices?.[0]?.delta?.content ?? ''),
    );
    // The whole answer went out (final_packet reports, it does not cut).
    expect(texts.join('')).toBe('I want to kill you right now!');
    expect(res.text).toMatch(/"risk_level":"high"/);
    const finish = res.events.find((e) => e.data.includes('"finish_reason":"stop"'));
    expect(dataJson(finish?.data ?? '{}')).toMatchObject({
      risk_level: 'high',
      usage: { prompt_tokens: 15, completion_tokens: 20, total_tokens: 35 },
    });
    expect(res.events.at(-1)?.data).toBe('[DONE]');
    expect(aliyun.calls.map((c) => c.content)).toEqual(['I want to kill you right now!']);
  });

  it('TEST 18/19: realtime, cache 5: the third event is the refusal, after two calls', async () => {
    const uri = await streamRoute('stream-rt5', {
      stream_check_mode: 'realtime',
      stream_check_cache_size: 5,
    });
    const res = await post(uri, streamBody, paced('chat-offensive.sse'));
    expect(res.status).toBe(200);
    expect(res.events).toHaveLength(4);
    expect(res.events[2]?.data).toContain('your request is rejected');
    expect(res.events[3]?.data).toBe('[DONE]');
    expect(res.text).not.toContain('right now!');
    expect(aliyun.calls.map((c) => c.content)).toEqual(['I want to ', 'kill you ']);
  });

  it('TEST 20/21: realtime, large batch and interval: one call, all six events', async () => {
    const uri = await streamRoute('stream-rt-big', {
      stream_check_mode: 'realtime',
      stream_check_cache_size: 30000,
      stream_check_interval: 30,
    });
    const res = await post(uri, streamBody, paced('chat-poem.sse'));
    expect(res.events).toHaveLength(6);
    expect(res.events[5]?.data).toBe('[DONE]');
    expect(aliyun.calls).toHaveLength(1);
  });

  it('TEST 22/23: realtime, cache 1: one call per text event (three)', async () => {
    const uri = await streamRoute('stream-rt1', {
      stream_check_mode: 'realtime',
      stream_check_cache_size: 1,
      stream_check_interval: 3,
    });
    const res = await post(uri, streamBody, paced('chat-poem.sse'));
    expect(res.events).toHaveLength(6);
    expect(aliyun.calls.map((c) => c.content)).toEqual([
      'Silent circuits hum,\n',
      'Machine mind learns and evolves—\n',
      'Dreams of silicon.',
    ]);
  });

  it('TEST 24/25: realtime, large batch, 0.1 s interval, events 200 ms apart: three calls', async () => {
    const uri = await streamRoute('stream-rt-interval', {
      stream_check_mode: 'realtime',
      stream_check_cache_size: 10000,
      stream_check_interval: 0.1,
    });
    const res = await post(uri, streamBody, paced('chat-poem.sse', 5));
    expect(res.events).toHaveLength(6);
    expect(aliyun.calls).toHaveLength(3);
  });
});

describe('streams: a slow service, a client leaving while a check is pending', () => {
  const realtimeRoute = (id: string, over: Record<string, unknown>) =>
    route(id, `/aliyun/${id}`, {
      prometheus: {},
      'ai-proxy': proxy(),
      [PLUGIN]: moderation({
        check_request: false,
        check_response: true,
        stream_check_mode: 'realtime',
        stream_check_cache_size: 1,
        ...over,
      }),
    });
  const streamBody = { messages: [{ role: 'user', content: 'hi' }], stream: true };

  it('a service slower than timeout: each batch fails open and the whole stream arrives', async () => {
    const uri = await realtimeRoute('rt-slow', { timeout: 200 });
    aliyun.delay(1000);
    const started = Date.now();
    const res = await post(uri, streamBody, paced('chat-offensive.sse'));
    expect(res.events).toHaveLength(6);
    expect(res.text).toContain('right now!');
    // Three text batches, each given up after 200 ms, not after the service's 1 s.
    expect(Date.now() - started).toBeLessThan(2500);
    await waitFor('the timeout log lines', () =>
      output.includes('failed to check content: failed to request: timeout'),
    );
  });

  it('a client leaving during a check: the check and the LLM call are aborted, nothing leaks', async () => {
    const uri = await realtimeRoute('rt-leave', {});
    aliyun.delay(5000);
    await new Promise<void>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: gatewayPort,
          path: uri,
          method: 'POST',
          agent: false,
          headers: { 'content-type': 'application/json', ...paced('chat-offensive.sse') },
        },
        (res) => {
          // The first event (no text) passes at once; the second waits for its check: leave
          // once the service has the check.
          res.once('data', () => {
            waitFor('the check to reach the service', () => aliyun.received === 1).then(() => {
              req.destroy();
              resolve();
            }, reject);
          });
        },
      );
      req.on('error', () => undefined);
      req.setTimeout(10_000, () => reject(new Error('no first event')));
      req.end(JSON.stringify(streamBody));
    });
    const llmCall = await waitFor('the LLM call to be aborted', () =>
      llm.requests.find((r) => r.aborted),
    );
    expect(llmCall.path).toBe('/v1/chat/completions');
    await waitFor('the gauge of the route back to 0', async () => {
      const res = await freshGet(`http://127.0.0.1:${metricsPort}/apisix/prometheus/metrics`);
      const line = res.body
        .split('\n')
        .find(
          (l) =>
            l.startsWith('apisix_llm_active_connections{') && l.includes('route_id="rt-leave"'),
        );
      return line?.endsWith(' 0');
    });
    // The pending moderation call was abandoned: the service never answered a verdict for it.
    expect(aliyun.calls).toHaveLength(0);
  });
});

describe('ai-aliyun-content-moderation.t: the active connections gauge (TEST 35/36)', () => {
  async function gaugeOf(routeId: string): Promise<number[]> {
    const res = await freshGet(`http://127.0.0.1:${metricsPort}/apisix/prometheus/metrics`);
    return res.body
      .split('\n')
      .filter(
        (line) =>
          line.startsWith('apisix_llm_active_connections{') &&
          line.includes(`route_id="${routeId}"`),
      )
      .map((line) => Number(line.slice(line.lastIndexOf(' ') + 1)));
  }

  it.each([
    ['TEST 35', 'ai-proxy', 'gauge-test'],
    ['TEST 36', 'ai-proxy-multi', 'gauge-test-multi'],
  ])('%s: back to 0 after an answer refused (%s)', async (_t, proxyPlugin, id) => {
    const proxyConf =
      proxyPlugin === 'ai-proxy'
        ? proxy()
        : { instances: [{ name: 'openai-inst', weight: 1, ...proxy() }] };
    const uri = await route(id, `/aliyun/${id}`, {
      prometheus: {},
      [proxyPlugin]: proxyConf,
      [PLUGIN]: moderation({
        check_request: false,
        check_response: true,
        deny_code: 400,
        deny_message: 'your request is rejected',
      }),
    });
    const res = await post(uri, chat('What is 1+1?'), KILL_YOU);
    expect(res.status).toBe(400);
    const samples = await waitFor('the gauge sample of the route', async () => {
      const values = await gaugeOf(id);
      return values.length > 0 ? values : undefined;
    });
    expect(samples).toEqual([0]);
    const metrics = await freshGet(`http://127.0.0.1:${metricsPort}/apisix/prometheus/metrics`);
    // The refusal and the latency of the check are in the content metrics.
    expect(metrics.body).toMatch(
      new RegExp(`tollgate_ai_content_denials_total\\{[^}]*plugin="${PLUGIN}"[^}]*\\} [1-9]`),
    );
    expect(metrics.body).toMatch(
      new RegExp(`tollgate_ai_content_check_latency_count\\{[^}]*plugin="${PLUGIN}"`),
    );
  });
});

describe('ai-aliyun-content-moderation.t: the Responses API (TEST 37-42)', () => {
  const uri = '/aliyun/r/v1/responses';
  beforeAll(async () => {
    // TEST 37 / TEST 40
    await route('aliyun-responses', uri, {
      'ai-proxy': proxy('openai', llm.url),
      [PLUGIN]: moderation({ check_request: true }),
    });
  });

  it('TEST 38: a violent input is refused with the Advice answer', async () => {
    const res = await post(uri, { input: 'I want to kill you', model: 'gpt-4o' });
    expect(res.status).toBe(200);
    expect(res.text).toContain(ADVICE);
    expect(llm.requests).toHaveLength(0);
  });

  it('TEST 39: the refusal is a Responses API object', async () => {
    const res = await post(uri, { input: 'I want to kill you', model: 'gpt-4o' });
    expect(res.json).toMatchObject({
      object: 'response',
      status: 'completed',
      model: 'gpt-4o',
      output: [
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: ADVICE }] },
      ],
    });
    expect(res.json.usage).toHaveProperty('input_tokens');
  });

  it('TEST 41: a streamed refusal is output_text.delta then response.completed', async () => {
    const res = await post(uri, { input: 'I want to kill you', model: 'gpt-4o', stream: true });
    expect(res.status).toBe(200);
    expect(res.text).toMatch(
      /event: response\.output_text\.delta\ndata:.*"delta".*\n\nevent: response\.completed\ndata:.*"object"\s*:\s*"response"/s,
    );
  });

  it('TEST 42: the usage is input_tokens/output_tokens zeros, no prompt_tokens', async () => {
    const res = await post(uri, { input: 'I want to kill you', model: 'gpt-4o' });
    expect(res.json.usage).toMatchObject({ input_tokens: 0, output_tokens: 0 });
    expect(res.text).not.toMatch(/"prompt_tokens"/);
  });

  it('a harmless input reaches the LLM', async () => {
    const res = await post(uri, { input: 'What is 1+1?', model: 'gpt-4o' });
    expect(res.status).toBe(200);
    expect(res.json.object).toBe('response');
    expect(llm.requests).toHaveLength(1);
  });

  it('answers: a refused answer keeps the Responses usage; a stream gets risk_level on response.completed', async () => {
    const answers = '/aliyun/r-answers/v1/responses';
    await route('aliyun-responses-answers', answers, {
      'ai-proxy': proxy('openai', llm.url),
      [PLUGIN]: moderation({ check_request: false, check_response: true }),
    });
    const say = { 'x-mock-content': 'I will kill you', 'x-mock-usage': '8,5' };
    const refused = await post(answers, { input: 'hi', model: 'gpt-4o' }, say);
    expect(refused.json).toMatchObject({
      object: 'response',
      output: [{ content: [{ text: ADVICE }] }],
      usage: { input_tokens: 8, output_tokens: 5 },
    });
    const streamed = await post(
      answers,
      { input: 'hi', model: 'gpt-4o', stream: true },
      { ...say, 'x-mock-tokens-per-second': '50' },
    );
    const completed = streamed.events.find((e) => e.event === 'response.completed');
    expect(dataJson(completed?.data ?? '{}').risk_level).toBe('high');
  });
});

describe('Anthropic messages', () => {
  const uri = '/aliyun/a/v1/messages';
  beforeAll(async () => {
    await route('aliyun-anthropic', uri, {
      'ai-proxy': proxy('anthropic', llm.url),
      [PLUGIN]: moderation({ check_request: true, check_response: true }),
    });
  });
  const ask = (content: string, extra: Record<string, unknown> = {}) => ({
    model: 'claude-x',
    max_tokens: 64,
    messages: [{ role: 'user', content }],
    ...extra,
  });

  it('a violent prompt is refused with an Anthropic message (stream: the full event sequence)', async () => {
    const res = await post(uri, ask('I want to kill you'));
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text: ADVICE }],
      stop_reason: 'end_turn',
    });
    const streamed = await post(uri, ask('I want to kill you', { stream: true }));
    expect(streamed.events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(llm.requests).toHaveLength(0);
  });

  it('the top-level system prompt is checked with system in request_check_roles', async () => {
    const sys = '/aliyun/a-sys/v1/messages';
    await route('aliyun-anthropic-sys', sys, {
      'ai-proxy': proxy('anthropic', llm.url),
      [PLUGIN]: moderation({ request_check_roles: ['system', 'user'] }),
    });
    const res = await post(sys, ask('hello', { system: 'kill everyone' }));
    expect(res.json.content[0].text).toBe(ADVICE);
    expect(aliyun.calls.map((c) => c.content)).toEqual(['kill everyone hello']);
  });

  it('a refused answer keeps the LLM usage; a stream gets risk_level on message_delta', async () => {
    const say = { 'x-mock-content': 'I will kill you', 'x-mock-usage': '8,5' };
    const refused = await post(uri, ask('hi'), say);
    expect(refused.json).toMatchObject({
      type: 'message',
      content: [{ text: ADVICE }],
      usage: { input_tokens: 8, output_tokens: 5 },
    });
    const streamed = await post(uri, ask('hi', { stream: true }), {
      ...say,
      'x-mock-tokens-per-second': '50',
    });
    const delta = streamed.events.find((e) => e.event === 'message_delta');
    expect(dataJson(delta?.data ?? '{}').risk_level).toBe('high');
    expect(streamed.events.at(-1)?.event).toBe('message_stop');
  });
});

describe('beyond the .t: request_check_mode, fail open, secrets', () => {
  it('request_check_mode last checks the latest user turn only; all checks the history', async () => {
    const history = {
      messages: [
        { role: 'user', content: 'I want to kill you' },
        { role: 'assistant', content: 'no' },
        { role: 'user', content: 'What is 1+1?' },
      ],
    };
    await route('aliyun-last', '/aliyun/last', {
      'ai-proxy': proxy(),
      [PLUGIN]: moderation(),
    });
    await route('aliyun-all', '/aliyun/all', {
      'ai-proxy': proxy(),
      [PLUGIN]: moderation({ request_check_mode: 'all' }),
    });
    const last = await post('/aliyun/last', history, KILL_YOU);
    expect(last.text).toMatch(/kill you/);
    const all = await post('/aliyun/all', history, KILL_YOU);
    expect(all.json.choices[0].message.content).toBe(ADVICE);
    expect(aliyun.calls.map((c) => c.content)).toEqual([
      'What is 1+1?',
      'I want to kill you What is 1+1?',
    ]);
  });

  it('a failing service lets the prompt through and logs "failed to check content: ..."', async () => {
    await route('aliyun-open', '/aliyun/open', {
      'ai-proxy': proxy(),
      [PLUGIN]: moderation(),
    });
    aliyun.failWith(500);
    const res = await post('/aliyun/open', chat('I want to kill you'), KILL_YOU);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/kill you/);
    await waitFor('the fail-open log line', () =>
      output.includes(
        'failed to check content: failed to request aliyun text moderation service, status: 500',
      ),
    );
  });

  it('a slow service past timeout fails open within the timeout', async () => {
    await route('aliyun-slow', '/aliyun/slow', {
      'ai-proxy': proxy(),
      [PLUGIN]: moderation({ timeout: 300 }),
    });
    aliyun.delay(2000);
    const started = Date.now();
    const res = await post('/aliyun/slow', chat('I want to kill you'), KILL_YOU);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/kill you/);
    expect(Date.now() - started).toBeLessThan(1500);
    await waitFor('the timeout log line', () =>
      output.includes('failed to check content: failed to request: timeout'),
    );
  });

  it('access_key_secret as an $env:// reference signs correctly', async () => {
    await route('aliyun-env', '/aliyun/env', {
      'ai-proxy': proxy(),
      [PLUGIN]: moderation({ access_key_secret: '$env://ALIYUN_CM_E2E_SECRET' }),
    });
    const res = await post('/aliyun/env', chat('I want to kill you'), KILL_YOU);
    expect(res.json.choices[0].message.content).toBe(ADVICE);
    expect(aliyun.calls).toHaveLength(1);
  });
});
