/**
 * @module sync/config-sync
 * The node's config sync (spec §7.2, decision D6): a full read of `<prefix>/`, then one prefix
 * watch from the read's revision + 1, never skipping ahead. Every value goes through the lenient
 * load (`validateItem`): a refused value is logged and reported, and the last good version of its
 * key stays in service.
 *
 * - Compaction, or etcd coming back with a smaller revision (both reported by the store as
 *   `StoreCompactedError`): full re-read, one `full` update, watch again.
 * - Store unreachable: nothing is emitted, the held config stays in service, `status().connected`
 *   turns false. The store's watch resumes by itself from the next revision after a short outage
 *   (a probe of `store.revision()` is what notices the outage then); when the watch gives up, or
 *   a read fails, reads are retried with capped jittered backoff and end in a full re-read.
 * - Boot with the store unreachable: the on-disk copy is served as a `full` update with
 *   `stale: true` until the store answers, then a fresh `full` with `stale: false` follows.
 *
 * Revisions emitted never decrease, with one exception: a `full` update after the store's
 * revision went backwards (etcd restored from a backup or replaced by a new cluster, including
 * while the node served its on-disk copy). Its items are what that store holds, so the
 * receiver must replace everything, as for any `full` update, and not compare revisions across it.
 */
import type { ConfigStore, RangeResult, Watch, WatchBatch } from '@tollgate/config-store';
import type { DataEncryption } from '@tollgate/schema';
import { Backoff, StoreCompactedError, createLogger, type Logger } from '@tollgate/core';
import type { ConfigUpdate } from '../config/update';
import { ConfigCacheWriter, readConfigCache } from './config-cache';
import { StoreHealth } from './store-health';
import { SyncedConfig, type InvalidKey } from './synced-config';

/** Options of {@link ConfigSync}. */
export interface ConfigSyncOptions {
  store: ConfigStore;
  /** etcd key prefix, e.g. `/apisix` (a trailing slash is ignored). */
  prefix: string;
  /** Where the last good config is kept on disk; no copy is kept without it. */
  cacheFile?: string;
  /** Receives every update, in order. An exception is logged; the update counts as applied. */
  onUpdate(update: ConfigUpdate): void;
  /** Decrypts stored secrets before validation (default: APISIX's `data_encryption`). */
  encryption?: DataEncryption;
  /** First retry delay after a failed read, in ms (default 200). */
  backoffInitialMs?: number;
  /** Longest retry delay, in ms (default 5000). */
  backoffMaxMs?: number;
  /** Interval of the reachability probe while watching, in ms (default 2000). */
  probeIntervalMs?: number;
  /** Minimum interval between two writes of the cache file, in ms (default 200). */
  cacheWriteDelayMs?: number;
  /** Outage length after which an `error` is logged, in ms (default 30000). */
  outageGraceMs?: number;
  logger?: Logger;
}

/** What {@link ConfigSync.status} reports (served on `/status/config`). */
export interface ConfigSyncStatus {
  /** A config (from the store or the on-disk copy) has been handed out. */
  loaded: boolean;
  /** Store revision the held config reflects (0 before the first load). */
  revision: number;
  /** The held config comes from the on-disk copy: the store has not answered since boot. */
  stale: boolean;
  /** The store answered the last read, watch or probe. */
  connected: boolean;
  /** Epoch ms of the last full read or watch batch from the store. */
  lastSyncAt?: number;
  /** The last store error seen (kept after the store answers again). */
  lastError?: string;
  /** Keys whose current value is refused (full store keys); their last good version is served. */
  invalidKeys: InvalidKey[];
}

/**
 * Keeps a node's config in step with the store and hands out `full` and `delta` updates.
 * @example
 * const sync = new ConfigSync({ store, prefix: '/apisix', cacheFile, onUpdate: apply });
 * await sync.start(); // a config is loaded unless the store is down and there is no cache
 * // ... at shutdown
 * await sync.stop();
 */
