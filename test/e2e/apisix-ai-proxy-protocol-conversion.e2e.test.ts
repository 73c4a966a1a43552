/**
 * APISIX 3.18 `t/plugin/ai-proxy-protocol-conversion.t`, the cases that
 * test/e2e/protocol-conversion.e2e.test.ts does not already cover (it has TESTs 2, 3, 5, 6,
 * 8/14, 10, 12, 16 and 18, against the mock LLM). Admin API → etcd → gateway → a local server
 * answering exactly what each test's nginx mock on 6724 answered, recording what it was sent.
 *
 * Each set-up case PUTs APISIX's route config on its own URI ending in `/v1/messages` (APISIX
 * replaces route 1 at `/v1/messages` each time), so the next case never races the config change.
 *
 * Adapted:
 * - TESTs 21 and 23 call `sse.encode` directly; here the same properties (every frame ends with
 *   a blank line; large payloads and quotes, backslashes and newlines pass intact) are asserted
 *   on the frames of a converted stream. The empty-`data` frame of TEST 23 has no counterpart
 *   on the wire (the converter never emits an empty event).
 * - TEST 22 asserts that no `failed to decode SSE data` line is logged; here, that the client
 *   gets the content and one `message_stop`.
 * - TEST 26 calls `anthropic-messages.parse_sse_event` on an Anthropic `error` event (result
 *   `done`, a warn log); here an OpenAI client on an anthropic-provider route gets the event
 *   through the anthropic-messages → openai-chat stream converter, and the stream ends there.
 *
 * Not applicable: none.
 */
import { startCluster, type Cluster } from '@tollgate/testkit';
import {
  OPENAI_RESPONSE,
  dataFrame,
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

/** The default 6724 location of the file: auth check, non-empty messages, the canned answer. */
const defaultLocation: Handler = (req, res) => {
  const body = req.json as { messages?: unknown[] } | undefined;
  if (req.headers.authorization !== 'Bearer token') {
    say(res, 401, 'Unauthorized');
    return;
  }
  if (!body?.messages || body.messages.length < 1) {
    say(res, 400, '{ "error": "bad request"}');
    return;
  }
  say(res, 200, OPENAI_RESPONSE);
};

/** APISIX's route for these cases: an openai provider behind an exact `/v1/messages` URI. */
const routeConf = (options?: Record<string, unknown>) => ({
  'ai-proxy': {
    provider: 'openai',
    auth: { header: { Authorization: 'Bearer token' } },
    ...(options ? { options } : {}),
    override: { endpoint: `${upstream.url}/v1/chat/completions` },
  },
});

const uriOf = (setup: number) => `/pc${setup}/v1/messages`;

const HI = { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }], stream: true };
const post = (uri: string, body: unknown) =>
  postGateway(cluster, uri, body, { Connection: 'close' });

/** The JSON payloads of the `content_block_delta` events' text. */
const textDeltas = (text: string): string[] =>
  sseBlocks(text)
    .filter(([e]) => e === 'content_block_delta')
    .map(([, d]) => (JSON.parse(d) as { delta: { text?: string } }).delta.text ?? '');

const count = (text: string, needle: string) => text.split(needle).length - 1;

beforeAll(async () => {
  upstream = await startScriptedUpstream(defaultLocation);
  cluster = await startCluster(1, 1);
});
afterAll(async () => {
  await cluster?.destroy();
  await upstream?.close();
});
beforeEach(() => {
  upstream.clear();
  upstream.handle(defaultLocation);
});

