import { getProtocol } from './index';

describe('usage extraction (spec §1.9 table)', () => {
  const chat = getProtocol('openai-chat');

  it('openai-chat: fields, total from usage.total_tokens', () => {
    const usage = { prompt_tokens: 5, completion_tokens: 7, total_tokens: 20 };
    expect(chat.usageFromResponse({ usage })).toEqual({
      usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 20 },
      raw: usage,
    });
  });

  it('openai-chat: total falls back to prompt+completion; missing fields are 0', () => {
    expect(
      chat.usageFromResponse({ usage: { prompt_tokens: 5, completion_tokens: 7 } }).usage,
    ).toEqual({ prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 });
    expect(chat.usageFromResponse({ usage: {} }).usage).toEqual({
      prompt_tokens: 0,
      completion_tokens: 0,
      total_tokens: 0,
    });
  });

  it('openai-chat: cache and reasoning extras', () => {
    const usage = {
      prompt_tokens: 100,
      completion_tokens: 50,
      total_tokens: 150,
      prompt_tokens_details: { cached_tokens: 80 },
      completion_tokens_details: { reasoning_tokens: 30 },
    };
    expect(chat.usageFromResponse({ usage }).usage).toEqual({
      prompt_tokens: 100,
      completion_tokens: 50,
      total_tokens: 150,
      cache_read_input_tokens: 80,
      reasoning_tokens: 30,
    });
  });

  it('deepseek prompt_cache_hit_tokens → cache_read_input_tokens', () => {
    const usage = { prompt_tokens: 10, completion_tokens: 1, prompt_cache_hit_tokens: 8 };
    expect(chat.usageFromResponse({ usage }).usage?.cache_read_input_tokens).toBe(8);
  });

  it('no usage object (or not JSON object) → {}', () => {
    for (const name of [
      'openai-chat',
      'openai-responses',
      'anthropic-messages',
      'openai-embeddings',
      'bedrock-converse',
      'passthrough',
    ] as const) {
      expect(getProtocol(name).usageFromResponse({ id: 'x' })).toEqual({});
      expect(getProtocol(name).usageFromResponse('openai')).toEqual({});
      expect(getProtocol(name).usageFromResponse({ usage: null })).toEqual({});
    }
  });

  it('openai-responses: input/output, total or sum, extras', () => {
    const responses = getProtocol('openai-responses');
    expect(
      responses.usageFromResponse({ usage: { input_tokens: 3, output_tokens: 4 } }).usage,
    ).toEqual({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
    const usage = {
      input_tokens: 3,
      output_tokens: 4,
      total_tokens: 9,
      input_tokens_details: { cached_tokens: 2 },
      output_tokens_details: { reasoning_tokens: 1 },
    };
    expect(responses.usageFromResponse({ usage }).usage).toEqual({
      prompt_tokens: 3,
      completion_tokens: 4,
      total_tokens: 9,
      cache_read_input_tokens: 2,
      reasoning_tokens: 1,
    });
  });

  it('anthropic-messages: input/output, total always the sum, cache extras', () => {
    const usage = {
      input_tokens: 10,
      output_tokens: 5,
      total_tokens: 99,
      cache_read_input_tokens: 7,
      cache_creation_input_tokens: 3,
    };
    expect(getProtocol('anthropic-messages').usageFromResponse({ usage })).toEqual({
      usage: {
        prompt_tokens: 10,
        completion_tokens: 5,
        total_tokens: 15,
        cache_read_input_tokens: 7,
        cache_creation_input_tokens: 3,
      },
      raw: usage,
    });
  });

  it('openai-embeddings and bedrock-converse', () => {
    expect(
      getProtocol('openai-embeddings').usageFromResponse({
        usage: { prompt_tokens: 8, total_tokens: 8 },
      }).usage,
    ).toEqual({ prompt_tokens: 8, completion_tokens: 0, total_tokens: 8 });
    expect(
      getProtocol('bedrock-converse').usageFromResponse({
        usage: { inputTokens: 2, outputTokens: 3 },
      }).usage,
    ).toEqual({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
  });
});

describe('responseText', () => {
  it('openai-chat joins choices[].message.content with a space', () => {
    expect(
      getProtocol('openai-chat').responseText({
        choices: [
          { message: { content: 'a' } },
          { message: { content: null } },
          { message: { content: 'b' } },
        ],
      }),
    ).toBe('a b');
    expect(getProtocol('openai-chat').responseText({})).toBe('');
  });

  it('anthropic text blocks, responses output_text, bedrock content text', () => {
    expect(
      getProtocol('anthropic-messages').responseText({
        content: [{ type: 'text', text: 'x' }, { type: 'tool_use' }, { type: 'text', text: 'y' }],
      }),
    ).toBe('x y');
    expect(
      getProtocol('openai-responses').responseText({
        output: [
          { type: 'reasoning' },
          { type: 'message', content: [{ type: 'output_text', text: 'hello' }] },
        ],
      }),
    ).toBe('hello');
    expect(
      getProtocol('bedrock-converse').responseText({
        output: { message: { content: [{ text: 'p' }, { text: 'q' }] } },
      }),
    ).toBe('p q');
    expect(getProtocol('passthrough').responseText({ choices: [] })).toBe('');
  });
});
