/**
 * @module redis-value-store
 * Plain values in Redis (GET, SET with EX) for plugins that cache rather than count (ai-cache),
 * with the connection behaviour of the counter store (redis-store.ts), because a cache in the
 * request path must fail fast too:
 * - one client per Redis target in the process (`redisValueStore(conf)`), however many routes
 *   name it, connected in the background;
 * - an operation never takes longer than `redis_timeout`: a deadline races it, waiting for the
 *   first connection included; while the connection is known to be down it fails at once;
 * - an opossum breaker per target opens when most recent calls failed (a frozen Redis), so calls
 *   fail fast until its trial call succeeds;
 * - every failure rejects; the caller decides what it means (ai-cache answers as a MISS).
 *   Connection errors are logged, throttled, never fatal.
 * Keys are the caller's own, unprefixed: a plugin owns its key space (`ai-cache:l1:...`).
 */
import { Cluster, Redis } from 'ioredis';
import CircuitBreaker from 'opossum';
import { createLogger } from '@tollgate/core';
import {
  clusterOptions,
  describeRedisTarget,
  redisTargetKey,
  resolveRedisTarget,
  sentinelOptions,
  singleNodeOptions,
  type RedisStoreConf,
  type RedisStoreTarget,
} from './redis-conf';
import { errorFields, throttledWarn, type LimiterLogger } from './throttled-log';

/** Tuning of {@link RedisValueStore}; the defaults suit production. */
export interface RedisValueStoreOptions {
  /** Longest wait between reconnect attempts, in ms; default 1000. */
  readonly reconnectCapMs?: number;
  /** Milliseconds an open breaker waits before its trial call; default 2000. */
  readonly breakerResetMs?: number;
  /** Default: the `limiter.redis-values` child of the root logger. */
  readonly logger?: LimiterLogger;
  /** Minimum ms between two warn lines about the same problem; default 10,000. */
  readonly logIntervalMs?: number;
}

/** Why a value operation did not complete. */
export class RedisValueStoreError extends Error {
  override readonly name = 'RedisValueStoreError';
}

/**
 * GET and SET on one Redis target. Prefer `redisValueStore(conf)`, which shares one store per
 * connection.
 *
 * @example
 * const store = redisValueStore({ redis_host: '127.0.0.1', redis_timeout: 200 });
 * await store.set('ai-cache:l1:route=1:ab12…', Buffer.from(entry), 3600);
 * const bytes = await store.get('ai-cache:l1:route=1:ab12…'); // Buffer, or null
 */
export class RedisValueStore {
  readonly target: RedisStoreTarget;
  private readonly client: Redis | Cluster;
  private readonly breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;
  private readonly name: string;
  private readonly warn: (msg: string, meta?: Record<string, unknown>) => void;
  private readyGate: Promise<void> | undefined;
  private isClosed = false;

  constructor(conf: RedisStoreConf, options: RedisValueStoreOptions = {}) {
    this.target = resolveRedisTarget(conf);
    this.name = describeRedisTarget(this.target);
    const logger = options.logger ?? createLogger('limiter.redis-values');
    this.warn = throttledWarn(logger, options.logIntervalMs ?? 10_000);
    const cap = options.reconnectCapMs ?? 1000;
    this.client =
      this.target.kind === 'redis'
        ? new Redis(singleNodeOptions(this.target, cap))
        : this.target.kind === 'redis-sentinel'
          ? new Redis(sentinelOptions(this.target, cap))
          : new Cluster([...this.target.nodes], clusterOptions(this.target, cap));
    const onError = (err: unknown) =>
      this.warn('redis value store connection error', { target: this.name, err: errorFields(err) });
    this.client.on('error', onError);
    this.client.on('node error', onError);
    this.breaker = new CircuitBreaker((op: () => Promise<unknown>) => this.withDeadline(op), {
      name: this.name,
      timeout: false,
      resetTimeout: options.breakerResetMs ?? 2000,
      volumeThreshold: 3,
      errorThresholdPercentage: 50,
      rollingCountTimeout: 10_000,
      rollingCountBuckets: 10,
    });
    this.breaker.on('open', () =>
      this.warn('redis value store breaker open', { target: this.name }),
    );
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** The value of `key`, or null when there is none. */
  get(key: string): Promise<Buffer | null> {
    return this.call('read', () => this.client.getBuffer(key));
  }

  /** Set `key` to `value`, expiring after `ttlSeconds` (a whole number ≥ 1). */
  async set(key: string, value: Buffer | string, ttlSeconds: number): Promise<void> {
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) {
      throw new RangeError(`ttl must be a whole number of seconds >= 1, got ${ttlSeconds}`);
    }
    await this.call('write', () => this.client.set(key, value, 'EX', ttlSeconds));
  }

  /** Stop the breaker and the connection. */
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.breaker.shutdown();
    if (this.client.status === 'ready') {
      await this.withDeadline(() => this.client.quit()).catch(() => undefined);
    }
    this.client.disconnect();
  }

  private async call<T>(verb: string, op: () => Promise<T>): Promise<T> {
    if (this.isClosed) throw new RedisValueStoreError(`failed to ${verb}: ${this.name} is closed`);
    try {
      return (await this.breaker.fire(op)) as T;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      const why = code === 'EOPENBREAKER' ? 'circuit breaker open' : errorFields(err).message;
      throw new RedisValueStoreError(`failed to ${verb} on ${this.name}: ${String(why)}`, {
        cause: err,
      });
    }
  }

  /** Run `op` once the connection is ready, or reject when `redis_timeout` passed first. */
  private withDeadline<T>(op: () => Promise<T>): Promise<T> {
    const ms = this.target.timeoutMs;
    return new Promise<T>((resolve, reject) => {
      let expired = false;
      const timer = setTimeout(() => {
        expired = true;
        reject(new RedisValueStoreError(`no answer within redis_timeout (${ms} ms)`));
      }, ms);
      this.whenReady()
        .then(() => {
          if (expired) throw new RedisValueStoreError('deadline passed before the connection');
          return op();
        })
        .then(resolve, reject)
        .finally(() => clearTimeout(timer))
        .catch(() => undefined);
    });
  }

  /** Now when ready; at the end of a handshake; rejected at once while reconnecting or closed. */
  private whenReady(): Promise<void> {
    const status = this.client.status;
    if (status === 'ready') return Promise.resolve();
    if (status === 'reconnecting' || status === 'close' || status === 'end') {
      return Promise.reject(new RedisValueStoreError(`connection ${status}`));
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
      const onClose = () => settle(new RedisValueStoreError('connection closed while connecting'));
      this.client.on('ready', onReady);
      this.client.on('close', onClose);
      this.client.on('end', onClose);
    });
    return this.readyGate;
  }
}

const stores = new Map<string, RedisValueStore>();

/**
 * The shared value store for `conf`'s connection fields (defaults applied, other fields
 * ignored), created on first use. Do not `close()` it: `closeRedisValueStores()` does at shutdown.
 */
export function redisValueStore(
  conf: RedisStoreConf,
  options?: RedisValueStoreOptions,
): RedisValueStore {
  const key = redisTargetKey(resolveRedisTarget(conf));
  const existing = stores.get(key);
  if (existing && !existing.closed) return existing;
  const store = new RedisValueStore(conf, options);
  stores.set(key, store);
  return store;
}

/** Number of value stores the registry holds. */
export function redisValueStoreCount(): number {
  return stores.size;
}

/** Close every shared value store and forget them. */
export async function closeRedisValueStores(): Promise<void> {
  const all = [...stores.values()];
  stores.clear();
  await Promise.all(all.map((store) => store.close()));
}
