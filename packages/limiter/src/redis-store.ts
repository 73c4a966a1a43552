/**
 * @module redis-store
 * Counters in Redis, shared by every node (APISIX's `redis` / `redis-cluster` policies): one Lua
 * script per operation (redis-scripts.ts), keys that expire with their window.
 *
 * Failure behaviour, the point of this file:
 * - an operation never takes longer than `redis_timeout` (plus event-loop latency): a deadline
 *   timer races it, connecting included, and ioredis's own connect/command timeouts match it;
 * - while the connection is known to be down (ioredis between reconnect attempts) operations fail
 *   at once instead of queueing; nothing is queued or replayed (see redis-conf.ts);
 * - an opossum breaker per store (so per Redis target) opens when most recent calls failed, and
 *   then fails calls fast, e.g. while Redis is frozen and every call would wait for its deadline.
 *   After `resetTimeoutMs` one trial call goes through; its success closes the breaker. ioredis
 *   reconnects in the background with capped backoff, so counting resumes by itself;
 * - every failure rejects with CounterStoreUnavailableError; the plugin decides what it means
 *   (`allow_degradation`). 'error' events are handled (logged, throttled), never fatal.
 */
import { Cluster, Redis } from 'ioredis';
import CircuitBreaker from 'opossum';
import {
  createLogger,
  type CounterState,
  type CounterStore,
  type LeakyBucketState,
  type QuotaAdmission,
  type QuotaSettlement,
  type QuotaStore,
  type SlidingWindowState,
  type TrafficStore,
} from '@tollgate/core';
import {
  checkBucketArgs,
  checkChargeArgs,
  checkGaugeArgs,
  checkReserve,
  checkSlidingArgs,
} from './charge-args';
import { CounterStoreUnavailableError } from './errors';
import {
  clusterOptions,
  describeRedisTarget,
  resolveRedisTarget,
  sentinelOptions,
  singleNodeOptions,
  type RedisStoreConf,
  type RedisStoreTarget,
} from './redis-conf';
import {
  ADMIT_SCRIPT,
  CHARGE_SCRIPT,
  GAUGE_SCRIPT,
  LEAKY_BUCKET_SCRIPT,
  PEEK_SCRIPT,
  SETTLE_SCRIPT,
  SLIDING_WINDOW_SCRIPT,
} from './redis-scripts';
import { errorFields, throttledWarn, type LimiterLogger } from './throttled-log';

/** Tuning of {@link RedisCounterStore}; the defaults suit production. */
export interface RedisCounterStoreOptions {
  /** Prefix of every Redis key; default `tollgate:counter:`. */
  readonly keyPrefix?: string;
  /** Longest wait between reconnect attempts, in ms; default 1000. */
  readonly reconnectCapMs?: number;
  /** Milliseconds an open breaker waits before its trial call; default 2000. */
  readonly breakerResetMs?: number;
  /** Calls in the rolling window before the breaker may open; default 3. */
  readonly breakerVolumeThreshold?: number;
  /** Percentage of failed calls in the rolling window that opens the breaker; default 50. */
  readonly breakerErrorPercentage?: number;
  /** Rolling window of the breaker's statistics, in ms; default 10,000. */
  readonly breakerWindowMs?: number;
  /** Default: the `limiter.redis` child of the root logger. */
  readonly logger?: LimiterLogger;
  /** Minimum ms between two warn lines about the same problem; default 10,000. */
  readonly logIntervalMs?: number;
}

/** The state of a store's breaker. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** `{ consumed, pttl }` as both scripts answer. */
type ScriptReply = [number, number];

