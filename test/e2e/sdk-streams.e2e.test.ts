/**
 * Streams as the official SDKs see them (issue 16 items 1, 2 and 7), end to end (Admin API →
 * etcd → gateway node → mock LLM):
 * - (7) an OpenAI chat stream whose client did not ask for usage never gets the usage-only chunk
 *   (`"choices": []`) the gateway asked for to count tokens; a client that asked gets it;
 * - (2) a stream the LLM cuts mid-way ends with the client protocol's own error event, so the
 *   SDK raises it: the Anthropic SDKs (1.17 and 0.137) throw an `APIError` from `for await`, the
 *   openai SDK's Responses stream ends with `response.failed`, its chat stream throws;
 * - (1) aborted and cut streams, in every protocol, are charged within 10% of the tokens the
 *   client received (decision D5), Anthropic's `message_start` placeholder (1 output token)
 *   included.
 * Charges are read from ai-rate-limiting (`limit_strategy: completion_tokens`): each case has its
 * own route, so its own counter, and probes that cost 0 completion tokens.
 */
import AnthropicSdk, { APIError as AnthropicApiError } from '@anthropic-ai/sdk';
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import { startCluster, untilServed, waitFor, type Cluster } from '@tollgate/testkit';
import AnthropicSdk0137 from 'anthropic-sdk-0137';
import OpenAI, { APIError as OpenAiApiError } from 'openai';

jest.setTimeout(90_000);

/** 80 "tokens" of 4 characters (the mock streams its text 4 characters an event). */
const TOKENS = Array.from({ length: 80 }, (_, i) => `w${String(i).padStart(2, '0')} `);
const CONTENT = TOKENS.join('');
const LIMIT = 1_000_000;
/** The mock's events before the first text delta: chat 1 (role), Anthropic 3, Responses 3. */
const CUT_AFTER = 40;
/** How many text deltas an aborting client reads before it leaves. */
const ABORT_AFTER = 30;

let cluster: Cluster;
let llm: MockLlm;
let gatewayUrl: (path: string) => string;
let routes = 0;

/** A fresh route `/sN/*` (its own quota counter) with one instance of `provider`. */
async function route(provider: 'openai' | 'anthropic'): Promise<{ prefix: string; name: string }> {
  routes += 1;
  const prefix = `/s${routes}`;
  const name = `${provider}-${routes}`;
  const res = await cluster.admin.put(`/apisix/admin/routes/sdk-streams-${routes}`, {
    uri: `${prefix}/*`,
    plugins: {
      'ai-proxy-multi': {
        instances: [
          {
            name,
            provider,
            weight: 1,
            auth: {
              header:
                provider === 'anthropic'
                  ? { 'x-api-key': 'key-llm' }
                  : { Authorization: 'Bearer key-llm' },
            },
            override: { endpoint: llm.url },
          },
        ],
      },
      'ai-rate-limiting': { limit: LIMIT, time_window: 3600, limit_strategy: 'completion_tokens' },
    },
  });
  if (res.status !== 201) throw new Error(`route ${prefix}: ${res.status} ${res.text}`);
  await untilServed(cluster.gateways, `${prefix}/v1/models`, (status) => status !== 404);
  return { prefix, name };
}

/** Completion tokens charged so far on a route, read from a probe that costs none. */
async function charged(r: { prefix: string; name: string }, anthropic: boolean): Promise<number> {
  const res = await fetch(
    gatewayUrl(`${r.prefix}/v1/${anthropic ? 'messages' : 'chat/completions'}`),
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Mock-Usage': '1,0' },
      body: JSON.stringify({
        model: 'm',
        max_tokens: 16,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    },
  );
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`probe ${r.prefix}: ${res.status}`);
  return LIMIT - Number(res.headers.get(`x-ai-ratelimit-remaining-${r.name}`));
}

/** Wait until the route shows a charge (a left client is settled just after it leaves). */
const settledCharge = (r: { prefix: string; name: string }, anthropic: boolean) =>
  waitFor(
    `a charge on ${r.prefix}`,
    async () => {
      const n = await charged(r, anthropic);
      return n > 0 ? n : undefined;
    },
    10_000,
  );

