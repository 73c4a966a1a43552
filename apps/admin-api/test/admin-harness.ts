/**
 * A fresh store and Admin API listener for each test of a suite (admin key only), so resource
 * suites do not each repeat the setup: call it inside `describe`, read `harness()` in tests.
 */
import { AdminClient } from '@tollgate/testkit';
import { startAdminServer, type RunningAdminServer } from '../src';
import { ADMIN_KEY, type SuiteStore } from './admin-api.suite';

export interface AdminHarness {
  target: SuiteStore;
  server: RunningAdminServer;
  admin: AdminClient;
  /** The keys stored under `<prefix>/<dir>/`. */
  stored: (dir: string) => Promise<string[]>;
}

/** Registers beforeEach/afterEach that open a store and start an Admin API on it. */
export function useAdminHarness(open: () => Promise<SuiteStore>): () => AdminHarness {
  let current: AdminHarness | undefined;
  beforeEach(async () => {
    const target = await open();
    const server = await startAdminServer({
      store: target.store,
      prefix: target.prefix,
      adminKeys: [{ name: 'admin', key: ADMIN_KEY, role: 'admin' }],
      host: '127.0.0.1',
      port: 0,
    });
    current = {
      target,
      server,
      admin: new AdminClient(`http://127.0.0.1:${server.port}`, ADMIN_KEY),
      stored: async (dir) =>
        (await target.store.range(`${target.prefix}/${dir}/`)).items.map((i) => i.key),
    };
  });
  afterEach(async () => {
    await current?.server.close();
    await current?.target.cleanup();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('the Admin API harness is used outside a test');
    return current;
  };
}
