import { anthropicMessages } from './anthropic-messages';
import { openAiChat } from './openai-chat';
import { openAiResponses } from './openai-responses';
import { openAiRefusal, paramOf, typeName } from './shape';

describe('request shape checks', () => {
  it('names parameters and types as OpenAI does', () => {
    expect(paramOf(['messages', 0, 'content', 2])).toBe('messages[0].content[2]');
    expect([null, [], {}, 'x', 1, 1.5, true].map(typeName)).toEqual([
      'null',
      'an array',
      'an object',
      'a string',
      'an integer',
      'a decimal',
      'a boolean',
    ]);
    expect(openAiRefusal({ path: ['messages', 0], expected: 'an object', actual: null })).toEqual({
      message: "Invalid type for 'messages[0]': expected an object, but got null instead.",
      param: 'messages[0]',
      code: 'invalid_type',
    });
  });

  it.each([
    [{ messages: 'hi' }, 'messages'],
    [{ messages: [null] }, 'messages[0]'],
    [{ messages: [{ content: 'hi' }] }, 'messages[0].role'],
    [{ messages: [{ role: 7, content: 'hi' }] }, 'messages[0].role'],
    [{ messages: [{ role: 'user', content: 7 }] }, 'messages[0].content'],
    [{ messages: [{ role: 'user', content: ['hi'] }] }, 'messages[0].content[0]'],
    [{ messages: [{ role: 'user', content: [[[]]] }] }, 'messages[0].content[0]'],
  ])('refuses chat body %j at %s', (body, param) => {
    expect(openAiChat.invalid(body)).toMatchObject({ param });
  });

  it('accepts the documented chat shapes', () => {
    const messages = [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'image_url' }] },
      { role: 'assistant', content: null, tool_calls: 'not read by the mock' },
    ];
    expect(openAiChat.invalid({ messages, tools: [null, 7] })).toBeUndefined();
  });

  it('checks Anthropic messages and system prompts in its own words', () => {
    expect(anthropicMessages.invalid({ messages: [null] })).toEqual({
      message: 'messages.0: Input should be an object',
    });
    expect(anthropicMessages.invalid({ messages: [], system: ['x'] })).toEqual({
      message: 'system.0: Input should be an object',
    });
    expect(
      anthropicMessages.invalid({ messages: [], system: [{ type: 'text', text: 'x' }] }),
    ).toBeUndefined();
  });

  it('accepts Responses input items without a role, and checks instructions', () => {
    const input = [{ type: 'function_call_output', call_id: 'c', output: 'x' }];
    expect(openAiResponses.invalid({ input })).toBeUndefined();
    expect(openAiResponses.invalid({ input: 5 })).toMatchObject({ param: 'input' });
    expect(openAiResponses.invalid({ input: [null] })).toMatchObject({ param: 'input[0]' });
    expect(openAiResponses.invalid({ input: 'x', instructions: [] })).toMatchObject({
      param: 'instructions',
    });
  });
});
