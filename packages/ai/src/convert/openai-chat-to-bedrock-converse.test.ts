import { buildUpstreamBody } from '../request-body';
import { resolveTarget, targetProtocol } from '../target';
import { createAwsEventStreamParser, encodeEventStreamMessage } from '../transport/aws-eventstream';
import { converterFor } from './index';
import { openaiChatToBedrockConverse as c } from './openai-chat-to-bedrock-converse';
import { convertResponseBody, createStreamReframer } from './reframe';

const frame = (type: string, payload: unknown): Buffer =>
  encodeEventStreamMessage(
    { ':event-type': type, ':content-type': 'application/json', ':message-type': 'event' },
    JSON.stringify(payload),
  );

/** The client SSE text as a list of data payloads (parsed unless [DONE]). */
const dataOf = (sse: string): unknown[] =>
  sse
    .split('\n\n')
    .filter(Boolean)
    .map((e) => e.replace(/^data: /, ''))
    .map((d) => (d === '[DONE]' ? d : (JSON.parse(d) as unknown)));

describe('openai-chat → bedrock-converse: registry and target', () => {
  it('bedrock takes openai-chat through conversion; a stream goes to converse-stream', () => {
    expect(converterFor('openai-chat', 'bedrock-converse')).toBe(c);
    const instance = { provider_conf: { region: 'us-east-1' } };
    expect(targetProtocol('bedrock', instance, 'openai-chat')).toBe('bedrock-converse');
    const t = resolveTarget('bedrock', instance, 'openai-chat', { model: 'm:0', stream: true });
    expect([t.protocol, t.host, t.path]).toEqual([
      'bedrock-converse',
      'bedrock-runtime.us-east-1.amazonaws.com',
      '/model/m%3A0/converse-stream',
    ]);
  });

  it('an endpoint naming /converse gets /converse-stream for a stream, as is otherwise', () => {
    const instance = { override: { endpoint: 'http://127.0.0.1:1/model/m/converse' } };
    const stream = resolveTarget('bedrock', instance, 'openai-chat', { model: 'm', stream: true });
    expect(stream.path).toBe('/model/m/converse-stream');
    expect(resolveTarget('bedrock', instance, 'openai-chat', { model: 'm' }).path).toBe(
      '/model/m/converse',
    );
  });
});