/** Stream a message with the Anthropic SDK and leave after ABORT_AFTER deltas; the deltas seen. */
async function abortedClaudeStream(prefix: string): Promise<number> {
  const stream = await claude(prefix).messages.create({
    model: 'claude-x',
    max_tokens: 1024,
    messages: MESSAGES,
    stream: true,
  });
  let deltas = 0;
  for await (const event of stream) {
    if (event.type === 'content_block_delta') deltas += 1;
    if (deltas === ABORT_AFTER) break; // aborts the request
  }
  return deltas;
}

function expectWithin10Percent(chargedTokens: number, delivered: number): void {
  process.stdout.write(`delivered ${delivered} tokens, charged ${chargedTokens}\n`);
  expect(delivered).toBeGreaterThan(10);
  expect(Math.abs(chargedTokens - delivered)).toBeLessThanOrEqual(delivered * 0.1);
}

const MESSAGES = [{ role: 'user' as const, content: 'Count for me' }];

const openai = (prefix: string) =>
  new OpenAI({ apiKey: 'sk-client', baseURL: gatewayUrl(`${prefix}/v1`), maxRetries: 0 });

const claude = (prefix: string) =>
  new AnthropicSdk({ apiKey: 'sk-client', baseURL: gatewayUrl(prefix), maxRetries: 0 });

beforeAll(async () => {
  llm = await startMockLlm({ name: 'llm', apiKeys: ['key-llm'], behaviour: { content: CONTENT } });
  cluster = await startCluster(1, 1);
  const gateway = cluster.gateways[0];
  if (!gateway) throw new Error('no gateway');
  gatewayUrl = (path) => gateway.url(path);
});
afterAll(async () => {
  await cluster?.destroy();
  await llm?.close();
});
afterEach(() => llm.resetBehaviour());

