/**
 * EtcdStore on a 3-member etcd cluster whose leader is killed (issue 9, item 10): writes go to a
 * live member and fail only while the cluster has no leader; a watch carries on with every
 * acknowledged write, exactly once, without a resync.
 */
import { startEtcdCluster, sleep, waitFor, type EtcdCluster } from '@tollgate/testkit';
import { EtcdStore } from '../src';
import { recordWatch } from './helpers/watch-recorder';

jest.setTimeout(90_000);

const TIMEOUT_MS = 3000;
/** Writes may fail for this long after the kill: an election (1 s timeout) plus slack. */
const ELECTION_WINDOW_MS = 3000;
const WRITE_INTERVAL_MS = 100;
const WRITES_AFTER_KILL = 60;

let cluster: EtcdCluster;

beforeAll(async () => {
  cluster = await startEtcdCluster(3);
});

afterAll(async () => {
  await cluster?.destroy();
});

interface WriteResult {
  /** When the write started, in ms after the kill. */
  at: number;
  ms: number;
  ok: boolean;
  error?: string;
}

it('sends writes to a live member when the leader dies; they fail only during the election', async () => {
  const leader = await cluster.leader();
  // The leader first: the store starts on it, the worst member to lose.
  const hosts = [leader.endpoint, ...cluster.endpoints.filter((e) => e !== leader.endpoint)];
  const store = new EtcdStore({ hosts, timeoutMs: TIMEOUT_MS, watchBackoffMaxMs: 500 });
  const watcher = new EtcdStore({ hosts, timeoutMs: TIMEOUT_MS, watchBackoffMaxMs: 500 });
  const prefix = `/cluster-${Date.now()}/`;
  try {
    const first = await store.put(`${prefix}k`, 'before');
    const recorder = recordWatch(watcher, prefix, first.revision);
    await recorder.waitForRevision(first.revision);

    await leader.process.kill();
    const killedAt = Date.now();
    const results: WriteResult[] = [];
    const acknowledged: string[] = [];
    for (let i = 0; i < WRITES_AFTER_KILL; i++) {
      const value = `v${i}`;
      const started = Date.now();
      const at = started - killedAt;
      try {
        await store.put(`${prefix}k`, value);
        acknowledged.push(value);
        results.push({ at, ms: Date.now() - started, ok: true });
      } catch (err) {
        results.push({ at, ms: Date.now() - started, ok: false, error: (err as Error).message });
      }
      await sleep(WRITE_INTERVAL_MS);
    }
    const failures = results.filter((r) => !r.ok);
    const firstOk = results.find((r) => r.ok);
    const slowest = Math.max(...results.map((r) => r.ms));
    process.stdout.write(
      `etcd leader killed: ${results.length} writes every ${WRITE_INTERVAL_MS} ms, ` +
        `${failures.length} failed ${JSON.stringify(failures)}; first success started ` +
        `${firstOk?.at} ms after the kill and took ${firstOk?.ms} ms; slowest write ${slowest} ms\n`,
    );
    // A write that reached a dead member is retried on a live one, never refused.
    expect(
      failures.filter((f) => /ECONNREFUSED|No connection established/.test(f.error ?? '')),
    ).toEqual([]);
    expect(failures.filter((f) => f.at >= ELECTION_WINDOW_MS)).toEqual([]);
    expect(results.filter((r) => r.at >= ELECTION_WINDOW_MS).length).toBeGreaterThan(20);

    // The watch moved to a live member and resumed: every acknowledged write arrived once, in
    // order, and nothing was reported (a lagging member is not a store that went backwards).
    const last = await store.get(`${prefix}k`);
    await recorder.waitForRevision(last?.modRevision ?? 0);
    const seen = recorder.events().map((e) => e.item.value);
    expect(seen.filter((v) => acknowledged.includes(v))).toEqual(acknowledged);
    expect(new Set(seen).size).toBe(seen.length);
    expect(recorder.errors).toEqual([]);
  } finally {
    await store.close();
    await watcher.close();
    await leader.process.start();
  }
});

it('reads and writes fail over at once to a live member when a follower the store uses dies', async () => {
  await waitFor('every member healthy', async () => (await cluster.leader()) !== undefined);
  const leader = await cluster.leader();
  const follower = cluster.members.find((m) => m !== leader);
  if (!follower) throw new Error('no follower');
  const hosts = [follower.endpoint, ...cluster.endpoints.filter((e) => e !== follower.endpoint)];
  const store = new EtcdStore({ hosts, timeoutMs: TIMEOUT_MS });
  const prefix = `/follower-${Date.now()}/`;
  try {
    await store.put(`${prefix}k`, 'before');
    await follower.process.kill();
    // The cluster keeps its leader: nothing may fail, and nothing waits for a timeout.
    for (let i = 0; i < 100; i++) {
      const started = Date.now();
      await store.put(`${prefix}k`, `v${i}`);
      await expect(store.get(`${prefix}k`)).resolves.toMatchObject({ value: `v${i}` });
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS);
    }
  } finally {
    await store.close();
    await follower.process.start();
  }
});
