/**
 * Bedrock as the provider of OpenAI and Anthropic clients (issue 16): the official `openai` SDK
 * and `@anthropic-ai/sdk` against routes whose instance is `bedrock`, with the mock verifying
 * every request's SigV4 signature and answering Converse JSON or ConverseStream (AWS
 * event-stream), converted by the gateway into the client's protocol; usage and quotas exact;
 * an ai-proxy-multi route that falls back mid-run from an OpenAI-protocol instance to Bedrock with
 * no failed request; and APISIX's t/plugin/ai-proxy-bedrock.t / ai-proxy-bedrock-single.t cases.
 */
import Anthropic from '@anthropic-ai/sdk';
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import { startCluster, gatewayUrl, putRoute, type Cluster } from '@tollgate/testkit';
import OpenAI from 'openai';

jest.setTimeout(90_000);

// APISIX's test credentials (t/plugin/ai-proxy-bedrock.t); the mock checks signatures made with them.
const AWS = {
  access_key_id: 'AKIAIOSFODNN7EXAMPLE',
  secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const MODEL = 'anthropic.claude-3-5-sonnet-20241022-v2:0';
const MODEL_PATH = `/model/${encodeURIComponent(MODEL)}`;
const ANSWER = '1 + 1 = 2.';
const FROM_OPENAI = 'Answered by the OpenAI-protocol instance.';
const LIMIT = 1_000_000;

let cluster: Cluster;
let bedrock: MockLlm;
let oai: MockLlm;
let openai: OpenAI;
let anthropic: Anthropic;

const bedrockInstance = (over: Record<string, unknown> = {}) => ({
  provider: 'bedrock',
  auth: { aws: AWS },
  provider_conf: { region: 'us-east-1' },
  options: { model: MODEL },
  override: { endpoint: bedrock.url },
  ...over,
});

const remaining = (headers: Headers): number =>
  Number(headers.get('x-ai-ratelimit-remaining-ai-proxy-bedrock'));

/** The requests the Bedrock mock answered, with the signature it verified. */
const converseCalls = () => bedrock.requests.filter((r) => r.path.startsWith('/model/'));

beforeAll(async () => {
  bedrock = await startMockLlm({
    name: 'bedrock',
    apiKeys: ['not-used'],
    aws: { accessKeyId: AWS.access_key_id, secretAccessKey: AWS.secret_access_key },
    behaviour: { content: ANSWER, usage: { prompt: 10, completion: 8 } },
  });
  oai = await startMockLlm({
    name: 'oai',
    apiKeys: ['key-oai'],
    behaviour: { content: FROM_OPENAI, usage: { prompt: 3, completion: 4 } },
  });
  cluster = await startCluster(1, 1);
  // No path in the endpoint: the provider's path from the model, converse-stream for a stream.
  await putRoute(cluster, 'bedrock-sdk', '/bedrock/*', {
    'ai-proxy': bedrockInstance(),
    'ai-rate-limiting': { limit: LIMIT, time_window: 3600 },
  });
  // An endpoint naming /converse: a stream goes to /converse-stream.
  await putRoute(cluster, 'bedrock-endpoint', '/bedrock-endpoint/*', {
    'ai-proxy': bedrockInstance({
      override: {
        endpoint: `${bedrock.url}${MODEL_PATH}/converse`,
        llm_options: { max_tokens: 64 },
      },
    }),
  });
  await putRoute(cluster, 'bedrock-fallback', '/fallback/*', {
    'ai-proxy-multi': {
      fallback_strategy: ['http_5xx'],
      instances: [
        {
          name: 'openai-primary',
          provider: 'openai-compatible',
          weight: 1,
          priority: 10,
          auth: { header: { Authorization: 'Bearer key-oai' } },
          options: { model: 'gpt-4o-mini' },
          override: { endpoint: `${oai.url}/v1/chat/completions` },
        },
        { name: 'bedrock-fallback', weight: 1, priority: 1, ...bedrockInstance() },
      ],
    },
  });
  openai = new OpenAI({
    apiKey: 'sk-client',
    baseURL: gatewayUrl(cluster, '/bedrock/v1'),
    maxRetries: 0,
  });
  anthropic = new Anthropic({
    apiKey: 'sk-ant-client',
    baseURL: gatewayUrl(cluster, '/bedrock'),
    maxRetries: 0,
  });
});
afterAll(async () => {
  await cluster?.destroy();
  await bedrock?.close();
  await oai?.close();
});
beforeEach(() => {
  bedrock.clear();
  oai.clear();
});

const WEATHER: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather',
    parameters: { type: 'object', properties: { location: { type: 'string' } } },
  },
};

