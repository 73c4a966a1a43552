/**
 * @module embedded/kv-state
 * The embedded store's in-memory key space with etcd's revision rules. Writes are first planned
 * as a `LogRecord` (pure: nothing changes), then made durable by the caller, then applied. The
 * same `apply` replays the log at open, so live state and replayed state cannot diverge.
 */
import type { StoredItem, WatchEvent } from '../store';
import { compareKeys } from '../keys';

/** One durable write. `r` is the store revision the write produces. */
export type LogRecord =
  /** Put `k` = `v`; `x`: absolute expiry (epoch ms) of the key's lease, if any. */
  | { r: number; op: 'put'; k: string; v: string; x?: number }
  /** Delete the keys `ks`, in this order (the event order), all at revision `r`. */
  | { r: number; op: 'del'; ks: string[] };

interface Entry {
  value: string;
  createRevision: number;
  modRevision: number;
  expiresAt?: number;
}

/** A key as kept in a snapshot: `[key, value, createRevision, modRevision, expiresAt | null]`. */
export type SnapshotEntry = [string, string, number, number, number | null];

/** The whole key space at one revision. */
export interface SnapshotData {
  revision: number;
  entries: SnapshotEntry[];
}

/** What applying a record changed. */
export interface Applied {
  events: WatchEvent[];
  /** For a put: the replaced item, if any. */
  prev?: StoredItem;
}

/** Thrown by `apply` when a record does not fit the state (only possible for a damaged log). */
export class RecordMismatchError extends Error {}

/** The key space, its revision (1 when empty, as a fresh etcd) and lease expiries. */
export class KvState {
  revision = 1;
  private readonly entries = new Map<string, Entry>();
  /** Keys in etcd (UTF-8 byte) order, for prefix ranges. */
  private readonly sorted: string[] = [];
  private readonly expiring = new Map<string, number>();

  /** Rebuild a state from a snapshot. */
  static fromSnapshot(data: SnapshotData): KvState {
    const state = new KvState();
    state.revision = data.revision;
    const keys = data.entries.map(([key, value, createRevision, modRevision, expiresAt]) => {
      state.entries.set(key, {
        value,
        createRevision,
        modRevision,
        ...(expiresAt !== null ? { expiresAt } : {}),
      });
      if (expiresAt !== null) state.expiring.set(key, expiresAt);
      return key;
    });
    state.sorted.push(...keys.sort(compareKeys));
    return state;
  }

  /** The state as a snapshot. */
  snapshot(): SnapshotData {
    const entries = this.sorted.map((key): SnapshotEntry => {
      const e = this.entries.get(key) as Entry;
      return [key, e.value, e.createRevision, e.modRevision, e.expiresAt ?? null];
    });
    return { revision: this.revision, entries };
  }

  get(key: string): StoredItem | undefined {
    const e = this.entries.get(key);
    return e ? item(key, e) : undefined;
  }

  /** Items whose key starts with `prefix`, in key order. */
  range(prefix: string): StoredItem[] {
    const out: StoredItem[] = [];
    for (let i = this.lowerBound(prefix); i < this.sorted.length; i++) {
      const key = this.sorted[i] as string;
      if (!key.startsWith(prefix)) break;
      out.push(item(key, this.entries.get(key) as Entry));
    }
    return out;
  }

  /** The record of a put of `key` (with a lease expiring at `expiresAt`, if given). */
  planPut(key: string, value: string, expiresAt?: number): LogRecord {
    return {
      r: this.revision + 1,
      op: 'put',
      k: key,
      v: value,
      ...(expiresAt !== undefined ? { x: expiresAt } : {}),
    };
  }

  /**
   * The record deleting `key` and every key under `withPrefix` (the key first, then the subtree
   * in key order, as etcd orders the events of such a txn); undefined when nothing would go.
   */
  planDelete(key: string, withPrefix?: string): LogRecord | undefined {
    const keys = this.entries.has(key) ? [key] : [];
    if (withPrefix !== undefined) {
      for (const { key: k } of this.range(withPrefix)) if (k !== key) keys.push(k);
    }
    return keys.length > 0 ? { r: this.revision + 1, op: 'del', ks: keys } : undefined;
  }

  /** Apply a record produced by `plan*` (or read back from the log). */
  apply(record: LogRecord): Applied {
    if (record.r !== this.revision + 1) {
      throw new RecordMismatchError(
        `record revision ${record.r} does not follow store revision ${this.revision}`,
      );
    }
    const applied = record.op === 'put' ? this.applyPut(record) : this.applyDelete(record);
    this.revision = record.r;
    return applied;
  }

  /** Keys whose lease has expired at `now`, earliest first. */
  expiredKeys(now: number): string[] {
    return [...this.expiring]
      .filter(([, at]) => at <= now)
      .sort((a, b) => a[1] - b[1])
      .map(([key]) => key);
  }

  /** The earliest lease expiry, if any key has one. */
  nextExpiry(): number | undefined {
    let next: number | undefined;
    for (const at of this.expiring.values()) if (next === undefined || at < next) next = at;
    return next;
  }

  private applyPut(record: Extract<LogRecord, { op: 'put' }>): Applied {
    const { r, k, v, x } = record;
    const old = this.entries.get(k);
    const entry: Entry = { value: v, createRevision: old ? old.createRevision : r, modRevision: r };
    if (x !== undefined) {
      entry.expiresAt = x;
      this.expiring.set(k, x);
    } else {
      this.expiring.delete(k);
    }
    if (!old) this.sorted.splice(this.lowerBound(k), 0, k);
    this.entries.set(k, entry);
    const event: WatchEvent = { type: 'put', item: item(k, entry) };
    return old ? { events: [event], prev: item(k, old) } : { events: [event] };
  }

  private applyDelete(record: Extract<LogRecord, { op: 'del' }>): Applied {
    const events: WatchEvent[] = [];
    for (const key of record.ks) {
      if (!this.entries.delete(key))
        throw new RecordMismatchError(`record deletes missing key ${key}`);
      this.expiring.delete(key);
      this.sorted.splice(this.lowerBound(key), 1);
      // etcd's delete event: a tombstone with no value and create revision 0.
      events.push({
        type: 'delete',
        item: { key, value: '', createRevision: 0, modRevision: record.r },
      });
    }
    return { events };
  }

  private lowerBound(key: string): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(this.sorted[mid] as string, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function item(key: string, e: Entry): StoredItem {
  return { key, value: e.value, createRevision: e.createRevision, modRevision: e.modRevision };
}
