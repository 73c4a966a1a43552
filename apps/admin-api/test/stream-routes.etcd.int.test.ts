import { EtcdStore } from '@tollgate/config-store';
import { testEtcdEndpoint, uniquePrefix } from '@tollgate/testkit';
import { runStreamRoutesSuite } from './stream-routes.suite';

jest.setTimeout(30_000);

runStreamRoutesSuite('etcd', () => {
  const store = new EtcdStore({ hosts: [testEtcdEndpoint()] });
  const prefix = uniquePrefix('stream-routes');
  return Promise.resolve({
    store,
    prefix,
    async cleanup() {
      for (const item of (await store.range(`${prefix}/`)).items) await store.delete(item.key);
      await store.close();
    },
  });
});
