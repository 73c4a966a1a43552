/**
 * Gemini and Vertex AI end to end (Admin API → etcd → gateway → mock LLM), with the official
 * `openai` SDK:
 * - the `gemini` provider as APISIX 3.18 has it (OpenAI-compatible chat, bearer key; APISIX's
 *   t/plugin/ai-proxy-gemini-openai.t cases 1–4);
 * - Tollgate's extension: an instance whose endpoint is a `:generateContent` path (Gemini API
 *   with an API key, Vertex AI with a service-account OAuth token) gets Google's native API, the
 *   chat body converted and the answers, streams and tool calls converted back; usage is charged
 *   exactly (ai-rate-limiting's Remaining drops by the answer's total).
 */
import { generateKeyPairSync } from 'node:crypto';
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import { startCluster, gatewayUrl, putRoute, type Cluster } from '@tollgate/testkit';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';

jest.setTimeout(60_000);

const KEY = 'gk-e2e';
const EMAIL = 'tollgate-gemini@proj-e2e.iam.gserviceaccount.com';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const GEMINI_PATH = '/v1beta/models/gemini-2.0-flash:generateContent';
const GEMINI_STREAM_PATH = '/v1beta/models/gemini-2.0-flash:streamGenerateContent';
const VERTEX_PATH =
  '/v1/projects/proj-e2e/locations/us-central1/publishers/google/models/gemini-2.0-flash:generateContent';
const ANSWER = 'Two, as always.';
const MESSAGES = [
  { role: 'system' as const, content: 'You are a mathematician' },
  { role: 'user' as const, content: 'What is 1+1?' },
];
const TOOLS: OpenAI.ChatCompletionTool[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Weather of a city',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string' } },
        required: ['city'],
        additionalProperties: false,
      },
    },
  },
];

let cluster: Cluster;
let llm: MockLlm;
let serviceAccount: string;

const sdk = (prefix: string) =>
  new OpenAI({ apiKey: 'sk-client', baseURL: gatewayUrl(cluster, `${prefix}/v1`), maxRetries: 0 });

const remainingOf = (headers: Headers, instance: string): number =>
  Number(headers.get(`x-ai-ratelimit-remaining-${instance}`));

beforeAll(async () => {
  llm = await startMockLlm({
    name: 'google',
    apiKeys: [KEY, 'token'],
    gcp: {
      serviceAccounts: [
        {
          client_email: EMAIL,
          public_key: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        },
      ],
    },
    behaviour: { content: ANSWER, usage: { prompt: 7, completion: 5 } },
  });
  cluster = await startCluster(1, 1);
  serviceAccount = JSON.stringify({
    type: 'service_account',
    project_id: 'proj-e2e',
    private_key_id: 'e2e-key',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: EMAIL,
    token_uri: `${llm.url}/token`,
  });
  // Gemini API, native: the key configured as APISIX users configure gemini (a bearer header),
  // sent to Google as x-goog-api-key; {model} from options.model.
  await putRoute(cluster, 'gemini-native', '/gemini/v1/*', {
    'ai-proxy': {
      provider: 'gemini',
      auth: { header: { Authorization: `Bearer ${KEY}` } },
      options: { model: 'gemini-2.0-flash', temperature: 0.5 },
      override: { endpoint: `${llm.url}/v1beta/models/{model}:generateContent` },
    },
    'ai-rate-limiting': { limit: 1000, time_window: 60 },
  });
  await putRoute(cluster, 'gemini-query-key', '/gemini-query/v1/*', {
    'ai-proxy': {
      provider: 'gemini',
      auth: { query: { key: KEY } },
      override: { endpoint: `${llm.url}${GEMINI_PATH}` },
    },
  });
  // Vertex AI, native generateContent, through ai-proxy-multi with a service account.
  await putRoute(cluster, 'vertex-native', '/vertex/v1/*', {
    'ai-proxy-multi': {
      instances: [
        {
          name: 'vertex-native',
          provider: 'vertex-ai',
          weight: 1,
          auth: { gcp: { service_account_json: serviceAccount } },
          provider_conf: { project_id: 'proj-e2e', region: 'us-central1' },
          override: { endpoint: `${llm.url}${VERTEX_PATH}` },
        },
      ],
    },
    'ai-rate-limiting': { limit: 1000, time_window: 60 },
  });
});
afterAll(async () => {
  await cluster?.destroy();
  await llm?.close();
});
beforeEach(() => llm.clear());

