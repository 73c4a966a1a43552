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
