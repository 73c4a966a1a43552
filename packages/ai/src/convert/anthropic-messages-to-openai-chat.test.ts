import { createSseParser } from '../sse';
import { anthropicMessages } from '../protocols';
import { anthropicMessagesToOpenaiChat as c } from './anthropic-messages-to-openai-chat';
import { formatClientEvents, type ClientEvent } from './types';

const parse = (events: ClientEvent[]): Record<string, unknown>[] =>
  events.map((e) => ({ event: e.event, ...(JSON.parse(e.data) as Record<string, unknown>) }));

describe('anthropic-messages → openai-chat: request', () => {
  it('lifts system, keeps roles, maps max_tokens, stop_sequences, metadata and stream', () => {
    const body = {
      model: 'claude',
      system: [{ type: 'text', text: 'You are a mathematician' }],
      max_tokens: 100,
      stop_sequences: ['END'],
      metadata: { user_id: 'u1' },
      top_k: 5,
      stream: true,
      messages: [
        { role: 'user', content: 'What is 1+1?' },
        { role: 'assistant', content: [{ type: 'text', text: '2' }] },
      ],
    };
    const frozen = JSON.stringify(body);
    expect(c.request(body)).toEqual({
      model: 'claude',
      stream: true,
      messages: [
        { role: 'system', content: 'You are a mathematician' },
        { role: 'user', content: 'What is 1+1?' },
        { role: 'assistant', content: '2' },
      ],
      max_tokens: 100,
      max_completion_tokens: 100,
      stop: ['END'],
      user: 'u1',
    });
    expect(JSON.stringify(body)).toBe(frozen);
  });

  it('maps tools, tool_choice, tool_use and tool_result (results first), images', () => {
    const out = c.request({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAA' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'let me check' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'SF' } },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              content: [{ type: 'text', text: 'sunny' }],
            },
            { type: 'text', text: 'and tomorrow?' },
          ],
        },
      ],
      tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object' } }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
    });
    expect(out.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'what is this?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAA' } },
        ],
      },
      {
        role: 'assistant',
        content: 'let me check',
        tool_calls: [
          {
            id: 'toolu_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"SF"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: 'sunny' },
      { role: 'user', content: 'and tomorrow?' },
    ]);
    expect(out.tools).toEqual([
      {
        type: 'function',
        function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object' } },
      },
    ]);
    expect(out.tool_choice).toBe('required');
    expect(out.parallel_tool_calls).toBe(false);
  });

  it('refuses a body without messages and a nameless tool (APISIX messages)', () => {
    expect(() => c.request({ model: 'x' })).toThrow('missing messages');
    expect(() =>
      c.request({ messages: [{ role: 'user', content: 'hi' }], tools: [{ description: 'x' }] }),
    ).toThrow('invalid tool definition at index 1');
  });
});

describe('anthropic-messages → openai-chat: response', () => {
  it('maps text, tool calls, stop reason and usage (cache tokens included)', () => {
    const out = c.response(
      {
        id: 'chatcmpl-1',
        model: 'qwen',
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: 'Checking.',
              tool_calls: [
                {
                  id: 'call_1',
                  type: 'function',
                  function: { name: 'get_weather', arguments: '{"city":"SF"}' },
                },
              ],
            },
            finish_reason: 'tool_calls',
          },
        ],
        usage: {
          prompt_tokens: 20,
          completion_tokens: 7,
          total_tokens: 27,
          prompt_tokens_details: { cached_tokens: 4 },
        },
      },
      {},
    );
    expect(out).toEqual({
      id: 'chatcmpl-1',
      type: 'message',
      role: 'assistant',
      model: 'qwen',
      content: [
        { type: 'text', text: 'Checking.' },
        { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'SF' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 20, output_tokens: 7, cache_read_input_tokens: 4 },
    });
  });

  it.each([
    ['stop', 'end_turn'],
    ['length', 'max_tokens'],
    ['content_filter', 'end_turn'],
    ['tool_calls', 'tool_use'],
    [undefined, 'end_turn'],
  ])('finish_reason %s → stop_reason %s', (finish, stop) => {
    const out = c.response({ choices: [{ message: { content: 'x' }, finish_reason: finish }] }, {});
    expect(out.stop_reason).toBe(stop);
  });

  it('maps an OpenAI error to Anthropic error shape by status', () => {
    expect(c.error({ error: { message: 'slow down', type: 'rate_limit' } }, 429, '')).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'slow down' },
    });
  });
});

