/**
 * Protocol conversion end to end (issue 16): the official `@anthropic-ai/sdk` against a route
 * whose instance is an OpenAI-compatible (vLLM-like) mock, and the official `openai` SDK against
 * an anthropic-provider route whose endpoint serves `/v1/messages`. Each direction: a plain
 * answer, a stream, tool use, and quotas charged exactly what the client was told it used.
 */
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import Anthropic0137 from 'anthropic-sdk-0137';
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import { httpRequest, startCluster, gatewayUrl, putRoute, type Cluster } from '@tollgate/testkit';
import OpenAI from 'openai';
import { createOpenAI } from '@ai-sdk/openai';
import { ChatOpenAI } from '@langchain/openai';
import { generateText, streamText } from 'ai';

jest.setTimeout(90_000);

const ANSWER = 'The sum of one and one is two, exactly.';
const LIMIT = 1_000_000;

let cluster: Cluster;
let vllm: MockLlm;
let claude: MockLlm;
let anthropic: Anthropic;
let openai: OpenAI;
let responses: OpenAI;

beforeAll(async () => {
  const fixturesDir = path.join(__dirname, 'fixtures', 'protocol-conversion');
  vllm = await startMockLlm({
    name: 'vllm',
    apiKeys: ['key-vllm'],
    fixturesDir,
    behaviour: { content: ANSWER, usage: { prompt: 17, completion: 9 } },
  });
  claude = await startMockLlm({
    name: 'claude',
    fixturesDir,
    behaviour: { content: ANSWER, usage: { prompt: 21, completion: 11 } },
  });
  cluster = await startCluster(1, 1);
  await putRoute(cluster, 'conv-anthropic', '/anthropic/*', {
    'ai-proxy': {
      provider: 'openai-compatible',
      auth: { header: { Authorization: 'Bearer key-vllm' } },
      options: { model: 'Qwen/Qwen2.5-32B-Instruct' },
      override: { endpoint: vllm.url },
    },
    'ai-rate-limiting': { limit: LIMIT, time_window: 3600 },
  });
  await putRoute(cluster, 'conv-openai', '/openai/*', {
    'ai-proxy': {
      provider: 'anthropic',
      auth: { header: { 'x-api-key': 'key-claude' } },
      override: { endpoint: `${claude.url}/v1/messages` },
    },
    'ai-rate-limiting': { limit: LIMIT, time_window: 3600 },
  });
  // APISIX t/plugin/ai-proxy-protocol-conversion.t: an openai provider at an exact /v1/messages URI.
  await putRoute(cluster, 'conv-apisix', '/v1/messages', {
    'ai-proxy': {
      provider: 'openai',
      auth: { header: { Authorization: 'Bearer key-vllm' } },
      override: { endpoint: `${vllm.url}/v1/chat/completions` },
    },
  });
  await putRoute(cluster, 'conv-chat-responses', '/chat-responses/*', {
    'ai-proxy': {
      provider: 'openai-compatible',
      auth: { header: { Authorization: 'Bearer key-vllm' } },
      override: { endpoint: `${vllm.url}/v1/responses` },
    },
  });
  await putRoute(cluster, 'conv-responses', '/responses/*', {
    'ai-proxy': {
      provider: 'deepseek',
      auth: { header: { Authorization: 'Bearer key-vllm' } },
      override: { endpoint: vllm.url },
    },
    'ai-rate-limiting': { limit: LIMIT, time_window: 3600 },
  });
  responses = new OpenAI({
    apiKey: 'sk-client',
    baseURL: gatewayUrl(cluster, '/responses/v1'),
    maxRetries: 0,
  });
  anthropic = new Anthropic({
    apiKey: 'sk-ant-client',
    baseURL: gatewayUrl(cluster, '/anthropic'),
    maxRetries: 0,
  });
  openai = new OpenAI({
    apiKey: 'sk-client',
    baseURL: gatewayUrl(cluster, '/openai/v1'),
    maxRetries: 0,
  });
});
afterAll(async () => {
  await cluster?.destroy();
  await vllm?.close();
  await claude?.close();
});
beforeEach(() => {
  vllm.clear();
  claude.clear();
});

const remaining = (headers: Headers, instance: string): number =>
  Number(headers.get(`x-ai-ratelimit-remaining-ai-proxy-${instance}`));

const WEATHER_PARAMS = { type: 'object', properties: { location: { type: 'string' } } };

