import { compareKeys, prefixRangeEnd } from './keys';

describe('prefixRangeEnd', () => {
  it('increments the last byte', () => {
    expect(prefixRangeEnd(Buffer.from('/apisix/')).toString()).toBe('/apisix0');
  });

  it('drops trailing 0xff bytes before incrementing', () => {
    expect([...prefixRangeEnd(Buffer.from([0x61, 0xff, 0xff]))]).toEqual([0x62]);
  });

  it('covers every key for an empty or all-0xff prefix, as etcd spells it', () => {
    expect([...prefixRangeEnd(Buffer.alloc(0))]).toEqual([0]);
    expect([...prefixRangeEnd(Buffer.from([0xff]))]).toEqual([0]);
  });
});

describe('compareKeys', () => {
  it('orders ASCII keys like etcd', () => {
    const keys = ['/a/b', '/a', '/a/', '/b', '/a-'];
    expect([...keys].sort(compareKeys)).toEqual(['/a', '/a-', '/a/', '/a/b', '/b']);
  });

  it('orders by UTF-8 bytes where UTF-16 code units disagree', () => {
    // U+FF5E (3 UTF-8 bytes, EF BD 9E) sorts before U+1F600 (F0 9F 98 80) in bytes,
    // but after it in UTF-16 code units (0xFF5E > 0xD83D).
    expect(compareKeys('\uFF5E', '\u{1F600}')).toBeLessThan(0);
    expect(compareKeys('\u{1F600}', '\uFF5E')).toBeGreaterThan(0);
    expect(compareKeys('x', 'x')).toBe(0);
  });
});
