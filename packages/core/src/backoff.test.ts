import { Backoff } from './backoff';

describe('Backoff', () => {
  it('doubles up to maxMs, each delay within [d/2, d], and starts over after reset', () => {
    const backoff = new Backoff({ initialMs: 100, maxMs: 1000 });
    const bounds = [100, 200, 400, 800, 1000, 1000];
    for (const d of bounds) {
      const delay = backoff.next();
      expect(delay).toBeGreaterThanOrEqual(d / 2);
      expect(delay).toBeLessThanOrEqual(d);
    }
    backoff.reset();
    expect(backoff.next()).toBeLessThanOrEqual(100);
  });
});
