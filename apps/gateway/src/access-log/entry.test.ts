import { isoTime } from './entry';

describe('isoTime', () => {
  it('writes what toISOString writes, across seconds, days and years, in any order', () => {
    const samples = [
      0,
      1,
      9,
      10,
      99,
      100,
      999,
      1000,
      Date.UTC(2026, 11, 7, 23, 59, 59, 999),
      Date.UTC(2026, 11, 8, 0, 0, 0, 0),
      Date.UTC(2026, 11, 8, 0, 0, 0, 7),
      Date.UTC(2026, 11, 8, 0, 0, 0, 42),
      Date.UTC(2026, 11, 8, 0, 0, 0, 7),
      Date.UTC(1969, 11, 31, 23, 59, 59, 1),
      Date.UTC(2026, 0, 1, 12, 0, 0, 500) + 0.75,
      Date.UTC(10000, 0, 1, 0, 0, 0, 5),
      Date.UTC(2026, 11, 8, 0, 0, 0, 8),
    ];
    for (const now of samples) expect(isoTime(now)).toBe(new Date(now).toISOString());
  });

  it('refuses what Date refuses', () => {
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
  });
});
