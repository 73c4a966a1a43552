/**
 * @module ai-proxy-multi/load/latency-table
 * This worker's moving averages of each LLM backend's latency (by load key), for
 * `least_latency`: time to first token of streams, and milliseconds per output token. Each is an
 * exponentially weighted moving average decayed by time, as Kong's and APISIX's `ewma` balancers
 * do: a new sample x after Δt ms moves the average to `avg·w + x·(1−w)`, `w = exp(−Δt/decay)`.
 * Per worker, not per node: every worker learns from its own traffic, which is plenty of samples
 * at any load where the choice matters. Bounded: the least recently added backends are forgotten
 * past `maxEntries`.
 */

/** Which latency a sample measures. */
export type LatencyKind = 'ttft' | 'per_token';

/** A moving average and when it last moved. */
export interface LatencySample {
  readonly value: number;
  readonly at: number;
}

interface Entry {
  ttft?: LatencySample;
  per_token?: LatencySample;
  /** When least_latency last sent an exploratory request to the backend. */
  exploredAt?: number;
}

const DEFAULT_MAX_ENTRIES = 4096;

/**
 * Moving averages of backend latencies, by load key.
 *
 * @example
 * const table = new LatencyTable();
 * table.record('http://10.0.0.5:8000', 'ttft', 180, 10_000);
 * table.sample('http://10.0.0.5:8000', 'ttft'); // { value: 180, at: ... }
 */
export class LatencyTable {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxEntries = DEFAULT_MAX_ENTRIES,
  ) {}

  private entry(loadKey: string): Entry {
    let entry = this.entries.get(loadKey);
    if (!entry) {
      if (this.entries.size >= this.maxEntries) {
        const oldest = this.entries.keys().next();
        if (!oldest.done) this.entries.delete(oldest.value);
      }
      entry = {};
      this.entries.set(loadKey, entry);
    }
    return entry;
  }

  /**
   * Fold one measurement (ms, or ms per token) into the backend's average.
   *
   * @example
   * table.record('http://10.0.0.5:8000', 'ttft', 180, 10_000);
   */
  record(loadKey: string, kind: LatencyKind, value: number, decayMs: number): void {
    if (!Number.isFinite(value) || value < 0) return;
    const entry = this.entry(loadKey);
    const now = this.now();
    const previous = entry[kind];
    const weight = previous ? Math.exp(-Math.max(0, now - previous.at) / decayMs) : 0;
    entry[kind] = { value: (previous?.value ?? 0) * weight + value * (1 - weight), at: now };
  }

  /** The backend's current average of `kind`, if it has one. */
  sample(loadKey: string, kind: LatencyKind): LatencySample | undefined {
    return this.entries.get(loadKey)?.[kind];
  }

  /**
   * Whether an exploratory request may go to the backend now: true at most once per
   * `intervalMs`, and then counted as sent.
   */
  claimExploration(loadKey: string, intervalMs: number): boolean {
    const entry = this.entry(loadKey);
    const now = this.now();
    if (entry.exploredAt !== undefined && now - entry.exploredAt < intervalMs) return false;
    entry.exploredAt = now;
    return true;
  }
}

let workerTable: LatencyTable | undefined;

/** The worker's table, shared by every config (a config change keeps what was learnt). */
export function workerLatencyTable(): LatencyTable {
  workerTable ??= new LatencyTable();
  return workerTable;
}