const TOOLS: Anthropic.Tool[] = [
  {
    name: 'get_weather',
    description: 'Get the current weather in a given location',
    input_schema: {
      type: 'object',
      properties: { location: { type: 'string' } },
      required: ['location'],
    },
  },
];

describe('@anthropic-ai/sdk → openai-compatible (vLLM-like) instance', () => {
  it('messages.create: converted request upstream, Anthropic message back', async () => {
    const { data: msg, response } = await anthropic.messages
      .create({
        model: 'claude-sonnet-4',
        max_tokens: 256,
        system: 'You are a mathematician',
        messages: [{ role: 'user', content: 'What is 1+1?' }],
      })
      .withResponse();
    expect(response.status).toBe(200);
    expect(msg.type).toBe('message');
    expect(msg.role).toBe('assistant');
    expect(msg.content).toEqual([{ type: 'text', text: ANSWER }]);
    expect(msg.stop_reason).toBe('end_turn');
    expect(msg.usage).toMatchObject({ input_tokens: 17, output_tokens: 9 });
    const sent = vllm.requests.at(-1);
    expect(sent?.path).toBe('/v1/chat/completions');
    expect(sent?.json).toEqual({
      model: 'Qwen/Qwen2.5-32B-Instruct',
      max_tokens: 256,
      max_completion_tokens: 256,
      messages: [
        { role: 'system', content: 'You are a mathematician' },
        { role: 'user', content: 'What is 1+1?' },
      ],
    });
  });

  it('messages.stream: text events, final message and usage from the OpenAI chunks', async () => {
    const stream = anthropic.messages.stream({
      model: 'claude-sonnet-4',
      max_tokens: 256,
      messages: [{ role: 'user', content: 'What is 1+1?' }],
    });
    const types: string[] = [];
    let text = '';
    stream.on('streamEvent', (ev) => types.push(ev.type));
    stream.on('text', (t) => (text += t));
    const final = await stream.finalMessage();
    expect(text).toBe(ANSWER);
    expect(final.content).toEqual([{ type: 'text', text: ANSWER }]);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage).toMatchObject({ input_tokens: 17, output_tokens: 9 });
    expect(types[0]).toBe('message_start');
    expect(types[1]).toBe('content_block_start');
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(types.filter((t) => t === 'content_block_delta').length).toBeGreaterThan(1);
    expect(vllm.requests.at(-1)?.json).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('@anthropic-ai/sdk 0.137: messages.stream over the same conversion', async () => {
    const old = new Anthropic0137({
      apiKey: 'sk-ant-client',
      baseURL: gatewayUrl(cluster, '/anthropic'),
      maxRetries: 0,
    });
    const stream = old.messages.stream({
      model: 'claude-sonnet-4',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'What is 1+1?' }],
    });
    let text = '';
    stream.on('text', (t) => (text += t));
    const final = await stream.finalMessage();
    expect(text).toBe(ANSWER);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage).toMatchObject({ input_tokens: 17, output_tokens: 9 });
  });

  it('tool use: tools converted upstream, tool_use blocks back (plain and streamed)', async () => {
    const msg = await anthropic.messages.create(
      {
        model: 'claude-sonnet-4',
        max_tokens: 256,
        tools: TOOLS,
        tool_choice: { type: 'any' },
        messages: [{ role: 'user', content: 'Weather in San Francisco?' }],
      },
      { headers: { 'X-AI-Fixture': 'openai/chat-tool-call.json' } },
    );
    expect(msg.stop_reason).toBe('tool_use');
    expect(msg.content).toEqual([
      {
        type: 'tool_use',
        id: 'call_abc123',
        name: 'get_weather',
        input: { location: 'San Francisco' },
      },
    ]);
    expect(msg.usage).toMatchObject({ input_tokens: 82, output_tokens: 17 });
    expect(vllm.requests.at(-1)?.json).toMatchObject({
      tool_choice: 'required',
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', parameters: TOOLS[0]?.input_schema },
        },
      ],
    });

    const stream = anthropic.messages.stream(
      {
        model: 'claude-sonnet-4',
        max_tokens: 256,
        tools: TOOLS,
        messages: [
          { role: 'user', content: 'Weather in San Francisco?' },
          { role: 'assistant', content: [{ ...msg.content[0] } as Anthropic.ToolUseBlockParam] },
          {
            role: 'user',
            content: [{ type: 'tool_result', tool_use_id: 'call_abc123', content: 'sunny' }],
          },
        ],
      },
      { headers: { 'X-AI-Fixture': 'openai/chat-tool-call-streaming.sse' } },
    );
    const json: string[] = [];
    stream.on('inputJson', (partial) => json.push(partial));
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content).toEqual([
      {
        type: 'tool_use',
        id: 'call_abc123',
        name: 'get_weather',
        input: { location: 'San Francisco' },
      },
    ]);
    expect(json.length).toBe(3);
    expect(final.usage).toMatchObject({ input_tokens: 82, output_tokens: 17 });
    // The history went upstream in OpenAI's shape: tool_calls, then the tool message.
    expect((vllm.requests.at(-1)?.json as { messages: unknown[] }).messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_abc123',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"location":"San Francisco"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_abc123', content: 'sunny' },
    ]);
  });

  it('quota: each request is charged exactly the usage the client was told', async () => {
    const ask = {
      model: 'm',
      max_tokens: 64,
      messages: [{ role: 'user' as const, content: 'hi' }],
    };
    const first = await anthropic.messages.create(ask).withResponse();
    const streamed = await anthropic.messages.create({ ...ask, stream: true }).withResponse();
    let usage = { input: 0, output: 0 };
    for await (const ev of streamed.data) {
      if (ev.type === 'message_delta') {
        usage = { input: ev.usage.input_tokens ?? 0, output: ev.usage.output_tokens };
      }
    }
    const third = await anthropic.messages.create(ask).withResponse();
    const r = (h: Headers) => remaining(h, 'openai-compatible');
    const firstTotal = first.data.usage.input_tokens + first.data.usage.output_tokens;
    expect(firstTotal).toBe(26);
    expect(r(first.response.headers) - r(streamed.response.headers)).toBe(firstTotal);
    expect(usage.input + usage.output).toBe(26);
    expect(r(streamed.response.headers) - r(third.response.headers)).toBe(26);
  });
});

