/**
 * ai-aws-content-moderation end to end (issue 13): APISIX's t/plugin/ai-aws-content-moderation.t,
 * ai-aws-content-moderation2.t and ai-aws-content-moderation-secrets.t, each test named after the
 * APISIX TEST it ports, through a real `tollgate start` configured with the Admin API: ai-proxy to
 * the mock LLM, the plugin to a mock Comprehend that checks every call's Signature V4 and answers
 * with APISIX's fixture scores. Request-side cases run for OpenAI chat, OpenAI Responses and
 * Anthropic messages. Then the streaming cases: a deny in the middle of a stream, a
 * Comprehend that is slow or down on each side and `fail_mode`, and a client that leaves while a
 * check is pending.
 */
import http from 'node:http';
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import {
  AdminClient,
  freePort,
  httpRequest,
  startEchoServer,
  startMockComprehend,
  startMockVault,
  startTollgate,
  testEtcdEndpoint,
  uniquePrefix,
  waitFor,
  type EchoServer,
  type HttpReply,
  type MockComprehend,
  type MockVault,
  type TollgateNode,
} from '@tollgate/testkit';

jest.setTimeout(60_000);

const PLUGIN = 'ai-aws-content-moderation';
const CREDENTIALS = { accessKeyId: 'access', secretAccessKey: 'ea+secret', region: 'us-east-1' };
/** The secrets test's credentials, only reachable through $secret:// and $env:// references. */
const SECRET_CREDENTIALS = {
  accessKeyId: 'access-key-id',
  secretAccessKey: 'super-secret',
  region: 'us-east-1',
};
const VAULT_TOKEN = 'root';

let comprehend: MockComprehend;
let secretComprehend: MockComprehend;
let llm: MockLlm;
let echo: EchoServer;
let vault: MockVault;
let node: TollgateNode;
let admin: AdminClient;
let gatewayPort: number;
let metricsPort: number;
let output = '';

beforeAll(async () => {
  comprehend = await startMockComprehend(CREDENTIALS);
  secretComprehend = await startMockComprehend(SECRET_CREDENTIALS);
  llm = await startMockLlm({ name: 'aws-moderation', apiKeys: ['token'] });
  echo = await startEchoServer('upstream');
  vault = await startMockVault({ token: VAULT_TOKEN });
  gatewayPort = await freePort();
  metricsPort = await freePort();
  const adminPort = await freePort();
  const key = 'aws-moderation-e2e-admin-key';
  node = await startTollgate({
    config: {
      apisix: { node_listen: [{ ip: '127.0.0.1', port: gatewayPort }] },
      nginx_config: { worker_processes: 1 },
      plugin_attr: { prometheus: { export_addr: { ip: '127.0.0.1', port: metricsPort } } },
      deployment: {
        role: 'traditional',
        etcd: { host: [testEtcdEndpoint()], prefix: uniquePrefix('aws-moderation'), timeout: 3 },
        admin: {
          admin_key: [{ name: 'admin', key, role: 'admin' }],
          admin_listen: { ip: '127.0.0.1', port: adminPort },
        },
      },
    },
    env: {
      ACCESS_KEY_ID: SECRET_CREDENTIALS.accessKeyId,
      SECRET_ACCESS_KEY: SECRET_CREDENTIALS.secretAccessKey,
    },
    onOutput: (text) => (output += text),
    readyPorts: [gatewayPort, adminPort, metricsPort],
  });
  admin = new AdminClient(`http://127.0.0.1:${adminPort}`, key);
});

afterAll(async () => {
  await node?.destroy();
  await comprehend?.close();
  await secretComprehend?.close();
  await llm?.close();
  await echo?.close();
  await vault?.close();
});

beforeEach(() => {
  comprehend.reset();
  llm.clear();
  llm.resetBehaviour();
});

// ---------------------------------------------------------------------------------------------
// helpers

type Protocol = 'chat' | 'responses' | 'anthropic';
const PROTOCOLS: Protocol[] = ['chat', 'responses', 'anthropic'];
const PATHS: Record<Protocol, string> = {
  chat: '/v1/chat/completions',
  responses: '/v1/responses',
  anthropic: '/v1/messages',
};

/** ai-proxy to the mock LLM, in the client's protocol. */
function proxy(protocol: Protocol): Record<string, unknown> {
  return {
    provider: protocol === 'anthropic' ? 'anthropic' : 'openai',
    auth: { header: { Authorization: 'Bearer token' } },
    options: { model: protocol === 'anthropic' ? 'claude-3-5-sonnet' : 'gpt-4o' },
    override: { endpoint: protocol === 'chat' ? `${llm.url}/v1/chat/completions` : llm.url },
  };
}

function moderation(extra: Record<string, unknown> = {}, endpoint = comprehend.url) {
  return {
    comprehend: {
      access_key_id: CREDENTIALS.accessKeyId,
      secret_access_key: CREDENTIALS.secretAccessKey,
      region: CREDENTIALS.region,
      endpoint,
    },
    ...extra,
  };
}

let routes = 0;
let markers = 0;

