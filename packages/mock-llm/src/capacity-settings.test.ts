import { MAX_OUTPUT_TOKENS, parseCapacity, requestedTokens } from './capacity-settings';

describe('capacity settings', () => {
  it('accepts valid fields and null for the unbounded ones', () => {
    expect(parseCapacity({ slots: 2, slowdown: 0.5, maxQueue: null, kvTokens: 512 })).toEqual({
      slots: 2,
      slowdown: 0.5,
      maxQueue: null,
      kvTokens: 512,
    });
  });

  it.each([
    [{ slots: 0 }, 'invalid capacity.slots: expected >= 1 and <= 100000'],
    [{ slots: 1.5 }, 'invalid capacity.slots: expected an integer'],
    [{ tokensPerSecond: 0 }, 'invalid capacity.tokensPerSecond: expected > 0'],
    [{ slowdown: 'x' }, 'invalid capacity.slowdown: expected a number'],
    [{ ttftMs: null }, 'invalid capacity.ttftMs: expected a number'],
    [{ outputTokens: MAX_OUTPUT_TOKENS + 1 }, 'invalid capacity.outputTokens'],
    [JSON.parse('{"__proto__": {"slots": 1}}'), 'invalid capacity: unknown field "__proto__"'],
    [{ speed: 1 }, 'invalid capacity: unknown field "speed"'],
    [[1], 'invalid capacity: expected a JSON object'],
  ])('refuses %j', (input, message) => {
    expect(() => parseCapacity(input)).toThrow(message);
  });

  it('reads the answer length from the request, bounded', () => {
    expect(requestedTokens({ max_tokens: 7 }, 64)).toBe(7);
    expect(requestedTokens({ max_completion_tokens: 9, max_tokens: 7 }, 64)).toBe(9);
    expect(requestedTokens({ max_output_tokens: 5 }, 64)).toBe(5);
    expect(requestedTokens({ max_tokens: 0 }, 64)).toBe(64);
    expect(requestedTokens({ max_tokens: '7' }, 64)).toBe(64);
    expect(requestedTokens({ max_tokens: 1e9 }, 64)).toBe(MAX_OUTPUT_TOKENS);
    expect(requestedTokens({}, 64)).toBe(64);
  });
});
