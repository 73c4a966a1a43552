import { checkRedirect } from './redirect';

describe('checkRedirect', () => {
  it('refuses with APISIX messages', () => {
    expect(checkRedirect({ regex_uri: ['^/a', '/b'] })).toBeUndefined();
    expect(checkRedirect({ regex_uri: ['^/a(', '/b'] })).toMatch(
      /^invalid regex_uri \(\^\/a\(, \/b\), err:/,
    );
    expect(checkRedirect({ http_to_https: true, append_query_string: true })).toBe(
      'only one of `http_to_https` and `append_query_string` can be configured.',
    );
  });
});
