// The redis-cluster policy against a real one-node Redis Cluster (all 16384 slots on one
// redis-server started with --cluster-enabled), enough to exercise ioredis's Cluster client,
// slot routing of the scripts and the failure path.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort, ManagedProcess, timed, waitFor, waitForPort } from '@tollgate/testkit';
import { isCounterStoreUnavailable, RedisCounterStore, type RedisStoreConf } from '../src';
import { runCounterStoreSuite } from './counter-store.suite';

jest.setTimeout(30_000);

let dir: string;
let server: ManagedProcess;
let conf: RedisStoreConf;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

beforeAll(async () => {
  const port = await freePort();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-redis-cluster-'));
  server = new ManagedProcess({
    command: 'redis-server',
    args: [
      ...['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      ...['--dir', dir, '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'],
      // Without an announced address a lone node lists its slots with an empty IP.
      ...['--cluster-announce-ip', '127.0.0.1'],
    ],
    ready: () => waitForPort(port),
  });
  await server.start();
  const admin = new Redis({ host: '127.0.0.1', port });
  await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
  await waitFor('cluster state ok', async () =>
    String(await admin.call('CLUSTER', 'INFO')).includes('cluster_state:ok'),
  );
  admin.disconnect();
  conf = {
    policy: 'redis-cluster',
    redis_cluster_name: 'test-cluster',
    redis_cluster_nodes: [`127.0.0.1:${port}`],
    redis_timeout: 500,
  };
});
afterAll(async () => {
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

runCounterStoreSuite('RedisCounterStore (redis-cluster)', () => {
  const store = new RedisCounterStore(conf);
  return { store, advance: sleep, slackMs: 60, dispose: () => store.close() };
});

it('redis-cluster: fails within redis_timeout while the node is down, resumes after restart', async () => {
  const store = new RedisCounterStore(conf, { breakerResetMs: 1000, reconnectCapMs: 500 });
  try {
    expect((await store.charge('k', 2, 60)).consumed).toBe(2);
    await server.stop();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => timed(() => store.peek('k'))),
    );
    for (const r of results) {
      expect(isCounterStoreUnavailable(r.error)).toBe(true);
      expect(r.ms).toBeLessThanOrEqual(500 + 150);
    }
    const restarted = Date.now();
    await server.start();
    await waitFor('counting to resume', () => store.charge('after', 1, 60), 10_000, 50);
    const timings = {
      downMax: Math.max(...results.map((r) => r.ms)),
      resume: Date.now() - restarted,
    };
    process.stdout.write(`redis-cluster counter fault timings (ms): ${JSON.stringify(timings)}\n`);
  } finally {
    await store.close();
  }
});
