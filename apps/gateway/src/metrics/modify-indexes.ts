/**
 * @module metrics/modify-indexes
 * `apisix_etcd_modify_indexes{key}` for a node: per resource kind, the highest revision at which
 * an item the node holds was written, plus `max_modify_index`, `prev_index` (the revision of the
 * update before the last) and `x_etcd_index` (the store revision the node is at).
 *
 * Updates carry one revision for the whole change, not each item's own: a delta's items get the
 * delta's revision (exact for etcd watch events), and a full read gives every item the read's
 * revision (an upper bound of each item's real one, until the item changes again).
 */
import type { ConfigUpdate } from '../config/update';

/** The resource keys APISIX reports, in its order. */
export const MODIFY_INDEX_KINDS = [
  'routes',
  'services',
  'ssls',
  'consumers',
  'global_rules',
  'upstreams',
  'stream_routes',
  'protos',
] as const;

function kindOf(key: string): string {
  const slash = key.indexOf('/');
  return slash === -1 ? key : key.slice(0, slash);
}

/**
 * @example
 * const indexes = new ModifyIndexTracker();
 * indexes.apply(update);      // for every update the node's config sync hands out
 * indexes.snapshot();         // { routes: 12, services: 0, ..., max_modify_index: 12, ... }
 */
export class ModifyIndexTracker {
  private readonly revisions = new Map<string, number>();
  private current = 0;
  private previous = 0;

  apply(update: ConfigUpdate): void {
    if (update.kind === 'full') {
      this.revisions.clear();
      for (const [key] of update.items) this.revisions.set(key, update.revision);
    } else {
      for (const key of update.deletes) this.revisions.delete(key);
      for (const [key] of update.puts) this.revisions.set(key, update.revision);
    }
    this.previous = this.current;
    this.current = update.revision;
  }

  /** Every key's value; `storeRevision` (default: the last update's) is `x_etcd_index`. */
  snapshot(storeRevision = this.current): Record<string, number> {
    const max = new Map<string, number>();
    for (const [key, revision] of this.revisions) {
      const kind = kindOf(key);
      if (revision > (max.get(kind) ?? 0)) max.set(kind, revision);
    }
    const out: Record<string, number> = {};
    let overall = 0;
    for (const kind of MODIFY_INDEX_KINDS) {
      const value = max.get(kind) ?? 0;
      out[kind] = value;
      overall = Math.max(overall, value);
    }
    out.prev_index = this.previous;
    out.max_modify_index = overall;
    out.x_etcd_index = storeRevision;
    return out;
  }
}