describe('openai SDK → anthropic provider at /v1/messages', () => {
  it('chat.completions.create: converted request upstream, chat completion back', async () => {
    const completion = await openai.chat.completions.create({
      model: 'claude-sonnet-4',
      messages: [
        { role: 'system', content: 'You are a mathematician' },
        { role: 'user', content: 'What is 1+1?' },
      ],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.message).toMatchObject({ role: 'assistant', content: ANSWER });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({
      prompt_tokens: 21,
      completion_tokens: 11,
      total_tokens: 32,
    });
    const sent = claude.requests.at(-1);
    expect(sent?.path).toBe('/v1/messages');
    expect(sent?.headers['x-api-key']).toBe('key-claude');
    expect(sent?.json).toEqual({
      model: 'claude-sonnet-4',
      max_tokens: 4096,
      system: 'You are a mathematician',
      messages: [{ role: 'user', content: 'What is 1+1?' }],
    });
  });

  it('stream: chunks make the answer, finish_reason stop, usage chunk and [DONE]', async () => {
    const stream = await openai.chat.completions.create({
      model: 'claude-sonnet-4',
      messages: [{ role: 'user', content: 'What is 1+1?' }],
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
    expect(chunks[0]?.choices[0]?.delta?.role).toBe('assistant');
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'stop')).toBe(true);
    expect(chunks.at(-1)?.usage).toMatchObject({
      prompt_tokens: 21,
      completion_tokens: 11,
      total_tokens: 32,
    });
    expect(claude.requests.at(-1)?.json).toMatchObject({ stream: true, max_tokens: 4096 });
  });

  it('tools: tool_calls back, plain and streamed (runTools-style accumulation)', async () => {
    const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Get the current weather',
          parameters: WEATHER_PARAMS,
        },
      },
    ];
    const completion = await openai.chat.completions.create(
      {
        model: 'claude-sonnet-4',
        messages: [{ role: 'user', content: 'Weather in San Francisco?' }],
        tools,
        tool_choice: 'required',
      },
      { headers: { 'X-AI-Fixture': 'anthropic/messages-tool-use.json' } },
    );
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(completion.choices[0]?.message.content).toBe('Let me check.');
    expect(completion.choices[0]?.message.tool_calls).toEqual([
      {
        id: 'toolu_abc123',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"location":"San Francisco"}' },
      },
    ]);
    expect(claude.requests.at(-1)?.json).toMatchObject({
      tool_choice: { type: 'any' },
      tools: [{ name: 'get_weather', input_schema: WEATHER_PARAMS }],
    });

    const runner = openai.chat.completions.stream(
      {
        model: 'claude-sonnet-4',
        messages: [{ role: 'user', content: 'Weather in San Francisco?' }],
        tools,
      },
      { headers: { 'X-AI-Fixture': 'anthropic/messages-tool-use-streaming.sse' } },
    );
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(final.choices[0]?.message.content).toBe('Let me check.');
    expect(final.choices[0]?.message.tool_calls).toEqual([
      {
        id: 'toolu_abc123',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"location":"San Francisco"}' },
      },
    ]);
  });

  it('quota: each request is charged exactly the usage the client was told', async () => {
    const ask = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };
    const first = await openai.chat.completions.create(ask).withResponse();
    const streamed = await openai.chat.completions
      .create({ ...ask, stream: true, stream_options: { include_usage: true } })
      .withResponse();
    let total = 0;
    for await (const chunk of streamed.data) total = chunk.usage?.total_tokens ?? total;
    const third = await openai.chat.completions.create(ask).withResponse();
    const r = (h: Headers) => remaining(h, 'anthropic');
    expect(first.data.usage?.total_tokens).toBe(32);
    expect(r(first.response.headers) - r(streamed.response.headers)).toBe(32);
    expect(total).toBe(32);
    expect(r(streamed.response.headers) - r(third.response.headers)).toBe(32);
  });

  it('an Anthropic error answer reaches the openai SDK in its own shape', async () => {
    const err = await openai.chat.completions
      .create(
        { model: 'claude-sonnet-4', messages: [{ role: 'user', content: 'hi' }] },
        { headers: { 'X-Mock-Status': '400' } },
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    // Anthropic's body is {"type":"error","error":{"type",...}}: OpenAI's adds code and param.
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({
      type: 'invalid_request_error',
      code: 'invalid_request_error',
      param: null,
    });
  });
});

