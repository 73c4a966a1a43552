import { SeriesKeys } from './series-keys';

describe('SeriesKeys', () => {
  it('gives equal tuples one key and every other tuple its own', () => {
    const keys = new SeriesKeys();
    const a = keys.keyOf(['route', 'gpt-4o', '']);
    expect(keys.keyOf(['route', 'gpt-4o', ''])).toBe(a);
    const others = [
      keys.keyOf(['route', 'gpt-4o', 'x']),
      keys.keyOf(['route', '', 'gpt-4o']),
      keys.keyOf(['', 'route', 'gpt-4o']),
      keys.keyOf(['routegpt-4o', '', '']),
    ];
    expect(new Set([a, ...others]).size).toBe(5);
  });

  it('makes keys that no length-prefixed or disabled-label key can equal', () => {
    const key = new SeriesKeys().keyOf(['a']);
    expect(key).toMatch(/^\d+\|$/);
  });
});
