/**
 * @module counters/counter-ipc
 * Node-wide local counters (Tollgate D5): the node's primary process owns the one
 * LocalCounterStore, and workers reach it over node:cluster IPC, so `policy: local` is exact
 * across every worker of a node. This file holds the messages, the primary's side
 * ({@link CounterHost}) and the workers' side ({@link IpcCounterStore}); it never imports
 * node:cluster, so both sides can be tested over a fake channel. The gateway wires them into its
 * primary and worker message loops.
 */
import type {
  CounterState,
  CounterStore,
  LeakyBucketState,
  SlidingWindowState,
  TrafficStore,
} from '@tollgate/core';
import {
  checkBucketArgs,
  checkChargeArgs,
  checkGaugeArgs,
  checkSlidingArgs,
  CounterStoreUnavailableError,
} from '@tollgate/limiter';

/** Worker → primary: run one counter operation. */
export interface CounterRequest {
  t: 'counter';
  /** Chosen by the worker, echoed in the result. */
  id: number;
  op: 'peek' | 'charge' | 'bucket' | 'gauge' | 'slide';
  key: string;
  /** Required for `charge` and `slide`. */
  cost?: number;
  /** Required for `charge` and `slide`; the gauge's ttl for `gauge`. */
  windowSeconds?: number;
  /** Required for `bucket`. */
  rate?: number;
  /** Required for `bucket`. */
  burst?: number;
  /** Required for `gauge`. */
  delta?: number;
  /** Required for `slide`. */
  limit?: number;
}