describe('openai SDK Responses API → deepseek (chat-only) provider', () => {
  it('responses.create: input and instructions as chat messages, a Response back', async () => {
    const res = await responses.responses.create({
      model: 'deepseek-chat',
      instructions: 'You are a mathematician',
      input: 'What is 1+1?',
      max_output_tokens: 64,
    });
    expect(res.object).toBe('response');
    expect(res.status).toBe('completed');
    expect(res.output_text).toBe(ANSWER);
    expect(res.usage).toMatchObject({ input_tokens: 17, output_tokens: 9, total_tokens: 26 });
    const sent = vllm.requests.at(-1);
    expect(sent?.path).toBe('/chat/completions');
    expect(sent?.json).toEqual({
      model: 'deepseek-chat',
      max_tokens: 64,
      messages: [
        { role: 'system', content: 'You are a mathematician' },
        { role: 'user', content: 'What is 1+1?' },
      ],
    });
  });

  it('responses.stream: text deltas, response.completed with usage, quota exact', async () => {
    const stream = responses.responses.stream({ model: 'deepseek-chat', input: 'What is 1+1?' });
    const types = new Set<string>();
    let text = '';
    for await (const ev of stream) {
      types.add(ev.type);
      if (ev.type === 'response.output_text.delta') text += ev.delta;
    }
    const final = await stream.finalResponse();
    expect(text).toBe(ANSWER);
    expect(final.output_text).toBe(ANSWER);
    expect(final.usage).toMatchObject({ input_tokens: 17, output_tokens: 9, total_tokens: 26 });
    expect([...types]).toEqual(
      expect.arrayContaining([
        'response.created',
        'response.output_item.added',
        'response.completed',
      ]),
    );
    const a = await responses.responses.create({ model: 'm', input: 'hi' }).withResponse();
    const b = await responses.responses.create({ model: 'm', input: 'hi' }).withResponse();
    const r = (h: Headers) => remaining(h, 'deepseek');
    expect(r(a.response.headers) - r(b.response.headers)).toBe(a.data.usage?.total_tokens);
    expect(a.data.usage?.total_tokens).toBe(26);
  });
});

