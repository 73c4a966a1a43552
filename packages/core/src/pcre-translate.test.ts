import { PcreError } from './pcre';
import { compilePcreExact, PcreUnsupportedError, translatePcre } from './pcre-translate';

const matches = (pattern: string, subject: string, options = '') =>
  compilePcreExact(pattern, { options, matchOnly: true }).test(subject);

describe('pcre-translate', () => {
  it('keeps plain patterns as they are, with the u flag and no i', () => {
    expect(translatePcre('badword')).toEqual({ source: 'badword', flags: 'u' });
    expect(matches('badword', 'BADWORD')).toBe(false);
    expect(matches('^[A-Za-z0-9_]+badword$', 'anaapsanaapbadword')).toBe(true);
  });

  it('possessive quantifiers and atomic groups never give back what they matched', () => {
    expect(matches('a++a', 'aaaa')).toBe(false);
    expect(matches('a+a', 'aaaa')).toBe(true);
    expect(matches('(?>a+)b', 'aaab')).toBe(true);
    expect(matches('(?>a|ab)c', 'abc')).toBe(false);
    expect(matches('(?:a|ab)c', 'abc')).toBe(true);
    expect(matches('x[0-9]*+[0-9]', 'x123')).toBe(false);
    expect(matches('x\\d{1,3}+y', 'x12y')).toBe(true);
  });

  it('renumbers back references around the helper groups', () => {
    expect(matches('(a)b++(c)\\2\\1', 'abbcca')).toBe(true);
    expect(matches('(a)b++(c)\\2\\1', 'abbcac')).toBe(false);
    expect(matches('(?<w>x)y*+\\k<w>', 'xyyx')).toBe(true);
    expect(matches('(a)(b)\\g{-1}', 'abb')).toBe(true);
    expect(matches('(?P<n>q)(?P=n)', 'qq')).toBe(true);
  });

  it('applies option settings at the start to the whole pattern', () => {
    expect(matches('(?i)badword', 'BadWord')).toBe(true);
    expect(translatePcre('(?i)x').flags).toBe('iu');
    expect(matches('(?s)a.b', 'a\nb')).toBe(true);
    expect(matches('a.b', 'a\nb')).toBe(false);
    expect(matches('a.b', 'a\rb')).toBe(true); // only \n is excluded, as PCRE's default newline
    expect(matches('(?x) bad  word # a comment', 'badword')).toBe(true);
    expect(matches('(*UTF8)(?m)^b$', 'a\nb\nc')).toBe(true);
  });

  it('refuses inline settings elsewhere, unless they change nothing', () => {
    expect(() => translatePcre('a(?i)b')).toThrow(PcreUnsupportedError);
    expect(() => translatePcre('a(?i:b)')).toThrow(/inline option setting \(\?i:/);
    expect(matches('a(?-i)b', 'ab')).toBe(true);
  });

  it('keeps PCRE anchors and whitespace classes', () => {
    expect(matches('word$', 'word\n')).toBe(true);
    expect(matches('word\\z', 'word\n')).toBe(false);
    expect(matches('word\\Z', 'word\n')).toBe(true);
    expect(matches('\\Aword', 'word')).toBe(true);
    expect(matches('a\\sb', 'a\u00a0b')).toBe(false); // JavaScript's \s would match NBSP
    expect(matches('a\\hb', 'a\u00a0b')).toBe(true);
    expect(matches('a\\vb', 'a\nb')).toBe(true);
    expect(matches('a\\Rb', 'a\r\nb')).toBe(true);
    expect(matches('[[:alpha:]]+[[:^digit:]]', 'ab!')).toBe(true);
    expect(matches('[[:digit:]]', 'x')).toBe(false);
  });

  it('quotes, escapes and code points', () => {
    expect(matches('\\Qa.b*\\E', 'a.b*')).toBe(true);
    expect(matches('\\Qa.b\\E', 'axb')).toBe(false);
    expect(matches('\\x{1F600}', '😀')).toBe(true);
    // \103 is octal in PCRE here (fewer groups); ambiguous, so refused with a hint.
    expect(() => translatePcre('\\x41\\103')).toThrow(/\\o\{\.\.\.\}/);
    expect(matches('\\x41\\o{102}', 'AB')).toBe(true);
    expect(matches('\\@\\-\\"', '@-"')).toBe(true);
    expect(matches('a{,3}', 'a{,3}')).toBe(true); // not a quantifier in PCRE
    expect(matches('[]a]', ']')).toBe(true);
    expect(matches('[\\d-z]', '-')).toBe(true);
    expect(matches('\\p{Greek}+', 'αβ')).toBe(true);
    expect(matches('\\pL', 'é')).toBe(true);
  });

  it('drops \\K where only the match decision counts, refuses it otherwise', () => {
    expect(matches('foo\\Kbar', 'foobar')).toBe(true);
    expect(() => translatePcre('foo\\Kbar')).toThrow(PcreUnsupportedError);
  });

  it('refuses what JavaScript cannot express, naming it', () => {
    expect(() => translatePcre('(a(?R)?b)')).toThrow(/recursion/);
    expect(() => translatePcre('(?(1)a|b)')).toThrow(/conditional/);
    expect(() => translatePcre('(?|(a)|(b))')).toThrow(/branch reset/);
    expect(() => translatePcre('a(*SKIP)b')).toThrow(/verb/);
    expect(() => translatePcre('\\X')).toThrow(/grapheme/);
    expect(() => translatePcre('(*UCP)\\w')).toThrow(/\(\*UCP\)/);
  });

  it('reports malformed patterns as PcreError', () => {
    for (const bad of [
      '(abc',
      'abc)',
      '[abc',
      '*a',
      'a{3,2}',
      '\\',
      '\\y',
      '(?<1a>x)',
      '\\k<nope>',
      '(a)\\2',
      '[z-a]',
    ]) {
      expect(() => compilePcreExact(bad)).toThrow(PcreError);
      expect(() => compilePcreExact(bad)).not.toThrow(PcreUnsupportedError);
    }
  });

  it('honours ngx.re option letters and ignores the performance ones', () => {
    expect(matches('abc', 'ABC', 'jo')).toBe(false);
    expect(matches('abc', 'ABC', 'ijo')).toBe(true);
    expect(matches('^b', 'a\nb', 'm')).toBe(true);
  });
});
