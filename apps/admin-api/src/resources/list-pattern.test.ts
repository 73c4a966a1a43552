import {
  compileFilter,
  expandedSize,
  MAX_FILTER_EXPANDED_SIZE,
  MAX_FILTER_SUBJECT_LENGTH,
} from './list-pattern';

describe('expandedSize', () => {
  it.each([
    ['abc', 3],
    ['[a-z]', 1],
    ['[]a]', 1],
    ['[^]\\]]x', 2],
    ['[[:alpha:]]', 1],
    ['\\d\\pL\\p{Greek}\\x{41}', 4],
    ['a{3}', 4],
    ['a{3,}', 5],
    ['a{2,5}', 6],
    ['(ab){3}', 8],
    ['((a{1,10}){10}){10}', 1331],
    ['x{', 2],
    ['a)b', 2],
  ])('%s: %d', (pattern, size) => {
    expect(expandedSize(pattern)).toBe(size);
  });
});

describe('compileFilter', () => {
  it('searches anywhere in the subject, as ngx.re.find', () => {
    const filter = compileFilter('b+c');
    expect(filter.ok && filter.matches('/abbc/d')).toBe(true);
    expect(filter.ok && filter.matches('/ab/c')).toBe(false);
  });

  it('does not search a subject longer than any uri APISIX stores', () => {
    const filter = compileFilter('a');
    expect(filter.ok && filter.matches('a'.repeat(MAX_FILTER_SUBJECT_LENGTH))).toBe(true);
    expect(filter.ok && filter.matches('a'.repeat(MAX_FILTER_SUBJECT_LENGTH + 1))).toBe(false);
  });

  it.each([
    '(a+)+b',
    '(a|aa)*c',
    '(.*a){20}x',
    '[ab]*a[ab]{20}c',
    `.{${MAX_FILTER_EXPANDED_SIZE - 2}}x`,
    'a?'.repeat(128),
    '\\pL{60}'.repeat(3),
    '(?i)a{80}'.repeat(3),
  ])('%s costs little even on a 4096-character subject', (pattern) => {
    const filter = compileFilter(pattern);
    if (!filter.ok) throw new Error(filter.reason);
    const subjects = ['a'.repeat(4096), 'ab'.repeat(2048)];
    const started = performance.now();
    for (const subject of subjects) filter.matches(subject);
    expect(performance.now() - started).toBeLessThan(100);
  });
});