interface ScriptedClient {
  tollgateCharge(key: string, cost: number, windowMs: number): Promise<ScriptReply>;
  tollgatePeek(key: string): Promise<ScriptReply>;
  tollgateBucket(key: string, rate: number, burst: number): Promise<[number, string]>;
  tollgateGauge(key: string, delta: number, ttlSeconds: number): Promise<number>;
  tollgateAdmit(
    key: string,
    limit: number,
    reserve: number,
    windowMs: number,
  ): Promise<[number, number, number, number, string]>;
  tollgateSettle(
    key: string,
    windowId: string,
    reserved: number,
    actual: number,
    windowMs: number,
  ): Promise<number>;
  tollgateSlide(
    key: string,
    limit: number,
    windowSeconds: number,
    cost: number,
  ): Promise<[number, number, string]>;
}

type Client = Redis | Cluster;

/** Replies that blame one key (wrong type, not an integer, overflow), not Redis's availability. */
const KEY_ERROR = /^WRONGTYPE|not an integer|overflow/;

const isKeyError = (err: unknown): boolean =>
  err instanceof Error && err.name === 'ReplyError' && KEY_ERROR.test(err.message);

/** Why an operation did not reach Redis in time. */
class NotReadyError extends Error {
  override readonly name = 'NotReadyError';
}

/**
 * A CounterStore on one Redis server or Redis Cluster. Prefer `redisCounterStore(conf)` from
 * redis-registry.ts, which shares one store per connection.
 *
 * @example
 * const store = new RedisCounterStore({ policy: 'redis', redis_host: '127.0.0.1', redis_timeout: 500 });
 * try {
 *   await store.charge('route/1:gpt-4', 120, 60);
 * } catch (err) {
 *   if (!isCounterStoreUnavailable(err) || !conf.allow_degradation) throw err;
 * }
 */
export class RedisCounterStore implements CounterStore, TrafficStore, QuotaStore {
  /** Where this store connects (defaults applied). */
  readonly target: RedisStoreTarget;
  private readonly client: Client;
  private readonly scripts: ScriptedClient;
  private readonly breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;
  private readonly keyPrefix: string;
  private readonly name: string;
  private readonly warn: (msg: string, meta?: Record<string, unknown>) => void;
  private readonly logger: LimiterLogger;
  private readyGate: Promise<void> | undefined;
  private isClosed = false;

  constructor(conf: RedisStoreConf, options: RedisCounterStoreOptions = {}) {
    this.target = resolveRedisTarget(conf);
    this.name = describeRedisTarget(this.target);
    this.keyPrefix = options.keyPrefix ?? 'tollgate:counter:';
    this.logger = options.logger ?? createLogger('limiter.redis');
    this.warn = throttledWarn(this.logger, options.logIntervalMs ?? 10_000);
    const cap = options.reconnectCapMs ?? 1000;
    this.client =
      this.target.kind === 'redis'
        ? new Redis(singleNodeOptions(this.target, cap))
        : this.target.kind === 'redis-sentinel'
          ? new Redis(sentinelOptions(this.target, cap))
          : new Cluster([...this.target.nodes], clusterOptions(this.target, cap));
    this.client.defineCommand('tollgateCharge', { numberOfKeys: 1, lua: CHARGE_SCRIPT });
    this.client.defineCommand('tollgatePeek', { numberOfKeys: 1, lua: PEEK_SCRIPT });
    this.client.defineCommand('tollgateBucket', { numberOfKeys: 1, lua: LEAKY_BUCKET_SCRIPT });
    this.client.defineCommand('tollgateGauge', { numberOfKeys: 1, lua: GAUGE_SCRIPT });
    this.client.defineCommand('tollgateSlide', { numberOfKeys: 1, lua: SLIDING_WINDOW_SCRIPT });
    this.client.defineCommand('tollgateAdmit', { numberOfKeys: 1, lua: ADMIT_SCRIPT });
    this.client.defineCommand('tollgateSettle', { numberOfKeys: 1, lua: SETTLE_SCRIPT });
    this.scripts = this.client as unknown as ScriptedClient;
    this.client.on('error', (err: unknown) => this.onConnectionError(err));
    this.client.on('node error', (err: unknown) => this.onConnectionError(err));
    this.breaker = new CircuitBreaker((op: () => Promise<unknown>) => this.withDeadline(op), {
      name: this.name,
      timeout: false,
      resetTimeout: options.breakerResetMs ?? 2000,
      volumeThreshold: options.breakerVolumeThreshold ?? 3,
      errorThresholdPercentage: options.breakerErrorPercentage ?? 50,
      rollingCountTimeout: options.breakerWindowMs ?? 10_000,
      rollingCountBuckets: 10,
      errorFilter: isKeyError,
    });
    // A failed half-open trial re-opens the breaker every resetTimeout: throttle that line too.
    this.breaker.on('open', () => this.warn('redis counter breaker open', this.logMeta()));
    this.breaker.on('close', () =>
      this.logger.info('redis counter breaker closed', this.logMeta()),
    );
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** The breaker's state: `open` means calls fail fast until the next trial. */
  get breakerState(): BreakerState {
    if (this.breaker.opened) return 'open';
    return this.breaker.halfOpen ? 'half-open' : 'closed';
  }

  /** Read a counter (GET + PTTL in one script). */
  peek(key: string): Promise<CounterState> {
    return this.call('read', () => this.scripts.tollgatePeek(this.keyPrefix + key));
  }

  /** Add `cost` (INCRBY, PEXPIRE on a new window, in one script). */
  charge(key: string, cost: number, windowSeconds: number): Promise<CounterState> {
    let windowMs: number;
    try {
      windowMs = checkChargeArgs(cost, windowSeconds);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new RangeError(String(err)));
    }
    return this.call('charge', () =>
      this.scripts.tollgateCharge(this.keyPrefix + key, cost, windowMs),
    );
  }