describe('openai SDK → bedrock provider (Converse, SigV4)', () => {
  it('chat: converted Converse request signed for bedrock; chat completion back; quota exact', async () => {
    const first = await openai.chat.completions
      .create({
        model: 'ignored-by-options',
        max_tokens: 300,
        temperature: 0.1,
        stop: ['END'],
        messages: [
          { role: 'system', content: 'You are a mathematician' },
          { role: 'user', content: 'What is 1+1?' },
        ],
      })
      .withResponse();
    expect(first.data.object).toBe('chat.completion');
    expect(first.data.choices[0]?.message).toMatchObject({ role: 'assistant', content: ANSWER });
    expect(first.data.choices[0]?.finish_reason).toBe('stop');
    expect(first.data.usage).toMatchObject({
      prompt_tokens: 10,
      completion_tokens: 8,
      total_tokens: 18,
    });
    const sent = converseCalls();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.path).toBe(`${MODEL_PATH}/converse`);
    expect(sent[0]?.status).toBe(200);
    expect(sent[0]?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/us-east-1\/bedrock\/aws4_request, /,
    );
    expect(JSON.stringify(sent[0]?.headers)).not.toContain('sk-client');
    expect(sent[0]?.json).toEqual({
      system: [{ text: 'You are a mathematician' }],
      messages: [{ role: 'user', content: [{ text: 'What is 1+1?' }] }],
      inferenceConfig: { maxTokens: 300, temperature: 0.1, stopSequences: ['END'] },
    });
    const second = await openai.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'And 2+2?' }] })
      .withResponse();
    expect(remaining(first.response.headers) - remaining(second.response.headers)).toBe(18);
  });

  it('stream with include_usage: chunks re-framed from event-stream frames, usage chunk, [DONE]', async () => {
    const before = await openai.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'warm up' }] })
      .withResponse();
    const { data: stream, response } = await openai.chat.completions
      .create({
        model: 'm',
        messages: [{ role: 'user', content: 'What is 1+1?' }],
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    let text = '';
    let chunks = 0;
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
      finish ??= chunk.choices[0]?.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(ANSWER);
    expect(finish).toBe('stop');
    expect(usage).toEqual({ prompt_tokens: 10, completion_tokens: 8, total_tokens: 18 });
    // role chunk + one per text piece + finish chunk + usage chunk.
    expect(chunks).toBeGreaterThanOrEqual(4);
    expect(converseCalls().map((r) => r.path)).toEqual([
      `${MODEL_PATH}/converse`,
      `${MODEL_PATH}/converse-stream`,
    ]);
    expect(remaining(before.response.headers) - remaining(response.headers)).toBe(18);
    const after = await openai.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'again' }] })
      .withResponse();
    expect(remaining(response.headers) - remaining(after.response.headers)).toBe(18);
  });

  it('stream without include_usage: no usage chunk reaches the client, the tokens are still charged', async () => {
    const { data: stream, response } = await openai.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'What is 1+1?' }], stream: true })
      .withResponse();
    let text = '';
    let usageChunks = 0;
    let emptyChoices = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usageChunks++;
      if (chunk.choices.length === 0) emptyChoices++;
    }
    expect(text).toBe(ANSWER);
    expect(usageChunks).toBe(0);
    expect(emptyChoices).toBe(0);
    const after = await openai.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'again' }] })
      .withResponse();
    expect(remaining(response.headers) - remaining(after.response.headers)).toBe(18);
  });

  it('tools: a tool call comes back, its result goes to Bedrock as toolResult, the answer follows', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'user', content: 'Weather in Paris?' },
    ];
    const call = await openai.chat.completions.create({
      model: 'm',
      messages,
      tools: [WEATHER],
      tool_choice: 'required',
    });
    const choice = call.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.tool_calls).toEqual([
      {
        id: 'tooluse_mock_1',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"location":"mock"}' },
      },
    ]);
    expect(converseCalls()[0]?.json).toMatchObject({
      toolConfig: {
        tools: [
          {
            toolSpec: {
              name: 'get_weather',
              description: 'Current weather',
              inputSchema: { json: WEATHER.function.parameters },
            },
          },
        ],
        toolChoice: { any: {} },
      },
    });
    if (!choice) throw new Error('no choice');
    messages.push(choice.message, {
      role: 'tool',
      tool_call_id: 'tooluse_mock_1',
      content: 'sunny, 21 C',
    });
    const answer = await openai.chat.completions.create({ model: 'm', messages, tools: [WEATHER] });
    expect(answer.choices[0]?.message.content).toBe(ANSWER);
    expect(answer.choices[0]?.finish_reason).toBe('stop');
    expect(converseCalls()[1]?.json).toMatchObject({
      messages: [
        { role: 'user', content: [{ text: 'Weather in Paris?' }] },
        {
          role: 'assistant',
          content: [
            {
              toolUse: {
                toolUseId: 'tooluse_mock_1',
                name: 'get_weather',
                input: { location: 'mock' },
              },
            },
          ],
        },
        {
          role: 'user',
          content: [
            { toolResult: { toolUseId: 'tooluse_mock_1', content: [{ text: 'sunny, 21 C' }] } },
          ],
        },
      ],
    });
  });

  it('streamed tool call: tool_calls deltas assembled by the SDK', async () => {
    const stream = openai.chat.completions.stream({
      model: 'm',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [WEATHER],
    });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(final.choices[0]?.message.tool_calls?.[0]).toMatchObject({
      id: 'tooluse_mock_1',
      function: { name: 'get_weather', arguments: '{"location":"mock"}' },
    });
    expect(converseCalls()[0]?.path).toBe(`${MODEL_PATH}/converse-stream`);
  });

  it('an endpoint naming /converse: a stream is sent to /converse-stream, re-framed; llm_options.max_tokens applied', async () => {
    const sdk = new OpenAI({
      apiKey: 'sk',
      baseURL: gatewayUrl(cluster, '/bedrock-endpoint/v1'),
      maxRetries: 0,
    });
    const stream = await sdk.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'What is 1+1?' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(ANSWER);
    expect(converseCalls()[0]?.path).toBe(`${MODEL_PATH}/converse-stream`);
    // override.llm_options.max_tokens lands in inferenceConfig.maxTokens (APISIX's bedrock rule).
    expect(converseCalls()[0]?.json).toMatchObject({ inferenceConfig: { maxTokens: 64 } });
  });

  it('a Bedrock error reaches the client in OpenAI shape', async () => {
    const err = (await openai.chat.completions
      .create(
        { model: 'm', messages: [{ role: 'user', content: 'x' }] },
        {
          headers: { 'X-Mock-Status': '400' },
        },
      )
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.status).toBe(400);
    expect(err.error).toMatchObject({ type: 'invalid_request_error' });
    expect(typeof (err.error as { message?: unknown }).message).toBe('string');
  });
});

