/**
 * @module backoff
 * Exponential retry delays with jitter (etcd watch reconnects, config resyncs), so that many
 * clients retrying a restarted server do not arrive in step.
 */

/** Options of {@link Backoff}. */
export interface BackoffOptions {
  /** First delay in ms (default 100). */
  initialMs?: number;
  /** Upper bound of any delay in ms (default 5000). */
  maxMs?: number;
}

/**
 * Doubling delays from `initialMs` up to `maxMs`; each delay is drawn from [d/2, d] so that many
 * clients reconnecting to a restarted etcd do not arrive in step.
 */
export class Backoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private current: number;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = Math.max(1, options.initialMs ?? 100);
    this.maxMs = Math.max(this.initialMs, options.maxMs ?? 5000);
    this.current = this.initialMs;
  }

  /** The next delay to wait, in ms. */
  next(): number {
    const base = this.current;
    this.current = Math.min(this.maxMs, this.current * 2);
    return Math.round(base / 2 + (Math.random() * base) / 2);
  }

  /** Start again from `initialMs` (after a successful reconnect). */
  reset(): void {
    this.current = this.initialMs;
  }
}
