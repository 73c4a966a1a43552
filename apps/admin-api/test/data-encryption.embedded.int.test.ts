import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedStore } from '@tollgate/config-store';
import { runDataEncryptionSuite } from './data-encryption.suite';

jest.setTimeout(30_000);

runDataEncryptionSuite('the embedded store', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-encryption-'));
  const store = await EmbeddedStore.open({ dataDir });
  return {
    store,
    prefix: '/apisix',
    async cleanup() {
      await store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
});
