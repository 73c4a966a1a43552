import { EtcdStore } from '@tollgate/config-store';
import { testEtcdEndpoint, uniquePrefix } from '@tollgate/testkit';
import { runAdminApiSuite, type SuiteStore } from './admin-api.suite';
import { runIssue9Suite } from './issue-9.suite';
import { runSecretsSuite } from './secrets.suite';
import { runProtosSuite } from './protos.suite';
import { runSslsSuite } from './ssls.suite';
import { runResourceListsSuite } from './resource-lists.suite';

jest.setTimeout(30_000);

function open(): Promise<SuiteStore> {
  const store = new EtcdStore({ hosts: [testEtcdEndpoint()] });
  const prefix = uniquePrefix('admin');
  return Promise.resolve({
    store,
    prefix,
    async cleanup() {
      for (const item of (await store.range(`${prefix}/`)).items) await store.delete(item.key);
      await store.close();
    },
  });
}

runAdminApiSuite('etcd', open);
runIssue9Suite('etcd', open);
runSecretsSuite('etcd', open);
runSslsSuite('etcd', open);
runProtosSuite('etcd', open);
runResourceListsSuite('etcd', open);
