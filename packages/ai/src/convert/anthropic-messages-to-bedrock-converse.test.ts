import { getProtocol } from '../protocols';
import { createSseParser } from '../sse';
import { targetProtocol } from '../target';
import { createAwsEventStreamParser, encodeEventStreamMessage } from '../transport/aws-eventstream';
import { anthropicMessagesToBedrockConverse as c } from './anthropic-messages-to-bedrock-converse';
import { converterFor } from './index';
import { convertResponseBody, createStreamReframer } from './reframe';

const frame = (type: string, payload: unknown): Buffer =>
  encodeEventStreamMessage(
    { ':event-type': type, ':content-type': 'application/json', ':message-type': 'event' },
    JSON.stringify(payload),
  );

/** Client SSE text → [event name, parsed data] pairs. */
const eventsOf = (sse: string): [string, Record<string, unknown>][] =>
  sse
    .split('\n\n')
    .filter(Boolean)
    .map((e) => {
      const [head, data] = e.split('\n');
      return [
        (head ?? '').replace(/^event: /, ''),
        JSON.parse((data ?? '').replace(/^data: /, '')) as Record<string, unknown>,
      ];
    });

describe('anthropic-messages → bedrock-converse: request', () => {
  it('is the converter bedrock picks for an Anthropic client', () => {
    expect(converterFor('anthropic-messages', 'bedrock-converse')).toBe(c);
    expect(targetProtocol('bedrock', {}, 'anthropic-messages')).toBe('bedrock-converse');
  });

  it('system, messages, images, inferenceConfig, top_k and thinking; nothing mutated', () => {
    const body = {
      model: 'anthropic.claude-3-haiku',
      max_tokens: 256,
      temperature: 0.5,
      top_p: 0.8,
      top_k: 5,
      stop_sequences: ['END'],
      thinking: { type: 'enabled', budget_tokens: 1024 },
      stream: true,
      metadata: { user_id: 'u1' },
      system: [
        { type: 'text', text: 'You are a mathematician', cache_control: { type: 'ephemeral' } },
      ],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAA' } },
          ],
        },
        { role: 'assistant', content: 'a square' },
        { role: 'user', content: 'sure?' },
      ],
    };
    const frozen = JSON.stringify(body);
    expect(c.request(body)).toEqual({
      model: 'anthropic.claude-3-haiku',
      system: [{ text: 'You are a mathematician' }],
      messages: [
        {
          role: 'user',
          content: [
            { text: 'what is this?' },
            { image: { format: 'png', source: { bytes: 'AAA' } } },
          ],
        },
        { role: 'assistant', content: [{ text: 'a square' }] },
        { role: 'user', content: [{ text: 'sure?' }] },
      ],
      inferenceConfig: { maxTokens: 256, temperature: 0.5, topP: 0.8, stopSequences: ['END'] },
      additionalModelRequestFields: {
        top_k: 5,
        thinking: { type: 'enabled', budget_tokens: 1024 },
      },
    });
    expect(JSON.stringify(body)).toBe(frozen);
    expect(
      c.request({ system: 'Be brief', messages: [{ role: 'user', content: 'x' }] }).system,
    ).toEqual([{ text: 'Be brief' }]);
  });

  it('tools, tool_choice, tool_use and tool_result (error status kept)', () => {
    const out = c.request({
      max_tokens: 10,
      messages: [
        { role: 'user', content: 'weather?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'checking' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'SF' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' },
            {
              type: 'tool_result',
              tool_use_id: 'toolu_2',
              is_error: true,
              content: [{ type: 'text', text: 'boom' }],
            },
          ],
        },
      ],
      tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object' } }],
      tool_choice: { type: 'any' },
    });
    expect(out.messages).toEqual([
      { role: 'user', content: [{ text: 'weather?' }] },
      {
        role: 'assistant',
        content: [
          { text: 'checking' },
          { toolUse: { toolUseId: 'toolu_1', name: 'get_weather', input: { city: 'SF' } } },
        ],
      },
      {
        role: 'user',
        content: [
          { toolResult: { toolUseId: 'toolu_1', content: [{ text: 'sunny' }] } },
          { toolResult: { toolUseId: 'toolu_2', content: [{ text: 'boom' }], status: 'error' } },
        ],
      },
    ]);
    expect(out.toolConfig).toEqual({
      tools: [
        {
          toolSpec: {
            name: 'get_weather',
            description: 'Weather',
            inputSchema: { json: { type: 'object' } },
          },
        },
      ],
      toolChoice: { any: {} },
    });
  });

  it('refuses no messages, a bad role and URL images', () => {
    expect(() => c.request({ max_tokens: 1 })).toThrow('missing messages');
    expect(() => c.request({ messages: [{ role: 'system', content: 'x' }] })).toThrow(
      'invalid message at index 1',
    );
    expect(() =>
      c.request({
        messages: [
          {
            role: 'user',
            content: [{ type: 'image', source: { type: 'url', url: 'https://x/a.png' } }],
          },
        ],
      }),
    ).toThrow('base64');
  });
});

