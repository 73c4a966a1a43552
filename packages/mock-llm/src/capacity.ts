/**
 * @module capacity
 * The capacity model: `slots` requests run at once, more wait in FIFO order, each running request
 * spends `ttftMs` in prefill (its first token comes out at the end of it) and then decodes at
 * `tokensPerSecond / (1 + batchSlowdown × (running − 1)) / slowdown`.
 *
 * It is a small discrete-event simulation rather than a timer per token: every running request
 * keeps its progress, the progress is brought up to date whenever the load changes (an arrival,
 * a departure, a new setting), and a single timer is set for the next moment a token is due. A
 * late timer therefore emits every token that became due meanwhile at once, instead of pushing
 * every later token back, so TTFT stays accurate when the event loop is busy.
 */
import type { Capacity, CapacityStats } from './types';

/** What the model needs of the outside world; tests give a fake. */
export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(timer: unknown): void;
}

/** The real clock: `performance.now()` and `setTimeout`. */
export const REAL_CLOCK: Clock = {
  now: () => performance.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

/** One request for the model. */
export interface JobSpec {
  /** Tokens to generate; 0 for work without output (embeddings): prefill only. */
  outputTokens: number;
  /** Prompt tokens (KV-cache use when `kvTokens` is set). */
  promptTokens: number;
  /** Token `index` (0 = the first, at the end of prefill) is out. */
  onToken(index: number): void;
  /** Every token is out; the slot is free. */
  onDone(): void;
}

/** A request admitted to the model (queued or running). */
export interface Job {
  readonly spec: JobSpec;
}

interface State extends Job {
  phase: 'waiting' | 'prefill' | 'decode';
  /** Prefill: fraction done (0-1). Decode: tokens produced after the first (fractional). */
  progress: number;
  /** Tokens handed to `onToken` so far. */
  emitted: number;
}

/** A token due within this many ms of now is emitted now (timers fire on whole ms). */
const DUE_SLACK_MS = 0.5;

/** The model of one instance. */
export class CapacityModel {
  private settings: Capacity;
  private readonly queue: State[] = [];
  private readonly running = new Set<State>();
  private lastAt: number;
  private timer: unknown;
  private counters = { served: 0, refused: 0, cancelled: 0, maxWaiting: 0 };

  constructor(
    settings: Capacity,
    private readonly clock: Clock = REAL_CLOCK,
  ) {
    this.settings = { ...settings };
    this.lastAt = clock.now();
  }

  /** The current settings (a copy). */
  get current(): Capacity {
    return { ...this.settings };
  }

  /** Live gauges and counters. */
  stats(): CapacityStats {
    return {
      running: this.running.size,
      waiting: this.queue.length,
      kvCacheUsage: this.kvCacheUsage(),
      ...this.counters,
    };
  }

  /** Set the counters back to 0 (the longest queue to the current one). */
  resetStats(): void {
    this.counters = { served: 0, refused: 0, cancelled: 0, maxWaiting: this.queue.length };
  }

  /**
   * Queue `spec`, or run it at once if a slot is free. Undefined when the queue is full
   * (`maxQueue`): the caller refuses the request.
   */
  submit(spec: JobSpec): Job | undefined {
    this.advance();
    const { maxQueue } = this.settings;
    const full = this.running.size >= this.settings.slots;
    if (full && maxQueue !== null && this.queue.length >= maxQueue) {
      this.counters.refused++;
      return undefined;
    }
    const job: State = { spec, phase: 'waiting', progress: 0, emitted: 0 };
    this.queue.push(job);
    this.counters.maxWaiting = Math.max(this.counters.maxWaiting, this.queue.length);
    this.settle();
    return job;
  }

  /** The client went away: drop `job` wherever it is (nothing happens if it is done). */
  cancel(job: Job): void {
    const state = job as State;
    const queued = this.queue.indexOf(state);
    if (queued < 0 && !this.running.has(state)) return;
    this.advance();
    if (queued >= 0) this.queue.splice(queued, 1);
    else this.running.delete(state);
    this.counters.cancelled++;
    this.settle();
  }

  /** Apply new settings from now on (progress so far is kept). */
  update(settings: Capacity): void {
    this.advance();
    this.settings = { ...settings };
    this.settle();
  }

  /** Stop the timer (the mock is closing); jobs in progress are abandoned. */
  dispose(): void {
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
    this.running.clear();
  }

  private kvCacheUsage(): number {
    const { kvTokens, slots } = this.settings;
    if (kvTokens === null) return Math.min(1, this.running.size / slots);
    let held = 0;
    for (const job of this.running) held += job.spec.promptTokens + job.emitted;
    return Math.min(1, held / kvTokens);
  }

  /** Prefill fraction per ms; Infinity when there is no prefill time. */
  private prefillRate(): number {
    const ms = this.settings.ttftMs * this.settings.slowdown;
    return ms > 0 ? 1 / ms : Infinity;
  }

  /** Tokens per ms of each decoding request, at the current batch size. */
  private decodeRate(): number {
    const { tokensPerSecond, batchSlowdown, slowdown } = this.settings;
    const batch = Math.max(1, this.running.size);
    return tokensPerSecond / 1000 / (1 + batchSlowdown * (batch - 1)) / slowdown;
  }

  /** Bring every running request's progress up to now, at the rates in force since `lastAt`. */
  private advance(): void {
    const now = this.clock.now();
    const elapsed = now - this.lastAt;
    this.lastAt = now;
    if (elapsed <= 0) return;
    const prefill = this.prefillRate();
    const decode = this.decodeRate();
    for (const job of this.running) {
      job.progress += (job.phase === 'prefill' ? prefill : decode) * elapsed;
    }
  }

  /** Emit what is due, free finished slots, admit from the queue, and set the next timer. */
  private settle(): void {
    const calls: (() => void)[] = [];
    let changed = true;
    while (changed) {
      changed = false;
      for (const job of [...this.running]) {
        if (this.step(job, calls)) changed = true;
      }
      while (this.queue.length > 0 && this.running.size < this.settings.slots) {
        const job = this.queue.shift() as State;
        job.phase = 'prefill';
        job.progress = 0;
        this.running.add(job);
        changed = true;
      }
    }
    this.schedule();
    for (const call of calls) call();
  }

  /** Move `job` past what is due now; true when it left the batch (the rates change). */
  private step(job: State, calls: (() => void)[]): boolean {
    const slack = DUE_SLACK_MS;
    if (job.phase === 'prefill') {
      const rate = this.prefillRate();
      if (rate !== Infinity && (1 - job.progress) / rate > slack) return false;
      // Time spent past the end of prefill counts as decoding.
      const overMs = rate === Infinity ? 0 : Math.max(0, (job.progress - 1) / rate);
      job.phase = 'decode';
      job.progress = overMs * this.decodeRate();
      if (job.spec.outputTokens > 0) {
        job.emitted = 1;
        calls.push(() => job.spec.onToken(0));
      }
    }
    const rate = this.decodeRate();
    while (job.emitted < job.spec.outputTokens && (job.emitted - job.progress) / rate <= slack) {
      const index = job.emitted++;
      calls.push(() => job.spec.onToken(index));
    }
    if (job.emitted < job.spec.outputTokens) return false;
    this.running.delete(job);
    this.counters.served++;
    calls.push(() => job.spec.onDone());
    return true;
  }

  /** One timer, for the earliest token due among the running requests. */
  private schedule(): void {
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
    let next = Infinity;
    const prefill = this.prefillRate();
    const decode = this.decodeRate();
    for (const job of this.running) {
      const wait =
        job.phase === 'prefill'
          ? (1 - job.progress) / prefill
          : (job.emitted - job.progress) / decode;
      next = Math.min(next, wait);
    }
    if (next === Infinity) return;
    this.timer = this.clock.setTimer(
      () => {
        this.timer = undefined;
        this.advance();
        this.settle();
      },
      Math.max(0, Math.ceil(next)),
    );
  }
}