describe('gemini provider, native generateContent (Tollgate extension)', () => {
  it('chat: converted both ways, key as x-goog-api-key, usage charged exactly', async () => {
    const { data, response } = await sdk('/gemini')
      .chat.completions.create({ model: 'gpt-4o', messages: MESSAGES, max_tokens: 64 })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0]?.message).toMatchObject({ role: 'assistant', content: ANSWER });
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.model).toBe('gemini-2.0-flash');
    expect(data.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 });
    const sent = llm.requests.find((r) => r.path === GEMINI_PATH);
    expect(sent?.headers['x-goog-api-key']).toBe(KEY);
    expect(sent?.headers.authorization).toBeUndefined();
    expect(sent?.json).toEqual({
      systemInstruction: { parts: [{ text: 'You are a mathematician' }] },
      contents: [{ role: 'user', parts: [{ text: 'What is 1+1?' }] }],
      generationConfig: { maxOutputTokens: 64, temperature: 0.5 },
    });
    const remaining = remainingOf(response.headers, 'ai-proxy-gemini');
    const next = await sdk('/gemini')
      .chat.completions.create({ model: 'gpt-4o', messages: MESSAGES })
      .withResponse();
    expect(remainingOf(next.response.headers, 'ai-proxy-gemini')).toBe(remaining - 12);
  });

  it('stream: :streamGenerateContent?alt=sse re-framed as chunks; no usage chunk unless asked', async () => {
    const first = await sdk('/gemini')
      .chat.completions.create({ model: 'gpt-4o', messages: MESSAGES, stream: true })
      .withResponse();
    let text = '';
    const finishes: (string | null | undefined)[] = [];
    let emptyChoices = 0;
    for await (const chunk of first.data) {
      if (chunk.choices.length === 0) emptyChoices++;
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.choices[0]?.finish_reason) finishes.push(chunk.choices[0].finish_reason);
    }
    expect(text).toBe(ANSWER);
    expect(finishes).toEqual(['stop']);
    expect(emptyChoices).toBe(0);
    const sent = llm.requests.find((r) => r.path === GEMINI_STREAM_PATH);
    expect(sent?.query).toEqual({ alt: 'sse' });
    expect(sent?.headers['x-goog-api-key']).toBe(KEY);
    // The stream's usage was charged though the client did not see it.
    const remaining = remainingOf(first.response.headers, 'ai-proxy-gemini');
    const asked = await sdk('/gemini')
      .chat.completions.create({
        model: 'gpt-4o',
        messages: MESSAGES,
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    expect(remainingOf(asked.response.headers, 'ai-proxy-gemini')).toBe(remaining - 12);
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of asked.data) if (chunk.usage) usage = chunk.usage;
    expect(usage).toEqual({ prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 });
    const after = await sdk('/gemini')
      .chat.completions.create({ model: 'gpt-4o', messages: MESSAGES })
      .withResponse();
    expect(remainingOf(after.response.headers, 'ai-proxy-gemini')).toBe(remaining - 24);
  });

  it('tools: functionDeclarations sent, functionCall back as tool_calls, result as functionResponse', async () => {
    const client = sdk('/gemini');
    const call = await client.chat.completions.create(
      { model: 'gpt-4o', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: TOOLS },
      { headers: { 'X-AI-Fixture': 'gemini/generate-content-function-call.json' } },
    );
    const toolCall = call.choices[0]?.message.tool_calls?.[0];
    expect(call.choices[0]?.finish_reason).toBe('tool_calls');
    expect(toolCall).toMatchObject({
      type: 'function',
      function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
    });
    expect(call.usage).toMatchObject({ prompt_tokens: 40, completion_tokens: 6, total_tokens: 46 });
    expect(llm.requests[0]?.json).toMatchObject({
      tools: [
        {
          functionDeclarations: [
            {
              name: 'get_weather',
              description: 'Weather of a city',
              parameters: {
                type: 'object',
                properties: { city: { type: 'string' } },
                required: ['city'],
              },
            },
          ],
        },
      ],
    });
    expect(JSON.stringify(llm.requests[0]?.json)).not.toContain('additionalProperties');
    const id = toolCall?.id ?? '';
    const done = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: call.choices[0]?.message.tool_calls },
        { role: 'tool', tool_call_id: id, content: '{"temp":21}' },
      ],
      tools: TOOLS,
    });
    expect(done.choices[0]?.message.content).toBe(ANSWER);
    expect((llm.requests[1]?.json as { contents: unknown }).contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
      {
        role: 'model',
        parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }],
      },
      {
        role: 'user',
        parts: [{ functionResponse: { name: 'get_weather', response: { temp: 21 } } }],
      },
    ]);
  });

  it('tools, streamed: the functionCall event becomes a tool_calls chunk', async () => {
    const stream = await sdk('/gemini').chat.completions.create(
      {
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
        tools: TOOLS,
        stream: true,
      },
      { headers: { 'X-AI-Fixture': 'gemini/stream-function-call.sse' } },
    );
    const calls: OpenAI.ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      calls.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      index: 0,
      type: 'function',
      function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
    });
    expect(calls[0]?.id).toMatch(/^call_/);
    expect(finish).toBe('tool_calls');
  });

  it("an upstream 400 reaches the SDK as OpenAI's error, with Google's message", async () => {
    const err = await sdk('/gemini')
      .chat.completions.create(
        { model: 'gpt-4o', messages: MESSAGES },
        { headers: { 'X-Mock-Status': '400', 'X-Mock-Content': 'Invalid value at contents' } },
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).error).toEqual({
      message: 'Invalid value at contents',
      type: 'invalid_request_error',
      code: 'INVALID_ARGUMENT',
      param: null,
    });
  });

  it('auth.query key=… is sent as the query parameter Google reads', async () => {
    const data = await sdk('/gemini-query').chat.completions.create({
      model: 'gemini-2.0-flash',
      messages: MESSAGES,
    });
    expect(data.choices[0]?.message.content).toBe(ANSWER);
    expect(llm.requests[0]?.path).toBe(GEMINI_PATH);
    expect(llm.requests[0]?.query).toEqual({ key: KEY });
  });
});

