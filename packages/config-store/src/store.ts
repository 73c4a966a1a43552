/**
 * @module store
 * The config store contract: a revisioned key-value store with etcd v3 semantics. Two backends
 * implement it with identical observable behaviour (checked by one shared conformance suite):
 * `EtcdStore` (etcd3 client) and `EmbeddedStore` (in-process, durable to a data directory).
 *
 * Revisions are etcd's: one global counter, incremented by every write (put or delete that
 * removes something); `createRevision`/`modRevision` of a key are the revisions of its creation
 * and last modification. Values are opaque strings (the Admin API stores JSON text).
 *
 * Errors: every method rejects with `StoreUnavailableError` (503) when the backend cannot be
 * reached in time; a watch whose start revision was compacted reports `StoreCompactedError`.
 * A put whose key and value exceed `MAX_STORED_ITEM_BYTES` (or etcd's own request limit) rejects
 * with `StoreValueTooLargeError` (400) and writes nothing, in both backends.
 */

/** One key as stored. */
export interface StoredItem {
  key: string;
  value: string;
  /** Revision at which the key was (last) created. */
  createRevision: number;
  /** Revision of the last write to the key. */
  modRevision: number;
}

/** Result of a range read: the items in lexicographic key order, at store revision `revision`. */
export interface RangeResult {
  revision: number;
  items: StoredItem[];
}

/** Result of a put. `prev` is the item that was replaced, absent when the key was created. */
export interface PutResult {
  revision: number;
  item: StoredItem;
  prev?: StoredItem;
}

export interface PutOptions {
  /** Attach the key to a lease of this many seconds: it disappears (with a delete event) then. */
  ttlSeconds?: number;
}

export interface DeleteOptions {
  /** Also delete every key under this prefix, atomically with the key itself. */
  withPrefix?: string;
}

/**
 * A change seen by a watch. For deletes (etcd's tombstone), `item.value` is '', `createRevision`
 * is 0 and `modRevision` is the delete's revision.
 */
export interface WatchEvent {
  type: 'put' | 'delete';
  item: StoredItem;
}

/**
 * Events of one store revision (or several, in order), and the store revision they bring the
 * reader to. Both backends deliver one batch per revision that touched the watched prefix; the
 * events of a multi-key revision (delete with `withPrefix`) come in etcd's order.
 */
export interface WatchBatch {
  revision: number;
  events: WatchEvent[];
}

export interface WatchOptions {
  /** Key prefix to watch (e.g. `/apisix/`). */
  prefix: string;
  /** First revision to deliver (the revision of a range read + 1). Never skipped ahead. */
  fromRevision: number;
  /**
   * Called for every batch, in revision order, never twice for one revision, and never inside
   * the call stack of a write or of `watch()`. An exception thrown here is logged and the watch
   * goes on (the batch is not delivered again).
   */
  onBatch(batch: WatchBatch): void;
  /**
   * Called when the watch cannot continue: `StoreCompactedError` (history gone: resync) or
   * `StoreUnavailableError` after the backend's own reconnect attempts gave up. The watch is
   * closed when this is called; the reader decides whether to resync. A store whose revision
   * went backwards (etcd restored or replaced) is reported as `StoreCompactedError` too, since
   * the remedy is the same full re-read. Called at most once.
   */
  onError(err: Error): void;
}

export interface Watch {
  /** Stop delivering events. Idempotent. */
  close(): Promise<void>;
}

/** The interface both backends implement. */
export interface ConfigStore {
  readonly kind: 'etcd' | 'embedded' | 'standalone';
  /** Read one key. */
  get(key: string): Promise<StoredItem | undefined>;
  /** Read every key starting with `prefix`, in lexicographic order. */
  range(prefix: string): Promise<RangeResult>;
  /** Create or replace a key (without `ttlSeconds`, a replaced key loses its lease, as in etcd). */
  put(key: string, value: string, options?: PutOptions): Promise<PutResult>;
  /**
   * Replace `key` only if its modRevision still equals `expectedModRevision` (compare-and-swap,
   * as APISIX's PATCH). Resolves `undefined` when the comparison failed (key changed or gone).
   * A missing key's modRevision is 0, so `expectedModRevision` 0 means "create if absent".
   */
  putIfUnchanged(
    key: string,
    value: string,
    expectedModRevision: number,
  ): Promise<PutResult | undefined>;
  /**
   * Delete a key (and optionally a subtree, atomically, in one revision). Resolves the number of
   * keys deleted: the key itself counts 1 if it existed, plus every key under `withPrefix`
   * (the key is counted once even if it lies under the prefix). 0 changes nothing, not even the
   * revision.
   */
  delete(key: string, options?: DeleteOptions): Promise<number>;
  /**
   * A new unique id for POST: the revision of a write to `counterKey` (APISIX: `/apisix/gen_id`),
   * as a 20-digit zero-padded decimal string (APISIX's format, see `formatGeneratedId`).
   */
  generateId(counterKey: string): Promise<string>;
  /** The store's current revision. */
  revision(): Promise<number>;
  /** Watch `prefix` from `fromRevision` on. Throws StoreUnavailableError if the store is closed. */
  watch(options: WatchOptions): Watch;
  /**
   * Close every watch and release connections, timers and file handles. Idempotent; every
   * operation afterwards rejects with StoreUnavailableError.
   */
  close(): Promise<void>;
}

/** Format a revision as APISIX formats POST ids. */
export function formatGeneratedId(revision: number): string {
  return String(revision).padStart(20, '0');
}