describe('anthropic-messages → bedrock-converse: response', () => {
  it('text, tool_use, reasoning, stop reason and usage (cache tokens one to one)', () => {
    const out = c.response(
      {
        output: {
          message: {
            role: 'assistant',
            content: [
              { reasoningContent: { reasoningText: { text: 'hmm', signature: 'sig' } } },
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
      type: 'message',
      role: 'assistant',
      model: 'claude',
      content: [
        { type: 'thinking', thinking: 'hmm', signature: 'sig' },
        { type: 'text', text: 'Let me look.' },
        { type: 'tool_use', id: 'tu_1', name: 'get_weather', input: { city: 'Paris' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: {
        input_tokens: 10,
        output_tokens: 8,
        cache_read_input_tokens: 4,
        cache_creation_input_tokens: 1,
      },
    });
    expect(String(out.id)).toMatch(/^msg_/);
    // Read in the client's protocol, as the relay reads it for quotas.
    expect(getProtocol('anthropic-messages').usageFromResponse(out).usage).toMatchObject({
      prompt_tokens: 10,
      completion_tokens: 8,
    });
  });

  it.each([
    ['end_turn', 'end_turn'],
    ['stop_sequence', 'stop_sequence'],
    ['max_tokens', 'max_tokens'],
    ['guardrail_intervened', 'refusal'],
  ])('stopReason %s → stop_reason %s', (stop, expected) => {
    const out = c.response({ output: { message: { content: [] } }, stopReason: stop }, {});
    expect(out.stop_reason).toBe(expected);
  });

  it('errors in Anthropic shape; headers lose the client key', () => {
    const res = convertResponseBody(c, 429, Buffer.from('{"message":"Too many requests"}'), {});
    expect(JSON.parse(res.body.toString())).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'Too many requests' },
    });
    const headers: Record<string, string> = {
      'x-api-key': 'sk-ant',
      'anthropic-version': '2023-06-01',
      'x-mock-content': 'kept',
    };
    c.headers?.(headers);
    expect(headers).toEqual({ 'x-mock-content': 'kept' });
  });
});

describe('anthropic-messages → bedrock-converse: stream, frame by frame', () => {
  it('each frame yields its events as it arrives; message_delta waits for metadata', () => {
    const r = createStreamReframer(c, { model: 'claude' }, createAwsEventStreamParser);
    const step = (type: string, payload: unknown) =>
      eventsOf(r.push(frame(type, payload)).toString());

    const [start] = step('messageStart', { role: 'assistant' });
    expect(start?.[0]).toBe('message_start');
    expect(start?.[1]).toMatchObject({
      type: 'message_start',
      message: { role: 'assistant', model: 'claude', content: [], stop_reason: null },
    });
    expect(step('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hel' } })).toEqual([
      [
        'content_block_start',
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      ],
      [
        'content_block_delta',
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } },
      ],
    ]);
    expect(step('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'lo' } })).toEqual([
      [
        'content_block_delta',
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'lo' } },
      ],
    ]);
    expect(step('contentBlockStop', { contentBlockIndex: 0 })).toEqual([
      ['content_block_stop', { type: 'content_block_stop', index: 0 }],
    ]);
    expect(
      step('contentBlockStart', {
        contentBlockIndex: 1,
        start: { toolUse: { toolUseId: 'tu_1', name: 'get_weather' } },
      }),
    ).toEqual([
      [
        'content_block_start',
        {
          type: 'content_block_start',
          index: 1,
          content_block: { type: 'tool_use', id: 'tu_1', name: 'get_weather', input: {} },
        },
      ],
    ]);
    expect(
      step('contentBlockDelta', { contentBlockIndex: 1, delta: { toolUse: { input: '{"a":1}' } } }),
    ).toEqual([
      [
        'content_block_delta',
        {
          type: 'content_block_delta',
          index: 1,
          delta: { type: 'input_json_delta', partial_json: '{"a":1}' },
        },
      ],
    ]);
    expect(step('contentBlockStop', { contentBlockIndex: 1 })).toHaveLength(1);
    // The stop reason is held until the usage frame that follows it.
    expect(step('messageStop', { stopReason: 'tool_use' })).toEqual([]);
    expect(
      step('metadata', {
        usage: { inputTokens: 12, outputTokens: 6, totalTokens: 20, cacheReadInputTokens: 2 },
      }),
    ).toEqual([
      [
        'message_delta',
        {
          type: 'message_delta',
          delta: { stop_reason: 'tool_use', stop_sequence: null },
          usage: { input_tokens: 12, output_tokens: 6, cache_read_input_tokens: 2 },
        },
      ],
      ['message_stop', { type: 'message_stop' }],
    ]);
    expect(r.end().length).toBe(0);
  });

  it('the client-protocol reader sees usage and the end (quota exact)', () => {
    const r = createStreamReframer(c, {}, createAwsEventStreamParser);
    const bytes = Buffer.concat([
      frame('messageStart', { role: 'assistant' }),
      frame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hi' } }),
      frame('contentBlockStop', { contentBlockIndex: 0 }),
      frame('messageStop', { stopReason: 'end_turn' }),
      frame('metadata', { usage: { inputTokens: 7, outputTokens: 5, totalTokens: 12 } }),
    ]);
    const reader = getProtocol('anthropic-messages').createStreamReader();
    let usage: unknown;
    let done = false;
    const sse = createSseParser((ev) => {
      const seen = reader.onEvent(ev);
      if (seen.usage) usage = seen.usage;
      if (seen.done) done = true;
    });
    sse.push(r.push(bytes));
    sse.end();
    expect(usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 });
    expect(done).toBe(true);
  });

  it('reasoning deltas open a thinking block; an exception frame is an Anthropic error event', () => {
    const r = createStreamReframer(c, {}, createAwsEventStreamParser);
    const out = eventsOf(
      r
        .push(
          Buffer.concat([
            frame('messageStart', { role: 'assistant' }),
            frame('contentBlockDelta', {
              contentBlockIndex: 0,
              delta: { reasoningContent: { text: 'hmm' } },
            }),
            encodeEventStreamMessage(
              { ':message-type': 'exception', ':exception-type': 'modelStreamErrorException' },
              '{"message":"model failed"}',
            ),
          ]),
        )
        .toString(),
    );
    expect(out.map(([name]) => name)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'error',
    ]);
    expect(out[2]?.[1]).toMatchObject({ delta: { type: 'thinking_delta', thinking: 'hmm' } });
    expect(out[3]?.[1]).toEqual({
      type: 'error',
      error: { type: 'api_error', message: 'modelStreamErrorException: model failed' },
    });
  });

  it('a stream that stops without metadata still ends with message_delta and message_stop', () => {
    const r = createStreamReframer(c, {}, createAwsEventStreamParser);
    r.push(frame('messageStart', { role: 'assistant' }));
    r.push(frame('messageStop', { stopReason: 'max_tokens' }));
    expect(eventsOf(r.end().toString()).map(([name, d]) => [name, d.delta])).toEqual([
      ['message_delta', { stop_reason: 'max_tokens', stop_sequence: null }],
      ['message_stop', undefined],
    ]);
  });
});
