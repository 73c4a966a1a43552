/**
 * @module sync/synced-config
 * The data plane's copy of the config under one prefix: the last good version of every item
 * (raw text and validated value) and the keys whose current value is invalid. Turns a full read
 * or one watch batch into what changed, keeping the last good version of an item whose new value
 * fails validation (style §1.3 point 4). Pure: no I/O, no timers, no logging.
 */
import type { StoredItem, WatchBatch } from '@tollgate/config-store';
import type { DataEncryption } from '@tollgate/schema';
import type { ConfigValue } from '../config/update';
import { isDataPlaneKey, validateItem } from '../config/validate-item';

/** A key whose current value was refused, with the reason; `key` is the full store key. */
export interface InvalidKey {
  key: string;
  reason: string;
}

/** What a full load or a batch changed. */
export interface Changes {
  puts: [string, ConfigValue][];
  deletes: string[];
  /** Keys whose value this batch refused (also listed by {@link SyncedConfig.invalidKeys}). */
  refused: InvalidKey[];
}

interface Good {
  raw: string;
  value: ConfigValue;
}

/**
 * Items keyed relative to the prefix (`routes/1`), as {@link ConfigUpdate} carries them.
 * @example
 * const config = new SyncedConfig('/apisix');
 * config.loadFull(range.items);
 * const { puts, deletes } = config.applyBatch(batch);
 */
export class SyncedConfig {
  private readonly good = new Map<string, Good>();
  /** Relative key → reason, for keys whose current value is refused. */
  private readonly invalid = new Map<string, string>();
  private readonly dir: string;

  /**
   * `prefix` without its trailing slash, e.g. `/apisix`; `encryption` decrypts stored secrets
   * (default: APISIX's `data_encryption`).
   */
  constructor(
    readonly prefix: string,
    private readonly encryption?: DataEncryption,
  ) {
    this.dir = `${prefix}/`;
  }

  /** Number of items held. */
  get size(): number {
    return this.good.size;
  }

  /** Every item held, in key order (a full update's `items`). */
  items(): [string, ConfigValue][] {
    return [...this.good.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, { value }]) => [key, value]);
  }

  /** Every item held as its raw text, for the on-disk copy. */
  rawItems(): [string, string][] {
    return [...this.good.entries()].map(([key, { raw }]) => [key, raw]);
  }

  /** Keys whose current value is refused, with full store keys, in key order. */
  invalidKeys(): InvalidKey[] {
    return [...this.invalid.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, reason]) => ({ key: this.dir + key, reason }));
  }

  /**
   * Replace everything with the result of a full read (or the on-disk copy, whose keys are
   * already relative). An item whose value is refused keeps its last good version, if any.
   * Returns the keys refused now that were not refused for the same reason before, so a resync
   * does not log the same bad value again.
   */
  loadFull(entries: Iterable<[relativeKey: string, raw: string]>): InvalidKey[] {
    const previous = new Map(this.good);
    const previousInvalid = new Map(this.invalid);
    this.good.clear();
    this.invalid.clear();
    const refused: InvalidKey[] = [];
    for (const [key, raw] of entries) {
      const result = this.accept(key, raw);
      if (result === 'refused') {
        const last = previous.get(key);
        if (last) this.good.set(key, last);
        const reason = this.invalid.get(key) ?? '';
        if (previousInvalid.get(key) !== reason) refused.push({ key: this.dir + key, reason });
      }
    }
    return refused;
  }

  /** Full store items → relative entries, dropping keys outside the prefix. */
  relativeEntries(items: StoredItem[]): [string, string][] {
    const out: [string, string][] = [];
    for (const item of items) {
      const key = this.relative(item.key);
      if (key !== undefined) out.push([key, item.value]);
    }
    return out;
  }

  /** Apply one watch batch; the net change per key (a batch may touch a key more than once). */
  applyBatch(batch: WatchBatch): Changes {
    const net = new Map<string, ConfigValue | null>();
    const refused: InvalidKey[] = [];
    for (const event of batch.events) {
      const key = this.relative(event.item.key);
      if (key === undefined) continue;
      if (event.type === 'delete') {
        if (!isDataPlaneKey(key)) continue;
        const known = this.good.delete(key);
        const wasInvalid = this.invalid.delete(key);
        if (known || wasInvalid || net.has(key)) net.set(key, null);
        continue;
      }
      const result = this.accept(key, event.item.value);
      if (result === 'refused') {
        refused.push({ key: this.dir + key, reason: this.invalid.get(key) ?? '' });
      } else if (result !== 'ignored') {
        net.set(key, result);
      }
    }
    const changes: Changes = { puts: [], deletes: [], refused };
    for (const [key, value] of net) {
      if (value === null) changes.deletes.push(key);
      else changes.puts.push([key, value]);
    }
    return changes;
  }

  private relative(key: string): string | undefined {
    return key.startsWith(this.dir) ? key.slice(this.dir.length) : undefined;
  }

  /** Validate and hold one value; the accepted value, or why not. */
  private accept(key: string, raw: string): ConfigValue | 'refused' | 'ignored' {
    const result = validateItem(key, raw, this.encryption);
    if (result.ok === 'ignored') return 'ignored';
    if (result.ok) {
      this.good.set(key, { raw, value: result.value });
      this.invalid.delete(key);
      return result.value;
    }
    this.invalid.set(key, result.reason);
    return 'refused';
  }
}
