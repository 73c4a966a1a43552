/**
 * @module create-config-store
 * Pick the backend the way decision D2 says: etcd as soon as it is configured, otherwise the
 * embedded store in the data directory.
 */
import type { ConfigStore } from './store';
import { EtcdStore, type EtcdStoreOptions } from './etcd-store';
import { EmbeddedStore } from './embedded-store';

/** Options of {@link createConfigStore}. */
export interface CreateConfigStoreOptions {
  /** etcd connection (`deployment.etcd`); when present, etcd is used. */
  etcd?: EtcdStoreOptions;
  /** Data directory of the embedded store (used only without `etcd`). */
  dataDir: string;
}

/**
 * Open the configured config store.
 *
 * @example
 * const store = await createConfigStore({ dataDir: env.dataDir ?? './data/store' });
 */
export async function createConfigStore(options: CreateConfigStoreOptions): Promise<ConfigStore> {
  if (options.etcd) return new EtcdStore(options.etcd);
  return EmbeddedStore.open({ dataDir: options.dataDir });
}
