/**
 * @module sync/backoff
 * Capped exponential retry delays with jitter, so that many gateway nodes retrying a restarted
 * etcd do not arrive in step.
 */

/**
 * Delays doubling from `initialMs` up to `maxMs`; each is drawn from [d/2, d].
 * @example
 * const backoff = new RetryBackoff(200, 5000);
 * setTimeout(retry, backoff.next());
 */
export class RetryBackoff {
  private current: number;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
  ) {
    this.initialMs = Math.max(1, initialMs);
    this.maxMs = Math.max(this.initialMs, maxMs);
    this.current = this.initialMs;
  }

  /** The next delay in ms. */
  next(): number {
    const base = this.current;
    this.current = Math.min(this.maxMs, this.current * 2);
    return Math.round(base / 2 + (Math.random() * base) / 2);
  }

  /** Start again from `initialMs`. */
  reset(): void {
    this.current = this.initialMs;
  }
}