describe('openai SDK Responses API → anthropic provider at /v1/messages (responses → chat → messages)', () => {
  const sdk = () => openai;

  it('responses.create and responses.stream: Messages upstream, a Response back, quota exact', async () => {
    const res = await sdk()
      .responses.create({
        model: 'claude-sonnet-4-5',
        instructions: 'You are a mathematician',
        input: 'What is 1+1?',
        max_output_tokens: 64,
      })
      .withResponse();
    expect(res.data.output_text).toBe(ANSWER);
    expect(res.data.usage).toMatchObject({ input_tokens: 21, output_tokens: 11, total_tokens: 32 });
    const sent = claude.requests.at(-1);
    expect(sent?.path).toBe('/v1/messages');
    expect(sent?.headers['x-api-key']).toBe('key-claude');
    expect(sent?.json).toMatchObject({
      model: 'claude-sonnet-4-5',
      max_tokens: 64,
      system: 'You are a mathematician',
      messages: [{ role: 'user', content: 'What is 1+1?' }],
    });
    const stream = sdk().responses.stream({ model: 'claude-sonnet-4-5', input: 'What is 1+1?' });
    let text = '';
    for await (const ev of stream) if (ev.type === 'response.output_text.delta') text += ev.delta;
    const final = await stream.finalResponse();
    expect(text).toBe(ANSWER);
    expect(final.usage).toMatchObject({ input_tokens: 21, output_tokens: 11 });
    const next = await sdk().responses.create({ model: 'm', input: 'hi' }).withResponse();
    const r = (h: Headers) => remaining(h, 'anthropic');
    // Two requests later (the stream between), Remaining fell by exactly both totals.
    expect(r(res.response.headers) - r(next.response.headers)).toBe(
      (final.usage?.total_tokens ?? 0) + (next.data.usage?.total_tokens ?? 0),
    );
  });
});

/** The events of an SSE body: `[event, data]`. */
function sseEvents(text: string): [string, Record<string, unknown>][] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? '{}';
      return [event, JSON.parse(data) as Record<string, unknown>];
    });
}

describe('Vercel ai 6 (@ai-sdk/openai, Responses API by default) → deepseek provider', () => {
  const provider = () => {
    return createOpenAI({ apiKey: 'sk-client', baseURL: gatewayUrl(cluster, '/responses/v1') });
  };

  it('generateText: the text and usage through responses → chat', async () => {
    const res = await generateText({
      model: provider()('deepseek-chat'),
      prompt: 'What is 1+1?',
      maxRetries: 0,
    });
    expect(res.text).toBe(ANSWER);
    expect(res.finishReason).toBe('stop');
    expect(res.usage).toMatchObject({ inputTokens: 17, outputTokens: 9, totalTokens: 26 });
    expect(vllm.requests.at(-1)?.path).toBe('/chat/completions');
  });

  it('streamText: the deltas and usage', async () => {
    const res = streamText({
      model: provider()('deepseek-chat'),
      prompt: 'What is 1+1?',
      maxRetries: 0,
    });
    let text = '';
    for await (const delta of res.textStream) text += delta;
    expect(text).toBe(ANSWER);
    expect(await res.usage).toMatchObject({ inputTokens: 17, outputTokens: 9, totalTokens: 26 });
    expect(await res.finishReason).toBe('stop');
  });
});

describe('@langchain/openai ChatOpenAI → anthropic provider at /v1/messages', () => {
  const chat = () => {
    return new ChatOpenAI({
      model: 'claude-sonnet-4',
      apiKey: 'sk-client',
      configuration: { baseURL: gatewayUrl(cluster, '/openai/v1') },
      maxRetries: 0,
    });
  };

  it('invoke and stream: text and token usage', async () => {
    const msg = await chat().invoke('What is 1+1?');
    expect(msg.content).toBe(ANSWER);
    expect(msg.usage_metadata).toMatchObject({
      input_tokens: 21,
      output_tokens: 11,
      total_tokens: 32,
    });
    let text = '';
    for await (const part of await chat().stream('What is 1+1?')) text += part.text;
    expect(text).toBe(ANSWER);
    expect(claude.requests.at(-1)?.json).toMatchObject({ stream: true, max_tokens: 4096 });
  });
});