describe('@anthropic-ai/sdk → gemini native generateContent (Tollgate extension)', () => {
  const anthropic = () =>
    new Anthropic({
      apiKey: 'sk-ant-client',
      baseURL: gatewayUrl(cluster, '/gemini'),
      maxRetries: 0,
    });

  it('messages: converted through, usage charged exactly; the client key is not forwarded', async () => {
    const { data, response } = await anthropic()
      .messages.create({
        model: 'claude-sonnet-4',
        max_tokens: 100,
        system: 'You are a mathematician',
        messages: [{ role: 'user', content: 'What is 1+1?' }],
      })
      .withResponse();
    expect(data.content).toEqual([{ type: 'text', text: ANSWER }]);
    expect(data.stop_reason).toBe('end_turn');
    expect(data.usage).toMatchObject({ input_tokens: 7, output_tokens: 5 });
    const sent = llm.requests.find((r) => r.path === GEMINI_PATH);
    expect(sent?.json).toMatchObject({
      systemInstruction: { parts: [{ text: 'You are a mathematician' }] },
      generationConfig: { maxOutputTokens: 100 },
    });
    expect(sent?.headers['x-goog-api-key']).toBe(KEY);
    expect(sent?.headers['x-api-key']).toBeUndefined();
    expect(sent?.headers['anthropic-version']).toBeUndefined();
    const remaining = remainingOf(response.headers, 'ai-proxy-gemini');
    const stream = anthropic().messages.stream({
      model: 'claude-sonnet-4',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'What is 1+1?' }],
    });
    let text = '';
    stream.on('text', (t) => (text += t));
    const final = await stream.finalMessage();
    expect(text).toBe(ANSWER);
    expect(final.usage).toMatchObject({ input_tokens: 7, output_tokens: 5 });
    expect(llm.requests.at(-1)?.path).toBe(GEMINI_STREAM_PATH);
    const after = await anthropic()
      .messages.create({
        model: 'claude-sonnet-4',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'What is 1+1?' }],
      })
      .withResponse();
    expect(remainingOf(after.response.headers, 'ai-proxy-gemini')).toBe(remaining - 24);
  });

  it('tool use: functionCall → tool_use block', async () => {
    const msg = await anthropic().messages.create(
      {
        model: 'claude-sonnet-4',
        max_tokens: 100,
        tools: [
          {
            name: 'get_weather',
            description: 'Weather of a city',
            input_schema: { type: 'object', properties: { city: { type: 'string' } } },
          },
        ],
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
      },
      { headers: { 'X-AI-Fixture': 'gemini/generate-content-function-call.json' } },
    );
    expect(msg.stop_reason).toBe('tool_use');
    expect(msg.content[0]).toMatchObject({
      type: 'tool_use',
      name: 'get_weather',
      input: { city: 'Paris' },
    });
  });
});