describe('openai-chat → bedrock-converse: request', () => {
  it('system blocks, content blocks, inferenceConfig; model removed and stream dropped', () => {
    const body = {
      model: 'anthropic.claude-3-haiku',
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 100,
      temperature: 0.2,
      top_p: 0.9,
      stop: 'END',
      user: 'u1',
      messages: [
        { role: 'system', content: 'You are a mathematician' },
        { role: 'developer', content: [{ type: 'text', text: 'Be brief' }] },
        { role: 'user', content: 'What is 1+1?' },
        { role: 'assistant', content: '2' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'and this?' },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,QUJD' } },
          ],
        },
      ],
    };
    const frozen = JSON.stringify(body);
    expect(c.request(body)).toEqual({
      model: 'anthropic.claude-3-haiku',
      system: [{ text: 'You are a mathematician' }, { text: 'Be brief' }],
      messages: [
        { role: 'user', content: [{ text: 'What is 1+1?' }] },
        { role: 'assistant', content: [{ text: '2' }] },
        {
          role: 'user',
          content: [
            { text: 'and this?' },
            { image: { format: 'jpeg', source: { bytes: 'QUJD' } } },
          ],
        },
      ],
      inferenceConfig: { maxTokens: 100, temperature: 0.2, topP: 0.9, stopSequences: ['END'] },
    });
    expect(JSON.stringify(body)).toBe(frozen);
    // Through the body builder: the provider removes the model (it is in the path).
    const built = buildUpstreamBody({
      raw: Buffer.from(frozen),
      body,
      protocol: 'openai-chat',
      targetProtocol: 'bedrock-converse',
      provider: 'bedrock',
    });
    const sent = JSON.parse(built.bytes.toString()) as Record<string, unknown>;
    expect(sent.model).toBeUndefined();
    expect(sent.stream).toBeUndefined();
    expect(sent.stream_options).toBeUndefined();
    expect(built.model).toBe('anthropic.claude-3-haiku');
  });

  it('max_completion_tokens when max_tokens is absent; no default (Converse needs none)', () => {
    const msgs = [{ role: 'user', content: 'hi' }];
    expect(c.request({ messages: msgs, max_completion_tokens: 7 }).inferenceConfig).toEqual({
      maxTokens: 7,
    });
    expect(c.request({ messages: msgs }).inferenceConfig).toBeUndefined();
  });

  it('override.llm_options.max_tokens → inferenceConfig.maxTokens when unset (APISIX), or forced', () => {
    const sent = (body: Record<string, unknown>, force = false, protocol = 'openai-chat') =>
      JSON.parse(
        buildUpstreamBody({
          raw: Buffer.from(JSON.stringify(body)),
          body,
          protocol: protocol as 'openai-chat',
          targetProtocol: 'bedrock-converse',
          provider: 'bedrock',
          override: { llm_options: { max_tokens: 64 }, request_body_force_override: force },
        }).bytes.toString(),
      ) as { inferenceConfig?: unknown; max_tokens?: unknown };
    const msgs = [{ role: 'user', content: 'hi' }];
    expect(sent({ messages: msgs }).inferenceConfig).toEqual({ maxTokens: 64 });
    expect(sent({ messages: msgs, max_tokens: 9, temperature: 1 }).inferenceConfig).toEqual({
      maxTokens: 9,
      temperature: 1,
    });
    expect(sent({ messages: msgs, max_tokens: 9 }, true).inferenceConfig).toEqual({
      maxTokens: 64,
    });
    // A Converse client (no conversion) gets the same rule.
    const converse = { messages: [{ role: 'user', content: [{ text: 'hi' }] }] };
    const native = sent(converse, false, 'bedrock-converse');
    expect(native.inferenceConfig).toEqual({ maxTokens: 64 });
    expect(native.max_tokens).toBeUndefined();
  });

  it('tools, tool_choice, tool calls and grouped tool results in one user turn', () => {
    const out = c.request({
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
            {
              id: 'call_2',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Rome"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: 'rain' }] },
        { role: 'user', content: 'thanks' },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    expect(out.messages).toEqual([
      { role: 'user', content: [{ text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { toolUse: { toolUseId: 'call_1', name: 'get_weather', input: { city: 'Paris' } } },
          { toolUse: { toolUseId: 'call_2', name: 'get_weather', input: { city: 'Rome' } } },
        ],
      },
      {
        role: 'user',
        content: [
          { toolResult: { toolUseId: 'call_1', content: [{ text: 'sunny' }] } },
          { toolResult: { toolUseId: 'call_2', content: [{ text: 'rain' }] } },
          { text: 'thanks' },
        ],
      },
    ]);
    expect(out.toolConfig).toEqual({
      tools: [
        {
          toolSpec: {
            name: 'get_weather',
            description: 'Weather',
            inputSchema: {
              json: { type: 'object', properties: { city: { type: 'string' } } },
            },
          },
        },
      ],
      toolChoice: { tool: { name: 'get_weather' } },
    });
    const choice = (tc: unknown) =>
      (
        c.request({
          messages: [{ role: 'user', content: 'x' }],
          tools: [{ type: 'function', function: { name: 'f' } }],
          tool_choice: tc,
        }).toolConfig as { toolChoice?: unknown }
      ).toolChoice;
    expect(choice('auto')).toEqual({ auto: {} });
    expect(choice('required')).toEqual({ any: {} });
  });

  it('refuses what Converse cannot take: no messages, image URLs, bad tool arguments', () => {
    expect(() => c.request({})).toThrow('missing messages');
    expect(() =>
      c.request({
        messages: [
          { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/a.png' } }] },
        ],
      }),
    ).toThrow('base64');
    expect(() =>
      c.request({
        messages: [
          {
            role: 'assistant',
            tool_calls: [{ id: 'c', function: { name: 'f', arguments: '{oops' } }],
          },
        ],
      }),
    ).toThrow('invalid tool_calls arguments at message 1');
  });
});

describe('openai-chat → bedrock-converse: response', () => {
  it('text, tool calls, stop reason and usage with cache tokens', () => {
    const out = c.response(
      {
        output: {
          message: {
            role: 'assistant',
            content: [
              { text: 'Let me look.' },
              { toolUse: { toolUseId: 'tu_1', name: 'get_weather', input: { city: 'Paris' } } },
            ],
          },
        },
        stopReason: 'tool_use',
        usage: {
          inputTokens: 10,
          outputTokens: 8,
          totalTokens: 23,
          cacheReadInputTokens: 4,
          cacheWriteInputTokens: 1,
        },
      },
      { model: 'claude' },
    );
    expect(out).toMatchObject({
      object: 'chat.completion',
      model: 'claude',
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          message: {
            role: 'assistant',
            content: 'Let me look.',
            tool_calls: [
              {
                id: 'tu_1',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
              },
            ],
          },
        },
      ],
      usage: {
        prompt_tokens: 15,
        completion_tokens: 8,
        total_tokens: 23,
        prompt_tokens_details: { cached_tokens: 4 },
      },
    });
    expect(String(out.id)).toMatch(/^chatcmpl-/);
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['guardrail_intervened', 'content_filter'],
    ['content_filtered', 'content_filter'],
  ])('stopReason %s → finish_reason %s', (stop, finish) => {
    const out = c.response(
      { output: { message: { content: [{ text: 'x' }] } }, stopReason: stop },
      {},
    );
    expect((out.choices as { finish_reason: string }[])[0]?.finish_reason).toBe(finish);
  });

  it('errors: AWS {"message"} in OpenAI shape, by status', () => {
    const res = convertResponseBody(c, 400, Buffer.from('{"message":"bad input"}'), {});
    expect(JSON.parse(res.body.toString())).toEqual({
      error: {
        message: 'bad input',
        type: 'invalid_request_error',
        code: 'invalid_request_error',
        param: null,
      },
    });
    expect(c.error({ message: 'denied' }, 403, '')).toMatchObject({
      error: { type: 'authentication_error' },
    });
    expect(c.error(undefined, 503, 'down')).toMatchObject({
      error: { message: 'down', type: 'api_error' },
    });
  });

  it('headers: the client key and SDK headers do not go to AWS', () => {
    const headers: Record<string, string> = {
      authorization: 'Bearer sk-client',
      'x-stainless-os': 'Linux',
      'openai-organization': 'o',
      'x-mock-content': 'kept',
    };
    c.headers?.(headers);
    expect(headers).toEqual({ 'x-mock-content': 'kept' });
  });
});

describe('openai-chat → bedrock-converse: stream, frame by frame', () => {
  it('each event-stream frame yields its chunk(s) as it arrives; usage and [DONE] from metadata', () => {
    const r = createStreamReframer(c, { model: 'claude' }, createAwsEventStreamParser);
    const step = (type: string, payload: unknown) =>
      dataOf(r.push(frame(type, payload)).toString());
    const delta = (chunk: unknown) =>
      (chunk as { choices: { delta: unknown; finish_reason: unknown }[] }).choices[0];

    const [start] = step('messageStart', { role: 'assistant' });
    expect(delta(start)).toEqual({
      index: 0,
      delta: { role: 'assistant', content: '' },
      logprobs: null,
      finish_reason: null,
    });
    expect(start).toMatchObject({ object: 'chat.completion.chunk', model: 'claude' });
    expect(
      step('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hel' } }).map(delta),
    ).toEqual([{ index: 0, delta: { content: 'Hel' }, logprobs: null, finish_reason: null }]);
    expect(step('contentBlockStop', { contentBlockIndex: 0 })).toEqual([]);
    expect(
      step('contentBlockStart', {
        contentBlockIndex: 1,
        start: { toolUse: { toolUseId: 'tu_1', name: 'get_weather' } },
      }).map((x) => delta(x)?.delta),
    ).toEqual([
      {
        tool_calls: [
          {
            index: 0,
            id: 'tu_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '' },
          },
        ],
      },
    ]);
    expect(
      step('contentBlockDelta', {
        contentBlockIndex: 1,
        delta: { toolUse: { input: '{"city":' } },
      }).map((x) => delta(x)?.delta),
    ).toEqual([{ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }]);
    expect(step('contentBlockStop', { contentBlockIndex: 1 })).toEqual([]);
    expect(step('messageStop', { stopReason: 'tool_use' }).map((x) => delta(x))).toEqual([
      { index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' },
    ]);
    const tail = step('metadata', {
      usage: { inputTokens: 12, outputTokens: 6, totalTokens: 18 },
      metrics: { latencyMs: 5 },
    });
    expect(tail).toEqual([
      expect.objectContaining({
        choices: [],
        usage: { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 },
      }),
      '[DONE]',
    ]);
    expect(r.end().length).toBe(0);
  });

  it('frames split across chunks at any byte still come out whole, once', () => {
    const r = createStreamReframer(c, {}, createAwsEventStreamParser);
    const bytes = Buffer.concat([
      frame('messageStart', { role: 'assistant' }),
      frame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hi' } }),
    ]);
    let out = '';
    for (let i = 0; i < bytes.length; i += 7) out += r.push(bytes.subarray(i, i + 7)).toString();
    expect(dataOf(out)).toHaveLength(2);
    expect(out).toContain('"content":"Hi"');
  });

  it('an exception frame becomes an OpenAI error event; a stop without metadata still ends', () => {
    const r = createStreamReframer(c, {}, createAwsEventStreamParser);
    const exception = encodeEventStreamMessage(
      { ':message-type': 'exception', ':exception-type': 'throttlingException' },
      '{"message":"slow down"}',
    );
    expect(dataOf(r.push(exception).toString())).toEqual([
      { error: { message: 'throttlingException: slow down', type: 'api_error', code: null } },
    ]);
    const s = createStreamReframer(c, {}, createAwsEventStreamParser);
    s.push(frame('messageStop', { stopReason: 'end_turn' }));
    expect(s.end().toString()).toBe('data: [DONE]\n\n');
  });
});
