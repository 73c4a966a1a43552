import { runStreamRoutesSuite } from './stream-routes.suite';
import { etcdSuiteStore } from './suite-stores';

jest.setTimeout(30_000);

runStreamRoutesSuite('etcd', () => etcdSuiteStore('stream-routes'));
