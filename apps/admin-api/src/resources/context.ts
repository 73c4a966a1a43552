/**
 * @module resources/context
 * What resource checks may use: the store, the key layout and small readers over them.
 */
import type { ConfigStore, StoredItem } from '@tollgate/config-store';
import { createLogger, type Logger } from '@tollgate/core';
import { DataEncryption } from '@tollgate/schema';
import { isObject, type JsonObject } from '../json-tree';
import type { EnabledPlugins } from '../enabled-plugins';
import type { KeyLayout } from '../keys';

/** One stored resource with its decoded value. */
export interface Entry {
  key: string;
  /** The id part of the key (the last segment). */
  id: string;
  value: JsonObject;
  item: StoredItem;
}

/** Shared by every resource of one Admin API instance. */
export class AdminContext {
  constructor(
    readonly store: ConfigStore,
    readonly keys: KeyLayout,
    /** The plugins configs may name (config.yaml `plugins`). */
    readonly plugins: EnabledPlugins,
    /** Whether `apisix.proxy_mode` serves stream routes; if not, `stream_routes` answers 400. */
    readonly streamProxy = false,
    /** `apisix.data_encryption`: how secrets are stored (APISIX's defaults when not given). */
    readonly encryption = new DataEncryption(),
    /** The Admin API's log, for what a check reports without refusing (an expired certificate). */
    readonly log: Logger = createLogger('admin-api'),
    /** Resolves once the gateway in this process serves the store's `revision` (read-your-writes). */
    readonly serving: (revision: number) => Promise<void> = () => Promise.resolve(),
  ) {}

  /** Decode a stored value; non-objects (APISIX's `init_dir` placeholders) are not resources. */
  static decode(item: StoredItem): JsonObject | undefined {
    try {
      const value: unknown = JSON.parse(item.value);
      return isObject(value) ? value : undefined;
    } catch {
      return undefined;
    }
  }

  /** Whether `<dir>/<id>` exists. */
  async exists(dir: string, id: string): Promise<boolean> {
    return (await this.store.get(this.keys.item(dir, id))) !== undefined;
  }

  /** Every resource directly under `dir` (not nested keys such as credentials), in key order. */
  async list(dir: string): Promise<{ revision: number; entries: Entry[] }> {
    const prefix = this.keys.dir(dir);
    const { revision, items } = await this.store.range(prefix);
    const entries: Entry[] = [];
    for (const item of items) {
      const id = item.key.slice(prefix.length);
      if (id === '' || id.includes('/')) continue;
      const value = AdminContext.decode(item);
      if (value) entries.push({ key: item.key, id, value, item });
    }
    return { revision, entries };
  }
}
