/**
 * Issue 16 items 3–6 with the official SDKs against a real gateway (Admin API → etcd → gateway →
 * mock LLM): the client protocol's error object on gateway-made refusals, Retry-After on a quota
 * 429, key-auth's `sdk_key_headers`, and `GET /v1/models`.
 */
import AnthropicSdk, { APIError as AnthropicError } from '@anthropic-ai/sdk';
import { createOpenAI } from '@ai-sdk/openai';
import { ChatOpenAI } from '@langchain/openai';
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import { startCluster, putRoute, waitFor, type Cluster } from '@tollgate/testkit';
import { APICallError, generateText } from 'ai';
import Anthropic0137 from 'anthropic-sdk-0137';
import OpenAI, { AuthenticationError, RateLimitError } from 'openai';

jest.setTimeout(60_000);

const KEY = 'sk-jack-1';

let cluster: Cluster;
let llm: MockLlm;
let gateway: (path: string) => string;

const openaiInstance = (name: string, model: string) => ({
  name,
  provider: 'openai',
  weight: 1,
  auth: { header: { Authorization: `Bearer key-${llm.name}` } },
  options: { model },
  override: { endpoint: llm.url },
});

const anthropicProxy = () => ({
  provider: 'anthropic',
  auth: { header: { 'x-api-key': `key-${llm.name}` } },
  options: { model: 'claude-sonnet-4-5' },
  override: { endpoint: llm.url },
});

const KEY_AUTH = { 'key-auth': { sdk_key_headers: true, hide_credentials: true } };
/** A quota a single answer (17 + 9 tokens) uses up, answered with 429 as the SDKs expect. */
const QUOTA = {
  'ai-rate-limiting': { limit: 20, time_window: 3600, rejected_code: 429 },
};

const openai = (prefix: string, apiKey = KEY) =>
  new OpenAI({ apiKey, baseURL: gateway(`${prefix}/v1`), maxRetries: 0 });
const anthropic = (prefix: string, apiKey = KEY) =>
  new AnthropicSdk({ apiKey, baseURL: gateway(prefix), maxRetries: 0 });

const CHAT = { model: 'gpt-4o', messages: [{ role: 'user' as const, content: 'What is 1+1?' }] };
const MESSAGE = {
  model: 'claude-sonnet-4-5',
  max_tokens: 64,
  messages: [{ role: 'user' as const, content: 'What is 1+1?' }],
};

async function caught(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  llm = await startMockLlm({
    name: 'sdk-errors',
    apiKeys: ['key-sdk-errors'],
    behaviour: { content: 'Two.', usage: { prompt: 17, completion: 9 } },
  });
  cluster = await startCluster(1, 1);
  const g = cluster.gateways[0];
  if (!g) throw new Error('no gateway');
  gateway = (path) => g.url(path);
  const consumer = await cluster.admin.put('/apisix/admin/consumers', {
    username: 'jack',
    plugins: { 'key-auth': { key: KEY } },
  });
  if (consumer.status !== 201 && consumer.status !== 200) throw new Error(consumer.text);
  await putRoute(cluster, 'open', '/open/v1/*', {
    ...KEY_AUTH,
    'ai-proxy-multi': {
      instances: [openaiInstance('gpt', 'gpt-4o'), openaiInstance('mini', 'gpt-4o-mini')],
    },
  });
  await putRoute(cluster, 'open-quota', '/quota/v1/*', {
    ...KEY_AUTH,
    ...QUOTA,
    'ai-proxy-multi': { instances: [openaiInstance('gpt', 'gpt-4o')] },
  });
  await putRoute(cluster, 'claude', '/claude/v1/*', {
    ...KEY_AUTH,
    ...QUOTA,
    'ai-proxy': anthropicProxy(),
  });
  await putRoute(cluster, 'down', '/down/v1/*', {
    ...KEY_AUTH,
    'ai-proxy': { ...anthropicProxy(), override: { endpoint: 'http://127.0.0.1:1' } },
  });
  await putRoute(cluster, 'apisix-bodies', '/plain/v1/*', {
    'key-auth': {},
    'ai-proxy-multi': {
      client_protocol_errors: false,
      instances: [openaiInstance('gpt', 'gpt-4o')],
    },
  });
  // The consumer reached the gateway once its key authenticates.
  await waitFor('consumer jack', async () => {
    const res = await fetch(gateway('/plain/v1/models'), { headers: { apikey: KEY } });
    return res.status !== 401;
  });
});
afterAll(async () => {
  await cluster?.destroy();
  await llm?.close();
});
beforeEach(() => llm.clear());

