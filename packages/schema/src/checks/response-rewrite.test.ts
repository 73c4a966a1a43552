import { checkResponseRewrite } from './response-rewrite';

describe('checkResponseRewrite', () => {
  it('accepts valid configurations', () => {
    expect(checkResponseRewrite({ body: 'SGVsbG8K', body_base64: true })).toBeUndefined();
    expect(checkResponseRewrite({ vars: [['status', '==', 200]] })).toBeUndefined();
    expect(checkResponseRewrite({ filters: [{ regex: 'a+', options: 'jo' }] })).toBeUndefined();
  });

  it('refuses with APISIX messages', () => {
    expect(checkResponseRewrite({ body_base64: true })).toBe('invalid base64 content');
    expect(checkResponseRewrite({ body: 'not base64!', body_base64: true })).toBe(
      'invalid base64 content',
    );
    expect(checkResponseRewrite({ vars: ['status'] })).toMatch(
      /^failed to validate the 'vars' expression: /,
    );
    expect(checkResponseRewrite({ filters: [{ regex: '(', options: 'jo' }] })).toMatch(
      /^regex "\(" validation failed: /,
    );
  });
});
