/**
 * A real client: the official `openai` npm SDK (v6) pointed at the gateway, end to end
 * (Admin API → etcd → gateway node → mock LLM). The route serves `/v1/*` with ai-proxy-multi, so
 * the SDK's own paths (`/v1/chat/completions`, `/v1/embeddings`) reach it unchanged.
 */
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import { startCluster, untilServed, type Cluster } from '@tollgate/testkit';
import OpenAI, { RateLimitError } from 'openai';

jest.setTimeout(60_000);

const ANSWER = 'The sum of one and one is two, exactly.';

let cluster: Cluster;
let llm: MockLlm;
let limited: MockLlm;
let sdk: OpenAI;

const instance = (m: MockLlm) => ({
  name: m.name,
  provider: 'openai',
  weight: 1,
  auth: { header: { Authorization: `Bearer key-${m.name}` } },
  // No path: each protocol goes to the provider's own path (chat, embeddings).
  override: { endpoint: m.url },
});

async function route(id: string, uri: string, plugins: Record<string, unknown>): Promise<void> {
  const res = await cluster.admin.put(`/apisix/admin/routes/${id}`, { uri, plugins });
  if (res.status !== 201) throw new Error(`route ${id}: ${res.status} ${res.text}`);
  await untilServed(cluster.gateways, uri.replace('*', 'models'), (status) => status !== 404);
}

beforeAll(async () => {
  llm = await startMockLlm({
    name: 'sdk',
    apiKeys: ['key-sdk'],
    behaviour: { content: ANSWER, usage: { prompt: 17, completion: 9 } },
  });
  limited = await startMockLlm({
    name: 'limited',
    apiKeys: ['key-limited'],
    behaviour: { status: 429, retryAfter: 1, content: 'Rate limit reached for requests' },
  });
  cluster = await startCluster(1, 2);
  await route('sdk', '/v1/*', {
    'ai-proxy-multi': { instances: [instance(llm)] },
  });
  await route('sdk-limited', '/limited/v1/*', {
    'ai-proxy-multi': { fallback_strategy: ['http_429'], instances: [instance(limited)] },
  });
  const gateway = cluster.gateways[0];
  if (!gateway) throw new Error('no gateway');
  sdk = new OpenAI({ apiKey: 'sk-client', baseURL: gateway.url('/v1'), maxRetries: 0 });
});
afterAll(async () => {
  await cluster?.destroy();
  await llm?.close();
  await limited?.close();
});
beforeEach(() => {
  llm.clear();
  limited.clear();
});

const MESSAGES = [
  { role: 'system' as const, content: 'You are a mathematician' },
  { role: 'user' as const, content: 'What is 1+1?' },
];

it('chat.completions.create: the answer and its usage', async () => {
  const completion = await sdk.chat.completions.create({ model: 'gpt-4o', messages: MESSAGES });
  expect(completion.object).toBe('chat.completion');
  expect(completion.model).toBe('gpt-4o');
  expect(completion.choices[0]?.message).toMatchObject({ role: 'assistant', content: ANSWER });
  expect(completion.choices[0]?.finish_reason).toBe('stop');
  expect(completion.usage).toMatchObject({
    prompt_tokens: 17,
    completion_tokens: 9,
    total_tokens: 26,
  });
  const sent = llm.requests.at(-1);
  expect(sent?.path).toBe('/v1/chat/completions');
  expect(sent?.json).toEqual({ model: 'gpt-4o', messages: MESSAGES });
  // The instance's key replaced the client's.
  expect(sent?.headers.authorization).toBe('Bearer key-sdk');
});

it('stream: true with include_usage: the deltas make the answer, the last chunk carries usage', async () => {
  const stream = await sdk.chat.completions.create({
    model: 'gpt-4o',
    messages: MESSAGES,
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk);
    text += chunk.choices[0]?.delta?.content ?? '';
  }
  expect(text).toBe(ANSWER);
  expect(chunks.length).toBeGreaterThan(3);
  const last = chunks.at(-1);
  expect(last?.choices).toEqual([]);
  expect(last?.usage).toMatchObject({ prompt_tokens: 17, completion_tokens: 9, total_tokens: 26 });
  // Only the last chunk has usage (the others carry `usage: null`).
  expect(chunks.slice(0, -1).every((c) => c.usage == null)).toBe(true);
  expect(chunks.some((c) => c.choices[0]?.finish_reason === 'stop')).toBe(true);
  expect(llm.requests.at(-1)?.json).toMatchObject({
    stream: true,
    stream_options: { include_usage: true },
  });
});

it('a stream without stream_options gets no usage chunk (the gateway asks for it, records it, keeps it)', async () => {
  const stream = await sdk.chat.completions.create({
    model: 'gpt-4o',
    messages: MESSAGES,
    stream: true,
  });
  let text = '';
  let usage: OpenAI.Completions.CompletionUsage | null | undefined;
  for await (const chunk of stream) {
    // Every chunk has choices[0] (issue 16 item 7): no usage-only chunk with `choices: []`.
    expect(chunk.choices[0]).toBeDefined();
    text += chunk.choices[0]?.delta?.content ?? '';
    usage = chunk.usage ?? usage;
  }
  expect(text).toBe(ANSWER);
  expect(usage).toBeUndefined();
  expect(llm.requests.at(-1)?.json).toMatchObject({ stream_options: { include_usage: true } });
});

it('embeddings.create: vectors (base64 by default in the SDK) and usage', async () => {
  const res = await sdk.embeddings.create({
    model: 'text-embedding-3-small',
    input: ['hello', 'world'],
    dimensions: 16,
  });
  expect(res.object).toBe('list');
  expect(res.data).toHaveLength(2);
  for (const item of res.data) {
    expect(item.embedding).toHaveLength(16);
    const norm = Math.sqrt(item.embedding.reduce((s, x) => s + x * x, 0));
    expect(norm).toBeCloseTo(1, 4);
  }
  expect(res.usage.prompt_tokens).toBeGreaterThan(0);
  const sent = llm.requests.at(-1);
  expect(sent?.path).toBe('/v1/embeddings');
  expect(sent?.json).toMatchObject({
    input: ['hello', 'world'],
    dimensions: 16,
    encoding_format: 'base64',
  });
  // The same text gets the same vector through the gateway.
  const again = await sdk.embeddings.create({
    model: 'text-embedding-3-small',
    input: 'hello',
    dimensions: 16,
  });
  expect(again.data[0]?.embedding).toEqual(res.data[0]?.embedding);
});

it('a 429 from a single-instance route surfaces as RateLimitError', async () => {
  const gateway = cluster.gateways[0];
  if (!gateway) throw new Error('no gateway');
  const client = new OpenAI({
    apiKey: 'sk-client',
    baseURL: gateway.url('/limited/v1'),
    maxRetries: 0,
  });
  const error = await client.chat.completions.create({ model: 'gpt-4o', messages: MESSAGES }).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(RateLimitError);
  const rateLimit = error as RateLimitError;
  expect(rateLimit.status).toBe(429);
  expect(rateLimit.message).toContain('Rate limit reached for requests');
  // A single instance is never retried, even with http_429 in fallback_strategy (spec §1.5).
  expect(limited.requests).toHaveLength(1);
});
