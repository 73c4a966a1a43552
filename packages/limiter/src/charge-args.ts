/**
 * @module charge-args
 * The argument rules every counter store shares, so local, Redis and IPC stores refuse the same
 * calls: token costs are positive integers (Redis INCRBY counts integers) and windows positive.
 */
import type { SlidingWindowState } from '@tollgate/core';

/** Longest window accepted, in seconds (about 68 years: far beyond any quota, safe for PEXPIRE). */
const MAX_WINDOW_SECONDS = 2 ** 31;

/**
 * Throw a RangeError unless `cost` is a positive safe integer and `windowSeconds` a positive
 * number of at most 2^31; return the window in whole milliseconds (rounded up).
 *
 * @example
 * const windowMs = checkChargeArgs(cost, windowSeconds); // 60 → 60_000
 */
export function checkChargeArgs(cost: number, windowSeconds: number): number {
  if (!Number.isSafeInteger(cost) || cost <= 0) {
    throw new RangeError(`counter cost must be a positive integer, got ${String(cost)}`);
  }
  if (!Number.isFinite(windowSeconds) || windowSeconds <= 0 || windowSeconds > MAX_WINDOW_SECONDS) {
    throw new RangeError(
      `counter window must be a positive number of seconds, got ${String(windowSeconds)}`,
    );
  }
  return Math.ceil(windowSeconds * 1000);
}

/** Throw a RangeError unless `tokens` (a reservation or a settled usage) is a safe integer ≥ 0. */
export function checkReserve(tokens: number): void {
  if (!Number.isSafeInteger(tokens) || tokens < 0) {
    throw new RangeError(
      `reserved and settled tokens must be integers >= 0, got ${String(tokens)}`,
    );
  }
}

/**
 * Throw a RangeError unless `rate` is a positive finite number of requests a second and `burst`
 * a finite number ≥ 0 (the leaky-bucket arguments every store shares).
 */
export function checkBucketArgs(rate: number, burst: number): void {
  if (!Number.isFinite(rate) || rate <= 0) {
    throw new RangeError(`bucket rate must be a positive number, got ${String(rate)}`);
  }
  if (!Number.isFinite(burst) || burst < 0) {
    throw new RangeError(`bucket burst must be a number >= 0, got ${String(burst)}`);
  }
}

/** Throw a RangeError unless `delta` is a non-zero safe integer and `ttlSeconds` a positive window. */
export function checkGaugeArgs(delta: number, ttlSeconds: number): void {
  if (!Number.isSafeInteger(delta) || delta === 0) {
    throw new RangeError(`gauge delta must be a non-zero integer, got ${String(delta)}`);
  }
  checkChargeArgs(1, ttlSeconds);
}

/** What a sliding-window decision needs (APISIX's sliding-window.lua), read atomically. */
export interface SlidingInputs {
  readonly limit: number;
  readonly windowSeconds: number;
  readonly cost: number;
  /** Seconds on the store's clock. */
  readonly now: number;
  /** Count of the current window before this request. */
  readonly current: number;
  /** Count of the previous window. */
  readonly previous: number;
}

const ceil2 = (x: number): number => Math.ceil(x * 100) / 100;

/**
 * The verdict of a sliding window; when not rejected the store adds `cost` to the current window
 * in the same atomic step (so APISIX's after-increment race check cannot trigger).
 */
export function slidingDecision(i: SlidingInputs): SlidingWindowState {
  const remainingTime = i.windowSeconds - (i.now % i.windowSeconds);
  if (i.current >= i.limit) {
    return { rejected: true, remaining: 0, resetSeconds: ceil2(remainingTime) };
  }
  const lastRate = Math.min(i.previous, i.limit) / i.windowSeconds;
  const estimatedPrevious = lastRate * remainingTime;
  if (estimatedPrevious + i.current >= i.limit) {
    const delay =
      lastRate === 0
        ? remainingTime
        : Math.max(remainingTime - (i.limit - i.current) / lastRate, 0);
    return { rejected: true, remaining: 0, resetSeconds: ceil2(delay) };
  }
  return {
    rejected: false,
    remaining: Math.floor(i.limit - (i.current + i.cost) - estimatedPrevious),
    resetSeconds: ceil2(remainingTime),
  };
}

/** Throw a RangeError unless the sliding-window arguments are usable. */
export function checkSlidingArgs(limit: number, windowSeconds: number, cost: number): void {
  if (!Number.isSafeInteger(limit) || limit <= 0) {
    throw new RangeError(`window limit must be a positive integer, got ${String(limit)}`);
  }
  checkChargeArgs(cost, windowSeconds);
}
