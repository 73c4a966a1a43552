import { runAdminApiSuite } from './admin-api.suite';
import { runIssue9Suite } from './issue-9.suite';
import { runSecretsSuite } from './secrets.suite';
import { runProtosSuite } from './protos.suite';
import { runSslsSuite } from './ssls.suite';
import { runResourceListsSuite } from './resource-lists.suite';
import { etcdSuiteStore } from './suite-stores';

jest.setTimeout(30_000);

const open = () => etcdSuiteStore('admin');

runAdminApiSuite('etcd', open);
runIssue9Suite('etcd', open);
runSecretsSuite('etcd', open);
runSslsSuite('etcd', open);
runProtosSuite('etcd', open);
runResourceListsSuite('etcd', open);
