/**
 * Fuzz tier, Admin API (issue 9): random methods, paths, query strings, headers and bodies against
 * a real Admin API listener on real etcd. Every reply is a 2xx or a 4xx with a JSON error body;
 * no 5xx, no dropped connection; no store change that a 2xx did not acknowledge; no prototype
 * pollution in this process; and valid writes still succeed after the run.
 */
import { EtcdStore } from '@tollgate/config-store';
import { AdminClient, testEtcdEndpoint, uniquePrefix } from '@tollgate/testkit';
import { startAdminServer, type RunningAdminServer } from '@tollgate/admin-api';
import type { Json } from './support/arbitraries';
import {
  acceptedWriteViolation,
  ackOf,
  ADMIN_KEY,
  adminRequestArb,
  CREDENTIAL,
  UPSTREAM,
  VIEWER_KEY,
} from './support/admin-requests';
import { fuzzSeed, report, runFuzz, Tally } from './support/fuzz';
import { replyViolation } from './support/oracle';
import { PrototypeGuard } from './support/prototype-guard';
import { RawClient } from './support/raw-http';
import { StoreLedger } from './support/store-ledger';

jest.setTimeout(180_000);

/** About 3,000 cases; on a slow machine the time limit ends the run first. */
const BUDGET = { seed: fuzzSeed(), numRuns: 3000, timeLimitMs: 40_000 };

describe('Admin API fuzz (issue 9)', () => {
  let store: EtcdStore;
  let server: RunningAdminServer;
  let client: RawClient;
  let admin: AdminClient;
  const prefix = uniquePrefix('fuzz-admin');

  beforeAll(async () => {
    store = new EtcdStore({ hosts: [testEtcdEndpoint()] });
    server = await startAdminServer({
      store,
      prefix,
      adminKeys: [
        { name: 'admin', key: ADMIN_KEY, role: 'admin' },
        { name: 'viewer', key: VIEWER_KEY, role: 'viewer' },
      ],
      host: '127.0.0.1',
      port: 0,
    });
    const origin = `http://127.0.0.1:${server.port}`;
    client = new RawClient(origin);
    admin = new AdminClient(origin, ADMIN_KEY);
    // Targets for PATCH, DELETE and references, created before the run.
    const seeds: [string, Json][] = [
      ['upstreams/u1', UPSTREAM],
      ['services/s1', { upstream_id: 'u1' }],
      ['routes/r1', { uri: '/fz', upstream_id: 'u1' }],
      ['consumer_groups/g1', { plugins: {} }],
      ['consumers/jack', { username: 'jack' }],
      ['consumers/jack/credentials/c1', CREDENTIAL],
      ['plugin_configs/pc1', { plugins: { 'key-auth': {} } }],
      ['global_rules/gr1', { plugins: { prometheus: {} } }],
    ];
    for (const [path, body] of seeds) {
      expect((await admin.put(`/apisix/admin/${path}`, body)).status).toBe(201);
    }
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
    if (store) {
      for (const item of (await store.range(`${prefix}/`)).items) await store.delete(item.key);
      await store.close();
    }
  });

  it('answers every request with a 2xx or a JSON 4xx, writes only what it acknowledges, and keeps working', async () => {
    const ledger = new StoreLedger(store, prefix);
    await ledger.start();
    const guard = new PrototypeGuard();
    const tally = new Tally();

    await runFuzz('admin-api', adminRequestArb, BUDGET, async (req) => {
      const reply = await client.send(req);
      tally.record(reply);
      const ack = ackOf(req, reply);
      const problems = [
        replyViolation(req, reply),
        acceptedWriteViolation(req, ack),
        ...guard.restoreAndReport().map((p) => `Object.prototype polluted: ${p}`),
        ...(await ledger.settle(ack)),
      ].filter((p): p is string => p !== undefined);
      if (problems.length > 0) throw new Error(problems.join('; '));
    });

    // A write that lands after its reply would show up only now.
    expect(await ledger.settle({ kind: 'none' })).toEqual([]);
    expect(guard.restoreAndReport()).toEqual([]);
    report(
      'admin-api',
      `${tally.summary()}; acknowledged writes ${ledger.writes}, deletes ${ledger.deletes}; ` +
        `0 unacknowledged writes, Object.prototype untouched`,
    );
    expect(tally.cases).toBeGreaterThan(0);
    expect(tally.count('5xx') + tally.count('no response')).toBe(0);

    // The process still takes valid writes, and they reach the store.
    const after = await admin.put('/apisix/admin/routes/after-fuzz', {
      uri: '/after',
      upstream: UPSTREAM,
    });
    expect([200, 201]).toContain(after.status);
    expect(await store.get(`${prefix}/routes/after-fuzz`)).toBeDefined();
    const consumer = await admin.put('/apisix/admin/consumers', { username: 'after_fuzz' });
    expect([200, 201]).toContain(consumer.status);
  });
});
