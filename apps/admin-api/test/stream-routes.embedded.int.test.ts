import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedStore } from '@tollgate/config-store';
import { runStreamRoutesSuite } from './stream-routes.suite';

jest.setTimeout(30_000);

runStreamRoutesSuite('the embedded store', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-stream-routes-'));
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