describe('openai SDK Responses API → bedrock provider (responses → chat → Converse)', () => {
  it('responses.create and responses.stream: signed Converse upstream, a Response back, quota exact', async () => {
    const created = await openai.responses
      .create({ model: 'm', instructions: 'You are a mathematician', input: 'What is 1+1?' })
      .withResponse();
    expect(created.data.output_text).toBe(ANSWER);
    expect(created.data.usage).toMatchObject({
      input_tokens: 10,
      output_tokens: 8,
      total_tokens: 18,
    });
    const sent = converseCalls().at(-1);
    expect(sent?.path).toBe(`${MODEL_PATH}/converse`);
    expect(sent?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
    expect(sent?.json).toMatchObject({
      system: [{ text: 'You are a mathematician' }],
      messages: [{ role: 'user', content: [{ text: 'What is 1+1?' }] }],
    });
    const stream = openai.responses.stream({ model: 'm', input: 'What is 1+1?' });
    let text = '';
    for await (const ev of stream) if (ev.type === 'response.output_text.delta') text += ev.delta;
    const final = await stream.finalResponse();
    expect(text).toBe(ANSWER);
    expect(final.usage).toMatchObject({ total_tokens: 18 });
    expect(converseCalls().at(-1)?.path).toBe(`${MODEL_PATH}/converse-stream`);
    const next = await openai.responses.create({ model: 'm', input: 'hi' }).withResponse();
    expect(remaining(created.response.headers) - remaining(next.response.headers)).toBe(36);
  });
});

describe('@anthropic-ai/sdk → bedrock provider', () => {
  it('messages.create: Converse request, Anthropic message back, quota exact', async () => {
    const first = await anthropic.messages
      .create({
        model: 'claude-sonnet',
        max_tokens: 512,
        system: 'You are a mathematician',
        messages: [{ role: 'user', content: 'What is 1+1?' }],
      })
      .withResponse();
    expect(first.data).toMatchObject({
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text: ANSWER }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 10, output_tokens: 8 },
    });
    const sent = converseCalls()[0];
    expect(sent?.path).toBe(`${MODEL_PATH}/converse`);
    expect(sent?.headers['x-api-key']).toBeUndefined();
    expect(sent?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
    expect(sent?.json).toEqual({
      system: [{ text: 'You are a mathematician' }],
      messages: [{ role: 'user', content: [{ text: 'What is 1+1?' }] }],
      inferenceConfig: { maxTokens: 512 },
    });
    const second = await anthropic.messages
      .create({ model: 'c', max_tokens: 10, messages: [{ role: 'user', content: 'again' }] })
      .withResponse();
    expect(remaining(first.response.headers) - remaining(second.response.headers)).toBe(18);
  });

  it('messages.stream: Anthropic events from event-stream frames; usage exact', async () => {
    const before = await anthropic.messages
      .create({ model: 'c', max_tokens: 10, messages: [{ role: 'user', content: 'warm up' }] })
      .withResponse();
    const stream = anthropic.messages.stream({
      model: 'claude-sonnet',
      max_tokens: 512,
      messages: [{ role: 'user', content: 'What is 1+1?' }],
    });
    const types: string[] = [];
    stream.on('streamEvent', (ev) => types.push(ev.type));
    const final = await stream.finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: ANSWER }]);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage).toMatchObject({ input_tokens: 10, output_tokens: 8 });
    expect(types[0]).toBe('message_start');
    expect(types.slice(-2)).toEqual(['message_delta', 'message_stop']);
    expect(types).toContain('content_block_start');
    expect(types).toContain('content_block_stop');
    expect(converseCalls().at(-1)?.path).toBe(`${MODEL_PATH}/converse-stream`);
    const after = await anthropic.messages
      .create({ model: 'c', max_tokens: 10, messages: [{ role: 'user', content: 'again' }] })
      .withResponse();
    expect(remaining(before.response.headers) - remaining(after.response.headers)).toBe(36);
  });

  it('tool use round trip', async () => {
    const tools: Anthropic.Tool[] = [
      {
        name: 'get_weather',
        description: 'Current weather',
        input_schema: { type: 'object', properties: { location: { type: 'string' } } },
      },
    ];
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];
    const call = await anthropic.messages.create({ model: 'c', max_tokens: 100, messages, tools });
    expect(call.stop_reason).toBe('tool_use');
    expect(call.content).toEqual([
      { type: 'tool_use', id: 'tooluse_mock_1', name: 'get_weather', input: { location: 'mock' } },
    ]);
    messages.push(
      { role: 'assistant', content: call.content },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'tooluse_mock_1', content: 'sunny' }],
      },
    );
    const answer = await anthropic.messages.create({
      model: 'c',
      max_tokens: 100,
      messages,
      tools,
    });
    expect(answer.content).toEqual([{ type: 'text', text: ANSWER }]);
    expect(converseCalls()[1]?.json).toMatchObject({
      messages: [
        {},
        { role: 'assistant' },
        {
          role: 'user',
          content: [{ toolResult: { toolUseId: 'tooluse_mock_1', content: [{ text: 'sunny' }] } }],
        },
      ],
    });
  });
});

