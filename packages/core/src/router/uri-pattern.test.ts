import { parseUriPattern } from './uri-pattern';

describe('parseUriPattern', () => {
  it.each([
    ['/blog/foo', false, 'exact', '/blog/foo'],
    ['/blog/bar*', false, 'prefix', '/blog/bar'],
    ['/foo/*', false, 'prefix', '/foo/'],
    ['/*', false, 'prefix', '/'],
    ['/user/:name', false, 'exact', '/user/:name'],
    ['/user/:name', true, 'prefix', '/user/'],
    ['/login/*action', false, 'prefix', '/login/'],
  ])('%s (paramMatch=%s) is %s on key %s', (pattern, paramMatch, kind, key) => {
    const parsed = parseUriPattern(pattern, paramMatch);
    expect(parsed.kind).toBe(kind);
    expect(parsed.key).toBe(key);
  });

  it('plain prefixes carry no segment check', () => {
    expect(parseUriPattern('/foo/*', false).capture).toBeUndefined();
    expect(parseUriPattern('/blog/bar*', false).capture).toBeUndefined();
    // Like radixtree: a `*` inside a segment with no named segment is just a prefix cut.
    expect(parseUriPattern('/foo*bar', false)).toEqual({ kind: 'prefix', key: '/foo' });
  });

  it(':name captures exactly one non-empty segment', () => {
    const { capture } = parseUriPattern('/user/:name', true);
    expect(capture?.('/user/john')).toEqual({ name: 'john' });
    expect(capture?.('/user/')).toBeUndefined();
    expect(capture?.('/user/john/x')).toBeUndefined();
  });

  it('*name captures the rest, slashes included, and may be empty', () => {
    const { capture } = parseUriPattern('/login/*action', false);
    expect(capture?.('/login/update/now')).toEqual({ action: 'update/now' });
    expect(capture?.('/login/')).toEqual({ action: '' });
  });

  it('a segment wildcard in the middle requires the literal tail', () => {
    const { key, capture } = parseUriPattern('/api/*/v1.json', false);
    expect(key).toBe('/api/');
    expect(capture?.('/api/a/b/v1.json')).toEqual({});
    expect(capture?.('/api/a/b/v1xjson')).toBeUndefined();
  });

  it('combines :name and *rest in parameter mode', () => {
    const { capture } = parseUriPattern('/user/:user/*action', true);
    expect(capture?.('/user/john/send/now')).toEqual({ user: 'john', action: 'send/now' });
    expect(capture?.('/user/john')).toBeUndefined();
  });
});
