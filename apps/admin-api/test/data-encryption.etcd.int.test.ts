import { runDataEncryptionSuite } from './data-encryption.suite';
import { etcdSuiteStore } from './suite-stores';

jest.setTimeout(30_000);

runDataEncryptionSuite('etcd', () => etcdSuiteStore('encryption'));
