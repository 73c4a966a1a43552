/**
 * @module memory-store
 * The config store of APISIX's standalone modes (issue 15): the whole configuration comes from a
 * file or from `PUT /apisix/admin/configs`, and is swapped in as one revision, so every watcher
 * (a gateway node's primary, then each of its workers) applies all of it or none of it. It keeps
 * etcd's read and watch semantics; single-key writes are refused (the configuration is replaced
 * whole, never edited key by key), but in a scratch store (`writable`), where a configuration is
 * built and checked through the Admin API's own resource code before it replaces anything.
 */
import { StoreCompactedError, StoreUnavailableError } from '@tollgate/core';
import { StoreReadOnlyError } from './errors';
import { compareKeys } from './keys';
import { formatGeneratedId } from './store';
import type {
  ConfigStore,
  DeleteOptions,
  PutResult,
  RangeResult,
  StoredItem,
  Watch,
  WatchBatch,
  WatchOptions,
} from './store';

/** Revisions of history kept for watches that start behind (a watch older than that resyncs). */
const HISTORY = 64;

interface MemoryWatch {
  options: WatchOptions;
  next: number;
  closed: boolean;
}

/**
 * An in-memory, read-only (but for {@link MemoryStore.replaceAll}) ConfigStore.
 *
 * @example
 * const store = new MemoryStore();
 * store.replaceAll(new Map([['/apisix/routes/1', '{"id":"1","uri":"/a"}']]));
 * (await store.range('/apisix/')).items.length; // 1
 */
export class MemoryStore implements ConfigStore {
  readonly kind = 'standalone' as const;
  /** A scratch store takes single-key writes (without history or watches). */
  private readonly writable: boolean;
  private readonly items = new Map<string, StoredItem>();
  private readonly history: WatchBatch[] = [];
  private readonly watches = new Set<MemoryWatch>();
  private current = 1;
  private closed = false;
  private flushing = false;

  constructor(options: { writable?: boolean } = {}) {
    this.writable = options.writable ?? false;
  }

  get(key: string): Promise<StoredItem | undefined> {
    if (this.closed) return Promise.reject(this.unavailable());
    const item = this.items.get(key);
    return Promise.resolve(item && { ...item });
  }

  range(prefix: string): Promise<RangeResult> {
    if (this.closed) return Promise.reject(this.unavailable());
    const items = [...this.items.values()]
      .filter((i) => i.key.startsWith(prefix))
      .sort((a, b) => compareKeys(a.key, b.key))
      .map((i) => ({ ...i }));
    return Promise.resolve({ revision: this.current, items });
  }

  put(key: string, value: string): Promise<PutResult> {
    if (!this.writable) return Promise.reject(this.readOnly());
    const prev = this.items.get(key);
    const revision = ++this.current;
    const item = {
      key,
      value,
      createRevision: prev?.createRevision ?? revision,
      modRevision: revision,
    };
    this.items.set(key, item);
    return Promise.resolve({ revision, item: { ...item }, ...(prev ? { prev } : {}) });
  }

  async putIfUnchanged(
    key: string,
    value: string,
    expectedModRevision: number,
  ): Promise<PutResult | undefined> {
    if (!this.writable) throw this.readOnly();
    if ((this.items.get(key)?.modRevision ?? 0) !== expectedModRevision) return undefined;
    return this.put(key, value);
  }

  delete(key: string, options: DeleteOptions = {}): Promise<number> {
    if (!this.writable) return Promise.reject(this.readOnly());
    let deleted = 0;
    for (const k of [...this.items.keys()]) {
      if (k === key || (options.withPrefix !== undefined && k.startsWith(options.withPrefix))) {
        this.items.delete(k);
        deleted++;
      }
    }
    if (deleted > 0) this.current++;
    return Promise.resolve(deleted);
  }

  generateId(): Promise<string> {
    if (!this.writable) return Promise.reject(this.readOnly());
    return Promise.resolve(formatGeneratedId(++this.current));
  }

  revision(): Promise<number> {
    if (this.closed) return Promise.reject(this.unavailable());
    return Promise.resolve(this.current);
  }

  /**
   * Make `entries` (key → value) the whole content, in one revision: keys not in `entries` are
   * deleted, changed or new ones put, unchanged ones left alone. Returns the number of keys that
   * changed (0: nothing changed and no revision was used).
   */
  replaceAll(entries: ReadonlyMap<string, string>): number {
    if (this.closed) throw this.unavailable();
    const revision = this.current + 1;
    const batch: WatchBatch = { revision, events: [] };
    for (const key of [...this.items.keys()]) {
      if (entries.has(key)) continue;
      this.items.delete(key);
      batch.events.push({
        type: 'delete',
        item: { key, value: '', createRevision: 0, modRevision: revision },
      });
    }
    for (const [key, value] of entries) {
      const old = this.items.get(key);
      if (old?.value === value) continue;
      const item = {
        key,
        value,
        createRevision: old?.createRevision ?? revision,
        modRevision: revision,
      };
      this.items.set(key, item);
      batch.events.push({ type: 'put', item: { ...item } });
    }
    if (batch.events.length === 0) return 0;
    this.current = revision;
    this.history.push(batch);
    if (this.history.length > HISTORY) this.history.shift();
    this.schedule();
    return batch.events.length;
  }

  watch(options: WatchOptions): Watch {
    if (this.closed) throw this.unavailable();
    const watch: MemoryWatch = { options, next: options.fromRevision, closed: false };
    this.watches.add(watch);
    this.schedule();
    return {
      close: () => {
        watch.closed = true;
        this.watches.delete(watch);
        return Promise.resolve();
      },
    };
  }

  close(): Promise<void> {
    this.closed = true;
    this.watches.clear();
    return Promise.resolve();
  }

  /** Deliver outside the caller's stack, as the other stores do. */
  private schedule(): void {
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => {
      this.flushing = false;
      for (const watch of [...this.watches]) this.deliver(watch);
    });
  }

  private deliver(watch: MemoryWatch): void {
    const oldest = this.history[0]?.revision ?? this.current + 1;
    if (watch.next < oldest && watch.next <= this.current) {
      this.watches.delete(watch);
      watch.closed = true;
      watch.options.onError(new StoreCompactedError(oldest - 1));
      return;
    }
    for (const batch of this.history) {
      if (watch.closed || batch.revision < watch.next) continue;
      if (!batch.events.some((e) => e.item.key.startsWith(watch.options.prefix))) {
        watch.next = batch.revision + 1;
        continue;
      }
      watch.next = batch.revision + 1;
      const events = batch.events
        .filter((e) => e.item.key.startsWith(watch.options.prefix))
        .map((e) => ({ type: e.type, item: { ...e.item } }));
      try {
        watch.options.onBatch({ revision: batch.revision, events });
      } catch {
        // As in the other stores: a failing handler does not stop the watch.
      }
    }
  }

  private readOnly(): StoreReadOnlyError {
    return new StoreReadOnlyError(
      'the standalone config store is replaced whole (config file or /apisix/admin/configs)',
    );
  }

  private unavailable(): StoreUnavailableError {
    return new StoreUnavailableError('standalone config store closed');
  }
}
