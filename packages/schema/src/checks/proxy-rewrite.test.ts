import { checkProxyRewrite } from './proxy-rewrite';

describe('checkProxyRewrite', () => {
  it('accepts regex pairs that compile and valid plain headers', () => {
    expect(checkProxyRewrite({ regex_uri: ['^/a/(.*)', '/$1', '^/b', '/c'] })).toBeUndefined();
    expect(checkProxyRewrite({ headers: { 'X-A': 'b', 'X-N': 1 } })).toBeUndefined();
    expect(checkProxyRewrite({ headers: { set: { 'X-A': 'b' } } })).toBeUndefined();
  });

  it('refuses with APISIX messages', () => {
    expect(checkProxyRewrite({ regex_uri: ['^/a', '/b', '^/c'] })).toBe(
      'The length of regex_uri should be an even number',
    );
    expect(checkProxyRewrite({ regex_uri: ['^/a(', '/b'] })).toMatch(
      /^invalid regex_uri\(\^\/a\(, \/b\): /,
    );
    expect(checkProxyRewrite({ headers: { 'X-A b': 'v' } })).toBe(
      'invalid field character in header',
    );
    expect(checkProxyRewrite({ headers: { 'X-A': 'v\r\nX: y' } })).toBe(
      'invalid value character in header',
    );
  });
});
