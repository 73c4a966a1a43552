/**
 * APISIX 3.18 `t/plugin/ai-proxy-openai-to-anthropic.t`, end to end: an OpenAI chat client
 * through Admin API → etcd → gateway → a local server standing in for APISIX's Anthropic mock
 * (`127.0.0.1:1980` with `X-AI-Fixture: anthropic/*.json`), which records what it was sent.
 *
 * Adapted:
 * - TESTs 1–11 call the converter module (`convert_request`, `convert_response`,
 *   `convert_headers`) directly. Here each sends the same body through a route and asserts the
 *   request the upstream received (request and header cases) or the answer the client got
 *   (response cases), which is what the module's output becomes on the wire.
 * - APISIX's `anthropic-compatible` provider (only the anthropic-messages capability) is not in
 *   Tollgate's provider list (`schemas/common/ai-provider.json`). Its Tollgate equivalent is the
 *   `anthropic` provider with `override.endpoint` at `/v1/messages`: docs/protocol-conversion.md,
 *   "Which protocol goes upstream", 1. (an OpenAI client reaches Anthropic's native Messages API
 *   that way).
 * - TEST 3 and TEST 17: APISIX refuses `stream: true` with 400 `streaming is not yet supported`;
 *   Tollgate converts the stream (docs/protocol-conversion.md, "Pairs": "streaming is a Tollgate
 *   extension (APISIX answers 400 ...)"), so these assert a converted stream instead.
 *
 * Not applicable: none.
 */
import { startCluster, type Cluster } from '@tollgate/testkit';
import {
  ANTHROPIC_MESSAGES_BASIC,
  ANTHROPIC_MESSAGES_TOOL_USE,
  eventFrame,
  postGateway,
  putRoute,
  say,
  sseBlocks,
  startScriptedUpstream,
  streamFrames,
  type Handler,
  type ScriptedUpstream,
} from './fixtures/apisix-conversion/upstream';

jest.setTimeout(90_000);

let cluster: Cluster;
let upstream: ScriptedUpstream;

const json =
  (body: unknown, status = 200): Handler =>
  (_req, res) =>
    say(res, status, JSON.stringify(body));

/** Anthropic's stream for "Hello!" with usage 10 in / 5 out. */
const anthropicStream: Handler = (_req, res) =>
  streamFrames(res, [
    eventFrame('message_start', {
      type: 'message_start',
      message: {
        id: 'msg_s',
        type: 'message',
        role: 'assistant',
        content: [],
        model: 'claude-3-5-sonnet-20241022',
        stop_reason: null,
        usage: { input_tokens: 10, output_tokens: 1 },
      },
    }),
    eventFrame('content_block_start', {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '' },
    }),
    eventFrame('content_block_delta', {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text: 'Hello' },
    }),
    eventFrame('content_block_delta', {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text: '!' },
    }),
    eventFrame('content_block_stop', { type: 'content_block_stop', index: 0 }),
    eventFrame('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 5 },
    }),
    eventFrame('message_stop', { type: 'message_stop' }),
  ]);

const sent = () => upstream.requests.at(-1);
const sentBody = () => sent()?.json as Record<string, unknown> & { messages: unknown[] };

beforeAll(async () => {
  upstream = await startScriptedUpstream(json(ANTHROPIC_MESSAGES_BASIC));
  cluster = await startCluster(1, 1);
  // The converter cases (TESTs 1–11) go through this route; TEST 12 sets up APISIX's own.
  await putRoute(cluster, 'conv', '/convert', {
    'ai-proxy': {
      provider: 'anthropic',
      auth: { header: { 'x-api-key': 'test-key' } },
      override: { endpoint: `${upstream.url}/v1/messages` },
    },
  });
  // TEST 10: no x-api-key from the route, so the client's bearer token is the one converted.
  await putRoute(cluster, 'conv-bearer', '/convert-bearer', {
    'ai-proxy': {
      provider: 'anthropic',
      auth: { header: { 'x-route': 'conv-bearer' } },
      override: { endpoint: `${upstream.url}/v1/messages` },
    },
  });
});
afterAll(async () => {
  await cluster?.destroy();
  await upstream?.close();
});
beforeEach(() => {
  upstream.clear();
  upstream.handle(json(ANTHROPIC_MESSAGES_BASIC));
});

