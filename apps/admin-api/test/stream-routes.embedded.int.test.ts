import { runStreamRoutesSuite } from './stream-routes.suite';
import { embeddedSuiteStore } from './suite-stores';

jest.setTimeout(30_000);

runStreamRoutesSuite('the embedded store', () => embeddedSuiteStore('stream-routes'));
