import { EtcdStore } from '@tollgate/config-store';
import { testEtcdEndpoint, uniquePrefix } from '@tollgate/testkit';
import { runAdminApiSuite } from './admin-api.suite';

jest.setTimeout(30_000);

runAdminApiSuite('etcd', () => {
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
});
