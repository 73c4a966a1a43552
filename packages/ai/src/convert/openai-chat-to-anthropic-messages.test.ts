import { openaiChat } from '../protocols';
import { createSseParser } from '../sse';
import { openaiChatToAnthropicMessages as c } from './openai-chat-to-anthropic-messages';
import { formatClientEvents, type ClientEvent } from './types';

const datas = (events: ClientEvent[]) =>
  events.map((e) =>
    e.data === '[DONE]' ? '[DONE]' : (JSON.parse(e.data) as Record<string, unknown>),
  );

const ev = (type: string, payload: Record<string, unknown>) => ({
  event: type,
  data: JSON.stringify({ type, ...payload }),
});

describe('openai-chat → anthropic-messages: request (APISIX ai-proxy-openai-to-anthropic.t 1–6)', () => {
  it('lifts system to top level and defaults max_tokens to 4096', () => {
    const body = {
      model: 'claude-3-5-sonnet',
      messages: [
        { role: 'system', content: 'You are a mathematician' },
        { role: 'user', content: 'What is 1+1?' },
      ],
      frequency_penalty: 1,
    };
    expect(c.request(body)).toEqual({
      model: 'claude-3-5-sonnet',
      max_tokens: 4096,
      messages: [{ role: 'user', content: 'What is 1+1?' }],
      system: 'You are a mathematician',
    });
  });

  it('max_completion_tokens maps to max_tokens; stop, stream, user, reasoning_effort', () => {
    expect(
      c.request({
        messages: [{ role: 'user', content: 'hi' }],
        max_completion_tokens: 256,
        stop: 'END',
        stream: true,
        user: 'u1',
        reasoning_effort: 'medium',
      }),
    ).toEqual({
      max_tokens: 256,
      stop_sequences: ['END'],
      stream: true,
      thinking: { type: 'enabled', budget_tokens: 8192 },
      metadata: { user_id: 'u1' },
      messages: [{ role: 'user', content: 'hi' }],
    });
  });

  it('refuses a body without messages', () => {
    expect(() => c.request({ model: 'x' })).toThrow('missing messages');
  });

  it('converts tools, tool_choice, assistant tool_calls, grouped tool results and images', () => {
    const out = c.request({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'weather in SF?' },
            { type: 'image_url', image_url: { url: 'https://x/y.png' } },
          ],
        },
        {
          role: 'assistant',
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"location":"SF"}' },
            },
            { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: 'noon' }] },
      ],
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
      parallel_tool_calls: false,
    });
    expect(out.tools).toEqual([
      {
        name: 'get_weather',
        description: 'Get weather',
        input_schema: { type: 'object', properties: {} },
      },
    ]);
    expect(out.tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true });
    expect(out.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'weather in SF?' },
          { type: 'image', source: { type: 'url', url: 'https://x/y.png' } },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { location: 'SF' } },
          { type: 'tool_use', id: 'call_2', name: 'get_time', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: 'sunny' },
          { type: 'tool_result', tool_use_id: 'call_2', content: 'noon' },
        ],
      },
    ]);
  });

  it('adapts headers as APISIX does (bearer → x-api-key, version, SDK headers dropped)', () => {
    const h: Record<string, string> = {
      authorization: 'Bearer sk-abc',
      'x-stainless-lang': 'js',
      'openai-organization': 'org',
      'content-type': 'application/json',
    };
    c.headers?.(h);
    expect(h).toEqual({
      'x-api-key': 'sk-abc',
      'anthropic-version': '2023-06-01',
      'content-type': 'application/json',
    });
    const kept: Record<string, string> = { authorization: 'Bearer client', 'x-api-key': 'route' };
    c.headers?.(kept);
    expect(kept['x-api-key']).toBe('route');
  });
});

