/**
 * APISIX 3.18 `t/plugin/ai-proxy-anthropic.t` and `t/plugin/ai-proxy-anthropic-openai.t` (the
 * same four cases with another provider name, model and mock port), end to end: Admin API → etcd
 * → gateway → a local server that answers exactly what the tests' nginx mock (ports 6724/6725,
 * and the SSE example server on 7737) answered, and records what the gateway sent it.
 *
 * Adapted:
 * - The `anthropic` provider with an endpoint at `/v1/chat/completions` takes OpenAI chat
 *   natively there (docs/protocol-conversion.md, "Which protocol goes upstream", 1.), so no
 *   conversion happens, as in APISIX.
 * - APISIX's `anthropic-openai` provider (Anthropic's OpenAI-compatible endpoint) is not in
 *   Tollgate's provider list (`schemas/common/ai-provider.json`); its equivalent is exactly that
 *   `anthropic` instance, so ai-proxy-anthropic-openai.t runs with it.
 * - TEST 4 reads nginx's chunks (`#final_res .. final_res[6]`); chunk boundaries are
 *   transport-specific, so the six SSE events are counted instead.
 *
 * Not applicable: none (TEST 1 and TEST 3 are route set-ups, kept as Admin API checks).
 */
import { startCluster, type Cluster } from '@tollgate/testkit';
import {
  OPENAI_RESPONSE,
  postGateway,
  putRoute,
  say,
  sseBlocks,
  startScriptedUpstream,
  type Handler,
  type ScriptedUpstream,
} from './fixtures/apisix-conversion/upstream';

jest.setTimeout(90_000);

let cluster: Cluster;
let upstream: ScriptedUpstream; // APISIX's mock (`listen 6724`, 6725 in anthropic-openai.t)
let sseServer: ScriptedUpstream; // APISIX's t/sse_server_example on 7737

/** The mock's `/v1/chat/completions` location. */
const chatLocation: Handler = (req, res) => {
  const body = req.json as { messages?: { content?: unknown }[] } | undefined;
  if (req.headers.authorization !== 'Bearer token' && !req.path.includes('apikey=apikey')) {
    say(res, 401, 'Unauthorized', 'text/plain');
    return;
  }
  if (!body?.messages || body.messages.length < 1) {
    say(res, 400, '{ "error": "bad request"}');
    return;
  }
  say(res, 200, OPENAI_RESPONSE);
};

/** t/sse_server_example: five `data: <time>` events 500 ms apart, then `data: [DONE]`. */
const sseExample: Handler = (_req, res) =>
  streamFramesPaced(res, [
    ...Array.from({ length: 5 }, () => `data: ${new Date().toISOString()}\n\n`),
    'data: [DONE]\n\n',
  ]);

async function streamFramesPaced(res: Parameters<Handler>[1], frames: string[]): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const [i, frame] of frames.entries()) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 500));
    res.write(frame);
  }
  res.end();
}

/** The two APISIX files: their instance name and model (the provider is `anthropic` in both). */
const FILES = [
  { file: 'ai-proxy-anthropic.t', name: 'anthropic', model: 'claude-sonnet-4-20250514' },
  { file: 'ai-proxy-anthropic-openai.t', name: 'anthropic-openai', model: 'claude-sonnet-4-5' },
];

beforeAll(async () => {
  upstream = await startScriptedUpstream(chatLocation);
  sseServer = await startScriptedUpstream(sseExample);
  cluster = await startCluster(1, 1);
});
afterAll(async () => {
  await cluster?.destroy();
  await upstream?.close();
  await sseServer?.close();
});
beforeEach(() => {
  upstream.clear();
  sseServer.clear();
});

describe.each(FILES)('APISIX t/plugin/$file', ({ name, model }) => {
  const instance = (endpoint: string, options: Record<string, unknown>) => ({
    name,
    provider: 'anthropic',
    weight: 1,
    auth: { header: { Authorization: 'Bearer token' } },
    options: { model, max_tokens: 512, temperature: 1.0, ...options },
    override: { endpoint },
  });

  it('TEST 1: set route with right auth header', async () => {
    await putRoute(cluster, '1', '/anything', {
      'ai-proxy-multi': {
        instances: [instance(`${upstream.url}/v1/chat/completions`, {})],
        ssl_verify: false,
      },
    });
  });

  it('TEST 2: send request', async () => {
    const res = await postGateway(
      cluster,
      '/anything',
      {
        messages: [
          { role: 'system', content: 'You are a mathematician' },
          { role: 'user', content: 'What is 1+1?' },
        ],
      },
      { Authorization: 'Bearer token' },
    );
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/\{ "content": "1 \+ 1 = 2\.", "role": "assistant" \}/);
    // What the mock checked: the instance's auth and a non-empty messages array, on its path.
    const sent = upstream.requests.at(-1);
    expect(sent?.path).toBe('/v1/chat/completions');
    expect(sent?.headers.authorization).toBe('Bearer token');
    expect(sent?.json).toMatchObject({
      model,
      max_tokens: 512,
      temperature: 1,
      messages: [
        { role: 'system', content: 'You are a mathematician' },
        { role: 'user', content: 'What is 1+1?' },
      ],
    });
  });

  it('TEST 3: set route with stream = true (SSE)', async () => {
    await putRoute(cluster, '1', '/anything', {
      'ai-proxy-multi': {
        instances: [instance(`${sseServer.url}/v1/chat/completions`, { stream: true })],
        ssl_verify: false,
      },
    });
    // The route is replaced in place: wait until the node proxies to the SSE server.
    const deadline = Date.now() + 15_000;
    while (sseServer.requests.length === 0 && Date.now() < deadline) {
      await postGateway(cluster, '/anything', { messages: [{ role: 'user', content: 'x' }] });
    }
    expect(sseServer.requests.length).toBeGreaterThan(0);
  });

  it('TEST 4: test is SSE works as expected', async () => {
    const res = await postGateway(cluster, '/anything', {
      messages: [{ role: 'system', content: 'some content' }],
      stream: true,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const blocks = sseBlocks(res.text);
    expect(blocks).toHaveLength(6);
    expect(res.text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(sseServer.requests.at(-1)?.json).toMatchObject({ stream: true });
  });
});
