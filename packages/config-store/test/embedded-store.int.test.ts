/**
 * The conformance suite against EmbeddedStore, one temporary data directory per test.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedStore } from '../src';
import { runConfigStoreSuite } from './config-store.suite';

runConfigStoreSuite('EmbeddedStore', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-embedded-'));
  const store = await EmbeddedStore.open({ dataDir });
  return {
    store,
    prefix: '/apisix/',
    exclusive: true,
    compact: (revision) => store.compact(revision),
    async dispose() {
      await store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
});