describe('vertex-ai, native generateContent through ai-proxy-multi (Tollgate extension)', () => {
  it('chat and stream with the OAuth token; usage charged exactly', async () => {
    const { data, response } = await sdk('/vertex')
      .chat.completions.create({ model: 'gemini', messages: MESSAGES })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe(ANSWER);
    expect(data.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 });
    const sent = llm.requests.find((r) => r.path === VERTEX_PATH);
    expect(sent?.headers.authorization).toMatch(/^Bearer ya29\.mock-[0-9a-f]{32}$/);
    expect(sent?.headers['x-goog-api-key']).toBeUndefined();
    expect(sent?.json).toMatchObject({ contents: [{ role: 'user' }] });
    const remaining = remainingOf(response.headers, 'vertex-native');

    const stream = await sdk('/vertex')
      .chat.completions.create({
        model: 'gemini',
        messages: MESSAGES,
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    expect(remainingOf(stream.response.headers, 'vertex-native')).toBe(remaining - 12);
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream.data) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(ANSWER);
    expect(usage).toEqual({ prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 });
    const streamed = llm.requests.find((r) => r.path.endsWith(':streamGenerateContent'));
    expect(streamed?.path).toBe(VERTEX_PATH.replace(':generateContent', ':streamGenerateContent'));
    expect(streamed?.query).toEqual({ alt: 'sse' });
    expect(streamed?.headers.authorization).toMatch(/^Bearer ya29\.mock-/);
    const after = await sdk('/vertex')
      .chat.completions.create({ model: 'gemini', messages: MESSAGES })
      .withResponse();
    expect(remainingOf(after.response.headers, 'vertex-native')).toBe(remaining - 24);
  });

  it('tools through Vertex: functionCall → tool_calls', async () => {
    const call = await sdk('/vertex').chat.completions.create(
      { model: 'gemini', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: TOOLS },
      { headers: { 'X-AI-Fixture': 'gemini/generate-content-function-call.json' } },
    );
    expect(call.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call.choices[0]?.message.tool_calls?.[0]).toMatchObject({
      function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
    });
  });
});

/** APISIX's mock answer (t/assets/ai-proxy-response.json): `1 + 1 = 2.` */
const FIXTURE = { 'X-AI-Fixture': 'openai/chat-basic.json' };
const APISIX_BODY = JSON.stringify({ messages: MESSAGES });

async function multiRoute(id: string, instances: Record<string, unknown>[]): Promise<void> {
  await putRoute(cluster, id, `/${id}`, { 'ai-proxy-multi': { instances, ssl_verify: false } });
}

const post = (uri: string, headers: Record<string, string> = {}, body = APISIX_BODY) =>
  fetch(gatewayUrl(cluster, uri), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });

