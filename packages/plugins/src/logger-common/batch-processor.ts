/**
 * @module logger-common/batch-processor
 * APISIX's batch processor (apisix/utils/batch-processor.lua with the backlog cap of
 * batch-processor-manager.lua): entries are buffered and sent as one batch when `batch_max_size`
 * is reached, after `inactive_timeout` seconds without a new entry, or when the oldest entry is
 * `buffer_duration` seconds old. A failed batch is kept and sent again after `retry_delay`
 * seconds, up to `max_retry_count` times, then dropped. With `batch_max_size` 1 every entry is
 * sent on its own at once.
 *
 * @example
 * const bp = new BatchProcessor((batch) => post(batch), { name: 'http logger', batch_max_size: 100,
 *   inactive_timeout: 5, buffer_duration: 60, max_retry_count: 3, retry_delay: 1 });
 * bp.push({ route_id: '1' }); // false when the backlog cap dropped it
 */

/** The batch processor options, as in the loggers' schemas. */
export interface BatchProcessorOptions {
  name: string;
  batch_max_size: number;
  inactive_timeout: number;
  buffer_duration: number;
  max_retry_count: number;
  retry_delay: number;
}

/** Sends one batch; rejects on failure (the batch is then retried). */
export type BatchSend<T> = (entries: readonly T[], batchMaxSize: number) => Promise<void>;

/** Reports a failed attempt (`dropped`: the retries are spent and the entries are gone). */
export type BatchFailure = (
  err: unknown,
  info: { name: string; entries: number; dropped: boolean },
) => void;

/**
 * The backlog of one logger plugin in one worker, over all its processors (APISIX's manager
 * counts `total_pushed_entries - processed_entries`): an entry is pending from `push` until its
 * batch was sent or dropped. Above `max` pending, new entries are refused and counted.
 */
export class PendingBudget {
  private inFlight = 0;
  private droppedTotal = 0;

  constructor(public max: number) {}

  /** Entries pushed and not yet sent or dropped. */
  get pending(): number {
    return this.inFlight;
  }

  /** Entries refused because the backlog was over `max`, since the worker started. */
  get dropped(): number {
    return this.droppedTotal;
  }

  /** Take room for one entry; false (and counted as dropped) when the backlog is over `max`. */
  take(): boolean {
    // APISIX discards when pushed - processed > max, so the backlog may reach max + 1.
    if (this.inFlight > this.max) {
      this.droppedTotal += 1;
      return false;
    }
    this.inFlight += 1;
    return true;
  }

  /** `n` entries left the backlog (sent, or dropped after their retries). */
  release(n: number): void {
    this.inFlight = Math.max(0, this.inFlight - n);
  }
}

interface Batch<T> {
  entries: T[];
  retryCount: number;
}

/** One batch processor (APISIX: one per plugin configuration per worker). */
export class BatchProcessor<T> {
  private buffer: T[] = [];
  private firstEntryAt = 0;
  private lastEntryAt = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  /** Batches waiting for their retry delay, with the timer that will send them. */
  private readonly retrying = new Map<Batch<T>, NodeJS.Timeout>();
  private readonly sending = new Set<Promise<void>>();
  private closed = false;
  private readonly budget: PendingBudget;

  constructor(
    private readonly send: BatchSend<T>,
    readonly options: BatchProcessorOptions,
    budget?: PendingBudget,
    private readonly onFailure: BatchFailure = () => undefined,
  ) {
    this.budget = budget ?? new PendingBudget(Number.MAX_SAFE_INTEGER);
  }

  /** True when nothing is buffered, in flight or waiting (a stale processor may be removed). */
  get idle(): boolean {
    return this.buffer.length === 0 && this.retrying.size === 0 && this.sending.size === 0;
  }

  /** Add an entry. False when it was dropped: the backlog cap, or the processor is closed. */
  push(entry: T): boolean {
    if (this.closed || !this.budget.take()) return false;
    if (this.options.batch_max_size === 1) {
      this.execute({ entries: [entry], retryCount: 0 });
      return true;
    }
    const now = Date.now();
    this.buffer.push(entry);
    if (this.buffer.length === 1) this.firstEntryAt = now;
    this.lastEntryAt = now;
    if (this.buffer.length >= this.options.batch_max_size) this.flush();
    if (this.buffer.length > 0 && this.flushTimer === undefined) this.armFlushTimer();
    return true;
  }

  /** Send what is buffered now (APISIX's `process_buffer`). */
  flush(): void {
    if (this.buffer.length === 0) return;
    const entries = this.buffer;
    this.buffer = [];
    this.execute({ entries, retryCount: 0 });
  }

  /**
   * Stop: send the buffer and every batch waiting for a retry at once (one last attempt each),
   * and wait for the sends in flight, at most until `deadlineMs` (epoch ms).
   */
  async close(deadlineMs: number): Promise<void> {
    this.closed = true;
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.flush();
    for (const [batch, timer] of this.retrying) {
      clearTimeout(timer);
      this.retrying.delete(batch);
      batch.retryCount = this.options.max_retry_count;
      this.execute(batch);
    }
    const left = deadlineMs - Date.now();
    if (this.sending.size === 0 || left <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.sending]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, left);
      }),
    ]);
    clearTimeout(timer);
  }

  private armFlushTimer(): void {
    this.flushTimer = setTimeout(() => this.onFlushTimer(), this.options.inactive_timeout * 1000);
    this.flushTimer.unref();
  }

  private onFlushTimer(): void {
    this.flushTimer = undefined;
    const now = Date.now();
    const inactive = now - this.lastEntryAt >= this.options.inactive_timeout * 1000;
    const tooOld = now - this.firstEntryAt >= this.options.buffer_duration * 1000;
    if (inactive || tooOld) {
      this.flush();
      return;
    }
    if (this.buffer.length > 0) this.armFlushTimer();
  }

  private execute(batch: Batch<T>): void {
    const attempt = this.attempt(batch);
    this.sending.add(attempt);
    void attempt.finally(() => this.sending.delete(attempt));
  }

  private async attempt(batch: Batch<T>): Promise<void> {
    try {
      await this.send(batch.entries, this.options.batch_max_size);
    } catch (err) {
      batch.retryCount += 1;
      const retry = batch.retryCount <= this.options.max_retry_count && !this.closed;
      this.onFailure(err, {
        name: this.options.name,
        entries: batch.entries.length,
        dropped: !retry,
      });
      if (retry) {
        const timer = setTimeout(() => {
          this.retrying.delete(batch);
          this.execute(batch);
        }, this.options.retry_delay * 1000);
        timer.unref();
        this.retrying.set(batch, timer);
        return;
      }
    }
    this.budget.release(batch.entries.length);
  }
}
