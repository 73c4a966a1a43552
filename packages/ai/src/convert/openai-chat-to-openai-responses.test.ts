import { openaiChat } from '../protocols';
import { createSseParser } from '../sse';
import { resolveTarget } from '../target';
import { openaiChatToOpenaiResponses as c } from './openai-chat-to-openai-responses';
import { formatClientEvents } from './types';

const ev = (type: string, payload: Record<string, unknown>) => ({
  event: type,
  data: JSON.stringify({ type, ...payload }),
});

describe('openai-chat → openai-responses', () => {
  it('is chosen for an instance whose endpoint is a /v1/responses path', () => {
    const t = resolveTarget(
      'openai',
      { override: { endpoint: 'http://x/v1/responses' } },
      'openai-chat',
    );
    expect([t.protocol, t.path]).toEqual(['openai-responses', '/v1/responses']);
    expect(resolveTarget('openai', {}, 'openai-chat').protocol).toBe('openai-chat');
  });

  it('request: messages as input items, tools, max tokens, response_format', () => {
    expect(
      c.request({
        model: 'gpt-5-pro',
        max_completion_tokens: 99,
        messages: [
          { role: 'system', content: 'Be brief' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Weather?' },
              { type: 'image_url', image_url: { url: 'https://i/x.png' } },
            ],
          },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
        ],
        tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
        tool_choice: { type: 'function', function: { name: 'f' } },
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'w', schema: { type: 'object' } },
        },
        stop: ['x'],
      }),
    ).toEqual({
      model: 'gpt-5-pro',
      max_output_tokens: 99,
      input: [
        { role: 'system', content: 'Be brief' },
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'Weather?' },
            { type: 'input_image', image_url: 'https://i/x.png', detail: 'auto' },
          ],
        },
        { type: 'function_call', call_id: 'call_1', name: 'f', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
      ],
      tools: [{ type: 'function', name: 'f', parameters: { type: 'object' } }],
      tool_choice: { type: 'function', name: 'f' },
      text: { format: { type: 'json_schema', name: 'w', schema: { type: 'object' } } },
    });
  });

  it('response: output items to a chat completion, length and usage', () => {
    const out = c.response(
      {
        id: 'resp_1',
        model: 'gpt-5-pro',
        status: 'incomplete',
        incomplete_details: { reason: 'max_output_tokens' },
        output: [
          { type: 'reasoning', summary: [] },
          {
            type: 'message',
            content: [
              { type: 'output_text', text: 'Hel' },
              { type: 'output_text', text: 'lo' },
            ],
          },
        ],
        usage: {
          input_tokens: 5,
          output_tokens: 7,
          total_tokens: 12,
          output_tokens_details: { reasoning_tokens: 4 },
        },
      },
      {},
    );
    expect(out).toMatchObject({
      object: 'chat.completion',
      choices: [{ message: { role: 'assistant', content: 'Hello' }, finish_reason: 'length' }],
      usage: {
        prompt_tokens: 5,
        completion_tokens: 7,
        total_tokens: 12,
        completion_tokens_details: { reasoning_tokens: 4 },
      },
    });
  });

  it('stream: Responses events to chunks, finish, usage chunk and [DONE]; usage read by the chat reader', () => {
    const s = c.createStreamConverter({});
    const out = [
      ...s.push(ev('response.created', { response: { id: 'resp_9', model: 'm', created_at: 5 } })),
      ...s.push(
        ev('response.output_item.added', {
          output_index: 0,
          item: { type: 'message', id: 'msg_1' },
        }),
      ),
      ...s.push(ev('response.output_text.delta', { item_id: 'msg_1', delta: 'Hi' })),
      ...s.push(
        ev('response.output_item.added', {
          output_index: 1,
          item: { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'f' },
        }),
      ),
      ...s.push(ev('response.function_call_arguments.delta', { item_id: 'fc_1', delta: '{}' })),
      ...s.push(
        ev('response.completed', {
          response: { id: 'resp_9', usage: { input_tokens: 3, output_tokens: 2, total_tokens: 5 } },
        }),
      ),
    ];
    const datas = out.map((e) =>
      e.data === '[DONE]' ? e.data : (JSON.parse(e.data) as Record<string, unknown>),
    );
    expect(
      datas.map((d) =>
        typeof d === 'string' ? d : JSON.stringify((d.choices as unknown[])[0] ?? d.usage),
      ),
    ).toEqual([
      JSON.stringify({
        index: 0,
        delta: { role: 'assistant', content: '' },
        logprobs: null,
        finish_reason: null,
      }),
      JSON.stringify({ index: 0, delta: { content: 'Hi' }, logprobs: null, finish_reason: null }),
      JSON.stringify({
        index: 0,
        delta: {
          tool_calls: [
            { index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } },
          ],
        },
        logprobs: null,
        finish_reason: null,
      }),
      JSON.stringify({
        index: 0,
        delta: { tool_calls: [{ index: 0, function: { arguments: '{}' } }] },
        logprobs: null,
        finish_reason: null,
      }),
      JSON.stringify({ index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' }),
      JSON.stringify({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 }),
      '[DONE]',
    ]);
    const reader = openaiChat.createStreamReader();
    let usage;
    let done = false;
    createSseParser((e) => {
      const seen = reader.onEvent(e);
      if (seen.usage) usage = seen.usage;
      if (seen.done) done = true;
    }).push(formatClientEvents(out));
    expect({ usage, done }).toEqual({
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
      done: true,
    });
  });
});
