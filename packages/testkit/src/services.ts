/**
 * @module services
 * How integration and e2e tests find etcd and Redis: the addresses exported by the suite's global
 * setup (`TOLLGATE_TEST_ETCD`, `TOLLGATE_TEST_REDIS`). A missing service is a failure, never a skip.
 */

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: integration tests need a real server. Run them through jest's ` +
        `integration/e2e projects (their global setup starts etcd and Redis) or \`npm test\`.`,
    );
  }
  return value;
}

/** Endpoint of the shared test etcd, e.g. `http://127.0.0.1:23791`. */
export function testEtcdEndpoint(): string {
  return required('TOLLGATE_TEST_ETCD');
}

/** URL of the shared test Redis, e.g. `redis://127.0.0.1:63791`. */
export function testRedisUrl(): string {
  return required('TOLLGATE_TEST_REDIS');
}

/** A prefix unique to this test file and run, so files sharing one etcd never collide. */
export function uniquePrefix(label: string): string {
  return `/t-${label}-${process.pid}-${Date.now().toString(36)}`;
}
