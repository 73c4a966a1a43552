/**
 * @module counter-store
 * The token-quota counters behind ai-rate-limiting and ai-consumer-rate-limiting: fixed windows
 * that start at the first charge and last `windowSeconds` (APISIX's limit-count local policy).
 * Implementations: local (one per node, exact across its workers) and Redis (shared by nodes).
 */

/** A counter's state. */
export interface CounterState {
  /** Tokens charged in the current window (0 when no window is open). */
  consumed: number;
  /** Milliseconds until the current window ends; undefined when no window is open. */
  resetInMs?: number;
}

export interface CounterStore {
  /** Read a counter without changing it (the access-phase dry run). */
  peek(key: string): Promise<CounterState>;
  /**
   * Add `cost` (> 0) to a counter. The first charge of a window opens it for `windowSeconds`;
   * later charges never extend it. Resolves the state after the charge.
   */
  charge(key: string, cost: number, windowSeconds: number): Promise<CounterState>;
  close(): Promise<void>;
}

/** The outcome of {@link QuotaStore.admit}. */
export interface QuotaAdmission {
  /** False when the quota was used up: nothing was reserved. */
  admitted: boolean;
  /** Tokens consumed in the window before this request (the store's view; see the store). */
  consumed: number;
  /** Tokens reserved by requests in flight before this one (0 without reservations). */
  reserved: number;
  /** Milliseconds until the window ends; undefined when no window is open. */
  resetInMs?: number;
  /** The window the reservation was made in; pass it to {@link QuotaStore.settle}. */
  windowId: string;
}

/** What {@link QuotaStore.settle} is told about one admission. */
export interface QuotaSettlement {
  /** The quota's limit and window, as at the admission. */
  limit: number;
  windowSeconds: number;
  /** {@link QuotaAdmission.windowId}. */
  windowId: string;
  /** Tokens the admission reserved (an integer ≥ 0). */
  reserved: number;
  /** Tokens the request used (an integer ≥ 0; 0 releases the reservation only). */
  actual: number;
}

/**
 * Token quotas that admit and settle (issue 14): a request is admitted while the window's
 * consumed + reserved tokens are below the limit, and reserves its estimate at once, so requests
 * in flight count against the quota; the settlement replaces the estimate with the usage. With no
 * estimate (`reserve` undefined) it is APISIX's check-then-charge: admitted while consumed < limit.
 */
export interface QuotaStore {
  /**
   * Admit one request against `limit` tokens per `windowSeconds` and reserve `reserve` tokens
   * (an integer ≥ 0) when admitted. Opens the window when none is open. A store that can answer
   * at once (a worker's leased slice) may answer without a promise; a fault is always a
   * rejected promise.
   */
  admit(
    key: string,
    limit: number,
    windowSeconds: number,
    reserve: number | undefined,
  ): QuotaAdmission | Promise<QuotaAdmission>;
  /**
   * Settle an admission: release its reservation (ignored once its window has ended) and charge
   * the usage to the window open now. Undefined when it was settled at once, like `admit`.
   */
  settle(key: string, settlement: QuotaSettlement): Promise<void> | undefined;
}

/** A leaky bucket's verdict for one request (APISIX limit-req, lua-resty-limit-traffic req). */
export interface LeakyBucketState {
  /** True when the request would exceed `rate` + `burst`; nothing was recorded then. */
  rejected: boolean;
  /** Requests in excess of the rate after this one (0 when it conforms); 0 when rejected. */
  excess: number;
  /** Milliseconds this request should wait to conform to the rate (excess / rate). */
  delayMs: number;
}

/** A sliding window's verdict for one request (APISIX limit-count `window_type: sliding`). */
export interface SlidingWindowState {
  /** True when the request is refused; nothing was counted then. */
  rejected: boolean;
  /** Requests left after this one (rounded down); 0 when rejected. */
  remaining: number;
  /**
   * Seconds, rounded up to 2 decimals, until the current window ends, or for a refusal by the
   * previous window's estimate, until a request could pass.
   */
  resetSeconds: number;
}

/**
 * Request-rate and concurrency counters (limit-count's sliding window, limit-req, limit-conn), implemented by the same stores
 * as {@link CounterStore}: local (exact across a node's workers) and Redis (shared by nodes).
 */
export interface TrafficStore {
  /**
   * One request through a leaky bucket that drains `rate` requests a second and holds `burst`
   * requests beyond that: excess = max(previous excess − rate × elapsed + 1, 0); above `burst`
   * the request is rejected and the bucket left as it was, otherwise the new state is recorded.
   */
  leakyBucket(key: string, rate: number, burst: number): Promise<LeakyBucketState>;
  /**
   * Add `delta` (a non-zero integer) to a gauge and resolve its value after, never below 0 (a
   * gauge back at 0 is forgotten). `ttlSeconds` bounds how long a gauge outlives its last change
   * where the store can lose decrements (Redis: a node that died with requests in flight).
   */
  adjustGauge(key: string, delta: number, ttlSeconds: number): Promise<number>;
  /**
   * One request of `cost` through a sliding window of `windowSeconds` allowing `limit`: windows
   * are aligned to the store's clock; the previous window's count (at most `limit`) is weighted by
   * the share of it still inside the sliding window. Refused when the current count reaches
   * `limit`, or when the estimate (weighted previous + current) does; otherwise counted.
   */
  slidingWindow(
    key: string,
    limit: number,
    windowSeconds: number,
    cost: number,
  ): Promise<SlidingWindowState>;
}
