/**
 * @module embedded-store
 * `ConfigStore` inside the process, durable in a data directory: the store Tollgate uses when no
 * etcd is configured (decision D2). Same revisions, events and compare-and-swap as etcd.
 *
 * - Writes run one at a time. Each is planned, appended to the log and fsync'd, and only then
 *   applied in memory and acknowledged: an acknowledged write survives kill -9, and reads never
 *   see a write that is not yet durable.
 * - Every `snapshotEvery` records the key space is snapshotted and the log emptied.
 * - `ttlSeconds` becomes an absolute expiry time stored with the key; an expired key is deleted
 *   (one revision and one delete event per key, as etcd revokes one lease at a time), also when
 *   it expired while the process was down (shortly after the next open).
 * - History for watches is in memory only and starts empty at open: a watch from before the
 *   open's revision gets `StoreCompactedError` and must resync with a full read.
 */
import fs from 'node:fs/promises';
import { StoreUnavailableError, createLogger, type Logger } from '@tollgate/core';
import {
  formatGeneratedId,
  type ConfigStore,
  type DeleteOptions,
  type PutOptions,
  type PutResult,
  type RangeResult,
  type StoredItem,
  type Watch,
  type WatchOptions,
} from './store';
import { storedItemTooLarge } from './errors';
import type { KvState, LogRecord } from './embedded/kv-state';
import { DirLock } from './embedded/lock';
import { Wal } from './embedded/wal';
import { WatchHub } from './embedded/watch-hub';
import { errorFields } from './log-fields';

/** Options of {@link EmbeddedStore.open}. */
export interface EmbeddedStoreOptions {
  /** Directory of the store's files; created with mode 0700 if missing. */
  dataDir: string;
  /** Watch history kept in memory, in events (default 10000). */
  historySize?: number;
  /** Log records between snapshots (default 1000). */
  snapshotEvery?: number;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The embedded backend of `ConfigStore`.
 *
 * @example
 * const store = await EmbeddedStore.open({ dataDir: '/var/lib/tollgate/store' });
 * const { revision } = await store.put('/apisix/routes/1', '{"uri":"/ai"}');
 * await store.close();
 */
export class EmbeddedStore implements ConfigStore {
  readonly kind = 'embedded' as const;
  private closed = false;
  /** Tail of the write queue: writes and expiries run strictly one after another. */
  private tail: Promise<unknown> = Promise.resolve();
  private leaseTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly state: KvState,
    private readonly wal: Wal,
    private readonly lock: DirLock,
    private readonly hub: WatchHub,
    private readonly snapshotEvery: number,
    private readonly logger: Logger,
  ) {}

  /**
   * Lock `dataDir` and load it. Rejects with StoreLockedError when another live process has it
   * open, StoreCorruptError when its files cannot be read back.
   */
  static async open(options: EmbeddedStoreOptions): Promise<EmbeddedStore> {
    const logger = createLogger('config-store');
    await fs.mkdir(options.dataDir, { recursive: true, mode: 0o700 });
    const lock = await DirLock.acquire(options.dataDir, logger);
    try {
      const { wal, state } = await Wal.open(options.dataDir, logger);
      // Revision 1 of a fresh store has no events, so nothing before the open is missing then.
      const hub = new WatchHub(
        options.historySize ?? 10_000,
        state.revision > 1 ? state.revision : 0,
        logger,
      );
      const store = new EmbeddedStore(state, wal, lock, hub, options.snapshotEvery ?? 1000, logger);
      store.scheduleExpiry();
      return store;
    } catch (err) {
      await lock.release();
      throw err;
    }
  }

  get(key: string): Promise<StoredItem | undefined> {
    return this.read(() => this.state.get(key));
  }

  range(prefix: string): Promise<RangeResult> {
    return this.read(() => ({ revision: this.state.revision, items: this.state.range(prefix) }));
  }

  revision(): Promise<number> {
    return this.read(() => this.state.revision);
  }

  put(key: string, value: string, options: PutOptions = {}): Promise<PutResult> {
    const ttl = options.ttlSeconds;
    if (ttl !== undefined && !(ttl > 0))
      return Promise.reject(new RangeError(`ttlSeconds must be positive, got ${ttl}`));
    // The same limit as etcd's: what one store accepts, the other does too.
    const tooLarge = storedItemTooLarge(key, value);
    if (tooLarge) return Promise.reject(tooLarge);
    return this.write(async () => {
      const expiresAt = ttl === undefined ? undefined : Date.now() + Math.ceil(ttl) * 1000;
      return this.commitPut(this.state.planPut(key, value, expiresAt));
    });
  }