  /** Admit one request against a token quota, reserving `reserve` tokens (one script). */
  admit(
    key: string,
    limit: number,
    windowSeconds: number,
    reserve: number | undefined,
  ): Promise<QuotaAdmission> {
    let windowMs: number;
    try {
      windowMs = checkChargeArgs(1, windowSeconds);
      checkReserve(reserve ?? 0);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new RangeError(String(err)));
    }
    return this.call(
      'admit',
      () => this.scripts.tollgateAdmit(this.quotaKey(key), limit, reserve ?? -1, windowMs),
      ([admitted, consumed, reserved, pttl, windowId]: [
        number,
        number,
        number,
        number,
        string,
      ]) => ({
        admitted: admitted === 1,
        consumed,
        reserved,
        ...(pttl >= 0 ? { resetInMs: pttl } : {}),
        windowId,
      }),
    );
  }

  /** Release an admission's reservation and charge its usage (one script). */
  async settle(key: string, settlement: QuotaSettlement): Promise<void> {
    const { windowSeconds, windowId, reserved, actual } = settlement;
    const windowMs = checkChargeArgs(1, windowSeconds);
    checkReserve(reserved);
    checkReserve(actual);
    if (reserved === 0 && actual === 0) return;
    await this.call(
      'settle',
      () => this.scripts.tollgateSettle(this.quotaKey(key), windowId, reserved, actual, windowMs),
      () => undefined,
    );
  }

  /** One request through leaky bucket `key` (one script on Redis's clock). */
  leakyBucket(key: string, rate: number, burst: number): Promise<LeakyBucketState> {
    try {
      checkBucketArgs(rate, burst);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new RangeError(String(err)));
    }
    return this.call(
      'update bucket',
      () => this.scripts.tollgateBucket(this.keyPrefix + key, rate, burst),
      (reply: [number, string]) => {
        const excess = Number(reply[1]);
        return { rejected: reply[0] === 1, excess, delayMs: (excess / rate) * 1000 };
      },
    );
  }

  /** Add `delta` to gauge `key` (INCRBY and EXPIRE, or DEL at 0, in one script). */
  adjustGauge(key: string, delta: number, ttlSeconds: number): Promise<number> {
    try {
      checkGaugeArgs(delta, ttlSeconds);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new RangeError(String(err)));
    }
    return this.call(
      'adjust gauge',
      () => this.scripts.tollgateGauge(this.keyPrefix + key, delta, Math.ceil(ttlSeconds)),
      (value: number) => value,
    );
  }

  /** One request through sliding window `key` (one script on Redis's clock). */
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
    return this.call(
      'update window',
      () => this.scripts.tollgateSlide(this.keyPrefix + key, limit, windowSeconds, cost),
      (reply: [number, number, string]) => ({
        rejected: reply[0] === 1,
        remaining: reply[1],
        resetSeconds: Number(reply[2]),
      }),
    );
  }

  /** Stop the breaker and the connection (QUIT when connected, then disconnect). */
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.breaker.shutdown();
    if (this.client.status === 'ready') {
      await this.withDeadline(() => this.client.quit()).catch(() => undefined);
    }
    this.client.disconnect();
  }

  /** Quota hashes live apart from the plain counters (a different value type). */
  private quotaKey(key: string): string {
    return `${this.keyPrefix}quota:${key}`;
  }

  private async call<R = ScriptReply, T = CounterState>(
    verb: string,
    op: () => Promise<R>,
    map: (reply: R) => T = toState as unknown as (reply: R) => T,
  ): Promise<T> {
    if (this.isClosed) {
      throw new CounterStoreUnavailableError(
        `failed to ${verb} counter: ${this.name} store is closed`,
      );
    }
    try {
      return map((await this.breaker.fire(op)) as R);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      const why = code === 'EOPENBREAKER' ? 'circuit breaker open' : errorFields(err).message;
      throw new CounterStoreUnavailableError(
        `failed to ${verb} counter on ${this.name}: ${String(why)}`,
        { cause: err },
      );
    }
  }

  /**
   * Run `op` once the connection is ready, or reject when `redis_timeout` has passed first.
   * An op whose deadline passed is never started later.
   */
  private withDeadline<T>(op: () => Promise<T>): Promise<T> {
    const ms = this.target.timeoutMs;
    return new Promise<T>((resolve, reject) => {
      let expired = false;
      const timer = setTimeout(() => {
        expired = true;
        reject(new NotReadyError(`no answer within redis_timeout (${ms} ms)`));
      }, ms);
      this.whenReady()
        .then(() => {
          if (expired) throw new NotReadyError('deadline passed before the connection was ready');
          return op();
        })
        .then(resolve, reject)
        .finally(() => clearTimeout(timer))
        .catch(() => undefined);
    });
  }

  /**
   * Resolve when the client can send: now if ready; at the end of a handshake in progress;
   * rejected at once while ioredis waits to reconnect (Redis is known to be down) or is closed.
   */
  private whenReady(): Promise<void> {
    const status = this.client.status;
    if (status === 'ready') return Promise.resolve();
    if (status === 'reconnecting' || status === 'close' || status === 'end') {
      return Promise.reject(new NotReadyError(`connection ${status}`));
    }
    this.readyGate ??= new Promise<void>((resolve, reject) => {
      const settle = (err?: Error) => {
        this.client.off('ready', onReady);
        this.client.off('close', onClose);
        this.client.off('end', onClose);
        this.readyGate = undefined;
        if (err) reject(err);
        else resolve();
      };
      const onReady = () => settle();
      const onClose = () => settle(new NotReadyError('connection closed while connecting'));
      this.client.on('ready', onReady);
      this.client.on('close', onClose);
      this.client.on('end', onClose);
    });
    return this.readyGate;
  }

  private onConnectionError(err: unknown): void {
    this.warn('redis counter store connection error', { ...this.logMeta(), err: errorFields(err) });
  }

  private logMeta(): Record<string, unknown> {
    return { target: this.name };
  }
}

function toState([consumed, pttl]: ScriptReply): CounterState {
  if (pttl === -2) return { consumed: 0 };
  return pttl >= 0 ? { consumed, resetInMs: pttl } : { consumed };
}
