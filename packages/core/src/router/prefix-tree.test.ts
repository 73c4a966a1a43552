import { PrefixTree } from './prefix-tree';

function prefixesOf(tree: PrefixTree<string>, input: string): string[] {
  const seen: string[] = [];
  tree.findPrefix(input, (v) => {
    seen.push(v);
    return undefined;
  });
  return seen;
}

describe('PrefixTree', () => {
  const keys = ['/blog/foo/', '/blog/foo/a/', '/blog/', '/b', '/blog/foo/c/', '/blog/bar', ''];
  const tree = new PrefixTree<string>();
  for (const key of keys) tree.upsert(key, () => `<${key}>`);

  it('returns every stored key that prefixes the input, longest first', () => {
    expect(prefixesOf(tree, '/blog/foo/a/b/c')).toEqual([
      '</blog/foo/a/>',
      '</blog/foo/>',
      '</blog/>',
      '</b>',
      '<>',
    ]);
  });

  it('includes a key equal to the input and stops at the first mismatch', () => {
    expect(prefixesOf(tree, '/blog/bar')).toEqual(['</blog/bar>', '</blog/>', '</b>', '<>']);
    expect(prefixesOf(tree, '/bl')).toEqual(['</b>', '<>']);
    expect(prefixesOf(tree, 'x')).toEqual(['<>']);
  });

  it('upsert returns the existing value and splits edges without losing keys', () => {
    const t = new PrefixTree<string[]>();
    t.upsert('/abcdef', () => []).push('long');
    t.upsert('/abc', () => []).push('short');
    t.upsert('/abcdef', () => ['never']).push('again');
    t.upsert('/abxyz', () => []).push('sibling');
    const seen: string[][] = [];
    t.findPrefix('/abcdefgh', (v) => {
      seen.push(v);
      return undefined;
    });
    expect(seen).toEqual([['long', 'again'], ['short']]);
    expect(t.findPrefix('/abxyz', (v) => v[0])).toBe('sibling');
  });

  it('stops at the first non-undefined result', () => {
    expect(tree.findPrefix('/blog/foo/x', (v) => (v === '</blog/>' ? 'hit' : undefined))).toBe(
      'hit',
    );
  });
});