describe('(7) the usage chunk of an OpenAI chat stream', () => {
  it('is not forwarded to a client that did not ask for usage: every chunk has choices[0]', async () => {
    const r = await route('openai');
    const stream = await openai(r.prefix).chat.completions.create({
      model: 'gpt-4o',
      messages: MESSAGES,
      stream: true,
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(TOKENS.length);
    expect(chunks.filter((c) => c.choices.length === 0)).toEqual([]);
    expect(chunks.every((c) => c.choices[0] !== undefined)).toBe(true);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(CONTENT);
    // The gateway still asked for usage upstream, and charged it exactly.
    expect(llm.requests.at(-1)?.json).toMatchObject({ stream_options: { include_usage: true } });
    expect(await charged(r, false)).toBe(TOKENS.length);
  });

  it('reaches a client that asked for it, unchanged', async () => {
    const r = await route('openai');
    const stream = await openai(r.prefix).chat.completions.create({
      model: 'gpt-4o',
      messages: MESSAGES,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toMatchObject({ completion_tokens: TOKENS.length });
  });
});

describe('(2) a stream the LLM cuts mid-way is raised by the SDK, and (1) charged what was delivered', () => {
  it('@anthropic-ai/sdk 1.17 messages.stream: for await throws an APIError', async () => {
    const r = await route('anthropic');
    const stream = claude(r.prefix).messages.stream(
      { model: 'claude-x', max_tokens: 1024, messages: MESSAGES },
      { headers: { 'X-Mock-Cut-After-Events': String(CUT_AFTER) } },
    );
    let text = '';
    let deltas = 0;
    let thrown: unknown;
    try {
      for await (const event of stream) {
        if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
          text += event.delta.text;
          deltas += 1;
        }
      }
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(AnthropicApiError);
    expect((thrown as AnthropicApiError).message).toContain('upstream');
    expect(CONTENT.startsWith(text)).toBe(true);
    expect(deltas).toBe(CUT_AFTER - 3);
    // Not message_start's placeholder of 1 output token.
    expectWithin10Percent(await charged(r, true), deltas);
  });

  it('@anthropic-ai/sdk 0.137 messages.create({stream: true}): for await throws an APIError', async () => {
    const r = await route('anthropic');
    const sdk = new AnthropicSdk0137({
      apiKey: 'sk-client',
      baseURL: gatewayUrl(r.prefix),
      maxRetries: 0,
    });
    const stream = await sdk.messages.create(
      { model: 'claude-x', max_tokens: 1024, messages: MESSAGES, stream: true },
      { headers: { 'X-Mock-Cut-After-Events': String(CUT_AFTER) } },
    );
    let deltas = 0;
    await expect(
      (async () => {
        for await (const event of stream) if (event.type === 'content_block_delta') deltas += 1;
      })(),
    ).rejects.toMatchObject({ error: { type: 'error', error: { type: 'api_error' } } });
    expect(deltas).toBe(CUT_AFTER - 3);
  });

  it('openai responses stream: ends with response.failed (status failed, an error)', async () => {
    const r = await route('openai');
    const stream = await openai(r.prefix).responses.create(
      { model: 'gpt-4o', input: 'Count for me', stream: true },
      { headers: { 'X-Mock-Cut-After-Events': String(CUT_AFTER) } },
    );
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const deltas = events.filter((e) => e.type === 'response.output_text.delta').length;
    expect(deltas).toBe(CUT_AFTER - 3);
    const last = events.at(-1);
    expect(last?.type).toBe('response.failed');
    if (last?.type !== 'response.failed') throw new Error('no response.failed');
    expect(last.response.status).toBe('failed');
    expect(last.response.error?.message).toContain('upstream');
    const created = events[0];
    if (created?.type !== 'response.created') throw new Error('no response.created');
    expect(last.response.id).toBe(created.response.id);
    expect(last.sequence_number).toBe((events.at(-2)?.sequence_number ?? -2) + 1);
    expectWithin10Percent(await charged(r, false), deltas);
  });

  it('openai chat stream: for await throws an APIError', async () => {
    const r = await route('openai');
    const stream = await openai(r.prefix).chat.completions.create(
      { model: 'gpt-4o', messages: MESSAGES, stream: true },
      { headers: { 'X-Mock-Cut-After-Events': String(CUT_AFTER) } },
    );
    let deltas = 0;
    let thrown: unknown;
    try {
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) deltas += 1;
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(OpenAiApiError);
    expect(deltas).toBe(CUT_AFTER - 1);
    expectWithin10Percent(await charged(r, false), deltas);
  });
});

describe('(1) a stream the client aborts is charged what was delivered', () => {
  beforeEach(() => llm.setBehaviour({ tokensPerSecond: 50 }));

  it('anthropic-messages (message_start reported 1 output token)', async () => {
    const r = await route('anthropic');
    const deltas = await abortedClaudeStream(r.prefix);
    expectWithin10Percent(await settledCharge(r, true), deltas);
  });

  it('anthropic-messages converted to an OpenAI-compatible instance (cut by the LLM, then aborted)', async () => {
    const r = await route('openai');
    // Cut upstream: the converted stream ends with Anthropic's error event, the SDK throws.
    const cut = claude(r.prefix).messages.stream(
      { model: 'claude-x', max_tokens: 1024, messages: MESSAGES },
      { headers: { 'X-Mock-Cut-After-Events': String(CUT_AFTER) } },
    );
    let cutDeltas = 0;
    await expect(
      (async () => {
        for await (const event of cut) {
          if (event.type === 'content_block_delta') cutDeltas += 1;
        }
      })(),
    ).rejects.toBeInstanceOf(AnthropicApiError);
    expectWithin10Percent(await settledCharge(r, true), cutDeltas);
    const before = await charged(r, true);
    const deltas = await abortedClaudeStream(r.prefix);
    const after = await waitFor(
      `the aborted stream's charge on ${r.prefix}`,
      async () => {
        const n = await charged(r, true);
        return n > before ? n : undefined;
      },
      10_000,
    );
    expectWithin10Percent(after - before, deltas);
  });

  it('openai-chat', async () => {
    const r = await route('openai');
    const stream = await openai(r.prefix).chat.completions.create({
      model: 'gpt-4o',
      messages: MESSAGES,
      stream: true,
    });
    let deltas = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) deltas += 1;
      if (deltas === ABORT_AFTER) break;
    }
    expectWithin10Percent(await settledCharge(r, false), deltas);
  });

  it('openai-responses', async () => {
    const r = await route('openai');
    const stream = await openai(r.prefix).responses.create({
      model: 'gpt-4o',
      input: 'Count for me',
      stream: true,
    });
    let deltas = 0;
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') deltas += 1;
      if (deltas === ABORT_AFTER) break;
    }
    expectWithin10Percent(await settledCharge(r, false), deltas);
  });
});
