import { redact } from './logger';

describe('redact', () => {
  it('replaces secret-looking values at any depth and keeps the rest', () => {
    const out = redact({
      headers: { authorization: 'Bearer s3cret', 'content-type': 'application/json' },
      redis_password: 'pw',
      list: [{ api_key: 'k', name: 'n' }],
    });
    expect(out).toEqual({
      headers: { authorization: '[REDACTED]', 'content-type': 'application/json' },
      redis_password: '[REDACTED]',
      list: [{ api_key: '[REDACTED]', name: 'n' }],
    });
  });
});