describe('openai-chat → anthropic-messages: response (APISIX tests 7–9)', () => {
  it('maps a message to a chat completion, cache tokens added back to prompt_tokens', () => {
    const out = c.response(
      {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-3-5-sonnet',
        content: [{ type: 'text', text: 'Hello!' }],
        stop_reason: 'end_turn',
        usage: { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 3 },
      },
      {},
    );
    expect(out).toMatchObject({
      id: 'msg_1',
      object: 'chat.completion',
      model: 'claude-3-5-sonnet',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'Hello!' }, finish_reason: 'stop' },
      ],
      usage: {
        prompt_tokens: 13,
        completion_tokens: 5,
        total_tokens: 18,
        prompt_tokens_details: { cached_tokens: 3 },
      },
    });
  });

  it('tool_use becomes tool_calls with finish_reason tool_calls', () => {
    const out = c.response(
      {
        id: 'msg_2',
        content: [
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { location: 'SF' } },
        ],
        stop_reason: 'tool_use',
        usage: { input_tokens: 8, output_tokens: 12 },
      },
      { model: 'm' },
    );
    expect(out.choices).toEqual([
      {
        index: 0,
        logprobs: null,
        finish_reason: 'tool_calls',
        message: {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'toolu_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"location":"SF"}' },
            },
          ],
        },
      },
    ]);
    expect(out.model).toBe('m');
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['tool_use', 'tool_calls'],
  ])('stop_reason %s → finish_reason %s', (stop, finish) => {
    const out = c.response({ content: [{ type: 'text', text: 'x' }], stop_reason: stop }, {});
    expect((out.choices as { finish_reason: string }[])[0]?.finish_reason).toBe(finish);
  });

  it('maps an Anthropic error to the OpenAI error shape', () => {
    expect(
      c.error({ type: 'error', error: { type: 'invalid_request_error', message: 'bad' } }, 400, ''),
    ).toEqual({
      error: {
        message: 'bad',
        type: 'invalid_request_error',
        code: 'invalid_request_error',
        param: null,
      },
    });
  });
});

describe('openai-chat → anthropic-messages: stream', () => {
  it('re-frames every Anthropic event as chunks, ending with usage and [DONE]', () => {
    const s = c.createStreamConverter({});
    const start = datas(
      s.push(
        ev('message_start', {
          message: { id: 'msg_1', model: 'claude', usage: { input_tokens: 25, output_tokens: 1 } },
        }),
      ),
    );
    expect(start).toEqual([
      expect.objectContaining({
        id: 'msg_1',
        object: 'chat.completion.chunk',
        model: 'claude',
        choices: [
          {
            index: 0,
            delta: { role: 'assistant', content: '' },
            logprobs: null,
            finish_reason: null,
          },
        ],
      }),
    ]);
    expect(
      s.push(ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } })),
    ).toEqual([]);
    expect(s.push(ev('ping', {}))).toEqual([]);
    expect(
      datas(
        s.push(ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Hi' } })),
      ),
    ).toEqual([
      expect.objectContaining({ choices: [expect.objectContaining({ delta: { content: 'Hi' } })] }),
    ]);
    expect(s.push(ev('content_block_stop', { index: 0 }))).toEqual([]);
    const tool = datas(
      s.push(
        ev('content_block_start', {
          index: 1,
          content_block: { type: 'tool_use', id: 'toolu_1', name: 'f', input: {} },
        }),
      ),
    );
    expect(tool[0]).toMatchObject({
      choices: [
        {
          delta: {
            tool_calls: [
              { index: 0, id: 'toolu_1', type: 'function', function: { name: 'f', arguments: '' } },
            ],
          },
        },
      ],
    });
    const args = datas(
      s.push(
        ev('content_block_delta', {
          index: 1,
          delta: { type: 'input_json_delta', partial_json: '{"a":1}' },
        }),
      ),
    );
    expect(args[0]).toMatchObject({
      choices: [{ delta: { tool_calls: [{ index: 0, function: { arguments: '{"a":1}' } }] } }],
    });
    const delta = datas(
      s.push(
        ev('message_delta', { delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 15 } }),
      ),
    );
    expect(delta[0]).toMatchObject({ choices: [{ delta: {}, finish_reason: 'tool_calls' }] });
    const stop = datas(s.push(ev('message_stop', {})));
    expect(stop).toEqual([
      expect.objectContaining({
        choices: [],
        usage: { prompt_tokens: 25, completion_tokens: 15, total_tokens: 40 },
      }),
      '[DONE]',
    ]);
  });

  it("its output read by the client protocol's reader gives the upstream usage and text", () => {
    const s = c.createStreamConverter({});
    const events = [
      ...s.push(
        ev('message_start', { message: { id: 'm', usage: { input_tokens: 7, output_tokens: 1 } } }),
      ),
      ...s.push(ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'ok' } })),
      ...s.push(
        ev('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 3 } }),
      ),
      ...s.push(ev('message_stop', {})),
    ];
    const reader = openaiChat.createStreamReader();
    let usage;
    let text = '';
    let done = false;
    createSseParser((e) => {
      const seen = reader.onEvent(e);
      if (seen.usage) usage = seen.usage;
      if (seen.text) text += seen.text;
      if (seen.done) done = true;
    }).push(formatClientEvents(events));
    expect({ usage, text, done }).toEqual({
      usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
      text: 'ok',
      done: true,
    });
  });

  it('an Anthropic error event becomes an OpenAI error chunk', () => {
    const s = c.createStreamConverter({});
    expect(
      datas(s.push(ev('error', { error: { type: 'overloaded_error', message: 'Overloaded' } }))),
    ).toEqual([{ error: { message: 'Overloaded', type: 'overloaded_error', code: null } }]);
  });
});
