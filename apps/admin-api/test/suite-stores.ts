/**
 * The two stores an Admin API suite runs on: the suite's etcd under a fresh prefix, and a fresh
 * embedded store in a temp directory; each cleaned up after its case.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedStore, EtcdStore } from '@tollgate/config-store';
import { testEtcdEndpoint, uniquePrefix } from '@tollgate/testkit';
import type { SuiteStore } from './admin-api.suite';

/** The suite's etcd, under a prefix of its own (`name` names it). */
export function etcdSuiteStore(name: string): Promise<SuiteStore> {
  const store = new EtcdStore({ hosts: [testEtcdEndpoint()] });
  const prefix = uniquePrefix(name);
  return Promise.resolve({
    store,
    prefix,
    async cleanup() {
      for (const item of (await store.range(`${prefix}/`)).items) await store.delete(item.key);
      await store.close();
    },
  });
}

/** A new embedded store in a temp directory removed at cleanup. */
export async function embeddedSuiteStore(name: string): Promise<SuiteStore> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `tollgate-${name}-`));
  const store = await EmbeddedStore.open({ dataDir });
  return {
    store,
    prefix: '/apisix',
    async cleanup() {
      await store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
