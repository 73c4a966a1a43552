import { runDataEncryptionSuite } from './data-encryption.suite';
import { embeddedSuiteStore } from './suite-stores';

jest.setTimeout(30_000);

runDataEncryptionSuite('the embedded store', () => embeddedSuiteStore('encryption'));
