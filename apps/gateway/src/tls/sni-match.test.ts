import { normaliseSni, SniMatcher } from './sni-match';

function matcher(snis: Record<string, string>): SniMatcher<string> {
  const m = new SniMatcher<string>();
  for (const [sni, id] of Object.entries(snis)) m.add(sni, id);
  return m;
}

describe('SniMatcher (APISIX radixtree_sni rules)', () => {
  it('prefers an exact SNI over a wildcard that also covers the name', () => {
    const m = matcher({ '*.test.com': 'wild', 'a.test.com': 'exact' });
    expect(m.match('a.test.com')).toBe('exact');
    expect(m.match('b.test.com')).toBe('wild');
  });

  it('lets a wildcard cover exactly one label', () => {
    const m = matcher({ '*.test.com': 'wild' });
    expect(m.match('x.test.com')).toBe('wild');
    expect(m.match('x.y.test.com')).toBeUndefined();
    expect(m.match('test.com')).toBeUndefined();
    expect(m.match('xtest.com')).toBeUndefined();
  });

  it('takes the wildcard with the longest suffix', () => {
    const m = matcher({ '*.com': 'short', '*.test.com': 'long' });
    expect(m.match('a.test.com')).toBe('long');
    expect(m.match('other.com')).toBe('short');
  });

  it('ignores case on both sides and a trailing dot on configured SNIs', () => {
    const m = matcher({ 'A.Test.COM.': 'exact', '*.Wild.Com': 'wild' });
    expect(m.match('a.test.com')).toBe('exact');
    expect(m.match('A.TEST.COM')).toBe('exact');
    expect(m.match('X.WILD.com')).toBe('wild');
    expect(normaliseSni('Foo.Bar.')).toBe('foo.bar');
  });

  it('keeps the first SSL that claims a name', () => {
    const m = new SniMatcher<string>();
    m.add('a.test.com', 'first');
    m.add('a.test.com', 'second');
    expect(m.match('a.test.com')).toBe('first');
    expect(m.size).toBe(1);
  });

  it('matches nothing for an unknown or oversized name', () => {
    const m = matcher({ 'a.test.com': 'exact', '*.test.com': 'wild' });
    expect(m.match('a.other.com')).toBeUndefined();
    expect(m.match(`${'a'.repeat(300)}.test.com`)).toBeUndefined();
  });
});