/** Wait until the worker has every route written so far (a marker written after them is served). */
async function settled(): Promise<void> {
  const id = `ready${++markers}`;
  const res = await admin.put(`/apisix/admin/routes/${id}`, {
    uri: `/__ready/${id}`,
    upstream: { type: 'roundrobin', nodes: { [`127.0.0.1:${echo.port}`]: 1 } },
  });
  if (res.status >= 300) throw new Error(`marker ${id}: ${res.status} ${res.text}`);
  await waitFor(`marker ${id}`, async () => {
    const r = await httpRequest('GET', `http://127.0.0.1:${gatewayPort}/__ready/${id}`);
    return r.status === 200;
  });
}

/** PUT a route on a fresh URI ending like `protocol`'s path and wait until it is served. */
async function route(
  protocol: Protocol,
  conf: Record<string, unknown>,
  extraPlugins: Record<string, unknown> = {},
): Promise<string> {
  const id = `aws${++routes}`;
  const uri = `/aws/${id}${PATHS[protocol]}`;
  const res = await admin.put(`/apisix/admin/routes/${id}`, {
    uri,
    plugins: { 'ai-proxy': proxy(protocol), [PLUGIN]: conf, ...extraPlugins },
  });
  if (res.status >= 300) throw new Error(`route ${id}: ${res.status} ${res.text}`);
  await settled();
  return uri;
}

function bodyFor(protocol: Protocol, content: string, stream: boolean): Record<string, unknown> {
  const messages = [{ role: 'user', content }];
  switch (protocol) {
    case 'chat':
      return { model: 'gpt-4o', messages, stream };
    case 'responses':
      return { model: 'gpt-4o', input: content, stream };
    case 'anthropic':
      return { model: 'claude-3-5-sonnet', max_tokens: 256, messages, stream };
  }
}