export class ConfigSync {
  private readonly log: Logger;
  private readonly config: SyncedConfig;
  private readonly health: StoreHealth;
  private readonly backoff: Backoff;
  private readonly cache: ConfigCacheWriter | undefined;
  private watch: Watch | undefined;
  /** Bumped by every (re)sync and by stop(); callbacks of an older generation are ignored. */
  private generation = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private started: Promise<void> | undefined;
  private stopped = false;
  private loaded = false;
  private stale = false;
  private revision = 0;
  /** Revision of the last update handed out (-1: none yet). */
  private emittedRevision = -1;
  private lastSyncAt: number | undefined;

  constructor(private readonly options: ConfigSyncOptions) {
    this.log = options.logger ?? createLogger('config-sync');
    this.config = new SyncedConfig(options.prefix.replace(/\/+$/, ''), options.encryption);
    this.health = new StoreHealth(this.log, options.outageGraceMs);
    this.backoff = new Backoff({
      initialMs: options.backoffInitialMs ?? 200,
      maxMs: options.backoffMaxMs ?? 5000,
    });
    const file = options.cacheFile;
    this.cache =
      file === undefined
        ? undefined
        : new ConfigCacheWriter(
            file,
            this.config.prefix,
            () => ({ revision: this.revision, items: this.config.rawItems() }),
            this.log,
            options.cacheWriteDelayMs,
          );
  }

  /**
   * Load the config and keep it in sync in the background. Resolves once a config has been
   * handed out (from the store, or from the on-disk copy when the store is unreachable), or
   * after the first failed read when there is no usable copy. Never rejects for store faults.
   */
  start(): Promise<void> {
    this.started ??= this.boot();
    return this.started;
  }

  /** Stop watching and retrying, and write the on-disk copy if it is behind. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.generation++;
    clearTimeout(this.retryTimer);
    clearTimeout(this.probeTimer);
    await this.closeWatch();
    await this.cache?.flush();
  }

  /** The sync's state, for `/status/config`. */
  status(): ConfigSyncStatus {
    return {
      loaded: this.loaded,
      revision: this.revision,
      stale: this.stale,
      connected: this.health.connected,
      ...(this.lastSyncAt !== undefined ? { lastSyncAt: this.lastSyncAt } : {}),
      ...(this.health.lastError !== undefined ? { lastError: this.health.lastError } : {}),
      invalidKeys: this.config.invalidKeys(),
    };
  }

  private async boot(): Promise<void> {
    if (await this.sync('boot')) return;
    if (this.stopped || this.loaded || this.options.cacheFile === undefined) return;
    const cached = await readConfigCache(this.options.cacheFile, this.config.prefix, this.log);
    if (!cached || this.stopped || this.loaded) return;
    this.logRefused(this.config.loadFull(cached.items));
    this.revision = cached.revision;
    this.stale = true;
    this.log.warn('config loaded from the on-disk copy', {
      revision: cached.revision,
      items: this.config.size,
      file: this.options.cacheFile,
    });
    this.emit({ kind: 'full', revision: cached.revision, items: this.config.items(), stale: true });
  }

  /**
   * Full read, `full` update, watch from the next revision. Resolves false (and schedules a
   * retry) when the store did not answer.
   */
  private async sync(reason: string): Promise<boolean> {
    if (this.stopped) return false;
    const generation = ++this.generation;
    clearTimeout(this.retryTimer);
    let range: RangeResult;
    try {
      await this.closeWatch();
      range = await this.options.store.range(`${this.config.prefix}/`);
    } catch (err) {
      if (generation === this.generation) this.retryLater(err, 'range');
      return false;
    }
    if (generation !== this.generation) return false;
    this.health.up();
    this.backoff.reset();
    this.applyFull(range, reason);
    this.startWatch(generation, range.revision + 1);
    return true;
  }

