import { DEFAULT_BEHAVIOUR } from './behaviour';
import {
  estimateTokens,
  generate,
  greeting,
  loopPieces,
  splitTokens,
  textOf,
  toLength,
} from './text';

describe('text', () => {
  it('reads text from strings, part arrays and single parts', () => {
    expect(textOf('abc')).toBe('abc');
    expect(
      textOf([
        { type: 'text', text: 'a' },
        { type: 'image_url', image_url: {} },
        { type: 'input_text', text: 'b' },
      ]),
    ).toBe('ab');
    expect(textOf({ type: 'text', text: 'c' })).toBe('c');
    expect(textOf(null)).toBe('');
    expect(textOf(42)).toBe('');
  });

  it('estimates one token per 4 characters, rounded up', () => {
    expect([0, 1, 4, 5, 8].map(estimateTokens)).toEqual([0, 1, 1, 2, 2]);
  });

  it('splits into pieces of 4 code points without breaking surrogate pairs', () => {
    expect(splitTokens('Hello world')).toEqual(['Hell', 'o wo', 'rld']);
    expect(splitTokens('')).toEqual([]);
    expect(splitTokens('😀😀😀😀😀')).toEqual(['😀😀😀😀', '😀']);
  });

  it('greets with the last user message, flattened and truncated', () => {
    expect(greeting('a', 'What is\n 1+1?')).toBe('Hello from a: What is 1+1?');
    expect(greeting('a', '')).toBe('Hello from a!');
    expect(greeting('a', 'x'.repeat(50))).toBe(`Hello from a: ${'x'.repeat(40)}...`);
  });

  it('estimates usage unless the behaviour fixes it', () => {
    const gen = generate('a', { ...DEFAULT_BEHAVIOUR }, 10, 'hi');
    expect(gen.text).toBe('Hello from a: hi');
    expect(gen.pieces.join('')).toBe(gen.text);
    expect(gen).toMatchObject({ promptTokens: 3, completionTokens: gen.pieces.length });
    const fixed = generate(
      'a',
      { ...DEFAULT_BEHAVIOUR, content: 'ok', usage: { prompt: 23, completion: 8 } },
      10,
      'hi',
    );
    expect(fixed).toMatchObject({ text: 'ok', promptTokens: 23, completionTokens: 8 });
  });

  it("repeats or cuts the answer to the capacity model's length", () => {
    expect(toLength('Hi', 2)).toBe('Hi Hi Hi');
    expect(splitTokens(toLength('héllo wörld', 3))).toHaveLength(3);
    const gen = generate('a', { ...DEFAULT_BEHAVIOUR }, 8, 'hi', 50);
    expect(gen.pieces).toHaveLength(50);
    expect(gen.completionTokens).toBe(50);
    expect(gen.text.startsWith('Hello from a: hi Hello from a: hi')).toBe(true);
    const fixed = generate('a', { ...DEFAULT_BEHAVIOUR, content: 'ok' }, 8, 'hi', 50);
    expect(fixed.pieces).toEqual(['ok']);
  });

  it('loopPieces continues a text with itself, 4 code points a piece, for ever', () => {
    const next = loopPieces('Hi');
    expect([0, 1, 2].map(next)).toEqual([' Hi ', 'Hi H', 'i Hi']);
    expect(loopPieces('é!')(1_000_000)).toHaveLength(4);
  });
});
