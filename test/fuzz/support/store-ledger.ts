/**
 * @module store-ledger
 * The "no write without an acknowledgement" oracle of the Admin API fuzz. After each request the
 * store (real etcd, under the run's own prefix) is read again and every change since the previous
 * read must be explained by that request's 2xx reply: the written key holding exactly the value
 * the reply returned, or the deleted key (and its children) gone. A key written with `?ttl=` may
 * vanish at any time after, as its lease runs out.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ConfigStore, StoredItem } from '@tollgate/config-store';

/** What a reply acknowledged. */
export type Ack =
  | { kind: 'none' }
  | { kind: 'write'; key: string; value: unknown; ttl: boolean }
  | { kind: 'delete'; key: string }
  /** `PUT /plugins/reload` rewrites the plugin list. */
  | { kind: 'reload' }
  /** `POST` bumps the id counter before it writes the item. */
  | { kind: 'post'; key: string; value: unknown; ttl: boolean };

export class StoreLedger {
  private known = new Map<string, StoredItem>();
  private readonly leased = new Set<string>();
  /** Acknowledged writes and deletes so far. */
  writes = 0;
  deletes = 0;

  constructor(
    private readonly store: ConfigStore,
    private readonly prefix: string,
  ) {}

  private async read(): Promise<Map<string, StoredItem>> {
    const { items } = await this.store.range(`${this.prefix}/`);
    return new Map(items.map((item) => [item.key, item]));
  }

  async start(): Promise<void> {
    this.known = await this.read();
  }

  /** Keys in the store now. */
  get keys(): string[] {
    return [...this.known.keys()];
  }

  /** Re-reads the store; returns every change that `ack` does not explain (empty when none). */
  async settle(ack: Ack): Promise<string[]> {
    const now = await this.read();
    const problems: string[] = [];
    const written = ack.kind === 'write' || ack.kind === 'post' ? ack.key : undefined;
    for (const key of new Set([...this.known.keys(), ...now.keys()])) {
      const before = this.known.get(key);
      const after = now.get(key);
      if (before?.modRevision === after?.modRevision) continue;
      if (after === undefined && this.leased.has(key)) continue;
      if (key === written && after !== undefined) {
        const value = (ack as { value: unknown }).value;
        if (!isDeepStrictEqual(JSON.parse(after.value), value)) {
          problems.push(`${key} holds ${after.value.slice(0, 200)}, not the acknowledged value`);
        }
        continue;
      }
      if (
        ack.kind === 'delete' &&
        after === undefined &&
        (key === ack.key || key.startsWith(`${ack.key}/`))
      ) {
        continue;
      }
      if (ack.kind === 'reload' && key === `${this.prefix}/plugins`) continue;
      if (ack.kind === 'post' && key === `${this.prefix}/gen_id`) continue;
      const what = before === undefined ? 'created' : after === undefined ? 'deleted' : 'changed';
      problems.push(`${key} ${what} without an acknowledgement`);
    }
    if (written !== undefined && !now.has(written)) {
      problems.push(`acknowledged write of ${written} is not in the store`);
    }
    if (ack.kind === 'delete' && now.has(ack.key)) {
      problems.push(`acknowledged delete of ${ack.key} left it in the store`);
    }
    if (written !== undefined) {
      this.writes++;
      if ((ack as { ttl: boolean }).ttl) this.leased.add(written);
    }
    if (ack.kind === 'delete') this.deletes++;
    this.known = now;
    return problems;
  }
}