/** Primary → worker: the outcome of request `id`, a state or an error message. */
export interface CounterResult {
  t: 'counter-result';
  id: number;
  state?: CounterState;
  /** The answer to a `bucket` request. */
  bucket?: LeakyBucketState;
  /** The answer to a `gauge` request. */
  gauge?: number;
  /** The answer to a `slide` request. */
  slide?: SlidingWindowState;
  error?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** True for a well-formed {@link CounterRequest}. */
export function isCounterRequest(msg: unknown): msg is CounterRequest {
  if (!isObject(msg) || msg.t !== 'counter' || !Number.isInteger(msg.id)) return false;
  if (typeof msg.key !== 'string') return false;
  if (msg.op === 'peek') return true;
  if (msg.op === 'bucket') return isNumber(msg.rate) && isNumber(msg.burst);
  if (msg.op === 'gauge') return isNumber(msg.delta) && isNumber(msg.windowSeconds);
  if (msg.op === 'slide') {
    return isNumber(msg.limit) && isNumber(msg.windowSeconds) && isNumber(msg.cost);
  }
  return msg.op === 'charge' && isNumber(msg.cost) && isNumber(msg.windowSeconds);
}

function isBucket(v: unknown): v is LeakyBucketState {
  return (
    isObject(v) && typeof v.rejected === 'boolean' && isNumber(v.excess) && isNumber(v.delayMs)
  );
}

/** True for a well-formed {@link CounterResult}. */
export function isCounterResult(msg: unknown): msg is CounterResult {
  if (!isObject(msg) || msg.t !== 'counter-result' || !Number.isInteger(msg.id)) return false;
  if (msg.error !== undefined) return typeof msg.error === 'string';
  if (msg.bucket !== undefined) return isBucket(msg.bucket);
  if (msg.gauge !== undefined) return isNumber(msg.gauge);
  if (msg.slide !== undefined) {
    const v: unknown = msg.slide;
    return (
      isObject(v) &&
      typeof v.rejected === 'boolean' &&
      isNumber(v.remaining) &&
      isNumber(v.resetSeconds)
    );
  }
  const state = msg.state;
  return (
    isObject(state) &&
    isNumber(state.consumed) &&
    (state.resetInMs === undefined || isNumber(state.resetInMs))
  );
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * The primary's side: answers workers' counter requests from the node's store.
 *
 * @example
 * const host = new CounterHost(new LocalCounterStore());
 * worker.on('message', (msg) => {
 *   if (isCounterRequest(msg)) host.handle(msg, (result) => worker.send(result));
 * });
 */
export class CounterHost {
  constructor(private readonly store: CounterStore & Partial<TrafficStore>) {}

  /**
   * Run `msg` on the store and `reply` with the result. A malformed request that carries an id is
   * answered with an error; anything else is ignored. A failing `reply` (worker gone) is ignored.
   */
  handle(msg: unknown, reply: (m: CounterResult) => void): void {
    if (!isCounterRequest(msg)) {
      const id = isObject(msg) && msg.t === 'counter' ? msg.id : undefined;
      if (typeof id === 'number' && Number.isInteger(id)) {
        send(reply, { t: 'counter-result', id, error: 'malformed counter request' });
      }
      return;
    }
    void this.answer(msg, reply);
  }

  private async answer(msg: CounterRequest, reply: (m: CounterResult) => void): Promise<void> {
    let result: CounterResult;
    try {
      result = await this.run(msg);
    } catch (err) {
      result = { t: 'counter-result', id: msg.id, error: messageOf(err) };
    }
    send(reply, result);
  }

  private async run(msg: CounterRequest): Promise<CounterResult> {
    const { id } = msg;
    const { leakyBucket, adjustGauge, slidingWindow } = this.store;
    if (msg.op === 'slide') {
      if (!slidingWindow) throw new Error('the node store has no sliding windows');
      const w = await slidingWindow.call(
        this.store,
        msg.key,
        msg.limit ?? 0,
        msg.windowSeconds ?? 0,
        msg.cost ?? 0,
      );
      return { t: 'counter-result', id, slide: { ...w } };
    }
    if (msg.op === 'bucket') {
      if (!leakyBucket) throw new Error('the node store has no leaky buckets');
      const b = await leakyBucket.call(this.store, msg.key, msg.rate ?? 0, msg.burst ?? -1);
      return { t: 'counter-result', id, bucket: { ...b } };
    }
    if (msg.op === 'gauge') {
      if (!adjustGauge) throw new Error('the node store has no gauges');
      const value = await adjustGauge.call(
        this.store,
        msg.key,
        msg.delta ?? 0,
        msg.windowSeconds ?? 0,
      );
      return { t: 'counter-result', id, gauge: value };
    }
    const state =
      msg.op === 'peek'
        ? await this.store.peek(msg.key)
        : await this.store.charge(msg.key, msg.cost ?? 0, msg.windowSeconds ?? 0);
    return { t: 'counter-result', id, state: copyState(state) };
  }
}

function copyState(state: CounterState): CounterState {
  return state.resetInMs === undefined
    ? { consumed: state.consumed }
    : { consumed: state.consumed, resetInMs: state.resetInMs };
}

function send(reply: (m: CounterResult) => void, result: CounterResult): void {
  try {
    reply(result);
  } catch {
    // The worker is gone; its own timeout or channel-closed handling rejects its request.
  }
}

interface Pending {
  resolve(result: CounterResult): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
  verb: string;
}

/**
 * The workers' side: a CounterStore whose operations run in the primary. Requests are answered
 * by id; one not answered within `timeoutMs`, or pending when the channel closes (`fail`), rejects
 * with CounterStoreUnavailableError, so the plugin's `allow_degradation` decides.
 *
 * `send` should throw when the channel is closed: Node's `process.send` without a callback
 * reports that as an 'error' event on `process`, which would crash the worker.
 *
 * @example
 * const counters = new IpcCounterStore((msg) => {
 *   if (!process.send || !process.connected) throw new Error('IPC channel closed');
 *   process.send(msg, undefined, {}, (err) => err && counters.fail(err.message));
 * });
 * process.on('message', (msg) => {
 *   if (counters.onMessage(msg)) return;
 *   // … other primary messages
 * });
 * process.on('disconnect', () => counters.fail('primary disconnected'));
 */
export class IpcCounterStore implements CounterStore, TrafficStore {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closedReason: string | undefined;

  constructor(
    private readonly send: (m: CounterRequest) => void,
    private readonly timeoutMs = 1000,
  ) {}

  /** Requests awaiting an answer. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Read a counter in the primary's store. */
  peek(key: string): Promise<CounterState> {
    return this.request('read', { op: 'peek', key }).then(stateOf);
  }

  /** Charge a counter in the primary's store (arguments checked here first). */
  charge(key: string, cost: number, windowSeconds: number): Promise<CounterState> {
    try {
      checkChargeArgs(cost, windowSeconds);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new RangeError(String(err)));
    }
    // Sent synchronously, so a `fail()` right after this call covers it.
    return this.request('charge', { op: 'charge', key, cost, windowSeconds }).then(stateOf);
  }

  /** One request through a leaky bucket in the primary's store. */
  leakyBucket(key: string, rate: number, burst: number): Promise<LeakyBucketState> {
    try {
      checkBucketArgs(rate, burst);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new RangeError(String(err)));
    }
    return this.request('update bucket', { op: 'bucket', key, rate, burst }).then((r) => {
      if (!r.bucket) throw this.unavailable('update bucket', 'no bucket in the answer');
      return { ...r.bucket };
    });
  }