describe('ai-proxy-multi: an OpenAI-protocol instance fails mid-run, Bedrock takes over', () => {
  it('40 requests, the primary answers 500 then is closed: 0 failed, the later ones from Bedrock', async () => {
    const sdk = new OpenAI({
      apiKey: 'sk',
      baseURL: gatewayUrl(cluster, '/fallback/v1'),
      maxRetries: 0,
    });
    const answers: string[] = [];
    const failures: unknown[] = [];
    try {
      for (let i = 0; i < 40; i++) {
        if (i === 10) oai.setBehaviour({ status: 500 });
        if (i === 25) await oai.stop();
        try {
          const stream = i % 2 === 1;
          if (stream) {
            const s = await sdk.chat.completions.create({
              model: 'm',
              messages: [{ role: 'user', content: `q${i}` }],
              stream: true,
            });
            let text = '';
            for await (const chunk of s) text += chunk.choices[0]?.delta.content ?? '';
            answers.push(text);
          } else {
            const c = await sdk.chat.completions.create({
              model: 'm',
              messages: [{ role: 'user', content: `q${i}` }],
            });
            answers.push(c.choices[0]?.message.content ?? '');
          }
        } catch (err) {
          failures.push(err);
        }
      }
    } finally {
      await oai.start();
      oai.resetBehaviour();
    }
    expect(failures).toEqual([]);
    expect(answers).toHaveLength(40);
    expect(answers.slice(0, 10).every((a) => a === FROM_OPENAI)).toBe(true);
    expect(answers.slice(10).every((a) => a === ANSWER)).toBe(true);
    // Every request from the 11th on was served by Bedrock, signed, streams included.
    expect(converseCalls()).toHaveLength(30);
    expect(converseCalls().filter((r) => r.path.endsWith('/converse-stream'))).toHaveLength(15);
    expect(converseCalls().every((r) => r.status === 200)).toBe(true);
  });
});

