import { flatJson, redact } from './logger';

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

describe('flatJson', () => {
  it.each([
    [{ a: 1, b: 'x', c: undefined, d: true, e: null, f: [1, 'q"'], g: { h: 'i' } }],
    [{ s: 'quote " back \\ nl \n tab \t u2028 \u2028', n: NaN, i: Infinity, z: -0 }],
    [{}],
  ])('matches JSON.stringify for %j', (record) => {
    expect(JSON.parse(flatJson(record))).toEqual(JSON.parse(JSON.stringify(record)));
    expect(flatJson(record)).toBe(JSON.stringify(record));
  });
});