describe('APISIX t/plugin/ai-proxy-gemini-openai.t (provider gemini, OpenAI-compatible chat)', () => {
  const instance = (options: Record<string, unknown>) => ({
    name: 'gemini-openai',
    provider: 'gemini',
    weight: 1,
    auth: { header: { Authorization: 'Bearer token' } },
    options: { model: 'gemini-1.5-flash', max_tokens: 512, temperature: 1.0, ...options },
    override: { endpoint: `${llm.url}/v1/chat/completions` },
  });

  it('TEST 1–2: route with the auth header; the answer passes through, unconverted', async () => {
    await multiRoute('gemini-openai-t', [instance({})]);
    const res = await post('/gemini-openai-t', { Authorization: 'Bearer token', ...FIXTURE });
    expect(res.status).toBe(200);
    const json = (await res.json()) as { choices: { message: { content: string } }[] };
    expect(json.choices[0]?.message).toEqual({ role: 'assistant', content: '1 + 1 = 2.' });
    const sent = llm.requests[0];
    expect(sent?.path).toBe('/v1/chat/completions');
    expect(sent?.headers.authorization).toBe('Bearer token');
    expect(sent?.json).toMatchObject({ model: 'gemini-1.5-flash', max_tokens: 512 });
  });

  it('TEST 3–4: options.stream = true answers SSE ending with data: [DONE]', async () => {
    await multiRoute('gemini-openai-sse-t', [instance({ stream: true })]);
    const res = await post(
      '/gemini-openai-sse-t',
      {},
      JSON.stringify({ messages: [{ role: 'system', content: 'some content' }], stream: true }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await res.text();
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(text.split('\n\n').filter(Boolean).length).toBeGreaterThan(2);
  });
});

describe('APISIX t/plugin/ai-proxy-vertex-ai.t (provider vertex-ai, OpenAI-compatible chat)', () => {
  // APISIX's mock takes the OAuth token at /v1/chat/completions; ours checks tokens on Vertex
  // paths only, so the gcp cases use the Vertex OpenAI-compatible path.
  const OPENAPI =
    '/v1beta1/projects/proj-e2e/locations/us-central1/endpoints/openapi/chat/completions';
  const instance = (
    name: string,
    auth: Record<string, unknown>,
    path = '/v1/chat/completions',
    query = '',
  ) => ({
    name,
    provider: 'vertex-ai',
    weight: 1,
    auth,
    options: { model: 'gemini-2.0-flash', max_tokens: 512, temperature: 1.0 },
    override: { endpoint: `${llm.url}${path}${query}` },
  });

  it('TEST 1–2: auth header Bearer token → 200 with the answer', async () => {
    await multiRoute('vertex-t-header', [
      instance('vertex-ai', { header: { Authorization: 'Bearer token' } }),
    ]);
    const res = await post('/vertex-t-header', { Authorization: 'Bearer token', ...FIXTURE });
    expect(res.status).toBe(200);
    expect(
      ((await res.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message
        .content,
    ).toBe('1 + 1 = 2.');
    expect(llm.requests[0]?.headers.authorization).toBe('Bearer token');
  });

  it('TEST 5–6: gcp service account → the OAuth token reaches the LLM', async () => {
    await multiRoute('vertex-t-gcp', [
      instance('vertex-ai', { gcp: { service_account_json: serviceAccount } }, OPENAPI),
    ]);
    const res = await post('/vertex-t-gcp', FIXTURE);
    expect(res.status).toBe(200);
    const chat = llm.requests.find((r) => r.path === OPENAPI);
    expect(chat?.headers.authorization).toMatch(/^Bearer ya29\.mock-/);
  });

  it('TEST 8–9: two gcp instances: 12 requests all succeed and both instances serve', async () => {
    const gcp = { gcp: { service_account_json: serviceAccount } };
    await multiRoute('vertex-t-multi', [
      instance('vertex-ai-one', gcp, OPENAPI, '?i=one'),
      instance('vertex-ai-multi', gcp, OPENAPI, '?i=multi'),
    ]);
    for (let i = 0; i < 12; i++) expect((await post('/vertex-t-multi', FIXTURE)).status).toBe(200);
    const served = new Set(llm.requests.filter((r) => r.path === OPENAPI).map((r) => r.query.i));
    expect(served).toEqual(new Set(['one', 'multi']));
  });
});
