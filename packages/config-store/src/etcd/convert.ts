/**
 * @module etcd/convert
 * etcd3 wire shapes (Buffers, int64 as decimal strings) to the store's types.
 */
import type { IKeyValue, IResponseHeader } from 'etcd3';
import type { StoredItem } from '../store';

/** An etcd int64 (decimal string) as a number; revisions stay far below 2^53. */
export function int(value: string | number | undefined): number {
  return Number(value ?? 0);
}

/** The store revision a response was produced at. */
export function headerRevision(header: IResponseHeader | undefined): number {
  return int(header?.revision);
}

/** An etcd key-value as a StoredItem. */
export function toItem(kv: IKeyValue): StoredItem {
  return {
    key: kv.key.toString('utf8'),
    value: kv.value.toString('utf8'),
    createRevision: int(kv.create_revision),
    modRevision: int(kv.mod_revision),
  };
}
