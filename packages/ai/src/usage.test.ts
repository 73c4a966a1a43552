import { emptyUsage, estimateUsage, promptCharsOf, usageVars } from './usage';

describe('usage helpers', () => {
  it('emptyUsage is all zeros and fresh each time', () => {
    const a = emptyUsage();
    a.prompt_tokens = 5;
    expect(emptyUsage()).toEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
  });

  it.each([
    [0, 0, 0, 0],
    [1, 1, 1, 1],
    [4, 4, 1, 1],
    [5, 9, 2, 3],
    [10, 3, 3, 1],
    [-3, 0, 0, 0],
  ])('estimateUsage(%i, %i) → ceil(chars / 4)', (p, c, ep, ec) => {
    expect(estimateUsage(p, c)).toEqual({
      prompt_tokens: ep,
      completion_tokens: ec,
      total_tokens: ep + ec,
    });
  });

  it('promptCharsOf counts message text per protocol', () => {
    expect(
      promptCharsOf(
        {
          model: 'ignored-model-name',
          messages: [
            { role: 'system', content: 'abc' },
            {
              role: 'user',
              content: [
                { type: 'text', text: 'de' },
                { type: 'image_url', image_url: { url: 'x' } },
              ],
            },
          ],
        },
        'openai-chat',
      ),
    ).toBe(5);
    expect(
      promptCharsOf(
        { system: [{ type: 'text', text: 'sys' }], messages: [{ role: 'user', content: 'hello' }] },
        'anthropic-messages',
      ),
    ).toBe(8);
    expect(
      promptCharsOf(
        {
          instructions: 'be nice',
          input: [
            'ab',
            { role: 'user', content: [{ type: 'input_text', text: 'cd' }] },
            { type: 'function_call_output', output: 'ef' },
          ],
        },
        'openai-responses',
      ),
    ).toBe(13);
    expect(promptCharsOf({ input: 'hello' }, 'openai-responses')).toBe(5);
    expect(promptCharsOf({ input: ['a', 'bc'] }, 'openai-embeddings')).toBe(3);
    expect(promptCharsOf({ input: [1, 2, 3] }, 'openai-embeddings')).toBe(0);
    expect(promptCharsOf({ prompt: 'four', other: 'xx' }, 'passthrough')).toBe(4);
    expect(
      promptCharsOf(
        { messages: [{ role: 'user', content: [{ text: 'abc' }] }] },
        'bedrock-converse',
      ),
    ).toBe(3);
  });

  it('usageVars maps to the §1.10 names with 0 defaults', () => {
    expect(usageVars(undefined)).toEqual({
      llm_prompt_tokens: 0,
      llm_completion_tokens: 0,
      llm_total_tokens: 0,
      llm_cache_read_input_tokens: 0,
      llm_cache_creation_input_tokens: 0,
      llm_reasoning_tokens: 0,
    });
    expect(
      usageVars({
        prompt_tokens: 1,
        completion_tokens: 2,
        total_tokens: 3,
        cache_read_input_tokens: 4,
        cache_creation_input_tokens: 5,
        reasoning_tokens: 6,
      }),
    ).toEqual({
      llm_prompt_tokens: 1,
      llm_completion_tokens: 2,
      llm_total_tokens: 3,
      llm_cache_read_input_tokens: 4,
      llm_cache_creation_input_tokens: 5,
      llm_reasoning_tokens: 6,
    });
  });
});
