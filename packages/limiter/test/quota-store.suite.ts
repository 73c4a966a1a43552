/**
 * @module quota-store.suite
 * One behavioural suite for every QuotaStore (local, Redis, leased to workers): admission while
 * consumed + reserved is below the limit, settlement, windows, and concurrent admissions.
 */
import type { QuotaStore } from '@tollgate/core';

/** What a store implementation gives the suite. */
export interface QuotaStoreHarness {
  readonly store: QuotaStore;
  /** Let `ms` milliseconds pass for the store: advance a fake clock, or really wait. */
  advance(ms: number): Promise<void>;
  dispose?(): Promise<void>;
}

let run = 0;

/** Register the QuotaStore contract tests for one implementation (`factory` runs per test). */
export function runQuotaStoreSuite(
  name: string,
  factory: () => QuotaStoreHarness | Promise<QuotaStoreHarness>,
): void {
  describe(`QuotaStore contract: ${name}`, () => {
    let h: QuotaStoreHarness;
    let key: string;
    beforeEach(async () => {
      h = await factory();
      key = `quota-suite-${process.pid}-${Date.now().toString(36)}-${++run}`;
    });
    afterEach(async () => {
      await h.dispose?.();
    });
    const settle = (windowId: string, reserved: number, actual: number, windowSeconds = 60) =>
      h.store.settle(key, { limit: 100, windowSeconds, windowId, reserved, actual });

    it('a fresh quota admits and reads as no window', async () => {
      const a = await h.store.admit(key, 100, 60, undefined);
      expect(a).toMatchObject({ admitted: true, consumed: 0, reserved: 0 });
      expect(a.resetInMs).toBeUndefined();
    });

    it('reservations count against the limit until settled; settling charges the usage', async () => {
      const first = await h.store.admit(key, 100, 60, 60);
      expect(first).toMatchObject({ admitted: true, consumed: 0, reserved: 0 });
      const second = await h.store.admit(key, 100, 60, 60);
      expect(second).toMatchObject({ admitted: true, consumed: 0, reserved: 60 });
      expect((await h.store.admit(key, 100, 60, 60)).admitted).toBe(false);
      await settle(first.windowId, 60, 10);
      const third = await h.store.admit(key, 100, 60, 20);
      expect(third).toMatchObject({ admitted: true, consumed: 10, reserved: 60 });
      await settle(second.windowId, 60, 0);
      await settle(third.windowId, 20, 20);
      expect(await h.store.admit(key, 100, 60, undefined)).toMatchObject({
        admitted: true,
        consumed: 30,
        reserved: 0,
      });
    });

    it('without a reservation it is check-then-charge: refused once consumed reaches the limit', async () => {
      const a = await h.store.admit(key, 100, 60, undefined);
      await settle(a.windowId, 0, 100);
      const b = await h.store.admit(key, 100, 60, undefined);
      expect(b).toMatchObject({ admitted: false, consumed: 100, reserved: 0 });
      expect(b.resetInMs).toBeGreaterThan(50_000);
    });

    it('64 concurrent admissions against a quota worth 10 admit 10', async () => {
      const all = await Promise.all(
        Array.from({ length: 64 }, async () => h.store.admit(key, 100, 60, 10)),
      );
      expect(all.filter((a) => a.admitted)).toHaveLength(10);
    });

    it('a settlement after its window ended charges the new window and releases nothing there', async () => {
      const old = await h.store.admit(key, 100, 1, 50);
      await h.advance(1100);
      const fresh = await h.store.admit(key, 100, 1, 50);
      expect(fresh).toMatchObject({ admitted: true, consumed: 0, reserved: 0 });
      expect(fresh.windowId).not.toBe(old.windowId);
      await settle(old.windowId, 50, 30, 1);
      expect(await h.store.admit(key, 100, 1, undefined)).toMatchObject({
        consumed: 30,
        reserved: 50,
      });
    });
  });
}
