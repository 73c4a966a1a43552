/**
 * @module counter-store.suite
 * One behavioural suite for every CounterStore (local, Redis, IPC to the primary), like hono's
 * `router/common.case.test.ts`: the fixed-window contract of `@tollgate/core`'s counter-store.
 */
import type { CounterStore } from '@tollgate/core';

/** What a store implementation gives the suite. */
export interface CounterStoreHarness {
  readonly store: CounterStore;
  /** Let `ms` milliseconds pass for the store: advance a fake clock, or really wait. */
  advance(ms: number): Promise<void>;
  /** Tolerance of timing assertions: 0 for a fake clock, tens of ms for a real one. */
  readonly slackMs: number;
  /** Called after each test (close the store, its server stays up). */
  dispose?(): Promise<void>;
}

let run = 0;

/**
 * Register the contract tests for one implementation. `factory` runs before each test; keys are
 * unique per test and per run, so implementations may share one server.
 *
 * @example
 * runCounterStoreSuite('LocalCounterStore', () => {
 *   const clock = fakeClock();
 *   return { store: new LocalCounterStore({ clock }), advance: clock.advance, slackMs: 0 };
 * });
 */
export function runCounterStoreSuite(
  name: string,
  factory: () => CounterStoreHarness | Promise<CounterStoreHarness>,
): void {
  describe(`CounterStore contract: ${name}`, () => {
    let h: CounterStoreHarness;
    let prefix: string;
    const key = (k: string) => `${prefix}${k}`;

    beforeEach(async () => {
      h = await factory();
      prefix = `suite-${process.pid}-${Date.now().toString(36)}-${++run}:`;
    });
    afterEach(async () => {
      await h.dispose?.();
    });

    /**
     * `elapsedMs`: real time since the window's first charge was sent, which a real clock's
     * reading may already have used up (a loaded CI machine took 224 ms between a charge and
     * the peek after it).
     */
    const expectReset = (actual: number | undefined, expected: number, elapsedMs = 0) => {
      expect(actual).toBeDefined();
      expect(actual).toBeLessThanOrEqual(expected + h.slackMs / 4);
      expect(actual).toBeGreaterThanOrEqual(expected - elapsedMs - h.slackMs);
    };

    it('an unknown key has consumed 0 and no window', async () => {
      const state = await h.store.peek(key('unknown'));
      expect(state.consumed).toBe(0);
      expect(state.resetInMs).toBeUndefined();
    });

    it('the first charge opens a window of windowSeconds', async () => {
      const sent = performance.now();
      const charged = await h.store.charge(key('a'), 5, 60);
      expect(charged.consumed).toBe(5);
      expectReset(charged.resetInMs, 60_000);
      const peeked = await h.store.peek(key('a'));
      expect(peeked.consumed).toBe(5);
      expectReset(peeked.resetInMs, 60_000, performance.now() - sent);
    });

    it('charges accumulate and keys are independent', async () => {
      await h.store.charge(key('a'), 5, 60);
      expect((await h.store.charge(key('a'), 3, 60)).consumed).toBe(8);
      expect((await h.store.charge(key('b'), 1, 60)).consumed).toBe(1);
      expect((await h.store.peek(key('a'))).consumed).toBe(8);
      expect((await h.store.peek(key('b'))).consumed).toBe(1);
    });

    it('peek never opens a window', async () => {
      await h.store.peek(key('a'));
      await h.advance(300);
      expectReset((await h.store.charge(key('a'), 1, 2)).resetInMs, 2000);
    });

    it('later charges never extend the window, whatever their windowSeconds', async () => {
      await h.store.charge(key('a'), 1, 2);
      await h.advance(600);
      const second = await h.store.charge(key('a'), 1, 2);
      expectReset(second.resetInMs, 1400);
      const longer = await h.store.charge(key('a'), 1, 3600);
      expectReset(longer.resetInMs, 1400);
      expect(longer.consumed).toBe(3);
    });

    it('after the window ends the counter is back to 0, and the next charge opens a new one', async () => {
      await h.store.charge(key('a'), 5, 1);
      await h.advance(1000 + Math.max(h.slackMs, 1));
      expect(await h.store.peek(key('a'))).toEqual({ consumed: 0 });
      const fresh = await h.store.charge(key('a'), 2, 1);
      expect(fresh.consumed).toBe(2);
      expectReset(fresh.resetInMs, 1000);
    });

    it('the reset time decreases as time passes', async () => {
      const charged = await h.store.charge(key('a'), 1, 60);
      await h.advance(50);
      const first = await h.store.peek(key('a'));
      await h.advance(100);
      const second = await h.store.peek(key('a'));
      expect(first.resetInMs).toBeLessThan(charged.resetInMs ?? 0);
      expect(second.resetInMs).toBeLessThan(first.resetInMs ?? 0);
      expectReset(second.resetInMs, 60_000 - 150);
    });

    it('200 concurrent charges of 7 are exact (1400), each seeing a distinct total', async () => {
      const results = await Promise.all(
        Array.from({ length: 200 }, () => h.store.charge(key('hot'), 7, 60)),
      );
      expect((await h.store.peek(key('hot'))).consumed).toBe(1400);
      const totals = results.map((r) => r.consumed).sort((a, b) => a - b);
      expect(totals).toEqual(Array.from({ length: 200 }, (_, i) => (i + 1) * 7));
      for (const r of results) expect(r.resetInMs).toBeLessThanOrEqual(60_000);
    });

    it('refuses a cost that is not a positive integer or a window that is not positive', async () => {
      await expect(h.store.charge(key('a'), 0, 60)).rejects.toThrow(RangeError);
      await expect(h.store.charge(key('a'), 1.5, 60)).rejects.toThrow(RangeError);
      await expect(h.store.charge(key('a'), 1, 0)).rejects.toThrow(RangeError);
      expect((await h.store.peek(key('a'))).consumed).toBe(0);
    });
  });
}
