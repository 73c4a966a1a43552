/**
 * APISIX 3.18 `t/plugin/ai-proxy-multi.anthropic-native.t`, end to end: Admin API → etcd →
 * gateway → a local server answering what the test's nginx mocks answered (the native Messages
 * API on 6726, and the SSE servers on 7738–7740), recording what the gateway sent.
 *
 * Adapted:
 * - APISIX's `anthropic-native` provider is not in Tollgate's provider list
 *   (`schemas/common/ai-provider.json`). Its Tollgate equivalent is the `anthropic` provider with
 *   `override.endpoint` at `/v1/messages` (docs/protocol-conversion.md, "Which protocol goes
 *   upstream", 1.), and a client that speaks anthropic-messages, so the answer is relayed in
 *   Anthropic's shape as in APISIX rather than converted. Tollgate detects anthropic-messages by
 *   the URI suffix `/v1/messages` (packages/ai/src/protocols/anthropic-messages.ts), so the
 *   routes' URI is `/anything/v1/messages` instead of `/anything`.
 * - TEST 1 calls `check_schema` directly; here the Admin API validates the same instance.
 * - TESTs 5 and 7 read the token usage from APISIX's error log
 *   (`got token usage from ai service`); here `ai-rate-limiting` on the route charges it, and
 *   the drop of `X-AI-RateLimit-Remaining-*` between two requests is the usage the gateway took
 *   (prompt + completion tokens).
 * - TESTs 8 and 9 assert the absence or presence of an error-log line (`failed to decode SSE
 *   data`, `received error event from anthropic stream`); here they assert what the client
 *   sees (a complete relay, the error event forwarded) and that the gateway keeps serving.
 *
 * Not applicable: none.
 */
import { startCluster, type Cluster } from '@tollgate/testkit';
import {
  ANTHROPIC_NATIVE_RESPONSE,
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

const LIMIT = 1_000_000;
const URI = '/anything/v1/messages';
const STREAM_URI = '/anything-stream/v1/messages';
const AUTH = { Authorization: 'Bearer token', 'content-type': 'application/json' };

let cluster: Cluster;
let upstream: ScriptedUpstream;

/** The 6726 mock's `/v1/messages` location. */
const nativeLocation: Handler = (req, res) => {
  if (req.method !== 'POST') {
    say(res, 400, `Unsupported request method: ${req.method}`);
    return;
  }
  const body = req.json as { messages?: unknown[]; stream_options?: unknown } | undefined;
  if (!body) {
    say(res, 400, 'bad json: ');
    return;
  }
  if (req.headers.authorization !== 'Bearer token') {
    say(res, 401, 'Unauthorized');
    return;
  }
  if (!body.messages || body.messages.length < 1) {
    say(res, 400, '{ "error": "bad request"}');
    return;
  }
  if (req.headers['test-type'] === 'inspect') {
    say(
      res,
      200,
      JSON.stringify({
        anthropic_version: req.headers['anthropic-version'],
        has_stream_options: body.stream_options !== undefined,
      }),
    );
    return;
  }
  say(res, 200, ANTHROPIC_NATIVE_RESPONSE);
};

const ev = (data: { type: string } & Record<string, unknown>) => eventFrame(data.type, data);

/** Port 7738 in TEST 6. */
const sse7738test6: Handler = (_req, res) =>
  streamFrames(res, [
    ev({
      type: 'message_start',
      message: {
        id: 'msg_01',
        type: 'message',
        role: 'assistant',
        content: [],
        model: 'claude-3-5-sonnet-20241022',
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 23, output_tokens: 1 },
      },
    }),
    ev({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    ev({ type: 'ping' }),
    ev({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text: '1 + 1 = 2.' },
    }),
    ev({ type: 'content_block_stop', index: 0 }),
    ev({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 8 },
    }),
    ev({ type: 'message_stop' }),
  ]);

/** Port 7738 in TEST 7: message_start's output_tokens=1 is a placeholder, message_delta has 5. */
const sse7738test7: Handler = (_req, res) =>
  streamFrames(res, [
    ev({ type: 'message_start', message: { usage: { input_tokens: 10, output_tokens: 1 } } }),
    ev({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'hello' } }),
    ev({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 5 } }),
    ev({ type: 'message_stop' }),
  ]);

/** Port 7739: a `data: [DONE]` sentinel after message_stop (DeepSeek's compatible endpoint). */
const sse7739: Handler = (_req, res) =>
  streamFrames(res, [
    ev({ type: 'message_start', message: { usage: { input_tokens: 5, output_tokens: 1 } } }),
    ev({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'hi' } }),
    ev({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 3 } }),
    ev({ type: 'message_stop' }),
    'data: [DONE]\n\n',
  ]);