describe('item 5: key-auth reads the SDKs’ own key headers (sdk_key_headers)', () => {
  it('openai SDK: the key as Authorization: Bearer authenticates; the LLM gets its own key', async () => {
    const completion = await openai('/open').chat.completions.create(CHAT);
    expect(completion.choices[0]?.message.content).toBe('Two.');
    expect(llm.requests.at(-1)?.headers.authorization).toBe('Bearer key-sdk-errors');
  });

  it('@anthropic-ai/sdk: the key as x-api-key authenticates; the LLM gets its own key', async () => {
    const message = await anthropic('/claude').messages.create(MESSAGE);
    expect(message.type).toBe('message');
    expect(llm.requests.at(-1)?.headers['x-api-key']).toBe('key-sdk-errors');
  });

  it('a bearer token with a lowercase scheme authenticates', async () => {
    const res = await fetch(gateway('/open/v1/chat/completions'), {
      method: 'POST',
      headers: { authorization: `bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(CHAT),
    });
    expect(res.status).toBe(200);
  });
});

describe('item 3: gateway-made refusals carry the client protocol’s error object', () => {
  it('openai SDK: a missing key is an AuthenticationError with key-auth’s reason', async () => {
    const err = await caught(() => openai('/open', 'sk-unknown').chat.completions.create(CHAT));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as AuthenticationError).message).toBe('401 Invalid API key in request');
    expect((err as AuthenticationError).code).toBe('invalid_api_key');
  });

  it('the raw body keeps APISIX’s message and adds OpenAI’s error', async () => {
    const res = await fetch(gateway('/open/v1/chat/completions'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(CHAT),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('apikey realm="key"');
    expect(await res.json()).toEqual({
      message: 'Missing API key in request',
      error: {
        message: 'Missing API key in request',
        type: 'invalid_request_error',
        code: 'invalid_api_key',
      },
    });
  });

  it('@anthropic-ai/sdk 1.17 and 0.137: a bad key is an authentication_error with the reason', async () => {
    const err = await caught(() => anthropic('/claude', 'sk-unknown').messages.create(MESSAGE));
    expect(err).toBeInstanceOf(AnthropicError);
    expect((err as AnthropicError).status).toBe(401);
    expect((err as AnthropicError).type).toBe('authentication_error');
    expect((err as AnthropicError).message).toContain('Invalid API key in request');
    const old = new Anthropic0137({
      apiKey: 'sk-unknown',
      baseURL: gateway('/claude'),
      maxRetries: 0,
    });
    const err0137 = await caught(() => old.messages.create(MESSAGE));
    expect((err0137 as { type?: unknown }).type).toBe('authentication_error');
  });

  it('client_protocol_errors: false keeps APISIX’s body only, where the default adds', async () => {
    const refuse = (prefix: string) =>
      fetch(gateway(`${prefix}/v1/chat/completions`), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(CHAT),
      });
    const [plain, extended] = await Promise.all([refuse('/plain'), refuse('/open')]);
    expect([plain.status, extended.status]).toEqual([401, 401]);
    expect(await plain.text()).toBe('{"message":"Missing API key in request"}\n');
    expect(await extended.text()).not.toBe('{"message":"Missing API key in request"}\n');
  });
});

describe('item 3: failures only Tollgate reports, in the client’s shape', () => {
  it('@anthropic-ai/sdk: an unreachable LLM is an api_error with the reason', async () => {
    const err = await caught(() => anthropic('/down').messages.create(MESSAGE));
    expect(err).toBeInstanceOf(AnthropicError);
    expect((err as AnthropicError).status).toBe(500);
    expect((err as AnthropicError).type).toBe('api_error');
    expect((err as AnthropicError).message).toContain('the LLM could not be reached');
  });
});

describe('the options through the Admin API', () => {
  it('refuses sdk_key_headers and client_protocol_errors that are not booleans', async () => {
    for (const plugins of [
      { 'key-auth': { sdk_key_headers: 'yes' }, 'ai-proxy': anthropicProxy() },
      { 'ai-proxy': { ...anthropicProxy(), client_protocol_errors: 'no' } },
    ]) {
      const res = await cluster.admin.put('/apisix/admin/routes/bad', { uri: '/bad', plugins });
      expect(res.status).toBe(400);
    }
  });
});

describe('items 3 and 4: a quota 429 says why and when to come back', () => {
  it('openai SDK: RateLimitError with the reason and Retry-After from the window', async () => {
    const sdk = openai('/quota');
    await sdk.chat.completions.create(CHAT); // 26 tokens: the 20-token window is used up
    const err = await caught(() => sdk.chat.completions.create(CHAT));
    expect(err).toBeInstanceOf(RateLimitError);
    const limited = err as RateLimitError;
    expect(limited.message).toBe('429 token rate limit exceeded: 20 tokens per 3600 seconds');
    expect(limited.code).toBe('rate_limit_exceeded');
    const retryAfter = Number(limited.headers?.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);
  });

  it('Vercel ai (generateText, @ai-sdk/openai): the error carries the reason', async () => {
    const provider = createOpenAI({ apiKey: KEY, baseURL: gateway('/quota/v1') });
    const err = await caught(() =>
      generateText({ model: provider.chat('gpt-4o'), prompt: 'What is 1+1?', maxRetries: 0 }),
    );
    expect(APICallError.isInstance(err)).toBe(true);
    expect((err as APICallError).statusCode).toBe(429);
    expect((err as APICallError).message).toBe(
      'token rate limit exceeded: 20 tokens per 3600 seconds',
    );
  });

  it('LangChain ChatOpenAI: the error carries the reason', async () => {
    const chat = new ChatOpenAI({
      model: 'gpt-4o',
      apiKey: KEY,
      configuration: { baseURL: gateway('/quota/v1') },
      maxRetries: 0,
    });
    const err = await caught(() => chat.invoke('What is 1+1?'));
    expect((err as Error).message).toContain('token rate limit exceeded');
  });

  it('@anthropic-ai/sdk: a rate_limit_error with the reason and Retry-After', async () => {
    const sdk = anthropic('/claude');
    await caught(async () => {
      await sdk.messages.create(MESSAGE);
      await sdk.messages.create(MESSAGE);
    });
    const err = await caught(() => sdk.messages.create(MESSAGE));
    expect(err).toBeInstanceOf(AnthropicError);
    const limited = err as AnthropicError;
    expect(limited.status).toBe(429);
    expect(limited.type).toBe('rate_limit_error');
    expect(limited.message).toContain('token rate limit exceeded');
    expect(Number(limited.headers?.get('retry-after'))).toBeGreaterThanOrEqual(3500);
  });
});

describe('item 6: GET /v1/models lists the route’s models', () => {
  it('openai SDK models.list(): OpenAI’s list shape, one entry per instance model', async () => {
    const page = await openai('/open').models.list();
    expect(page.data.map((m) => [m.id, m.object, m.owned_by])).toEqual([
      ['gpt-4o', 'model', 'openai'],
      ['gpt-4o-mini', 'model', 'openai'],
    ]);
    expect(page.data.every((m) => Number.isInteger(m.created))).toBe(true);
    expect(llm.requests).toHaveLength(0);
  });

  it('the raw answer is {"object":"list","data":[...]} and needs the key like any request', async () => {
    const res = await fetch(gateway('/claude/v1/models'), { headers: { 'x-api-key': KEY } });
    expect(await res.json()).toEqual({
      object: 'list',
      data: [
        {
          id: 'claude-sonnet-4-5',
          object: 'model',
          created: expect.any(Number) as number,
          owned_by: 'anthropic',
        },
      ],
    });
    const anonymous = await fetch(gateway('/claude/v1/models'));
    expect(anonymous.status).toBe(401);
  });
});
