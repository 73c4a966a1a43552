import { MAX_CALL_BYTES, segmentBatches } from './segments';

const sizes = (calls: string[][]) => calls.map((call) => call.map((s) => Buffer.byteLength(s)));

describe('segmentBatches (Comprehend limits, APISIX ai-aws-content-moderation.t 34-47)', () => {
  it('TEST 34: 2 400 bytes with the default 1 000-byte limit is one call of 3 segments', () => {
    const calls = segmentBatches(`${'a'.repeat(2395)} kill`, 1000);
    expect(sizes(calls)).toEqual([[1000, 1000, 400]]);
    expect(calls[0]?.[2]?.endsWith(' kill')).toBe(true);
  });

  it('TEST 37: segments past the tenth go in a second call', () => {
    expect(sizes(segmentBatches('a'.repeat(1100), 100))).toEqual([Array(10).fill(100), [100]]);
  });

  it('TEST 47: multibyte text is cut on character boundaries', () => {
    const calls = segmentBatches('日'.repeat(400), 1000);
    expect(sizes(calls)).toEqual([[999, 201]]);
    expect(calls.flat().join('')).toBe('日'.repeat(400));
    expect(calls.flat().some((s) => s.includes('\uFFFD'))).toBe(false);
  });

  it('keeps a 4-byte character whole at the smallest limit', () => {
    const calls = segmentBatches('a😀b😀', 4);
    expect(calls.flat()).toEqual(['a', '😀', 'b', '😀']);
  });

  it('a call never carries more than 10 000 bytes', () => {
    const calls = segmentBatches('x'.repeat(1024 * 12), 1024);
    for (const call of sizes(calls)) {
      expect(call.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(MAX_CALL_BYTES);
      expect(call.length).toBeLessThanOrEqual(10);
    }
    expect(sizes(calls)[0]).toEqual(Array(9).fill(1024));
    expect(calls.flat().join('')).toHaveLength(1024 * 12);
  });

  it('empty text needs no call', () => {
    expect(segmentBatches('', 1000)).toEqual([]);
  });
});
