/**
 * @module charge-args
 * The argument rules every counter store shares, so local, Redis and IPC stores refuse the same
 * calls: token costs are positive integers (Redis INCRBY counts integers) and windows positive.
 */

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
