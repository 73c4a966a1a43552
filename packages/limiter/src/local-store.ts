/**
 * @module local-store
 * The in-memory counter store: exact fixed windows in one process (APISIX's limit-count local
 * policy, a shared dict with a TTL per key). In the gateway the node's primary process owns the
 * one instance and its workers reach it over IPC, so a node's counters are exact across workers.
 */
import type {
  CounterState,
  CounterStore,
  LeakyBucketState,
  QuotaAdmission,
  QuotaSettlement,
  QuotaStore,
  SlidingWindowState,
  TrafficStore,
} from '@tollgate/core';
import {
  checkBucketArgs,
  checkChargeArgs,
  checkReserve,
  checkGaugeArgs,
  checkSlidingArgs,
  slidingDecision,
} from './charge-args';

/** Delete the entries of `map` that `ended` says are over; returns how many. */
export function dropWhere<V>(map: Map<string, V>, ended: (value: V) => boolean): number {
  let dropped = 0;
  for (const [key, value] of map) {
    if (ended(value)) {
      map.delete(key);
      dropped++;
    }
  }
  return dropped;
}

/** A monotonic millisecond clock; inject a fake one in tests. */
export interface Clock {
  now(): number;
}

/** Default clock: `performance.now()`, immune to wall-clock jumps. */
export const monotonicClock: Clock = { now: () => performance.now() };

/** Options of {@link LocalCounterStore}. */
export interface LocalCounterStoreOptions {
  /** Default {@link monotonicClock}. */
  readonly clock?: Clock;
  /** Milliseconds between sweeps of expired keys; default 10,000; 0 disables the timer. */
  readonly sweepIntervalMs?: number;
}

interface Bucket {
  /** Requests in excess of the rate at `last`. */
  readonly excess: number;
  /** Clock time of the last request recorded. */
  readonly last: number;
  /** Clock time from which the bucket has drained and reads as new. */
  readonly drainedAt: number;
}

interface Slide {
  /** Id of the newest window counted (clock seconds / window, rounded down). */
  id: number;
  current: number;
  /** Count of window `id - 1`. */
  previous: number;
  /** Clock time after which both windows have passed. */
  expiresAt: number;
}

interface Window {
  consumed: number;
  /** Tokens reserved by admitted requests not yet settled. */
  reserved: number;
  /** Tells this window from a later one of the same key. */
  readonly id: string;
  /** Clock time at which the window ends. */
  readonly endsAt: number;
}

/**
 * Exact fixed-window counters in a Map. A window opens at a key's first charge and ends
 * `windowSeconds` later, whatever later charges say; an ended window reads as no window.
 * Ended windows are dropped when touched and by a periodic (unref'd) sweep, so keys that are never
 * touched again do not accumulate.
 *
 * @example
 * const store = new LocalCounterStore();
 * await store.charge('route/1:gpt-4', 120, 60); // { consumed: 120, resetInMs: 60000 }
 * await store.peek('route/1:gpt-4');            // { consumed: 120, resetInMs: 59990 }
 */
export class LocalCounterStore implements CounterStore, TrafficStore, QuotaStore {
  private readonly windows = new Map<string, Window>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly gauges = new Map<string, number>();
  /** Sliding-window counts by key: the window id and count of the last two windows. */
  private readonly slides = new Map<string, Slide>();
  private readonly clock: Clock;
  private windowIds = 0;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(options: LocalCounterStoreOptions = {}) {
    this.clock = options.clock ?? monotonicClock;
    const every = options.sweepIntervalMs ?? 10_000;
    if (every > 0) {
      this.sweeper = setInterval(() => this.sweep(), every);
      this.sweeper.unref();
    }
  }

  /** Number of keys held, ended windows and drained buckets not yet swept included. */
  get size(): number {
    return this.windows.size + this.buckets.size + this.gauges.size + this.slides.size;
  }

  /** Read a counter; an unknown key or an ended window is `{ consumed: 0 }`. */
  peek(key: string): Promise<CounterState> {
    return Promise.resolve(this.peekNow(key));
  }

  /** Add `cost` tokens; opens a `windowSeconds` window when none is open. */
  charge(key: string, cost: number, windowSeconds: number): Promise<CounterState> {
    // A throw inside the executor (bad arguments) becomes the rejection.
    return new Promise((resolve) => resolve(this.chargeNow(key, cost, windowSeconds)));
  }

  /** Admit one request against a token quota, reserving `reserve` tokens (see QuotaStore). */
  admit(
    key: string,
    limit: number,
    windowSeconds: number,
    reserve: number | undefined,
  ): Promise<QuotaAdmission> {
    return new Promise((resolve) => {
      const windowMs = checkChargeArgs(1, windowSeconds);
      checkReserve(reserve ?? 0);
      const now = this.clock.now();
      let window = this.live(key, now);
      const consumed = window?.consumed ?? 0;
      const reserved = window?.reserved ?? 0;
      const admitted = consumed + reserved < limit;
      // Like a charge, only a reservation opens a window (APISIX opens it at the first charge).
      if (admitted && reserve) {
        window ??= this.open(key, now, windowMs);
        window.reserved += reserve;
      }
      resolve({
        admitted,
        consumed,
        reserved,
        ...(window ? { resetInMs: window.endsAt - now } : {}),
        windowId: window?.id ?? '',
      });
    });
  }