/** Port 7740: an overloaded error event mid-stream. */
const sse7740: Handler = (_req, res) =>
  streamFrames(res, [
    ev({ type: 'message_start', message: { usage: { input_tokens: 5, output_tokens: 1 } } }),
    ev({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
    ev({ type: 'message_stop' }),
  ]);

const instanceConf = (name: string, options: Record<string, unknown>) => ({
  instances: [
    {
      name,
      provider: 'anthropic', // APISIX: "anthropic-native" (see the header)
      weight: 1,
      auth: { header: { Authorization: 'Bearer token' } },
      options: { model: 'claude-3-5-sonnet-20241022', max_tokens: 512, ...options },
      override: { endpoint: `${upstream.url}/v1/messages` },
    },
  ],
  ssl_verify: false,
});

/** X-AI-RateLimit-Remaining-* of an answer. */
function remaining(headers: Headers): number {
  for (const [name, value] of headers) {
    if (name.startsWith('x-ai-ratelimit-remaining')) return Number(value);
  }
  throw new Error(`no x-ai-ratelimit-remaining header in ${JSON.stringify([...headers])}`);
}

/** The tokens the gateway charged for `send()`: the remaining quota it leaves the next call. */
async function charged(
  send: () => Promise<{ headers: Headers }>,
  probe: () => Promise<{ headers: Headers }>,
): Promise<number> {
  const before = remaining((await send()).headers);
  await new Promise((resolve) => setTimeout(resolve, 200)); // the log phase runs after the end
  return before - remaining((await probe()).headers);
}

beforeAll(async () => {
  upstream = await startScriptedUpstream(nativeLocation);
  cluster = await startCluster(1, 1);
});
afterAll(async () => {
  await cluster?.destroy();
  await upstream?.close();
});
beforeEach(() => {
  upstream.clear();
  upstream.handle(nativeLocation);
});

describe('APISIX t/plugin/ai-proxy-multi.anthropic-native.t', () => {
  it('TEST 1: schema accepts anthropic-native provider', async () => {
    await putRoute(cluster, '1', URI, {
      'ai-proxy-multi': instanceConf('anthropic-native-instance', {}),
      'ai-rate-limiting': { limit: LIMIT, time_window: 3600 },
    });
    await putRoute(cluster, '2', STREAM_URI, {
      'ai-proxy-multi': instanceConf('anthropic-native-stream', { stream: true }),
      'ai-rate-limiting': { limit: LIMIT, time_window: 3600 },
    });
  });

  it('TEST 2: non-streaming request returns Anthropic response', async () => {
    const res = await postGateway(
      cluster,
      URI,
      { messages: [{ role: 'user', content: 'What is 1+1?' }] },
      AUTH,
    );
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/"text":\s*"1 \+ 1 = 2\."/);
    expect(upstream.requests.at(-1)?.path).toBe('/v1/messages');
    expect(upstream.requests.at(-1)?.json).toMatchObject({
      model: 'claude-3-5-sonnet-20241022',
      max_tokens: 512,
    });
  });

  // Tollgate sends anthropic-version 2023-06-01 to any anthropic-messages upstream that neither
  // the client nor the route gave one (packages/plugins/src/ai-common/attempt.ts).
  it('TEST 3: anthropic-version header is injected into upstream request', async () => {
    const res = await postGateway(
      cluster,
      URI,
      { messages: [{ role: 'user', content: 'hello' }] },
      { ...AUTH, 'test-type': 'inspect' },
    );
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/"anthropic_version":"2023-06-01"/);
  });

  // anthropic-messages' prepareTarget drops OpenAI's stream_options, as APISIX does.
  it('TEST 4: stream_options is stripped from upstream request', async () => {
    const res = await postGateway(
      cluster,
      URI,
      {
        messages: [{ role: 'user', content: 'hello' }],
        stream: true,
        stream_options: { include_usage: true },
      },
      { ...AUTH, 'test-type': 'inspect' },
    );
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/"has_stream_options":false/);
  });

  it('TEST 5: token usage is recorded from input_tokens / output_tokens', async () => {
    const send = () =>
      postGateway(cluster, URI, { messages: [{ role: 'user', content: 'What is 1+1?' }] }, AUTH);
    // APISIX: "prompt_tokens":23 ... "completion_tokens":8
    expect(await charged(send, send)).toBe(23 + 8);
  });

  const streamAsk = (content: string) => () =>
    postGateway(cluster, STREAM_URI, { messages: [{ role: 'user', content }], stream: true }, AUTH);

  it('TEST 6: streaming SSE events are forwarded correctly', async () => {
    upstream.handle(sse7738test6);
    const res = await streamAsk('What is 1+1?')();
    expect(res.status).toBe(200);
    expect(res.text).toContain('text_delta');
    expect(sseBlocks(res.text).map(([e]) => e)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  it('TEST 7: streaming token usage from message_delta, not message_start output_tokens', async () => {
    upstream.handle(sse7738test7);
    let text = '';
    const send = async () => {
      const res = await streamAsk('hi')();
      text = res.text;
      return res;
    };
    // APISIX: "prompt_tokens":10 ... "completion_tokens":5 (not message_start's placeholder 1)
    expect(await charged(send, streamAsk('hi'))).toBe(10 + 5);
    expect(text).toContain('text_delta');
  });

  it('TEST 8: [DONE] sentinel from compatible endpoints is silently ignored', async () => {
    upstream.handle(sse7739);
    const send = streamAsk('hi');
    const used = await charged(send, send);
    const res = await send();
    expect(res.status).toBe(200);
    expect(sseBlocks(res.text).map(([e]) => e)).toContain('message_stop');
    // The stream was read to its end without a decode failure: its usage was counted.
    expect(used).toBe(5 + 3);
  });

  it('TEST 9: error event in stream is logged as warn and does not crash', async () => {
    upstream.handle(sse7740);
    const res = await streamAsk('hi')();
    expect(res.status).toBe(200);
    const events = sseBlocks(res.text);
    expect(events.find(([e]) => e === 'error')?.[1]).toContain('overloaded_error');
    // The gateway did not crash: the next request is served.
    upstream.handle(nativeLocation);
    const next = await postGateway(
      cluster,
      URI,
      { messages: [{ role: 'user', content: 'What is 1+1?' }] },
      AUTH,
    );
    expect(next.status).toBe(200);
  });
});
