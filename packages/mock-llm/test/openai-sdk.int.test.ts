// The official OpenAI SDK talks to the mock directly (it is what users point at it).
import OpenAI from 'openai';
import { embeddingFor, startMockLlm, type MockLlm } from '../src';

let llm: MockLlm;
let client: OpenAI;

beforeAll(async () => {
  llm = await startMockLlm({ name: 'sdk', apiKeys: ['sk-test'] });
  client = new OpenAI({
    apiKey: 'sk-test',
    baseURL: `${llm.url}/v1`,
    maxRetries: 0,
    timeout: 5000,
  });
});
afterEach(() => {
  llm.clear();
  llm.resetBehaviour();
});
afterAll(() => llm.close());

const messages = [{ role: 'user' as const, content: 'What is 1+1?' }];

it('creates a chat completion', async () => {
  const res = await client.chat.completions.create({ model: 'gpt-4o', messages });
  expect(res.choices[0]?.message.content).toBe('Hello from sdk: What is 1+1?');
  expect(res.model).toBe('gpt-4o');
  expect(res.usage).toEqual({ prompt_tokens: 3, completion_tokens: 7, total_tokens: 10 });
  expect(llm.requests[0]?.headers.authorization).toBe('Bearer sk-test');
});

it('streams a chat completion with include_usage', async () => {
  const stream = await client.chat.completions.create({
    model: 'gpt-4o',
    messages,
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  let usage: OpenAI.CompletionUsage | null | undefined;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    if (chunk.usage) usage = chunk.usage;
  }
  expect(text).toBe('Hello from sdk: What is 1+1?');
  expect(usage).toEqual({ prompt_tokens: 3, completion_tokens: 7, total_tokens: 10 });
});

it('creates embeddings (the SDK asks for base64 and decodes it)', async () => {
  const res = await client.embeddings.create({
    model: 'text-embedding-3-small',
    input: ['hello', 'world'],
  });
  expect(res.data).toHaveLength(2);
  expect(res.data[0]?.embedding).toEqual(embeddingFor('hello', 8));
  expect(res.usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });
});

it('creates a response', async () => {
  const res = await client.responses.create({ model: 'gpt-4.1', input: 'hi' });
  expect(res.output_text).toBe('Hello from sdk: hi');
  expect(res.usage?.total_tokens).toBe(6);
});

it('surfaces simulated errors as the SDK error classes', async () => {
  llm.setBehaviour({ status: 429, retryAfter: 1 });
  const err = await client.chat.completions
    .create({ model: 'gpt-4o', messages })
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OpenAI.RateLimitError);
  expect((err as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('1');
  const bad = new OpenAI({ apiKey: 'sk-wrong', baseURL: `${llm.url}/v1`, maxRetries: 0 });
  await expect(bad.chat.completions.create({ model: 'gpt-4o', messages })).rejects.toBeInstanceOf(
    OpenAI.AuthenticationError,
  );
});