describe('anthropic-messages → openai-chat: stream', () => {
  const chunk = (
    choice: Record<string, unknown> | undefined,
    extra: Record<string, unknown> = {},
  ) => ({
    event: 'message',
    data: JSON.stringify({
      id: 'chatcmpl-9',
      object: 'chat.completion.chunk',
      model: 'qwen',
      choices: choice ? [{ index: 0, finish_reason: null, ...choice }] : [],
      ...extra,
    }),
  });

  it('re-frames text chunks event by event, holding message_delta for the usage chunk', () => {
    const s = c.createStreamConverter({});
    expect(parse(s.push(chunk({ delta: { role: 'assistant', content: '' } })))).toEqual([
      {
        event: 'message_start',
        type: 'message_start',
        message: {
          id: 'chatcmpl-9',
          type: 'message',
          role: 'assistant',
          model: 'qwen',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 0, output_tokens: 0 },
        },
      },
    ]);
    expect(parse(s.push(chunk({ delta: { content: 'Hel' } })))).toEqual([
      {
        event: 'content_block_start',
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: '' },
      },
      {
        event: 'content_block_delta',
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: 'Hel' },
      },
    ]);
    expect(parse(s.push(chunk({ delta: { content: 'lo' } })))).toEqual([
      {
        event: 'content_block_delta',
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: 'lo' },
      },
    ]);
    expect(parse(s.push(chunk({ delta: {}, finish_reason: 'stop' })))).toEqual([
      { event: 'content_block_stop', type: 'content_block_stop', index: 0 },
    ]);
    expect(
      parse(
        s.push(
          chunk(undefined, { usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 } }),
        ),
      ),
    ).toEqual([
      {
        event: 'message_delta',
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { input_tokens: 9, output_tokens: 2 },
      },
      { event: 'message_stop', type: 'message_stop' },
    ]);
    expect(s.push({ event: 'message', data: '[DONE]' })).toEqual([]);
    expect(s.end()).toEqual([]);
  });

  it('opens one tool_use block per tool call and streams its arguments', () => {
    const s = c.createStreamConverter({ model: 'fallback' });
    s.push(chunk({ delta: { role: 'assistant' } }));
    const start = parse(
      s.push(
        chunk({
          delta: {
            tool_calls: [
              {
                index: 0,
                id: 'call_1',
                type: 'function',
                function: { name: 'get_weather', arguments: '' },
              },
            ],
          },
        }),
      ),
    );
    expect(start).toEqual([
      {
        event: 'content_block_start',
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'tool_use', id: 'call_1', name: 'get_weather', input: {} },
      },
    ]);
    expect(
      parse(
        s.push(
          chunk({ delta: { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] } }),
        ),
      ),
    ).toEqual([
      {
        event: 'content_block_delta',
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'input_json_delta', partial_json: '{"city":' },
      },
    ]);
    const second = parse(
      s.push(
        chunk({
          delta: {
            tool_calls: [{ index: 1, id: 'call_2', function: { name: 'b', arguments: '{}' } }],
          },
        }),
      ),
    );
    expect(second.map((e) => [e.event, e.index])).toEqual([
      ['content_block_stop', 0],
      ['content_block_start', 1],
      ['content_block_delta', 1],
    ]);
    const end = parse(
      s.push(
        chunk(
          { delta: {}, finish_reason: 'tool_calls' },
          { usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 } },
        ),
      ),
    );
    expect(end.map((e) => e.event)).toEqual([
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(end[1]?.delta).toEqual({ stop_reason: 'tool_use', stop_sequence: null });
  });

  it('flushes the held message_delta on [DONE] when no usage chunk came', () => {
    const s = c.createStreamConverter({});
    s.push(chunk({ delta: { content: 'x' } }));
    s.push(chunk({ delta: {}, finish_reason: 'length' }));
    const out = parse(s.push({ event: 'message', data: '[DONE]' }));
    expect(out.map((e) => e.event)).toEqual(['message_delta', 'message_stop']);
    expect(out[0]?.delta).toEqual({ stop_reason: 'max_tokens', stop_sequence: null });
  });

  it('a cut stream ends without message_stop (the relay adds the error event)', () => {
    const s = c.createStreamConverter({});
    s.push(chunk({ delta: { content: 'x' } }));
    expect(s.end()).toEqual([]);
  });

  it("its output read by the client protocol's reader gives the upstream usage and text", () => {
    const s = c.createStreamConverter({});
    const events = [
      ...s.push(chunk({ delta: { content: 'Hi' } })),
      ...s.push(chunk({ delta: {}, finish_reason: 'stop' })),
      ...s.push(
        chunk(undefined, { usage: { prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 } }),
      ),
      ...s.push({ event: 'message', data: '[DONE]' }),
    ];
    const reader = anthropicMessages.createStreamReader();
    let usage;
    let text = '';
    let done = false;
    const parser = createSseParser((ev) => {
      const seen = reader.onEvent(ev);
      if (seen.usage) usage = seen.usage;
      if (seen.text) text += seen.text;
      if (seen.done) done = true;
    });
    parser.push(formatClientEvents(events));
    expect({ usage, text, done }).toEqual({
      usage: { prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 },
      text: 'Hi',
      done: true,
    });
  });
});
