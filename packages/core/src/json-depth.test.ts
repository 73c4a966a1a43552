import { findNestingOverflow, MAX_JSON_DEPTH } from './json-depth';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('findNestingOverflow', () => {
  it('accepts nesting up to the limit and reports the bracket that goes past it', () => {
    expect(findNestingOverflow(bytes(nested(MAX_JSON_DEPTH)))).toBeUndefined();
    expect(findNestingOverflow(bytes(nested(MAX_JSON_DEPTH + 1)))).toEqual({
      depth: MAX_JSON_DEPTH + 1,
      offset: MAX_JSON_DEPTH,
    });
    expect(findNestingOverflow(bytes('{"a":{"a":{"a":1}}}'), 2)).toEqual({ depth: 3, offset: 10 });
  });

  it('counts depth, not the number of brackets', () => {
    expect(findNestingOverflow(bytes('[[1],[2],{"a":[3]}]'), 3)).toBeUndefined();
    expect(findNestingOverflow(bytes('[[1],[2],{"a":[3]}]'), 2)).toEqual({ depth: 3, offset: 14 });
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(findNestingOverflow(bytes('["[[[[", "\\"[[[", "{{{\\\\"]'), 1)).toBeUndefined();
    expect(findNestingOverflow(bytes('{"k\\"[[":"é[[ü"}'), 1)).toBeUndefined();
  });

  it('handles a 100,000-deep body without recursion', () => {
    const overflow = findNestingOverflow(bytes(`{"a":${nested(100_000)}}`));
    expect(overflow).toEqual({ depth: MAX_JSON_DEPTH + 1, offset: 5 + MAX_JSON_DEPTH - 1 });
  });
});

/** The byte-by-byte scan the string skipping must agree with. */
function byteByByte(text: Uint8Array, maxDepth: number) {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const byte = text[i];
    if (inString) {
      if (byte === 0x5c) i++;
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x5b || byte === 0x7b) {
      depth++;
      if (depth > maxDepth) return { depth, offset: i };
    } else if (byte === 0x5d || byte === 0x7d) depth--;
  }
  return undefined;
}

describe('findNestingOverflow across strings', () => {
  it('skips strings with runs of backslashes before their quotes', () => {
    // `"\\"` ends after its two backslashes; in `"\\\"[["` the quote is escaped, the brackets
    // are text and the string ends at the next quote.
    expect(findNestingOverflow(bytes('["\\\\",[[1]]]'), 2)).toEqual({ depth: 3, offset: 7 });
    expect(findNestingOverflow(bytes('["\\\\\\"[[",[1]]'), 2)).toBeUndefined();
    expect(findNestingOverflow(bytes('["\\\\\\"",[[1]]]'), 2)).toEqual({ depth: 3, offset: 9 });
    // A string that never ends hides what follows it.
    expect(findNestingOverflow(bytes('["[[[[['), 2)).toBeUndefined();
  });

  it('agrees with a byte-by-byte scan on random JSON-like text', () => {
    const alphabet = ['[', ']', '{', '}', '"', '\\', 'a', ',', ':', 'é'];
    let seed = 7;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    for (let run = 0; run < 2000; run++) {
      const length = Math.floor(random() * 60);
      let text = '';
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
      const maxDepth = Math.floor(random() * 4);
      expect(findNestingOverflow(bytes(text), maxDepth)).toEqual(byteByByte(bytes(text), maxDepth));
    }
  });
});