describe('APISIX t/plugin/ai-proxy-bedrock.t and ai-proxy-bedrock-single.t', () => {
  const converse = (uri: string, body: unknown) =>
    fetch(gatewayUrl(cluster, uri), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const ASK = { messages: [{ role: 'user', content: [{ text: 'What is 1+1?' }] }] };
  const apisixInstance = (name: string, model: string, endpoint: string, aws = AWS) => ({
    name,
    provider: 'bedrock',
    weight: 1,
    auth: { aws },
    provider_conf: { region: 'us-east-1' },
    options: { model },
    override: { endpoint },
  });

  // TEST 1 (both files): routes with the bedrock provider, in ai-proxy-multi and ai-proxy.
  beforeAll(async () => {
    const endpoint = `${bedrock.url}/model/${MODEL}/converse`;
    await putRoute(cluster, 'apisix-bedrock-1', '/ai/converse', {
      'ai-proxy-multi': { instances: [apisixInstance('bedrock', MODEL, endpoint)] },
    });
    const { name: _name, weight: _weight, ...single } = apisixInstance('b', MODEL, endpoint);
    await putRoute(cluster, 'apisix-bedrock-single-1', '/single-ai/converse', {
      'ai-proxy': single,
    });
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/test123';
    await putRoute(cluster, 'apisix-bedrock-4', '/ai/arn/converse', {
      'ai-proxy-multi': {
        instances: [
          apisixInstance(
            'bedrock-arn',
            arn,
            `${bedrock.url}/model/${encodeURIComponent(arn)}/converse`,
          ),
        ],
      },
    });
    await putRoute(cluster, 'apisix-bedrock-5', '/ai/session/converse', {
      'ai-proxy-multi': {
        instances: [
          apisixInstance('bedrock-session', MODEL, endpoint, {
            ...AWS,
            session_token: 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN',
          } as typeof AWS),
        ],
      },
    });
    await putRoute(cluster, 'apisix-bedrock-3', '/ai/bedrock-chat', {
      'ai-proxy-multi': { instances: [apisixInstance('bedrock', MODEL, endpoint)] },
    });
  });

  it.each(['/ai/converse', '/single-ai/converse'])(
    'TEST 2-4 (%s): converse answer, system + inferenceConfig accepted, usage in the answer',
    async (uri) => {
      const plain = await converse(uri, ASK);
      expect(plain.status).toBe(200);
      expect(await plain.text()).toMatch(/"text"\s*:\s*"1 \+ 1 = 2\."/);
      const withSystem = await converse(uri, {
        system: [{ text: 'You are a mathematician' }],
        ...ASK,
        inferenceConfig: { maxTokens: 1024 },
      });
      expect(withSystem.status).toBe(200);
      expect(await withSystem.text()).toMatch(/"inputTokens"\s*:\s*10/);
      // remove_model: the model is in the path only.
      expect(
        converseCalls().every((r) => (r.json as { model?: unknown }).model === undefined),
      ).toBe(true);
      expect(converseCalls()[1]?.json).toMatchObject({ inferenceConfig: { maxTokens: 1024 } });
    },
  );

  it.each([
    [
      'ai-proxy-multi',
      (aws: object) => ({
        instances: [{ ...bedrockInstance({ auth: { aws } }), name: 'x', weight: 1 }],
      }),
    ],
    ['ai-proxy', (aws: object) => bedrockInstance({ auth: { aws } })],
  ])(
    'TEST 5 (%s): auth.aws without secret_access_key is refused by the Admin API',
    async (plugin, conf) => {
      const res = await cluster.admin.put('/apisix/admin/routes/apisix-bedrock-bad', {
        uri: '/ai/converse2',
        plugins: { [plugin]: conf({ access_key_id: AWS.access_key_id }) },
      });
      expect(res.status).toBe(400);
    },
  );

  it('TEST 6-7 (diverges: Tollgate converts): an OpenAI-shaped body at a non-converse URI is served', async () => {
    // APISIX answers 400 "does not support openai-chat protocol"; the pair is converted here.
    const res = await converse('/ai/bedrock-chat', ASK);
    expect(res.status).toBe(200);
    const json = (await res.json()) as OpenAI.ChatCompletion;
    expect(json.object).toBe('chat.completion');
    expect(json.choices[0]?.message.content).toBe(ANSWER);
    expect(converseCalls()[0]?.json).toMatchObject({
      messages: [{ role: 'user', content: [{ text: 'What is 1+1?' }] }],
    });
  });

  it('TEST 8-9: an inference profile ARN is one escaped path segment, signed and accepted', async () => {
    const res = await converse('/ai/arn/converse', ASK);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/"text"\s*:\s*"1 \+ 1 = 2\."/);
    expect(converseCalls()[0]?.path).toBe(
      '/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aapplication-inference-profile%2Ftest123/converse',
    );
  });

  it('TEST 10-11: auth.aws.session_token is sent as x-amz-security-token', async () => {
    const res = await converse('/ai/session/converse', ASK);
    expect(res.status).toBe(200);
    expect(converseCalls()[0]?.headers['x-amz-security-token']).toBe(
      'FwoGZXIvYXdzEXAMPLESESSIONTOKEN',
    );
    expect(converseCalls()[0]?.headers.authorization).toMatch(
      /SignedHeaders=[^,]*x-amz-security-token/,
    );
  });

  it('TEST 12: a route with the default endpoint (no override) passes schema validation', async () => {
    const { override: _o, ...instance } = bedrockInstance();
    const res = await cluster.admin.put('/apisix/admin/routes/apisix-bedrock-6', {
      uri: '/ai/default/converse',
      plugins: { 'ai-proxy-multi': { instances: [{ ...instance, name: 'd', weight: 1 }] } },
    });
    expect(res.status).toBe(201);
  });
});
