import { EtcdStore } from '@tollgate/config-store';
import { testEtcdEndpoint, uniquePrefix } from '@tollgate/testkit';
import { runProtosSuite } from './protos.suite';

jest.setTimeout(30_000);

runProtosSuite('etcd', () => {
  const store = new EtcdStore({ hosts: [testEtcdEndpoint()] });
  const prefix = uniquePrefix('protos');
  return Promise.resolve({
    store,
    prefix,
    async cleanup() {
      for (const item of (await store.range(`${prefix}/`)).items) await store.delete(item.key);
      await store.close();
    },
  });
});