describe('openai SDK chat → an endpoint that serves only the Responses API', () => {
  const sdk = () => {
    return new OpenAI({
      apiKey: 'sk',
      baseURL: gatewayUrl(cluster, '/chat-responses/v1'),
      maxRetries: 0,
    });
  };

  it('chat.completions.create and a stream, answered through /v1/responses', async () => {
    const completion = await sdk().chat.completions.create({
      model: 'gpt-5-pro',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'What is 1+1?' }],
    });
    expect(completion.choices[0]?.message.content).toBe(ANSWER);
    expect(completion.usage).toMatchObject({
      prompt_tokens: 17,
      completion_tokens: 9,
      total_tokens: 26,
    });
    const sent = vllm.requests.at(-1);
    expect(sent?.path).toBe('/v1/responses');
    expect(sent?.json).toEqual({
      model: 'gpt-5-pro',
      max_output_tokens: 64,
      input: [{ role: 'user', content: 'What is 1+1?' }],
    });
    const stream = await sdk().chat.completions.create({
      model: 'gpt-5-pro',
      messages: [{ role: 'user', content: 'What is 1+1?' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let total = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      total = chunk.usage?.total_tokens ?? total;
    }
    expect(text).toBe(ANSWER);
    expect(total).toBe(26);
  });
});

describe('APISIX t/plugin/ai-proxy-protocol-conversion.t, end to end', () => {
  const post = (body: unknown, headers: Record<string, string> = {}) => {
    return httpRequest('POST', gatewayUrl(cluster, '/v1/messages'), {
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });
  };

  it('TEST 2: an Anthropic request on /v1/messages is answered in Anthropic shape', async () => {
    const res = await post({
      model: 'claude-3-5-sonnet-20241022',
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ type: 'message', content: [{ type: 'text', text: ANSWER }] });
  });

  it.each([
    ['TEST 3: no messages', { model: 'claude-3-5-sonnet-20241022' }],
    ['TEST 5: messages not an array', { model: 'c', messages: 'hello' }],
    ['TEST 6: empty messages', { model: 'c', messages: [] }],
  ])('%s: 400 missing messages, the LLM not called', async (_name, body) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.text).toContain('missing messages');
    expect(vllm.requests).toHaveLength(0);
  });

  it('TEST 8/14: SSE converted in order; a finish chunk with content and usage ends it once', async () => {
    const res = await post(
      { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }], stream: true },
      { 'X-AI-Fixture': 'openai/chat-finish-with-usage.sse' },
    );
    expect(res.status).toBe(200);
    const events = sseEvents(res.text);
    expect(events.map(([e]) => e)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[3]?.[1]).toMatchObject({ delta: { type: 'text_delta', text: '!' } });
    expect(events[5]?.[1]).toMatchObject({
      delta: { stop_reason: 'end_turn' },
      usage: { input_tokens: 5, output_tokens: 3 },
    });
  });

  it('TEST 10: system prompt becomes messages[0] with role system', async () => {
    await post({
      model: 'c',
      system: 'You are a helpful assistant.',
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect((vllm.requests.at(-1)?.json as { messages: unknown[] }).messages).toEqual([
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'hello' },
    ]);
  });

  it('TEST 12: tool calling converted both ways', async () => {
    const res = await post(
      {
        model: 'claude-3-5-sonnet-20241022',
        messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
        tools: [{ name: 'get_weather', description: 'Get weather', input_schema: WEATHER_PARAMS }],
      },
      { 'X-AI-Fixture': 'openai/chat-tool-call.json' },
    );
    expect(res.json).toMatchObject({
      stop_reason: 'tool_use',
      content: [{ type: 'tool_use', name: 'get_weather' }],
    });
    expect(vllm.requests.at(-1)?.json).toMatchObject({
      tools: [{ type: 'function', function: { name: 'get_weather' } }],
    });
  });

  it('TEST 16: two finish chunks (OpenRouter): one message_stop, no empty text delta', async () => {
    const res = await post(
      { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }], stream: true },
      { 'X-AI-Fixture': 'openai/chat-double-finish.sse' },
    );
    const events = sseEvents(res.text);
    expect(events.filter(([e]) => e === 'message_stop')).toHaveLength(1);
    const deltas = events.filter(([e]) => e === 'content_block_delta').map(([, d]) => d.delta);
    expect(deltas).toEqual([
      { type: 'text_delta', text: 'Hi' },
      { type: 'text_delta', text: '!' },
    ]);
    expect(events.find(([e]) => e === 'message_delta')?.[1]).toMatchObject({
      usage: { input_tokens: 8, output_tokens: 2 },
    });
  });

  it('TEST 18: usage:null on non-final chunks (DeepSeek) keeps the content', async () => {
    const res = await post(
      { model: 'deepseek-chat', messages: [{ role: 'user', content: 'Hi' }], stream: true },
      { 'X-AI-Fixture': 'openai/chat-usage-null.sse' },
    );
    const events = sseEvents(res.text);
    const text = events
      .filter(([e]) => e === 'content_block_delta')
      .map(([, d]) => (d.delta as { text: string }).text)
      .join('');
    expect(text).toBe('Hi there');
    expect(events.at(-1)?.[0]).toBe('message_stop');
  });
});