  /** One request through a sliding window in the primary's store. */
  slidingWindow(
    key: string,
    limit: number,
    windowSeconds: number,
    cost: number,
  ): Promise<SlidingWindowState> {
    try {
      checkSlidingArgs(limit, windowSeconds, cost);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new RangeError(String(err)));
    }
    return this.request('update window', { op: 'slide', key, limit, windowSeconds, cost }).then(
      (r) => {
        if (!r.slide) throw this.unavailable('update window', 'no window in the answer');
        return { ...r.slide };
      },
    );
  }

  /** Adjust a gauge in the primary's store. */
  adjustGauge(key: string, delta: number, ttlSeconds: number): Promise<number> {
    try {
      checkGaugeArgs(delta, ttlSeconds);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new RangeError(String(err)));
    }
    return this.request('adjust gauge', {
      op: 'gauge',
      key,
      delta,
      windowSeconds: ttlSeconds,
    }).then((r) => {
      if (r.gauge === undefined) throw this.unavailable('adjust gauge', 'no gauge in the answer');
      return r.gauge;
    });
  }

  /**
   * Take a primary message: true when it was a counter result (consumed, even if its request
   * already timed out), false for any other message.
   */
  onMessage(msg: unknown): boolean {
    if (!isCounterResult(msg)) return false;
    const entry = this.pending.get(msg.id);
    if (!entry) return true;
    this.pending.delete(msg.id);
    clearTimeout(entry.timer);
    if (msg.error === undefined) entry.resolve(msg);
    else entry.reject(this.unavailable(entry.verb, `primary answered: ${msg.error ?? 'no state'}`));
    return true;
  }

  /** Reject every pending request (the channel closed or the primary is going away). */
  fail(reason: string): void {
    for (const [id, entry] of this.pending) {
      this.pending.delete(id);
      clearTimeout(entry.timer);
      entry.reject(this.unavailable(entry.verb, reason));
    }
  }

  /** Reject pending and future requests. */
  close(): Promise<void> {
    this.closedReason ??= 'store closed';
    this.fail(this.closedReason);
    return Promise.resolve();
  }

  private request(verb: string, body: Omit<CounterRequest, 't' | 'id'>): Promise<CounterResult> {
    if (this.closedReason) return Promise.reject(this.unavailable(verb, this.closedReason));
    this.nextId = (this.nextId % 0x7fffffff) + 1;
    const id = this.nextId;
    return new Promise<CounterResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(this.unavailable(verb, `no answer from the primary within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      timer.unref();
      this.pending.set(id, { resolve, reject, timer, verb });
      try {
        this.send({ t: 'counter', id, ...body });
      } catch (err) {
        this.pending.delete(id);
        clearTimeout(timer);
        reject(this.unavailable(verb, `cannot reach the primary: ${messageOf(err)}`));
      }
    });
  }

  private unavailable(verb: string, why: string): CounterStoreUnavailableError {
    return new CounterStoreUnavailableError(`failed to ${verb} node counter: ${why}`);
  }
}

function stateOf(result: CounterResult): CounterState {
  if (!result.state) {
    throw new CounterStoreUnavailableError('failed to read node counter: no state in the answer');
  }
  return copyState(result.state);
}
