import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedStore } from '@tollgate/config-store';
import { runAdminApiSuite, type SuiteStore } from './admin-api.suite';
import { runIssue9Suite } from './issue-9.suite';
import { runSecretsSuite } from './secrets.suite';
import { runProtosSuite } from './protos.suite';
import { runSslsSuite } from './ssls.suite';
import { runResourceListsSuite } from './resource-lists.suite';

jest.setTimeout(30_000);

async function open(): Promise<SuiteStore> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-admin-'));
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

runAdminApiSuite('the embedded store', open);
runIssue9Suite('the embedded store', open);
runSecretsSuite('the embedded store', open);
runSslsSuite('the embedded store', open);
runProtosSuite('the embedded store', open);
runResourceListsSuite('the embedded store', open);