function post(
  uri: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<HttpReply> {
  return httpRequest('POST', `http://127.0.0.1:${gatewayPort}${uri}`, {
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

const chat = (...messages: { role: string; content: string; tool_call_id?: string }[]) => ({
  model: 'gpt-4o',
  messages,
});

/** The refusal or answer text of a non-streamed completion of `protocol`. */
function answerText(protocol: Protocol, reply: HttpReply): string {
  const json = reply.json;
  if (protocol === 'chat') {
    return (
      (json as { choices: { message: { content: string } }[] }).choices[0]?.message.content ?? ''
    );
  }
  if (protocol === 'responses') {
    return (
      (json as { output: { content: { text: string }[] }[] }).output[0]?.content[0]?.text ?? ''
    );
  }
  return (json as { content: { text: string }[] }).content[0]?.text ?? '';
}

/** The answer text of a stream of `protocol`: its text deltas joined. */
function streamedText(protocol: Protocol, sse: string): string {
  let text = '';
  for (const line of sse.split('\n')) {
    if (!line.startsWith('data: {')) continue;
    const event = JSON.parse(line.slice(6)) as {
      type?: string;
      delta?: string | { text?: string };
      choices?: { delta?: { content?: string } }[];
    };
    if (protocol === 'chat') text += event.choices?.[0]?.delta?.content ?? '';
    else if (protocol === 'anthropic' && event.type === 'content_block_delta') {
      text += typeof event.delta === 'object' ? (event.delta.text ?? '') : '';
    } else if (event.type === 'response.output_text.delta' && typeof event.delta === 'string') {
      text += event.delta;
    }
  }
  return text;
}

async function logLine(...parts: string[]): Promise<string> {
  return waitFor(`a log line with ${parts.join(', ')}`, () =>
    output.split('\n').find((line) => parts.every((part) => line.includes(part))),
  );
}

/** `apisix_llm_active_connections`, summed over its series. */
async function activeLlmConnections(): Promise<number> {
  const text = (
    await httpRequest('GET', `http://127.0.0.1:${metricsPort}/apisix/prometheus/metrics`)
  ).text;
  return text
    .split('\n')
    .filter((line) => line.startsWith('apisix_llm_active_connections{'))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/** A streamed request the test can abandon: resolves once the response head and `bytes` arrived. */
function openStream(
  uri: string,
  body: unknown,
  headers: Record<string, string> = {},
): { received: () => string; headArrived: Promise<number>; abandon: () => void } {
  let received = '';
  let resolveHead: (status: number) => void = () => undefined;
  const headArrived = new Promise<number>((resolve) => (resolveHead = resolve));
  const req = http.request({
    host: '127.0.0.1',
    port: gatewayPort,
    path: uri,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    agent: false,
  });
  req.on('response', (res) => {
    resolveHead(res.statusCode ?? 0);
    res.setEncoding('utf8');
    res.on('data', (c: string) => (received += c));
    res.on('error', () => undefined);
  });
  req.on('error', () => undefined);
  req.end(JSON.stringify(body));
  return { received: () => received, headArrived, abandon: () => req.destroy() };
}

// ---------------------------------------------------------------------------------------------
// t/plugin/ai-aws-content-moderation.t: the request side, for each protocol

describe.each(PROTOCOLS)('ai-aws-content-moderation.t, request side (%s)', (protocol) => {
  it('TEST 1-3: a toxic prompt is refused with deny_code 400, a good one reaches the LLM', async () => {
    const uri = await route(protocol, moderation({ deny_code: 400 }));
    const toxic = await post(uri, bodyFor(protocol, 'toxic', false));
    expect(toxic.status).toBe(400);
    expect(answerText(protocol, toxic)).toBe('request body exceeds toxicity threshold');
    expect(llm.requests).toHaveLength(0);
    const good = await post(uri, bodyFor(protocol, 'good_request', false), {
      'x-mock-content': 'good_request answered',
    });
    expect(good.status).toBe(200);
    expect(answerText(protocol, good)).toBe('good_request answered');
    expect(comprehend.calls.map((c) => c.segments)).toEqual([['toxic'], ['good_request']]);
    expect(comprehend.rejections).toEqual([]);
  });

  it('TEST 4-7: PROFANITY 0.5 refuses profane and very_profane, passes good_request', async () => {
    const uri = await route(
      protocol,
      moderation({ deny_code: 400, moderation_categories: { PROFANITY: 0.5 } }),
    );
    for (const content of ['profane', 'very_profane']) {
      const reply = await post(uri, bodyFor(protocol, content, false));
      expect(reply.status).toBe(400);
      expect(answerText(protocol, reply)).toBe('request body exceeds PROFANITY threshold');
    }
    expect((await post(uri, bodyFor(protocol, 'good_request', false))).status).toBe(200);
  });

  it('TEST 8-12: PROFANITY 0.7: profane fails toxicity, profane_but_not_toxic passes', async () => {
    const uri = await route(
      protocol,
      moderation({ deny_code: 400, moderation_categories: { PROFANITY: 0.7 } }),
    );
    const profane = await post(uri, bodyFor(protocol, 'profane', false));
    expect(answerText(protocol, profane)).toBe('request body exceeds toxicity threshold');
    expect((await post(uri, bodyFor(protocol, 'profane_but_not_toxic', false))).status).toBe(200);
    const very = await post(uri, bodyFor(protocol, 'very_profane', false));
    expect(answerText(protocol, very)).toBe('request body exceeds PROFANITY threshold');
    expect((await post(uri, bodyFor(protocol, 'good_request', false))).status).toBe(200);
  });

  it('TEST 21/22: with the default deny_code the refusal is a 200 completion', async () => {
    const uri = await route(protocol, moderation({ deny_message: 'the request was withheld' }));
    const reply = await post(uri, bodyFor(protocol, 'toxic', false));
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/json');
    expect(answerText(protocol, reply)).toBe('the request was withheld');
    const shape = { chat: 'chat.completion', responses: 'response', anthropic: 'message' };
    const json = reply.json as { object?: string; type?: string };
    expect(json.object ?? json.type).toBe(shape[protocol]);
  });

  it('a streamed request is refused with a complete SSE sequence', async () => {
    const uri = await route(protocol, moderation());
    const reply = await post(uri, bodyFor(protocol, 'toxic', true));
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('text/event-stream');
    expect(reply.text).toContain('request body exceeds toxicity threshold');
    const end = {
      chat: 'data: [DONE]',
      responses: 'response.completed',
      anthropic: 'message_stop',
    };
    expect(reply.text).toContain(end[protocol]);
  });

  it('TEST 33-35: a prompt over 1 KB is sent as 3 segments of one call', async () => {
    const uri = await route(protocol, moderation({ deny_code: 400 }));
    const toxic = await post(uri, bodyFor(protocol, `${'a'.repeat(2395)} kill`, false));
    expect(toxic.status).toBe(400);
    expect(answerText(protocol, toxic)).toBe('request body exceeds toxicity threshold');
    expect((await post(uri, bodyFor(protocol, 'a'.repeat(2400), false))).status).toBe(200);
    expect(comprehend.calls.map((c) => c.segments.map((s) => Buffer.byteLength(s)))).toEqual([
      [1000, 1000, 400],
      [1000, 1000, 400],
    ]);
  });

  it('TEST 46/47: multibyte text is cut on character boundaries', async () => {
    const uri = await route(protocol, moderation());
    expect((await post(uri, bodyFor(protocol, '日'.repeat(400), false))).status).toBe(200);
    expect(comprehend.calls.map((c) => c.segments.length)).toEqual([2]);
    expect(comprehend.tornSegments).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// t/plugin/ai-aws-content-moderation.t: without ai-proxy, schema checks, keepalive, roles

describe('ai-aws-content-moderation.t: fail_mode without ai-proxy', () => {
  async function echoRoute(conf: Record<string, unknown>): Promise<string> {
    const id = `aws${++routes}`;
    const uri = `/aws/${id}/echo`;
    const res = await admin.put(`/apisix/admin/routes/${id}`, {
      uri,
      plugins: { [PLUGIN]: conf },
      upstream: { type: 'roundrobin', nodes: { [`127.0.0.1:${echo.port}`]: 1 } },
    });
    if (res.status >= 300) throw new Error(`route ${id}: ${res.status} ${res.text}`);
    await settled();
    return uri;
  }

  it('TEST 13/14: skip (default) proxies unchecked and logs why', async () => {
    const uri = await echoRoute(moderation());
    const reply = await post(uri, chat({ role: 'user', content: 'toxic' }));
    expect(reply.status).toBe(200);
    expect(reply.text).toContain('toxic');
    expect(comprehend.calls).toHaveLength(0);
    await logLine(`${PLUGIN} skipped: no ai instance picked`);
  });

  it('TEST 15/16: fail_mode error refuses with 500', async () => {
    const uri = await echoRoute(moderation({ fail_mode: 'error' }));
    const reply = await post(uri, chat({ role: 'user', content: 'good_request' }));
    expect(reply.status).toBe(500);
    expect(reply.text).toBe(
      `no ai instance picked, ${PLUGIN} plugin must be used with ai-proxy or ai-proxy-multi plugin`,
    );
  });

  it('TEST 63/64: a passthrough body cannot be moderated: fail_mode error refuses it', async () => {
    const id = `aws${++routes}`;
    const uri = `/aws/${id}/chat`;
    await admin.put(`/apisix/admin/routes/${id}`, {
      uri,
      plugins: {
        'ai-proxy': proxy('chat'),
        [PLUGIN]: moderation({ fail_mode: 'error' }),
      },
    });
    await settled();
    const reply = await post(uri, { prompt: 'I want to kill you' });
    expect(reply.status).toBe(500);
    expect(reply.text).toBe(
      'protocol passthrough cannot moderate the configured request_check_roles',
    );
    expect(llm.requests).toHaveLength(0);
  });
});

describe('ai-aws-content-moderation.t: schema checks through the Admin API', () => {
  async function put(extra: Record<string, unknown>): Promise<number> {
    const res = await admin.put(`/apisix/admin/routes/schema${++routes}`, {
      uri: `/schema/${routes}`,
      plugins: { 'ai-proxy': proxy('chat'), [PLUGIN]: moderation(extra) },
    });
    if (res.status >= 400) {
      expect(res.text).toContain(`failed to check the configuration of plugin ${PLUGIN}`);
    }
    return res.status;
  }
  const accepted = (status: number) => status === 200 || status === 201;

  it('TEST 17: deny_code must be within [200, 599]', async () => {
    expect(await put({ deny_code: 199 })).toBe(400);
    expect(await put({ deny_code: 600 })).toBe(400);
    expect(accepted(await put({ deny_code: 403 }))).toBe(true);
  });

  it('TEST 30: the streaming knobs are validated', async () => {
    expect(await put({ stream_check_mode: 'eventually' })).toBe(400);
    expect(await put({ stream_check_cache_size: 0 })).toBe(400);
    expect(await put({ stream_check_interval: 0.01 })).toBe(400);
  });

  it('TEST 45: length limits are bounded by Comprehend’s 1 KB cap and one UTF-8 character', async () => {
    expect(await put({ request_check_length_limit: 1025 })).toBe(400);
    expect(await put({ response_check_length_limit: 1025 })).toBe(400);
    expect(await put({ request_check_length_limit: 0 })).toBe(400);
    expect(await put({ request_check_length_limit: 3 })).toBe(400);
    expect(accepted(await put({ response_check_length_limit: 4 }))).toBe(true);
    expect(accepted(await put({ response_check_length_limit: 1024 }))).toBe(true);
  });

  it('TEST 62: request_check_roles and request_check_mode are validated', async () => {
    expect(await put({ request_check_roles: ['assistant'] })).toBe(400);
    expect(await put({ request_check_roles: [] })).toBe(400);
    expect(await put({ request_check_roles: ['user', 'user'] })).toBe(400);
    expect(await put({ request_check_mode: 'latest' })).toBe(400);
    expect(
      accepted(await put({ request_check_roles: ['tool', 'system'], request_check_mode: 'all' })),
    ).toBe(true);
  });

  it('moderation_categories takes only Comprehend’s categories, 0..1', async () => {
    expect(await put({ moderation_categories: { GRAPHIC: 0.5 } })).toBe(400);
    expect(await put({ moderation_categories: { PROFANITY: 1.5 } })).toBe(400);
    expect(await put({ comprehend: { region: 'us-east-1' } })).toBe(400);
  });
});

describe('ai-aws-content-moderation.t: batches and connections', () => {
  it('TEST 36/37: segments past the tenth go in a second call on the same connection', async () => {
    const uri = await route('chat', moderation({ request_check_length_limit: 100 }));
    const reply = await post(uri, chat({ role: 'user', content: 'a'.repeat(1100) }));
    expect(reply.status).toBe(200);
    const [first, second] = comprehend.calls;
    expect([first?.segments.length, second?.segments.length]).toEqual([10, 1]);
    expect(second?.connectionRequest).toBe((first?.connectionRequest ?? 0) + 1);
  });

  it('TEST 38/39: without keepalive every call opens a new connection', async () => {
    const uri = await route(
      'chat',
      moderation({ request_check_length_limit: 100, keepalive: false }),
    );
    expect((await post(uri, chat({ role: 'user', content: 'a'.repeat(1100) }))).status).toBe(200);
    expect(comprehend.calls.map((c) => [c.segments.length, c.connectionRequest])).toEqual([
      [10, 1],
      [1, 1],
    ]);
  });
});

describe('ai-aws-content-moderation.t: request_check_roles and request_check_mode', () => {
  let defaults: string;
  let last: string;
  let userOnly: string;
  beforeAll(async () => {
    defaults = await route('chat', moderation({ deny_code: 400 }));
    last = await route('chat', moderation({ deny_code: 400, request_check_mode: 'last' }));
    userOnly = await route('chat', moderation({ deny_code: 400, request_check_roles: ['user'] }));
  });
  const texts = () => comprehend.calls.map((c) => c.segments.join(''));

  it('TEST 51/52: the default mode (all) moderates an earlier user turn', async () => {
    const reply = await post(
      defaults,
      chat(
        { role: 'user', content: 'I want to kill you' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'What is 1+1?' },
      ),
    );
    expect(reply.status).toBe(400);
    expect(reply.text).toContain('request body exceeds toxicity threshold');
  });

  it('TEST 53: the default roles moderate the system message', async () => {
    const reply = await post(
      defaults,
      chat(
        { role: 'system', content: 'I want to kill you' },
        { role: 'user', content: 'What is 1+1?' },
      ),
    );
    expect(reply.status).toBe(400);
  });

  it('TEST 54: the default roles moderate a tool result', async () => {
    const reply = await post(
      defaults,
      chat(
        { role: 'user', content: 'What is the weather?' },
        { role: 'tool', tool_call_id: 'call_1', content: 'I want to kill you' },
      ),
    );
    expect(reply.status).toBe(400);
  });

  it('TEST 55: assistant content is never moderated on the request side', async () => {
    const reply = await post(
      defaults,
      chat(
        { role: 'user', content: 'What is 1+1?' },
        { role: 'assistant', content: 'I want to kill you' },
      ),
    );
    expect(reply.status).toBe(200);
    expect(texts()).toEqual(['What is 1+1?']);
  });

  it('TEST 56/57: mode "last" skips a harmful earlier user turn', async () => {
    const reply = await post(
      last,
      chat(
        { role: 'user', content: 'I want to kill you' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'What is 1+1?' },
      ),
    );
    expect(reply.status).toBe(200);
    expect(texts()).toEqual(['What is 1+1?']);
  });

  it('TEST 58: mode "last" moderates the latest turn and the system message', async () => {
    const reply = await post(
      last,
      chat(
        { role: 'system', content: 'be helpful' },
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'I want to kill you' },
      ),
    );
    expect(reply.status).toBe(400);
    expect(texts()).toEqual(['be helpful I want to kill you']);
  });

  it('TEST 59/60: roles ["user"] leaves system and tool content unmoderated', async () => {
    const reply = await post(
      userOnly,
      chat(
        { role: 'system', content: 'I want to kill you' },
        { role: 'user', content: 'What is 1+1?' },
        { role: 'tool', tool_call_id: 'call_1', content: 'I want to kill you too' },
      ),
    );
    expect(reply.status).toBe(200);
    expect(texts()).toEqual(['What is 1+1?']);
  });

  it('TEST 61: roles ["user"] still moderates user content', async () => {
    const reply = await post(
      userOnly,
      chat(
        { role: 'system', content: 'be helpful' },
        { role: 'user', content: 'I want to kill you' },
      ),
    );
    expect(reply.status).toBe(400);
  });

  it('anthropic: the top-level system prompt is moderated; responses: instructions are', async () => {
    const anthropic = await route('anthropic', moderation({ deny_code: 400 }));
    const a = await post(anthropic, {
      model: 'claude-3-5-sonnet',
      max_tokens: 16,
      system: 'I want to kill you',
      messages: [{ role: 'user', content: 'What is 1+1?' }],
    });
    expect(a.status).toBe(400);
    const responses = await route('responses', moderation({ deny_code: 400 }));
    const r = await post(responses, {
      model: 'gpt-4o',
      instructions: 'I want to kill you',
      input: 'What is 1+1?',
    });
    expect(r.status).toBe(400);
    expect(texts()).toEqual(['I want to kill you What is 1+1?', 'I want to kill you What is 1+1?']);
  });
});

// ---------------------------------------------------------------------------------------------
// t/plugin/ai-aws-content-moderation.t: the answer side

describe.each(PROTOCOLS)('ai-aws-content-moderation.t, answer side (%s)', (protocol) => {
  const answerSide = (extra: Record<string, unknown> = {}) =>
    moderation({ check_request: false, check_response: true, ...extra });

  it('TEST 18-20: a toxic answer is refused, a clean one passes', async () => {
    const uri = await route(protocol, answerSide({ deny_code: 400 }));
    const toxic = await post(uri, bodyFor(protocol, 'good_request', false), {
      'x-mock-content': 'I will kill you',
    });
    expect(toxic.status).toBe(400);
    expect(answerText(protocol, toxic)).toBe('response body exceeds toxicity threshold');
    const clean = await post(uri, bodyFor(protocol, 'good_request', false), {
      'x-mock-content': 'How can I assist you today?',
    });
    expect(clean.status).toBe(200);
    expect(answerText(protocol, clean)).toBe('How can I assist you today?');
  });

  it('TEST 21/22: the default deny_code answers a completion that keeps the LLM usage', async () => {
    const uri = await route(protocol, answerSide({ deny_message: 'the response was withheld' }));
    const reply = await post(uri, bodyFor(protocol, 'good_request', false), {
      'x-mock-content': 'I will kill you',
      'x-mock-usage': '23,8',
    });
    expect(reply.status).toBe(200);
    expect(answerText(protocol, reply)).toBe('the response was withheld');
    const usage = (reply.json as { usage: Record<string, number> }).usage;
    expect(usage).toMatchObject(
      protocol === 'chat'
        ? { prompt_tokens: 23, completion_tokens: 8 }
        : { input_tokens: 23, output_tokens: 8 },
    );
  });

  it('TEST 23/24: with check_response off a toxic answer passes', async () => {
    const uri = await route(protocol, moderation({ check_request: false }));
    const reply = await post(uri, bodyFor(protocol, 'good_request', false), {
      'x-mock-content': 'I will kill you',
    });
    expect(answerText(protocol, reply)).toBe('I will kill you');
    expect(comprehend.calls).toHaveLength(0);
  });

  it('TEST 25/26: final_packet adds "risk_level" to the streamed answer', async () => {
    const uri = await route(protocol, answerSide());
    const reply = await post(uri, bodyFor(protocol, 'good_request', true), {
      'x-mock-content': 'I will kill you',
    });
    expect(reply.status).toBe(200);
    expect(reply.text).toContain('"risk_level":"high"');
    expect(streamedText(protocol, reply.text)).toBe('I will kill you');
    const clean = await post(uri, bodyFor(protocol, 'good_request', true), {
      'x-mock-content': 'Hello there',
    });
    expect(clean.text).toContain('"risk_level":"none"');
    expect(comprehend.calls.map((c) => c.segments)).toEqual([['I will kill you'], ['Hello there']]);
  });

  it('TEST 27/28: realtime cuts the stream off as soon as a batch is toxic', async () => {
    const uri = await route(
      protocol,
      answerSide({
        deny_message: 'the response was withheld',
        stream_check_mode: 'realtime',
        stream_check_cache_size: 5,
      }),
    );
    const reply = await post(uri, bodyFor(protocol, 'good_request', true), {
      'x-mock-content': 'Sure. kill kill kill. right now!',
      'x-mock-tokens-per-second': '50',
    });
    expect(reply.status).toBe(200);
    expect(reply.text).toContain('Sure');
    expect(reply.text).toContain('the response was withheld');
    expect(reply.text).not.toContain('right now!');
    // The rest of the answer was never read: the LLM call was aborted.
    await waitFor('the LLM to see its connection closed', () => llm.requests[0]?.aborted === true);
  });

  it('TEST 29: an upstream error status is not checked', async () => {
    const uri = await route(protocol, answerSide());
    const reply = await post(uri, bodyFor(protocol, 'good_request', false), {
      'x-mock-status': '400',
    });
    expect(reply.status).toBe(400);
    expect(comprehend.calls).toHaveLength(0);
    await logLine('skip response check because upstream returned error status: 400');
  });

  it('TEST 31: an empty streamed answer is annotated none', async () => {
    const uri = await route(protocol, answerSide());
    const reply = await post(uri, bodyFor(protocol, 'good_request', true), {
      'x-mock-content': '',
    });
    expect(reply.status).toBe(200);
    expect(reply.text).toContain('"risk_level":"none"');
    expect(comprehend.calls).toHaveLength(0);
  });

  it('TEST 40/41: a toxic answer over 1 KB is scored in 2 segments and refused', async () => {
    const uri = await route(protocol, answerSide({ deny_code: 400 }));
    const reply = await post(uri, bodyFor(protocol, 'good_request', false), {
      'x-mock-content': `${'a'.repeat(1500)} kill`,
    });
    expect(reply.status).toBe(400);
    expect(answerText(protocol, reply)).toBe('response body exceeds toxicity threshold');
    expect(comprehend.calls.map((c) => c.segments.length)).toEqual([2]);
  });

  it('TEST 42/43: a realtime batch over 1 KB is still moderated', async () => {
    const uri = await route(
      protocol,
      answerSide({
        deny_message: 'the response was withheld',
        stream_check_mode: 'realtime',
        stream_check_cache_size: 1500,
      }),
    );
    const reply = await post(uri, bodyFor(protocol, 'good_request', true), {
      'x-mock-content': `I will kill you. ${'a'.repeat(1600)}`,
    });
    expect(reply.text).toContain('the response was withheld');
    expect(comprehend.calls[0]?.segments.length).toBe(2);
    expect(output).not.toContain('failed to get moderation results from response');
  });
});

// ---------------------------------------------------------------------------------------------
// t/plugin/ai-aws-content-moderation2.t and -secrets.t

describe('ai-aws-content-moderation2.t', () => {
  it('TEST 1/2: the request fails with 500 when Comprehend is unreachable', async () => {
    const gone = await startMockComprehend(CREDENTIALS);
    const url = gone.url;
    await gone.close();
    const uri = await route('chat', moderation({}, url));
    const reply = await post(uri, chat({ role: 'user', content: 'toxic' }));
    const message = `failed to send request to http://127.0.0.1: Comprehend:detectToxicContent() failed to connect to '${url}': connection refused`;
    expect(reply.status).toBe(500);
    expect(reply.text).toBe(message);
    await logLine(message);
    expect(llm.requests).toHaveLength(0);
  });
});

describe('ai-aws-content-moderation-secrets.t', () => {
  const secretRoute = async (credentials: Record<string, string>) =>
    route('chat', {
      comprehend: { region: 'us-east-1', endpoint: secretComprehend.url, ...credentials },
    });

  it('TEST 1-3: the credentials are $secret://vault references', async () => {
    vault.put('kv/apisix/foo', {
      access_key_id: SECRET_CREDENTIALS.accessKeyId,
      secret_access_key: SECRET_CREDENTIALS.secretAccessKey,
    });
    const res = await admin.put('/apisix/admin/secrets/vault/test1', {
      uri: vault.url,
      prefix: 'kv/apisix',
      token: VAULT_TOKEN,
    });
    expect(res.status).toBeLessThan(300);
    const uri = await secretRoute({
      access_key_id: '$secret://vault/test1/foo/access_key_id',
      secret_access_key: '$secret://vault/test1/foo/secret_access_key',
    });
    secretComprehend.reset();
    const reply = await post(uri, chat({ role: 'user', content: 'good_request' }));
    expect(reply.status).toBe(200);
    // The mock recomputed the signature with the real secret: the reference was resolved.
    expect(secretComprehend.calls).toHaveLength(1);
    expect(secretComprehend.rejections).toEqual([]);
    expect(output).not.toContain(SECRET_CREDENTIALS.secretAccessKey);
  });

  it('TEST 4/5: the credentials are $env:// references', async () => {
    const uri = await secretRoute({
      access_key_id: '$env://ACCESS_KEY_ID',
      secret_access_key: '$env://SECRET_ACCESS_KEY',
    });
    secretComprehend.reset();
    expect((await post(uri, chat({ role: 'user', content: 'good_request' }))).status).toBe(200);
    expect(secretComprehend.calls).toHaveLength(1);
    expect(secretComprehend.rejections).toEqual([]);
  });

  it('a wrong secret fails the signature check: 500, and the Admin API never shows a secret', async () => {
    const uri = await secretRoute({ access_key_id: 'access-key-id', secret_access_key: 'wrong' });
    secretComprehend.reset();
    const reply = await post(uri, chat({ role: 'user', content: 'good_request' }));
    expect(reply.status).toBe(500);
    expect(reply.text).toBe('failed to get moderation results from response');
    expect(secretComprehend.rejections).toEqual(['signature mismatch']);
  });
});

// ---------------------------------------------------------------------------------------------
// Issue 13 streaming must-shows

describe('a moderation service that is slow or down', () => {
  it.each(['skip', 'warn', 'error'])(
    'request side, fail_mode %s: down or too slow fails closed with 500, never calling the LLM',
    async (failMode) => {
      const uri = await route('chat', moderation({ fail_mode: failMode, timeout: 300 }));
      comprehend.setBehaviour({ delayMs: 2000 });
      const started = performance.now();
      const slow = await post(uri, chat({ role: 'user', content: 'good_request' }));
      expect(performance.now() - started).toBeLessThan(1800);
      expect(slow.status).toBe(500);
      expect(slow.text).toContain('timeout');
      comprehend.setBehaviour({ status: 500 });
      const down = await post(uri, chat({ role: 'user', content: 'good_request' }));
      expect(down.status).toBe(500);
      expect(down.text).toBe('failed to get moderation results from response');
      expect(llm.requests).toHaveLength(0);
    },
  );

  it('request side, slow but within timeout: the prompt waits and passes', async () => {
    const uri = await route('chat', moderation({ timeout: 2000 }));
    comprehend.setBehaviour({ delayMs: 300 });
    const started = performance.now();
    const reply = await post(uri, chat({ role: 'user', content: 'good_request' }));
    expect(reply.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('answer side, not streamed: a failure fails closed with 500', async () => {
    const uri = await route('chat', moderation({ check_request: false, check_response: true }));
    comprehend.setBehaviour({ status: 503 });
    const reply = await post(uri, chat({ role: 'user', content: 'hi' }), {
      'x-mock-content': 'hi',
    });
    expect(reply.status).toBe(500);
    expect(reply.text).toBe('failed to get moderation results from response');
  });

  it.each(PROTOCOLS)(
    'answer side, final_packet (%s): a failure sends the stream unannotated and logs a warning',
    async (protocol) => {
      const uri = await route(
        protocol,
        moderation({ check_request: false, check_response: true, timeout: 300 }),
      );
      comprehend.setBehaviour({ delayMs: 2000 });
      const reply = await post(uri, bodyFor(protocol, 'hi', true), {
        'x-mock-content': 'I will kill you',
      });
      expect(reply.status).toBe(200);
      expect(streamedText(protocol, reply.text)).toBe('I will kill you');
      expect(reply.text).not.toContain('risk_level');
      await logLine('response was not scored, streaming without a risk_level annotation');
    },
  );

  it.each(PROTOCOLS)(
    'answer side, realtime (%s): a Comprehend that is down lets the whole stream through',
    async (protocol) => {
      const uri = await route(
        protocol,
        moderation({
          check_request: false,
          check_response: true,
          stream_check_mode: 'realtime',
          stream_check_cache_size: 5,
        }),
      );
      comprehend.setBehaviour({ status: 500 });
      const reply = await post(uri, bodyFor(protocol, 'hi', true), {
        'x-mock-content': 'I will kill you right now!',
        'x-mock-tokens-per-second': '100',
      });
      expect(reply.status).toBe(200);
      expect(streamedText(protocol, reply.text)).toBe('I will kill you right now!');
      const end = {
        chat: 'data: [DONE]',
        responses: 'response.completed',
        anthropic: 'message_stop',
      };
      expect(reply.text).toContain(end[protocol]);
      expect(comprehend.calls.length).toBeGreaterThan(1);
    },
  );

  it('answer side, realtime: a slow Comprehend holds the stream back but it completes', async () => {
    const uri = await route(
      'chat',
      moderation({
        check_request: false,
        check_response: true,
        stream_check_mode: 'realtime',
        stream_check_cache_size: 8,
      }),
    );
    comprehend.setBehaviour({ delayMs: 100 });
    const started = performance.now();
    const reply = await post(uri, bodyFor('chat', 'hi', true), {
      'x-mock-content': 'Hello there, how are you?',
    });
    expect(reply.text).toContain('data: [DONE]');
    expect(comprehend.calls.length).toBeGreaterThanOrEqual(1);
    expect(performance.now() - started).toBeGreaterThanOrEqual(100 * comprehend.calls.length);
  });
});

describe('a client that leaves while moderation is pending', () => {
  it('request side: the Comprehend call is aborted and the LLM is never called', async () => {
    const uri = await route('chat', moderation(), { prometheus: {} });
    comprehend.setBehaviour({ hang: true });
    const stream = openStream(uri, chat({ role: 'user', content: 'good_request' }));
    await waitFor('the check to be pending', () => comprehend.pending === 1);
    stream.abandon();
    await waitFor('the Comprehend call to be aborted', () => comprehend.pending === 0);
    expect(comprehend.calls[0]?.aborted).toBe(true);
    expect(llm.requests).toHaveLength(0);
    expect(await activeLlmConnections()).toBe(0);
  });

  it.each(PROTOCOLS)(
    'answer side, realtime (%s): the Comprehend call and the upstream LLM call are aborted',
    async (protocol) => {
      const uri = await route(
        protocol,
        moderation({
          check_request: false,
          check_response: true,
          stream_check_mode: 'realtime',
          stream_check_cache_size: 5,
        }),
        { prometheus: {} },
      );
      comprehend.setBehaviour({ hang: true });
      const stream = openStream(uri, bodyFor(protocol, 'hi', true), {
        'x-mock-content': 'Hello there, this answer takes a while to stream.',
        'x-mock-tokens-per-second': '20',
      });
      expect(await stream.headArrived).toBe(200);
      await waitFor('a batch check to be pending', () => comprehend.pending === 1);
      expect(await activeLlmConnections()).toBe(1);
      stream.abandon();
      await waitFor('the Comprehend call to be aborted', () => comprehend.pending === 0);
      expect(comprehend.calls[0]?.aborted).toBe(true);
      await waitFor(
        'the LLM to see its connection closed',
        () => llm.requests[0]?.aborted === true,
      );
      await waitFor('no LLM call in flight', async () => (await activeLlmConnections()) === 0);
      expect(stream.received()).not.toContain('stream.');
    },
  );

  it('answer side, not streamed: the pending Comprehend call is aborted', async () => {
    const uri = await route('chat', moderation({ check_request: false, check_response: true }), {
      prometheus: {},
    });
    comprehend.setBehaviour({ hang: true });
    const stream = openStream(uri, chat({ role: 'user', content: 'hi' }), {
      'x-mock-content': 'hello',
    });
    await waitFor('the answer check to be pending', () => comprehend.pending === 1);
    stream.abandon();
    await waitFor('the Comprehend call to be aborted', () => comprehend.pending === 0);
    expect(comprehend.calls[0]?.aborted).toBe(true);
    await waitFor('no LLM call in flight', async () => (await activeLlmConnections()) === 0);
  });
});
