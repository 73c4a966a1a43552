/**
 * @module @tollgate/config-store
 * The revisioned config store (etcd or embedded) behind the Admin API and the gateway's config
 * loader. See README.md for the semantics both backends share and where they differ.
 */
export * from './store';
export * from './errors';
export { EtcdStore, type EtcdStoreOptions } from './etcd-store';
export type { EtcdConnectionOptions } from './etcd/client';
export type { EtcdWatchTuning } from './etcd/watch';
export { EmbeddedStore, type EmbeddedStoreOptions } from './embedded-store';
export { createConfigStore, type CreateConfigStoreOptions } from './create-config-store';
export { MemoryStore } from './memory-store';