  private applyFull(range: RangeResult, reason: string): void {
    this.logRefused(this.config.loadFull(this.config.relativeEntries(range.items)));
    if (range.revision < this.emittedRevision) {
      this.log.warn('config store revision went backwards', {
        revision: range.revision,
        previousRevision: this.emittedRevision,
      });
    }
    this.revision = range.revision;
    this.stale = false;
    this.lastSyncAt = Date.now();
    this.log.info('config full sync', {
      reason,
      revision: range.revision,
      items: this.config.size,
      invalid: this.config.invalidKeys().length,
    });
    this.emit({ kind: 'full', revision: range.revision, items: this.config.items(), stale: false });
    this.cache?.changed();
  }

  private startWatch(generation: number, fromRevision: number): void {
    try {
      this.watch = this.options.store.watch({
        prefix: `${this.config.prefix}/`,
        fromRevision,
        onBatch: (batch) => {
          if (generation === this.generation) this.applyBatch(batch);
        },
        onError: (err) => {
          if (generation === this.generation) this.watchFailed(err);
        },
      });
    } catch (err) {
      this.retryLater(err, 'watch');
      return;
    }
    this.scheduleProbe(generation);
  }

  private applyBatch(batch: WatchBatch): void {
    // The store never repeats a revision; this guards the "never go back" promise regardless.
    if (batch.revision <= this.revision) return;
    this.health.up();
    this.lastSyncAt = Date.now();
    this.revision = batch.revision;
    const { puts, deletes, refused } = this.config.applyBatch(batch);
    this.logRefused(refused);
    // Batches that only touch ignored keys (gen_id, protos, ...) or refused values change nothing.
    if (puts.length === 0 && deletes.length === 0) return;
    this.log.debug('config delta applied', {
      revision: batch.revision,
      puts: puts.length,
      deletes: deletes.length,
    });
    this.emit({ kind: 'delta', revision: batch.revision, puts, deletes });
    this.cache?.changed();
  }

  private watchFailed(err: Error): void {
    void this.closeWatch();
    if (err instanceof StoreCompactedError) {
      this.log.warn('config watch lost its history; full resync', {
        revision: this.revision,
        compactRevision: err.compactRevision,
      });
      void this.sync('compacted');
      return;
    }
    this.retryLater(err, 'watch');
  }

  private retryLater(err: unknown, operation: string): void {
    if (this.stopped) return;
    const retryInMs = this.backoff.next();
    this.health.down(err, { operation, retryInMs });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.sync('reconnected'), retryInMs);
  }

  /**
   * While watching, ask the store for its revision now and then: the store's own watch retries
   * silently through an outage, and this is how `connected` (and the outage logs) follow it.
   */
  private scheduleProbe(generation: number): void {
    clearTimeout(this.probeTimer);
    this.probeTimer = setTimeout(() => {
      this.options.store.revision().then(
        () => {
          if (generation !== this.generation) return;
          this.health.up();
          this.scheduleProbe(generation);
        },
        (err: unknown) => {
          if (generation !== this.generation) return;
          this.health.down(err, { operation: 'probe' });
          this.scheduleProbe(generation);
        },
      );
    }, this.options.probeIntervalMs ?? 2000);
    this.probeTimer.unref();
  }

  private async closeWatch(): Promise<void> {
    const watch = this.watch;
    this.watch = undefined;
    clearTimeout(this.probeTimer);
    await watch?.close();
  }

  private emit(update: ConfigUpdate): void {
    this.loaded = true;
    this.emittedRevision = update.revision;
    try {
      this.options.onUpdate(update);
    } catch (err) {
      this.log.error('config update handler failed', {
        kind: update.kind,
        revision: update.revision,
        err: { name: (err as Error).name, message: (err as Error).message },
      });
    }
  }

  private logRefused(refused: InvalidKey[]): void {
    for (const { key, reason } of refused) this.log.warn('config value skipped', { key, reason });
  }
}
