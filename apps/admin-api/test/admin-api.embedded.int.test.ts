import { runAdminApiSuite } from './admin-api.suite';
import { runIssue9Suite } from './issue-9.suite';
import { runSecretsSuite } from './secrets.suite';
import { runProtosSuite } from './protos.suite';
import { runSslsSuite } from './ssls.suite';
import { runResourceListsSuite } from './resource-lists.suite';
import { embeddedSuiteStore } from './suite-stores';

jest.setTimeout(30_000);

const open = () => embeddedSuiteStore('admin');

runAdminApiSuite('the embedded store', open);
runIssue9Suite('the embedded store', open);
runSecretsSuite('the embedded store', open);
runSslsSuite('the embedded store', open);
runProtosSuite('the embedded store', open);
runResourceListsSuite('the embedded store', open);
