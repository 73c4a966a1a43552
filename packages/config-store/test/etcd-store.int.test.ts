/**
 * The conformance suite against EtcdStore on the shared test etcd (a unique prefix per test).
 * The one test that compacts runs on a private etcd: compacting the shared one could break
 * other test files that watch from a revision they read a moment earlier.
 */
import { startEtcd, testEtcdEndpoint, uniquePrefix, type EtcdServer } from '@tollgate/testkit';
import { EtcdStore } from '../src';
import { runConfigStoreSuite } from './config-store.suite';

const base = uniquePrefix('config-store');
let counter = 0;
let privateEtcd: Promise<EtcdServer> | undefined;

afterAll(async () => {
  if (privateEtcd) await (await privateEtcd).destroy();
});

runConfigStoreSuite('EtcdStore', async (needs) => {
  const endpoint = needs?.compaction
    ? (await (privateEtcd ??= startEtcd())).endpoint
    : testEtcdEndpoint();
  const store = new EtcdStore({ hosts: [endpoint], timeoutMs: 5000 });
  const prefix = `${base}/${++counter}/`;
  return {
    store,
    prefix,
    exclusive: needs?.compaction === true,
    compact: (revision) => store.compact(revision),
    async dispose() {
      const cleaner = new EtcdStore({ hosts: [endpoint], timeoutMs: 5000 });
      try {
        await cleaner.delete(prefix, { withPrefix: prefix });
      } finally {
        await cleaner.close();
        await store.close();
      }
    },
  };
});
