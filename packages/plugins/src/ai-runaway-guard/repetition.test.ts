import { RepetitionDetector, type RepetitionLimits } from './repetition';

const DEFAULTS: RepetitionLimits = { ngramTokens: 8, windowTokens: 1000, maxRepeats: 10 };

/** Prose with no loop in it: several paragraphs, a list, a table, code and JSON. */
const NORMAL_ANSWER = `
Rate limiting protects a shared service from any single client using more than its share. The
classic algorithms are the fixed window, the sliding window and the token bucket; each trades
accuracy for memory in a different way. A fixed window counts requests per calendar minute and
resets at the boundary, which lets a client send twice its quota across two adjacent windows.
The sliding window weights the previous window's count by how much of it still overlaps, which
smooths the boundary at the cost of one extra counter. A token bucket refills continuously and
allows short bursts up to its capacity, which suits interactive traffic.

Here is how the options compare:

| algorithm | memory | burst | accuracy |
| --------- | ------ | ----- | -------- |
| fixed window | 1 counter | 2x at boundary | low |
| sliding window | 2 counters | smoothed | medium |
| token bucket | 2 numbers | up to capacity | high |

1. Pick the limit from the upstream's real capacity, not a guess.
2. Return 429 with Retry-After so well-behaved clients back off.
3. Log every refusal with the key that was limited.
4. Alert when refusals exceed one percent of traffic for ten minutes.

\`\`\`ts
function allow(bucket: Bucket, now: number): boolean {
  const refill = (now - bucket.updatedAt) * bucket.ratePerMs;
  bucket.tokens = Math.min(bucket.capacity, bucket.tokens + refill);
  bucket.updatedAt = now;
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}
\`\`\`

\`\`\`json
[
  {"id": 1, "name": "alpha", "limit": 100, "window": "1m"},
  {"id": 2, "name": "beta", "limit": 250, "window": "1m"},
  {"id": 3, "name": "gamma", "limit": 40, "window": "10s"},
  {"id": 4, "name": "delta", "limit": 900, "window": "1h"}
]
\`\`\`
------------------------------------------------------------------------------------------------
In short: start with a sliding window, measure, and only then reach for something cleverer.
`;

function feedPieces(d: RepetitionDetector, text: string, size: number): void {
  for (let i = 0; i < text.length; i += size) d.push(text.slice(i, i + size));
  d.end();
}

describe('RepetitionDetector', () => {
  it('trips on a phrase that loops, once an n-gram passes max_repeats in the window', () => {
    const d = new RepetitionDetector(DEFAULTS);
    const phrase = 'I am sorry, I cannot help with that. '; // 10 tokens (`,` and `.` count)
    let fed = 0;
    while (!d.push(phrase) && fed < 100) fed += 1;
    expect(d.tripped).toBe(true);
    // The first 8-gram is complete at token 8 and recurs every 10 tokens: the 11th sighting is
    // at token 8 + 10 * 10.
    expect(d.trippedAt).toBe(108);
  });

  it('trips on one word repeated', () => {
    const d = new RepetitionDetector(DEFAULTS);
    d.push('the '.repeat(17));
    expect(d.tripped).toBe(false);
    d.push('the ');
    d.push('x'); // the 18th token is counted when the next one starts
    expect(d.tripped).toBe(true);
    expect(d.trippedAt).toBe(18);
  });

  it('never trips on an answer without a loop, fed whole or in 1..7-character pieces', () => {
    for (const size of [NORMAL_ANSWER.length, 1, 3, 4, 7]) {
      const d = new RepetitionDetector(DEFAULTS);
      feedPieces(d, NORMAL_ANSWER.repeat(1), size);
      expect(d.tripped).toBe(false);
      expect(d.tokens).toBeGreaterThan(300);
    }
  });

  it('counts the same tokens however the text is cut into pieces', () => {
    const text = 'Hello, wörld! 你好世界 ---- tokens_split across pieces: 1234.5 '.repeat(40);
    const whole = new RepetitionDetector(DEFAULTS);
    whole.push(text);
    whole.end();
    for (const size of [1, 2, 5, 13]) {
      const d = new RepetitionDetector(DEFAULTS);
      feedPieces(d, text, size);
      expect(d.tokens).toBe(whole.tokens);
      expect(d.trippedAt).toBe(whole.trippedAt);
    }
    expect(whole.tripped).toBe(true);
  });

  it('joins a token split across chunks', () => {
    const d = new RepetitionDetector({ ngramTokens: 2, windowTokens: 10, maxRepeats: 5 });
    d.push('hel');
    d.push('lo wor');
    d.push('ld');
    d.end();
    expect(d.tokens).toBe(2);
  });

  it('folds ASCII case: "The the THE" is one word repeated', () => {
    const d = new RepetitionDetector({ ngramTokens: 1, windowTokens: 10, maxRepeats: 2 });
    d.push('The the THE');
    d.end();
    expect(d.tripped).toBe(true);
  });

  it('treats a run of punctuation as one token (a ruler line is no loop)', () => {
    const d = new RepetitionDetector(DEFAULTS);
    d.push(`${'-'.repeat(2000)}\n${'='.repeat(500)}\n|---|---|---|---|---|---|\n`);
    d.end();
    expect(d.tokens).toBe(3);
    expect(d.tripped).toBe(false);
  });

  it('splits CJK text into characters, so a loop without spaces is found', () => {
    const d = new RepetitionDetector(DEFAULTS);
    const phrase = '我不知道答案。'; // 7 tokens: six characters and `。`
    for (let i = 0; i < 40 && !d.tripped; i += 1) d.push(phrase);
    expect(d.tripped).toBe(true);
    expect(d.trippedAt).toBe(8 + 10 * 7);
  });

  it('forgets n-grams that left the window', () => {
    const limits = { ngramTokens: 3, windowTokens: 40, maxRepeats: 2 };
    const d = new RepetitionDetector(limits);
    // "a b c" recurs every 30 tokens: at most 2 sightings fit in a 40-gram window.
    for (let round = 0; round < 20; round += 1) {
      d.push('a b c ');
      for (let i = 0; i < 27; i += 1) d.push(`w${round}_${i} `);
    }
    d.end();
    expect(d.tripped).toBe(false);
    // Every 15 tokens: 3 sightings fit, and it trips.
    const close = new RepetitionDetector(limits);
    for (let round = 0; round < 20; round += 1) {
      close.push('a b c ');
      for (let i = 0; i < 12; i += 1) close.push(`w${round}_${i} `);
    }
    close.end();
    expect(close.tripped).toBe(true);
  });

  it('keeps its memory bounded by the window on a long stream', () => {
    const d = new RepetitionDetector({ ngramTokens: 4, windowTokens: 64, maxRepeats: 60 });
    for (let i = 0; i < 20_000; i += 1) d.push(`t${i} `);
    d.end();
    expect(d.tokens).toBe(20_000);
    expect((d as unknown as { counts: Map<number, number> }).counts.size).toBeLessThanOrEqual(64);
    expect(d.tripped).toBe(false);
  });
});