  putIfUnchanged(
    key: string,
    value: string,
    expectedModRevision: number,
  ): Promise<PutResult | undefined> {
    const tooLarge = storedItemTooLarge(key, value);
    if (tooLarge) return Promise.reject(tooLarge);
    return this.write(async () => {
      // A missing key has modRevision 0, as in etcd's compare: expecting 0 means "create".
      if ((this.state.get(key)?.modRevision ?? 0) !== expectedModRevision) return undefined;
      return this.commitPut(this.state.planPut(key, value));
    });
  }

  delete(key: string, options: DeleteOptions = {}): Promise<number> {
    return this.write(async () => {
      const record = this.state.planDelete(key, options.withPrefix);
      if (!record) return 0;
      return (await this.commit(record)).events.length;
    });
  }

  async generateId(counterKey: string): Promise<string> {
    const { revision } = await this.put(counterKey, '1');
    return formatGeneratedId(revision);
  }

  watch(options: WatchOptions): Watch {
    if (this.closed) throw new StoreUnavailableError('config store is closed');
    return this.hub.watch(options);
  }

  /**
   * Forget watch history before `revision` (as etcd's compaction does): watches that start,
   * or still are, before it get StoreCompactedError. Not part of `ConfigStore`.
   */
  async compact(revision: number): Promise<void> {
    await this.read(() => this.hub.compact(revision));
  }

  /** Finish queued writes, stop watches and timers, close the files and release the lock. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.leaseTimer);
    await this.tail.catch(() => undefined);
    clearTimeout(this.leaseTimer);
    this.hub.close();
    await this.wal.close();
    await this.lock.release();
  }

  private read<T>(fn: () => T): Promise<T> {
    // The executor turns a throw (closed store, bad input) into a rejection.
    return new Promise<T>((resolve) => {
      if (this.closed) throw new StoreUnavailableError('config store is closed');
      resolve(fn());
    });
  }

  /** Queue `fn` behind every earlier write; it runs alone. */
  private write<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('config store is closed'));
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async commitPut(record: LogRecord): Promise<PutResult> {
    const { events, prev } = await this.commit(record);
    const [event] = events;
    if (!event) throw new Error('a put produced no event');
    return prev
      ? { revision: record.r, item: event.item, prev }
      : { revision: record.r, item: event.item };
  }

  /** Make `record` durable, apply it, publish its events. Caller holds the write queue. */
  private async commit(record: LogRecord) {
    await this.wal.append(record);
    const applied = this.state.apply(record);
    this.hub.publish(record.r, applied.events);
    if (record.op === 'put' && record.x !== undefined) this.scheduleExpiry();
    if (this.wal.recordsSinceSnapshot >= this.snapshotEvery) {
      // A failed snapshot loses nothing (the log still has every record); retry next time.
      await this.wal
        .snapshot(this.state)
        .catch((err: unknown) =>
          this.logger.error('embedded store snapshot failed', { err: errorFields(err) }),
        );
    }
    return {
      ...applied,
      events: applied.events.map((e) => ({ type: e.type, item: { ...e.item } })),
    };
  }

  private scheduleExpiry(): void {
    clearTimeout(this.leaseTimer);
    this.leaseTimer = undefined;
    const next = this.state.nextExpiry();
    if (next === undefined || this.closed) return;
    this.leaseTimer = setTimeout(
      () => void this.expire(),
      Math.min(MAX_TIMER_MS, Math.max(0, next - Date.now())),
    );
    this.leaseTimer.unref();
  }

  private async expire(): Promise<void> {
    try {
      await this.write(async () => {
        for (const key of this.state.expiredKeys(Date.now())) {
          const record = this.state.planDelete(key);
          if (record) await this.commit(record);
        }
      });
    } catch (err) {
      if (this.closed) return;
      this.logger.error('embedded store lease expiry failed', { err: errorFields(err) });
      this.leaseTimer = setTimeout(() => void this.expire(), 1000);
      this.leaseTimer.unref();
      return;
    }
    this.scheduleExpiry();
  }
}
