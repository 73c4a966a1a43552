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
