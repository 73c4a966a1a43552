import { runCounterStoreSuite } from '../test/counter-store.suite';
import { runQuotaStoreSuite } from '../test/quota-store.suite';
import { runTrafficStoreSuite } from '../test/traffic-store.suite';
import { LocalCounterStore, type Clock } from './local-store';

/** A clock that moves only when told. */
function fakeClock(start = 1_000): Clock & { advance(ms: number): Promise<void> } {
  let now = start;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
      return Promise.resolve();
    },
  };
}

runCounterStoreSuite('LocalCounterStore', () => {
  const clock = fakeClock();
  const store = new LocalCounterStore({ clock, sweepIntervalMs: 0 });
  return { store, advance: (ms) => clock.advance(ms), slackMs: 0, dispose: () => store.close() };
});

runTrafficStoreSuite('LocalCounterStore', () => {
  const clock = fakeClock();
  const store = new LocalCounterStore({ clock, sweepIntervalMs: 0 });
  return { store, advance: (ms) => clock.advance(ms), slackMs: 0, dispose: () => store.close() };
});

runQuotaStoreSuite('LocalCounterStore', () => {
  const clock = fakeClock();
  const store = new LocalCounterStore({ clock, sweepIntervalMs: 0 });
  return { store, advance: (ms) => clock.advance(ms), dispose: () => store.close() };
});

describe('LocalCounterStore', () => {
  it('drops ended windows when touched and when swept', async () => {
    const clock = fakeClock();
    const store = new LocalCounterStore({ clock, sweepIntervalMs: 0 });
    for (let i = 0; i < 1000; i++) await store.charge(`k${i}`, 1, 1 + (i % 2));
    await clock.advance(1000);
    expect(store.size).toBe(1000);
    await store.peek('k0');
    expect(store.size).toBe(999);
    expect(store.sweep()).toBe(499);
    expect(store.size).toBe(500);
    await clock.advance(1000);
    expect(store.sweep()).toBe(500);
    expect(store.size).toBe(0);
  });

  it('sweeps on its own timer, which never keeps the process alive, until closed', async () => {
    jest.useFakeTimers();
    try {
      const clock = fakeClock();
      const store = new LocalCounterStore({ clock, sweepIntervalMs: 5_000 });
      await store.charge('a', 1, 1);
      await clock.advance(2_000);
      jest.advanceTimersByTime(5_000);
      expect(store.size).toBe(0);
      await store.close();
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('uses a monotonic real clock by default', async () => {
    const store = new LocalCounterStore();
    const state = await store.charge('a', 3, 0.05);
    expect(state.consumed).toBe(3);
    expect(state.resetInMs).toBeGreaterThan(40);
    await new Promise((r) => setTimeout(r, 70));
    expect(await store.peek('a')).toEqual({ consumed: 0 });
    await store.close();
  });
});

describe('LocalCounterStore sliding window (APISIX sliding-window.lua)', () => {
  it('weighs the previous window by the share of it still inside the sliding window', async () => {
    const clock = fakeClock(0);
    const store = new LocalCounterStore({ clock, sweepIntervalMs: 0 });
    for (const left of [3, 2, 1, 0]) {
      expect(await store.slidingWindow('k', 4, 10, 1)).toEqual({
        rejected: false,
        remaining: left,
        resetSeconds: 10,
      });
    }
    expect(await store.slidingWindow('k', 4, 10, 1)).toEqual({
      rejected: true,
      remaining: 0,
      resetSeconds: 10,
    });
    // Half way through the next window: 4 × 0.5 = 2 estimated from the previous one.
    await clock.advance(15_000);
    expect(await store.slidingWindow('k', 4, 10, 1)).toEqual({
      rejected: false,
      remaining: 1,
      resetSeconds: 5,
    });
    expect(await store.slidingWindow('k', 4, 10, 1)).toMatchObject({
      rejected: false,
      remaining: 0,
    });
    // 2 + 2 = 4: refused; a request could pass when enough of the previous window slid out.
    expect(await store.slidingWindow('k', 4, 10, 1)).toEqual({
      rejected: true,
      remaining: 0,
      resetSeconds: 0,
    });
    await clock.advance(5_000);
    expect(await store.slidingWindow('k', 4, 10, 1)).toMatchObject({
      rejected: false,
      remaining: 1,
    });
    await clock.advance(20_000);
    expect(await store.slidingWindow('k', 4, 10, 1)).toMatchObject({
      rejected: false,
      remaining: 3,
    });
    await clock.advance(40_000);
    expect(store.sweep()).toBe(1);
    await store.close();
  });
});