describe('APISIX t/plugin/ai-proxy-openai-to-anthropic.t', () => {
  it('TEST 1: convert_request – system role becomes top-level system, max_tokens defaulted', async () => {
    const res = await postGateway(cluster, '/convert', {
      model: 'claude-3-5-sonnet',
      messages: [
        { role: 'system', content: 'You are a mathematician' },
        { role: 'user', content: 'What is 1+1?' },
      ],
    });
    expect(res.status).toBe(200);
    const body = sentBody();
    expect(sent()?.path).toBe('/v1/messages');
    expect(body.system).toBe('You are a mathematician');
    expect(body.messages).toHaveLength(1);
    expect(body.messages[0]).toMatchObject({ role: 'user' });
    expect(body.max_tokens).toBe(4096);
  });

  it('TEST 2: convert_request – max_completion_tokens maps to max_tokens', async () => {
    await postGateway(cluster, '/convert', {
      messages: [{ role: 'user', content: 'hi' }],
      max_completion_tokens: 256,
    });
    expect(sentBody().max_tokens).toBe(256);
  });

  it('TEST 3: convert_request – streaming is rejected (Tollgate: converted, see header)', async () => {
    upstream.handle(anthropicStream);
    const res = await postGateway(cluster, '/convert', {
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    expect(res.status).toBe(200);
    expect(sentBody()).toMatchObject({ stream: true });
    const blocks = sseBlocks(res.text);
    expect(blocks.at(-1)?.[1]).toBe('[DONE]');
    const text = blocks
      .filter(([, d]) => d !== '[DONE]')
      .map(([, d]) => JSON.parse(d) as { choices: { delta?: { content?: string } }[] })
      .map((c) => c.choices[0]?.delta?.content ?? '')
      .join('');
    expect(text).toBe('Hello!');
  });

  it('TEST 4: convert_request – missing messages returns error', async () => {
    // APISIX calls the converter with `{ model = "x" }`. On the wire, a body without `messages`
    // is not detected as openai-chat at all (packages/ai/src/protocols/openai-chat.ts `matches`:
    // `Array.isArray(body.messages)`) and goes through as passthrough, so the converter's check
    // is reached with an empty `messages` array, which it refuses the same way.
    const res = await postGateway(cluster, '/convert', { model: 'x', messages: [] });
    expect(res.status).toBe(400);
    expect(res.text).toContain('missing messages');
    expect(upstream.requests).toHaveLength(0);
  });

  it('TEST 5: convert_request – tools and tool_choice converted to Anthropic format', async () => {
    await postGateway(cluster, '/convert', {
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Get weather',
            parameters: { type: 'object', properties: {} },
          },
        },
      ],
      tool_choice: 'required',
    });
    const tools = sentBody().tools as Record<string, unknown>[];
    expect(tools[0]?.name).toBe('get_weather');
    expect(tools[0]?.input_schema).toEqual({ type: 'object', properties: {} });
    expect(tools[0]?.function).toBeUndefined();
    expect(sentBody().tool_choice).toMatchObject({ type: 'any' });
  });

  it('TEST 6: convert_request – assistant tool_calls and tool result conversion', async () => {
    await postGateway(cluster, '/convert', {
      messages: [
        { role: 'user', content: 'weather in SF?' },
        {
          role: 'assistant',
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"location":"SF"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
      ],
    });
    const messages = sentBody().messages as { role: string; content: Record<string, unknown>[] }[];
    expect(messages[1]?.role).toBe('assistant');
    expect(messages[1]?.content[0]).toMatchObject({ type: 'tool_use', input: { location: 'SF' } });
    expect(messages[2]?.role).toBe('user');
    expect(messages[2]?.content[0]).toMatchObject({ type: 'tool_result', tool_use_id: 'call_1' });
    // internal grouping marker must not leak into the body
    expect(messages[2]).not.toHaveProperty('_tool_result_group');
    expect(sent()?.body).not.toContain('_tool_result_group');
  });

  it('TEST 7: convert_response – Anthropic message converted to OpenAI chat completion', async () => {
    upstream.handle(
      json({
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-3-5-sonnet',
        content: [{ type: 'text', text: 'Hello!' }],
        stop_reason: 'end_turn',
        usage: { input_tokens: 10, output_tokens: 5 },
      }),
    );
    const res = await postGateway(cluster, '/convert', {
      model: 'claude-3-5-sonnet',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      object: 'chat.completion',
      choices: [{ message: { content: 'Hello!' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    });
  });

  it('TEST 8: convert_response – tool_use becomes OpenAI tool_calls', async () => {
    upstream.handle(
      json({
        id: 'msg_2',
        content: [
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { location: 'SF' } },
        ],
        stop_reason: 'tool_use',
        usage: { input_tokens: 8, output_tokens: 12 },
      }),
    );
    const res = await postGateway(cluster, '/convert', {
      messages: [{ role: 'user', content: 'weather in SF?' }],
    });
    expect(res.status).toBe(200);
    const choice = (
      res.json as {
        choices: {
          finish_reason: string;
          message: {
            tool_calls: {
              id: string;
              type: string;
              function: { name: string; arguments: string };
            }[];
          };
        }[];
      }
    ).choices[0];
    const tc = choice?.message.tool_calls[0];
    expect(tc?.id).toBe('toolu_1');
    expect(tc?.type).toBe('function');
    expect(tc?.function.name).toBe('get_weather');
    expect(JSON.parse(tc?.function.arguments ?? '{}')).toEqual({ location: 'SF' });
    expect(choice?.finish_reason).toBe('tool_calls');
  });

  it('TEST 9: convert_response – Anthropic error mapped to OpenAI error', async () => {
    // docs/protocol-conversion.md, "Errors": an upstream error answer that reaches the client
    // (4xx other than 429) is returned in the client's shape.
    upstream.handle(
      json({ type: 'error', error: { type: 'invalid_request_error', message: 'bad' } }, 400),
    );
    const res = await postGateway(cluster, '/convert', {
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({
      error: { message: 'bad', type: 'invalid_request_error' },
    });
  });

  it('TEST 10: convert_headers – Authorization Bearer becomes x-api-key', async () => {
    await postGateway(
      cluster,
      '/convert-bearer',
      { messages: [{ role: 'user', content: 'hi' }] },
      {
        authorization: 'Bearer sk-abc',
        'x-stainless-lang': 'js',
        'openai-organization': 'org',
      },
    );
    const headers = sent()?.headers ?? {};
    expect(headers['x-api-key']).toBe('sk-abc');
    expect(headers.authorization).toBeUndefined();
    expect(headers['anthropic-version']).toBe('2023-06-01');
    expect(headers['x-stainless-lang']).toBeUndefined();
    expect(headers['openai-organization']).toBeUndefined();
  });

  it('TEST 11: convert_headers – existing x-api-key from route auth is preserved', async () => {
    await postGateway(
      cluster,
      '/convert',
      { messages: [{ role: 'user', content: 'hi' }] },
      { authorization: 'Bearer client-key' },
    );
    expect(sent()?.headers['x-api-key']).toBe('test-key');
  });

  it('TEST 12: Set up route – anthropic-compatible provider, OpenAI client body', async () => {
    await putRoute(cluster, '1', '/anything', {
      'ai-proxy': {
        provider: 'anthropic', // APISIX: "anthropic-compatible" (see the header)
        auth: { header: { 'x-api-key': 'test-key' } },
        override: { endpoint: `${upstream.url}/v1/messages` },
      },
    });
  });

  const MATH = {
    model: 'claude-3-5-sonnet-20241022',
    messages: [
      { role: 'system', content: 'You are a mathematician' },
      { role: 'user', content: 'What is 1+1?' },
    ],
  };

  it('TEST 13: OpenAI request to native Anthropic upstream – response converted to OpenAI shape', async () => {
    const res = await postGateway(cluster, '/anything', MATH);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      object: 'chat.completion',
      choices: [{ message: { content: 'Hello! How can I help you?' }, finish_reason: 'stop' }],
    });
  });

  it('TEST 14: Converted request reaches upstream as native Anthropic format (system top-level)', async () => {
    const res = await postGateway(cluster, '/anything', MATH);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/"content":"Hello! How can I help you\?"/);
    expect(sent()?.path).toBe('/v1/messages');
    expect(sent()?.headers['x-api-key']).toBe('test-key');
    expect(sentBody().system).toBe('You are a mathematician');
    expect(sentBody().messages).toEqual([{ role: 'user', content: 'What is 1+1?' }]);
  });

  it('TEST 15: Tool definitions are converted to native Anthropic format on the wire', async () => {
    upstream.handle(json(ANTHROPIC_MESSAGES_TOOL_USE));
    const res = await postGateway(cluster, '/anything', {
      model: 'claude-3-5-sonnet-20241022',
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Get weather',
            parameters: { type: 'object' },
          },
        },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.text).toContain('"tool_calls"');
    expect(res.text).toContain('"name":"get_weather"');
    expect(sentBody().tools).toEqual([
      { name: 'get_weather', description: 'Get weather', input_schema: { type: 'object' } },
    ]);
  });

  it('TEST 16: Anthropic tool_use response surfaces as OpenAI tool_calls', async () => {
    upstream.handle(json(ANTHROPIC_MESSAGES_TOOL_USE));
    const res = await postGateway(cluster, '/anything', {
      model: 'claude-3-5-sonnet-20241022',
      messages: [{ role: 'user', content: 'weather in SF?' }],
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      choices: [
        {
          finish_reason: 'tool_calls',
          message: { tool_calls: [{ id: 'toolu_abc123', function: { name: 'get_weather' } }] },
        },
      ],
    });
  });

  it('TEST 17: Streaming request is rejected with 400 (Tollgate: converted, see header)', async () => {
    upstream.handle(anthropicStream);
    const res = await postGateway(cluster, '/anything', {
      model: 'claude-3-5-sonnet-20241022',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(res.text).not.toContain('streaming is not yet supported');
    expect(res.text.endsWith('data: [DONE]\n\n')).toBe(true);
  });
});