describe('APISIX t/plugin/ai-proxy-protocol-conversion.t (cases not in protocol-conversion.e2e)', () => {
  it('TEST 1: Set up route – Anthropic protocol auto-detected via exact /v1/messages URI (Non-stream)', async () => {
    await putRoute(cluster, 'pc1', uriOf(1), routeConf());
  });

  it('TEST 4: Malformed JSON body returns 400', async () => {
    const res = await postGateway(cluster, uriOf(1), 'this is not valid json', {
      Authorization: 'Bearer token',
    });
    expect(res.status).toBe(400);
    expect(upstream.requests).toHaveLength(0);
  });

  it('TEST 7: Set up route for stream test – exact URI /v1/messages triggers Anthropic detection', async () => {
    await putRoute(
      cluster,
      'pc7',
      uriOf(7),
      routeConf({ model: 'claude-3-5-sonnet-20241022', stream: true }),
    );
  });

  it('TEST 8: Send Anthropic stream request and verify SSE conversion (this mock)', async () => {
    upstream.handle((req, res) => {
      if ((req.json as { stream?: boolean }).stream !== true) {
        say(res, 400, 'Expected stream=true');
        return Promise.resolve();
      }
      const chunk = (delta: Record<string, unknown>, finish: string | null, usage?: unknown) =>
        dataFrame({
          id: 'chatcmpl-123',
          object: 'chat.completion.chunk',
          model: 'gpt-4o',
          choices: [{ index: 0, delta, ...(finish ? { finish_reason: finish } : {}) }],
          ...(usage ? { usage } : {}),
        });
      return streamFrames(res, [
        chunk({ role: 'assistant' }, null),
        chunk({ content: 'Hello' }, null),
        chunk({ content: ' world' }, 'stop', {
          prompt_tokens: 5,
          completion_tokens: 5,
          total_tokens: 10,
        }),
        'data: [DONE]\n\n',
      ]);
    });
    const res = await post(uriOf(7), {
      model: 'claude-3-5-sonnet-20241022',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    expect(res.status).toBe(200);
    expect(res.text).toMatch(
      /event: message_start\ndata:.*?"type":"message_start".*?event: content_block_start\ndata:.*?event: content_block_delta\ndata:.*?"text":"Hello".*?event: content_block_delta\ndata:.*?"text":" world".*?event: content_block_stop\ndata:.*?event: message_delta\ndata:.*?event: message_stop\ndata:/s,
    );
  });

  it('TEST 9: Set up route for system prompt conversion test', async () => {
    await putRoute(cluster, 'pc9', uriOf(9), routeConf());
  });

  it('TEST 11: Set up route for tool calling conversion test', async () => {
    await putRoute(cluster, 'pc11', uriOf(11), routeConf());
  });

  it('TEST 13: Set up route for null finish_reason test', async () => {
    await putRoute(cluster, 'pc13', uriOf(13), routeConf({ model: 'gpt-4o', stream: true }));
  });

  it('TEST 15: Set up route for OpenRouter-style double finish_reason chunk test', async () => {
    await putRoute(cluster, 'pc15', uriOf(15), routeConf({ model: 'gpt-4o', stream: true }));
  });

  it('TEST 17: Set up route for DeepSeek-style usage:null crash test', async () => {
    await putRoute(cluster, 'pc17', uriOf(17), routeConf({ model: 'deepseek-chat', stream: true }));
  });

  it('TEST 19: Set up route for first-chunk role+content test (OpenRouter pattern)', async () => {
    await putRoute(cluster, 'pc19', uriOf(19), routeConf({ model: 'gpt-4o', stream: true }));
  });

  it('TEST 20: First chunk contains both role and content simultaneously — content must not be lost', async () => {
    upstream.handle((_req, res) =>
      streamFrames(res, [
        dataFrame(
          '{"id":"gen-1","object":"chat.completion.chunk","model":"openai/gpt-4o","choices":[{"index":0,"delta":{"content":"hello","role":"assistant"},"finish_reason":null}]}',
        ),
        dataFrame(
          '{"id":"gen-1","object":"chat.completion.chunk","model":"openai/gpt-4o","choices":[{"index":0,"delta":{"content":" world"},"finish_reason":null}]}',
        ),
        dataFrame(
          '{"id":"gen-1","object":"chat.completion.chunk","model":"openai/gpt-4o","choices":[{"index":0,"delta":{"content":""},"finish_reason":"stop"}],"usage":{"prompt_tokens":8,"completion_tokens":2,"total_tokens":10}}',
        ),
        'data: [DONE]\n\n',
      ]),
    );
    const res = await post(uriOf(19), HI);
    expect(res.status).toBe(200);
    expect(res.text).toContain('"hello"');
    expect(res.text).toContain('" world"');
    expect(count(res.text, '"type":"message_stop"')).toBe(1);
    expect(textDeltas(res.text).join('')).toBe('hello world');
  });

  it('TEST 21: sse.encode output must end with \\n\\n (SSE spec requires blank-line event terminator)', async () => {
    upstream.handle((_req, res) =>
      streamFrames(res, [
        dataFrame({
          choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi' }, finish_reason: null }],
        }),
        dataFrame({
          choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }),
        'data: [DONE]\n\n',
      ]),
    );
    const res = await post(uriOf(19), HI);
    expect(res.status).toBe(200);
    // Every frame, named (event: + data:) or not, ends with a blank line.
    expect(res.text.endsWith('\n\n')).toBe(true);
    const frames = res.text.split('\n\n').slice(0, -1);
    expect(frames.length).toBeGreaterThan(3);
    for (const frame of frames) {
      expect(frame).toMatch(/^event: [a-z_]+\ndata: \{.*\}$/s);
      expect(frame).not.toContain('\n\n');
    }
  });

  it('TEST 22: empty SSE data frames between real chunks must not trigger JSON decode warnings', async () => {
    upstream.handle((_req, res) =>
      streamFrames(res, [
        dataFrame(
          '{"id":"chatcmpl-empty","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}',
        ),
        'data: \n\n',
        dataFrame(
          '{"id":"chatcmpl-empty","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{"content":""},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}',
        ),
        'data: [DONE]\n\n',
      ]),
    );
    const res = await post(uriOf(19), HI);
    expect(res.status).toBe(200);
    expect(res.text).toContain('"text":"Hi"');
    expect(res.text).toContain('"type":"message_stop"');
    expect(count(res.text, '"type":"message_stop"')).toBe(1);
  });

  it('TEST 23: sse.encode handles edge cases correctly', async () => {
    const large = 'x'.repeat(8192);
    const special = 'line1\nline2 "hello" back\\slash';
    upstream.handle((_req, res) =>
      streamFrames(res, [
        dataFrame({
          choices: [
            { index: 0, delta: { role: 'assistant', content: large }, finish_reason: null },
          ],
        }),
        dataFrame({ choices: [{ index: 0, delta: { content: special }, finish_reason: null }] }),
        dataFrame({
          choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
          usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
        }),
        'data: [DONE]\n\n',
      ]),
    );
    const res = await post(uriOf(19), HI);
    expect(res.status).toBe(200);
    expect(res.text.endsWith('\n\n')).toBe(true);
    // large payload: not truncated; special characters: preserved
    expect(textDeltas(res.text)).toEqual([large, special]);
  });

  it('TEST 24: Set up route for usage-only final chunk test', async () => {
    await putRoute(cluster, 'pc24', uriOf(24), routeConf({ model: 'gpt-4o', stream: true }));
  });

  it('TEST 25: usage in a separate chunk after message_stop — message_delta with usage must be emitted', async () => {
    upstream.handle((_req, res) =>
      streamFrames(res, [
        dataFrame(
          '{"id":"cmpl-1","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}],"usage":null}',
        ),
        dataFrame(
          '{"id":"cmpl-1","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}',
        ),
        dataFrame(
          '{"id":"cmpl-1","object":"chat.completion.chunk","model":"gpt-4o","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}',
        ),
        'data: [DONE]\n\n',
      ]),
    );
    const res = await post(uriOf(24), HI);
    expect(res.status).toBe(200);
    expect(count(res.text, '"type":"message_stop"')).toBe(1);
    expect(res.text).toContain('"input_tokens":10');
    expect(res.text).toContain('"output_tokens":5');
    const delta = sseBlocks(res.text).find(([e]) => e === 'message_delta');
    expect(JSON.parse(delta?.[1] ?? '{}')).toMatchObject({
      usage: { input_tokens: 10, output_tokens: 5 },
    });
  });

  // APISIX ends the stream on an Anthropic `error` event (`parse_sse_event` → `done`); so does
  // Tollgate: the converted error chunk is the openai-chat reader's end of stream, and the relay
  // appends nothing after it.
  it('TEST 26: Anthropic SSE error event should be logged at warn level', async () => {
    await putRoute(cluster, 'pc26', '/pc26/v1/chat/completions', {
      'ai-proxy': {
        provider: 'anthropic',
        auth: { header: { 'x-api-key': 'test-key' } },
        override: { endpoint: `${upstream.url}/v1/messages` },
      },
    });
    upstream.handle((_req, res) =>
      streamFrames(res, [
        eventFrame('message_start', {
          type: 'message_start',
          message: { usage: { input_tokens: 5, output_tokens: 1 } },
        }),
        eventFrame('error', {
          type: 'error',
          error: { type: 'overloaded_error', message: 'Overloaded' },
        }),
      ]),
    );
    const res = await post('/pc26/v1/chat/completions', {
      model: 'claude-3-5-sonnet-20241022',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    expect(res.status).toBe(200);
    const frames = sseBlocks(res.text).map(([, d]) => d);
    const errors = frames.filter((d) => d.includes('"error"'));
    // The error reaches the OpenAI client in its own shape (docs/protocol-conversion.md,
    // "Errors"), and the stream ends there.
    expect(errors).toHaveLength(1);
    expect(JSON.parse(errors[0] ?? '{}')).toMatchObject({
      error: { message: 'Overloaded', type: 'overloaded_error' },
    });
    expect(frames.at(-1)).toBe(errors[0]);
  });
});