  /** Settle an admission: release its reservation, charge the usage (see QuotaStore). */
  settle(key: string, settlement: QuotaSettlement): Promise<void> {
    return new Promise((resolve) => {
      const { windowSeconds, windowId, reserved, actual } = settlement;
      const windowMs = checkChargeArgs(1, windowSeconds);
      checkReserve(reserved);
      checkReserve(actual);
      const now = this.clock.now();
      let window = this.live(key, now);
      if (window?.id === windowId) window.reserved = Math.max(0, window.reserved - reserved);
      if (actual > 0) {
        window ??= this.open(key, now, windowMs);
        window.consumed += actual;
      }
      resolve();
    });
  }

  /** One request through leaky bucket `key` (see TrafficStore.leakyBucket). */
  leakyBucket(key: string, rate: number, burst: number): Promise<LeakyBucketState> {
    return new Promise((resolve) => resolve(this.leakNow(key, rate, burst)));
  }

  /** Add `delta` to gauge `key`; never below 0, forgotten at 0 (no TTL needed in memory). */
  adjustGauge(key: string, delta: number, ttlSeconds: number): Promise<number> {
    return new Promise((resolve) => {
      checkGaugeArgs(delta, ttlSeconds);
      const value = Math.max((this.gauges.get(key) ?? 0) + delta, 0);
      if (value === 0) this.gauges.delete(key);
      else this.gauges.set(key, value);
      resolve(value);
    });
  }

  /** One request through sliding window `key` (see TrafficStore.slidingWindow). */
  slidingWindow(
    key: string,
    limit: number,
    windowSeconds: number,
    cost: number,
  ): Promise<SlidingWindowState> {
    return new Promise((resolve) => resolve(this.slideNow(key, limit, windowSeconds, cost)));
  }

  /** Drop every ended window and drained bucket; returns how many were dropped. */
  sweep(): number {
    const now = this.clock.now();
    return (
      dropWhere(this.windows, (w) => w.endsAt <= now) +
      dropWhere(this.slides, (s) => s.expiresAt <= now) +
      dropWhere(this.buckets, (b) => b.drainedAt <= now)
    );
  }

  /** Stop the sweep timer and forget every counter. */
  close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    this.windows.clear();
    this.buckets.clear();
    this.gauges.clear();
    this.slides.clear();
    return Promise.resolve();
  }

  private live(key: string, now: number): Window | undefined {
    const window = this.windows.get(key);
    if (window && window.endsAt <= now) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }

  private open(key: string, now: number, windowMs: number): Window {
    const window: Window = {
      consumed: 0,
      reserved: 0,
      id: String(++this.windowIds),
      endsAt: now + windowMs,
    };
    this.windows.set(key, window);
    return window;
  }

  private peekNow(key: string): CounterState {
    const now = this.clock.now();
    const window = this.live(key, now);
    return window ? { consumed: window.consumed, resetInMs: window.endsAt - now } : { consumed: 0 };
  }

  private chargeNow(key: string, cost: number, windowSeconds: number): CounterState {
    const windowMs = checkChargeArgs(cost, windowSeconds);
    const now = this.clock.now();
    let window = this.live(key, now);
    window ??= this.open(key, now, windowMs);
    window.consumed += cost;
    return { consumed: window.consumed, resetInMs: window.endsAt - now };
  }

  private leakNow(key: string, rate: number, burst: number): LeakyBucketState {
    checkBucketArgs(rate, burst);
    const now = this.clock.now();
    const previous = this.buckets.get(key);
    let excess = 0;
    if (previous) {
      excess = Math.max(previous.excess - (rate * Math.abs(now - previous.last)) / 1000 + 1, 0);
      if (excess > burst) return { rejected: true, excess: 0, delayMs: 0 };
    }
    // Fully drained once excess + 1 requests have leaked out: it then reads as a new bucket.
    this.buckets.set(key, { excess, last: now, drainedAt: now + ((excess + 1) / rate) * 1000 });
    return { rejected: false, excess, delayMs: (excess / rate) * 1000 };
  }

  private slideNow(
    key: string,
    limit: number,
    windowSeconds: number,
    cost: number,
  ): SlidingWindowState {
    checkSlidingArgs(limit, windowSeconds, cost);
    const nowMs = this.clock.now();
    const now = nowMs / 1000;
    const id = Math.floor(now / windowSeconds);
    const slide = this.slides.get(key);
    let current = 0;
    let previous = 0;
    if (slide?.id === id) {
      current = slide.current;
      previous = slide.previous;
    } else if (slide?.id === id - 1) {
      previous = slide.current;
    }
    const state = slidingDecision({ limit, windowSeconds, cost, now, current, previous });
    if (!state.rejected) {
      this.slides.set(key, {
        id,
        current: current + cost,
        previous,
        expiresAt: (id + 2) * windowSeconds * 1000,
      });
    }
    return state;
  }
}
