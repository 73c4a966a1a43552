/**
 * @module traffic-store.suite
 * One behavioural suite for every TrafficStore (local, Redis, IPC to the primary): the leaky
 * bucket of limit-req and the concurrency gauge of limit-conn, as `@tollgate/core` defines them.
 */
import type { TrafficStore } from '@tollgate/core';

/** What a store implementation gives the suite. */
export interface TrafficStoreHarness {
  readonly store: TrafficStore;
  /** Let `ms` milliseconds pass for the store: advance a fake clock, or really wait. */
  advance(ms: number): Promise<void>;
  /** Tolerance of timing assertions in ms: 0 for a fake clock, tens of ms for a real one. */
  readonly slackMs: number;
  dispose?(): Promise<void>;
}

let run = 0;

/** Register the contract tests for one implementation; keys are unique per test and run. */
export function runTrafficStoreSuite(
  name: string,
  factory: () => TrafficStoreHarness | Promise<TrafficStoreHarness>,
): void {
  describe(`TrafficStore contract: ${name}`, () => {
    let h: TrafficStoreHarness;
    let prefix: string;
    const key = (k: string) => `${prefix}${k}`;

    beforeEach(async () => {
      h = await factory();
      prefix = `traffic-${process.pid}-${Date.now().toString(36)}-${++run}:`;
    });
    afterEach(async () => {
      await h.dispose?.();
    });

    // Excess drained by `slackMs` at 10 requests a second.
    const near = (actual: number, expected: number) => {
      expect(actual).toBeLessThanOrEqual(expected + 1e-9);
      expect(actual).toBeGreaterThanOrEqual(expected - (10 * h.slackMs) / 1000 - 1e-9);
    };

    it('a new bucket takes a request with no excess and no delay', async () => {
      expect(await h.store.leakyBucket(key('new'), 10, 1)).toEqual({
        rejected: false,
        excess: 0,
        delayMs: 0,
      });
    });

    it('requests faster than the rate fill the burst, get a delay, then are rejected', async () => {
      const k = key('fill');
      await h.store.leakyBucket(k, 10, 1);
      const second = await h.store.leakyBucket(k, 10, 1);
      expect(second.rejected).toBe(false);
      near(second.excess, 1);
      expect(second.delayMs).toBeCloseTo(second.excess * 100, 6);
      expect((await h.store.leakyBucket(k, 10, 1)).rejected).toBe(true);
      // A rejection records nothing: the bucket is as full as before.
      expect((await h.store.leakyBucket(k, 10, 1)).rejected).toBe(true);
    });

    it('the bucket drains at the rate', async () => {
      const k = key('drain');
      await h.store.leakyBucket(k, 10, 1);
      await h.store.leakyBucket(k, 10, 1);
      await h.advance(200);
      const later = await h.store.leakyBucket(k, 10, 1);
      expect(later.rejected).toBe(false);
      near(later.excess, 0);
      await h.advance(1000);
      expect(await h.store.leakyBucket(k, 10, 1)).toEqual({
        rejected: false,
        excess: 0,
        delayMs: 0,
      });
    });

    it('burst 0 at rate 1: a second request within the second is rejected', async () => {
      const k = key('strict');
      expect((await h.store.leakyBucket(k, 1, 0)).rejected).toBe(false);
      expect((await h.store.leakyBucket(k, 1, 0)).rejected).toBe(true);
    });

    it('keys are independent', async () => {
      await h.store.leakyBucket(key('a'), 1, 0);
      expect((await h.store.leakyBucket(key('b'), 1, 0)).rejected).toBe(false);
    });

    it('a gauge counts up and down, never below 0', async () => {
      const k = key('gauge');
      expect(await h.store.adjustGauge(k, 1, 60)).toBe(1);
      expect(await h.store.adjustGauge(k, 1, 60)).toBe(2);
      expect(await h.store.adjustGauge(k, -1, 60)).toBe(1);
      expect(await h.store.adjustGauge(k, -1, 60)).toBe(0);
      expect(await h.store.adjustGauge(k, -1, 60)).toBe(0);
      expect(await h.store.adjustGauge(k, 1, 60)).toBe(1);
    });

    it('concurrent increments are all counted', async () => {
      const k = key('concurrent');
      const values = await Promise.all(
        Array.from({ length: 20 }, () => h.store.adjustGauge(k, 1, 60)),
      );
      expect([...values].sort((a, b) => a - b)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
    });

    it('sliding window: limit requests in a window, then refused without being counted', async () => {
      const k = key('slide');
      const remaining: number[] = [];
      for (let i = 0; i < 3; i++) {
        const state = await h.store.slidingWindow(k, 3, 1000, 1);
        expect(state.rejected).toBe(false);
        expect(state.resetSeconds).toBeGreaterThan(0);
        expect(state.resetSeconds).toBeLessThanOrEqual(1000);
        remaining.push(state.remaining);
      }
      expect(remaining).toEqual([2, 1, 0]);
      const refused = await h.store.slidingWindow(k, 3, 1000, 1);
      expect(refused).toMatchObject({ rejected: true, remaining: 0 });
      expect((await h.store.slidingWindow(key('other'), 3, 1000, 1)).rejected).toBe(false);
    });

    it('sliding window: concurrent requests admit exactly the limit', async () => {
      const k = key('slide-concurrent');
      const states = await Promise.all(
        Array.from({ length: 20 }, () => h.store.slidingWindow(k, 7, 1000, 1)),
      );
      expect(states.filter((s) => !s.rejected)).toHaveLength(7);
    });

    it('refuses bad arguments', async () => {
      await expect(h.store.leakyBucket(key('x'), 0, 1)).rejects.toThrow(RangeError);
      await expect(h.store.leakyBucket(key('x'), 1, -1)).rejects.toThrow(RangeError);
      await expect(h.store.adjustGauge(key('x'), 0, 60)).rejects.toThrow(RangeError);
      await expect(h.store.adjustGauge(key('x'), 1.5, 60)).rejects.toThrow(RangeError);
      await expect(h.store.adjustGauge(key('x'), 1, 0)).rejects.toThrow(RangeError);
      await expect(h.store.slidingWindow(key('x'), 0, 10, 1)).rejects.toThrow(RangeError);
      await expect(h.store.slidingWindow(key('x'), 1, 0, 1)).rejects.toThrow(RangeError);
    });
  });
}
