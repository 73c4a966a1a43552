/**
 * @module config/config-items
 * The validated items of one node at one revision, updated by full and delta updates.
 */
import type { ConfigUpdate, ConfigValue } from './update';

export class ConfigItems {
  readonly items = new Map<string, ConfigValue>();
  revision = 0;
  stale = false;
  loaded = false;

  /** Apply an update in place. */
  apply(update: ConfigUpdate): void {
    if (update.kind === 'full') {
      this.items.clear();
      for (const [key, value] of update.items) this.items.set(key, value);
      this.stale = update.stale;
    } else {
      for (const key of update.deletes) this.items.delete(key);
      for (const [key, value] of update.puts) this.items.set(key, value);
    }
    this.revision = update.revision;
    this.loaded = true;
  }

  /** The whole state as one full update (for a worker that just started). */
  asFullUpdate(): ConfigUpdate {
    return { kind: 'full', revision: this.revision, items: [...this.items], stale: this.stale };
  }
}
