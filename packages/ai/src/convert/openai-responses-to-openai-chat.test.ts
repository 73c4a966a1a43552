import { openaiResponses } from '../protocols';
import { createSseParser } from '../sse';
import { openaiResponsesToOpenaiChat as c } from './openai-responses-to-openai-chat';
import { formatClientEvents } from './types';

const chunk = (
  choice: Record<string, unknown> | undefined,
  extra: Record<string, unknown> = {},
) => ({
  event: 'message',
  data: JSON.stringify({
    id: 'chatcmpl-5',
    model: 'deepseek-chat',
    created: 1700000000,
    choices: choice ? [{ index: 0, finish_reason: null, ...choice }] : [],
    ...extra,
  }),
});

describe('openai-responses → openai-chat: request', () => {
  it('instructions, input items, function calls and outputs, tools, text format', () => {
    const body = {
      model: 'deepseek-chat',
      instructions: 'Be brief',
      max_output_tokens: 50,
      stream: true,
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'Weather?' }] },
        {
          type: 'function_call',
          call_id: 'call_1',
          name: 'get_weather',
          arguments: '{"city":"SF"}',
        },
        { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
        { type: 'message', role: 'developer', content: 'mind the units' },
      ],
      tools: [
        { type: 'function', name: 'get_weather', parameters: { type: 'object' } },
        { type: 'web_search' },
      ],
      tool_choice: { type: 'function', name: 'get_weather' },
      text: {
        format: { type: 'json_schema', name: 'w', schema: { type: 'object' }, strict: true },
      },
    };
    expect(c.request(body)).toEqual({
      model: 'deepseek-chat',
      stream: true,
      max_tokens: 50,
      messages: [
        { role: 'system', content: 'Be brief' },
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"SF"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
        { role: 'system', content: 'mind the units' },
      ],
      tools: [
        { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'w', schema: { type: 'object' }, strict: true },
      },
    });
    expect(c.request({ input: 'hi' }).messages).toEqual([{ role: 'user', content: 'hi' }]);
    expect(() => c.request({ model: 'x' })).toThrow('missing input');
  });
});

describe('openai-responses → openai-chat: response', () => {
  it('message and function_call output items, usage, incomplete on length', () => {
    const out = c.response(
      {
        id: 'chatcmpl-1',
        model: 'deepseek-chat',
        created: 1,
        choices: [
          {
            message: {
              content: 'Checking',
              tool_calls: [{ id: 'call_1', function: { name: 'f', arguments: '{}' } }],
            },
            finish_reason: 'tool_calls',
          },
        ],
        usage: { prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 },
      },
      {},
    );
    expect(out).toMatchObject({
      object: 'response',
      status: 'completed',
      model: 'deepseek-chat',
      output: [
        {
          type: 'message',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Checking' }],
        },
        { type: 'function_call', call_id: 'call_1', name: 'f', arguments: '{}' },
      ],
      usage: { input_tokens: 10, output_tokens: 4, total_tokens: 14 },
    });
    const cut = c.response(
      { choices: [{ message: { content: 'x' }, finish_reason: 'length' }] },
      {},
    );
    expect(cut).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
    });
  });
});

describe('openai-responses → openai-chat: stream', () => {
  it('re-frames chunks as Responses events and ends with response.completed and usage', () => {
    const s = c.createStreamConverter({});
    const events = [
      ...s.push(chunk({ delta: { role: 'assistant', content: '' } })),
      ...s.push(chunk({ delta: { content: 'He' } })),
      ...s.push(chunk({ delta: { content: 'llo' } })),
      ...s.push(
        chunk({
          delta: {
            tool_calls: [{ index: 0, id: 'call_9', function: { name: 'f', arguments: '{"a"' } }],
          },
        }),
      ),
      ...s.push(chunk({ delta: { tool_calls: [{ index: 0, function: { arguments: ':1}' } }] } })),
      ...s.push(chunk({ delta: {}, finish_reason: 'tool_calls' })),
      ...s.push(
        chunk(undefined, { usage: { prompt_tokens: 6, completion_tokens: 5, total_tokens: 11 } }),
      ),
      ...s.push({ event: 'message', data: '[DONE]' }),
    ];
    expect(events.map((e) => e.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const seqs = events.map(
      (e) => (JSON.parse(e.data) as { sequence_number: number }).sequence_number,
    );
    expect(seqs).toEqual(seqs.map((_, i) => i));
    const completed = JSON.parse(events.at(-1)?.data ?? '{}') as {
      response: Record<string, unknown>;
    };
    expect(completed.response).toMatchObject({
      status: 'completed',
      output: [
        { type: 'message', content: [{ text: 'Hello' }] },
        { type: 'function_call', call_id: 'call_9', arguments: '{"a":1}' },
      ],
      usage: { input_tokens: 6, output_tokens: 5, total_tokens: 11 },
    });
    // The client protocol's reader sees the upstream usage and the end.
    const reader = openaiResponses.createStreamReader();
    let usage;
    let done = false;
    createSseParser((e) => {
      const seen = reader.onEvent(e);
      if (seen.usage) usage = seen.usage;
      if (seen.done) done = true;
    }).push(formatClientEvents(events));
    expect({ usage, done }).toEqual({
      usage: {
        prompt_tokens: 6,
        completion_tokens: 5,
        total_tokens: 11,
        cache_read_input_tokens: 0,
        reasoning_tokens: 0,
      },
      done: true,
    });
  });
});
