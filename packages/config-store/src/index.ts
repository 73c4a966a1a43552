/**
 * @module @tollgate/config-store
 * The revisioned config store (etcd or embedded) behind the Admin API and the gateway's config
 * loader. See README.md for the semantics both backends share and where they differ.
 */
export type * from './store';
export { formatGeneratedId } from './store';
export type * from './errors';
export {
  MAX_STORED_ITEM_BYTES,
  TOLLGATE_ERR_STORE_VALUE_TOO_LARGE,
  StoreValueTooLargeError,
  TOLLGATE_ERR_STORE_READ_ONLY,
  StoreReadOnlyError,
  storedItemTooLarge,
  isStoreValueTooLarge,
} from './errors';
export { EtcdStore, type EtcdStoreOptions } from './etcd-store';
export type { EtcdConnectionOptions } from './etcd/client';
export type { EtcdWatchTuning } from './etcd/watch';
export { EmbeddedStore, type EmbeddedStoreOptions } from './embedded-store';
export { createConfigStore, type CreateConfigStoreOptions } from './create-config-store';
export { MemoryStore } from './memory-store';
