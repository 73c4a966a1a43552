/**
 * EtcdStore under etcd faults, on a private etcd this file may stop, freeze, kill and compact,
 * with a TCP proxy in front of the watcher for partitions and half-open connections.
 */
import fs from 'node:fs';
import { StoreCompactedError, StoreUnavailableError } from '@tollgate/core';
import { startEtcd, type EtcdServer } from '@tollgate/testkit';
import { EtcdStore, type EtcdStoreOptions } from '../src';
import { TcpProxy } from '@tollgate/testkit';
import { timed, waitFor } from '@tollgate/testkit';
import { recordWatch, summarize } from './helpers/watch-recorder';

jest.setTimeout(60_000);

const TIMEOUT_MS = 2000;
/** Event-loop and process-scheduling slack on a loaded 2-core machine. */
const SLACK_MS = 1500;
const WATCH_TUNING = {
  watchBackoffMaxMs: 1000,
  watchProbeIntervalMs: 1000,
} satisfies Partial<EtcdStoreOptions>;

let etcd: EtcdServer;
let prefixCounter = 0;
let p: string;
const cleanup: Array<() => Promise<void> | void> = [];
const timings: Record<string, number> = {};

function store(endpoint: string, extra: Partial<EtcdStoreOptions> = {}): EtcdStore {
  const s = new EtcdStore({ hosts: [endpoint], timeoutMs: TIMEOUT_MS, ...WATCH_TUNING, ...extra });
  cleanup.push(() => s.close());
  return s;
}

async function proxy(): Promise<TcpProxy> {
  const px = await TcpProxy.start(etcd.endpoint);
  cleanup.push(() => px.close());
  return px;
}

function etcdPid(): number {
  const pid = etcd.process.pid;
  if (pid === undefined) throw new Error('etcd is not running');
  return pid;
}

/**
 * SIGSTOP etcd and wait until the kernel reports it stopped: kill(2) only queues the signal, and
 * on a loaded machine etcd may still answer a request sent right after it.
 */
async function freezeEtcd(): Promise<void> {
  const pid = etcdPid();
  process.kill(pid, 'SIGSTOP');
  // /proc/<pid>/stat: "pid (comm) state ..."; `T` once every thread has stopped.
  await waitFor(
    'etcd to stop',
    () => /\) T /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')),
    5000,
    5,
  );
}

beforeAll(async () => {
  etcd = await startEtcd();
});

beforeEach(() => {
  p = `/faults/${++prefixCounter}/`;
});

afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
  if (etcd.process.pid !== undefined) process.kill(etcd.process.pid, 'SIGCONT');
  if (!etcd.process.running) await etcd.process.start();
});

afterAll(async () => {
  await etcd.destroy();
  process.stdout.write(`etcd fault timings (ms): ${JSON.stringify(timings)}\n`);
});

/** Every ConfigStore operation, as thunks, writing only under `p`. */
function allOperations(s: EtcdStore): Record<string, () => Promise<unknown>> {
  return {
    get: () => s.get(`${p}before`),
    range: () => s.range(p),
    put: () => s.put(`${p}down-put`, 'x'),
    putWithTtl: () => s.put(`${p}down-ttl`, 'x', { ttlSeconds: 30 }),
    putIfUnchanged: () => s.putIfUnchanged(`${p}before`, 'changed', 0),
    delete: () => s.delete(`${p}before`, { withPrefix: p }),
    generateId: () => s.generateId(`${p}gen_id`),
    revision: () => s.revision(),
  };
}

describe('EtcdStore with etcd down', () => {
  it('rejects every operation within timeoutMs, writes nothing, and works again after a restart', async () => {
    const s = store(etcd.endpoint);
    await s.put(`${p}before`, 'kept');
    await etcd.process.stop();
    let slowest = 0;
    for (const [name, op] of Object.entries(allOperations(s))) {
      const result = await timed(op);
      expect({ name, error: result.error }).toEqual({
        name,
        error: expect.any(StoreUnavailableError),
      });
      expect((result.error as Error).message).toMatch(/^etcd unreachable: /);
      expect(result.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
      slowest = Math.max(slowest, result.ms);
    }
    timings.failWhileStoppedMaxMs = slowest;

    await etcd.process.start();
    // The same store, no reconnect call: the very next operation works.
    await expect(s.get(`${p}before`)).resolves.toMatchObject({ value: 'kept' });
    const { items } = await s.range(p);
    expect(items.map((i) => i.key)).toEqual([`${p}before`]);
    await expect(s.put(`${p}after`, 'ok')).resolves.toMatchObject({ item: { value: 'ok' } });
  });

  it('rejects within timeoutMs while etcd hangs (SIGSTOP), and recovers after SIGCONT', async () => {
    const s = store(etcd.endpoint);
    await s.put(`${p}before`, 'kept');
    await freezeEtcd();
    let slowest = 0;
    try {
      const ops: Array<() => Promise<unknown>> = [
        () => s.get(`${p}before`),
        () => s.range(p),
        () => s.revision(),
        () => s.put(`${p}x`, '1'),
      ];
      for (const op of ops) {
        const result = await timed(op);
        expect(result.error).toBeInstanceOf(StoreUnavailableError);
        expect((result.error as Error).message).toMatch(/^etcd unreachable: /);
        expect(result.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
        slowest = Math.max(slowest, result.ms);
      }
    } finally {
      process.kill(etcdPid(), 'SIGCONT');
    }
    timings.failWhileFrozenMaxMs = slowest;
    await waitFor(
      'etcd to answer again',
      async () => (await s.get(`${p}before`))?.value === 'kept',
      15_000,
    );
  });
});

describe('EtcdStore watch under faults', () => {
  it('resumes after a partition and an etcd kill -9 + restart, delivering every write exactly once', async () => {
    const writer = store(etcd.endpoint);
    const px = await proxy();
    const watcher = store(px.endpoint);
    const from = (await writer.revision()) + 1;
    const rec = recordWatch(watcher, p, from);

    const w1 = await writer.put(`${p}1`, 'a');
    await rec.waitForRevision(w1.revision);

    px.cut();
    // Written while the watcher is disconnected: must arrive after it reconnects.
    await writer.put(`${p}2`, 'b');
    await writer.delete(`${p}1`);
    px.restore();
    const w3 = await writer.put(`${p}3`, 'c');
    await rec.waitForRevision(w3.revision);

    await etcd.process.kill();
    await etcd.process.start();
    const restartedAt = Date.now();
    const w4 = await writer.put(`${p}4`, 'd');
    await rec.waitForRevision(w4.revision, 20_000);
    timings.watchResumeAfterRestartMs = Date.now() - restartedAt;

    expect(summarize(rec.events()).map((line) => line.replace(/ @\d+$/, ''))).toEqual([
      `put ${p}1=a`,
      `put ${p}2=b`,
      `delete ${p}1=`,
      `put ${p}3=c`,
      `put ${p}4=d`,
    ]);
    const revisions = rec.batches.map((b) => b.revision);
    expect(new Set(revisions).size).toBe(revisions.length);
    expect(rec.errors).toEqual([]);
  });

  it('detects a silent (half-open) connection and re-creates the watch', async () => {
    const writer = store(etcd.endpoint);
    const px = await proxy();
    const watcher = store(px.endpoint, { watchProbeIntervalMs: 500 });
    const rec = recordWatch(watcher, p, (await writer.revision()) + 1);
    const w1 = await writer.put(`${p}1`, 'a');
    await rec.waitForRevision(w1.revision);

    px.freeze();
    const frozenAt = Date.now();
    const w2 = await writer.put(`${p}2`, 'b');
    await rec.waitForRevision(w2.revision, 20_000);
    timings.silentWatchRecoveredMs = Date.now() - frozenAt;
    expect(summarize(rec.events()).map((line) => line.replace(/ @\d+$/, ''))).toEqual([
      `put ${p}1=a`,
      `put ${p}2=b`,
    ]);
  });

  it('reports StoreCompactedError when history it still needs was compacted while it was away', async () => {
    const writer = store(etcd.endpoint);
    const px = await proxy();
    const watcher = store(px.endpoint);
    const rec = recordWatch(watcher, p, (await writer.revision()) + 1);
    const w1 = await writer.put(`${p}1`, 'a');
    await rec.waitForRevision(w1.revision);

    px.cut();
    await writer.put(`${p}2`, 'b');
    const last = await writer.put(`${p}3`, 'c');
    await writer.compact(last.revision);
    px.restore();

    const err = await rec.waitForError(20_000);
    expect(err).toBeInstanceOf(StoreCompactedError);
    expect((err as InstanceType<typeof StoreCompactedError>).compactRevision).toBe(last.revision);
    expect(summarize(rec.events()).map((line) => line.replace(/ @\d+$/, ''))).toEqual([
      `put ${p}1=a`,
    ]);
  });

  it('reports StoreCompactedError when etcd comes back with an older revision (replaced/restored)', async () => {
    const writer = store(etcd.endpoint);
    const px = await proxy();
    const watcher = store(px.endpoint);
    const rec = recordWatch(watcher, p, (await writer.revision()) + 1);
    await writer.put(`${p}1`, 'a');
    const w2 = await writer.put(`${p}2`, 'b');
    await rec.waitForRevision(w2.revision);

    const fresh = await startEtcd();
    cleanup.push(() => fresh.destroy());
    px.retarget(fresh.endpoint);

    const err = await rec.waitForError(20_000);
    expect(err).toBeInstanceOf(StoreCompactedError);
  });

  it('gives up with StoreUnavailableError after watchGiveUpMs of failed reconnects', async () => {
    const px = await proxy();
    px.cut();
    const watcher = store(px.endpoint, { watchGiveUpMs: 1500 });
    const started = Date.now();
    const rec = recordWatch(watcher, p, 1);
    const err = await rec.waitForError(15_000);
    const ms = Date.now() - started;
    timings.watchGiveUpAfterMs = ms;
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect(err.message).toMatch(/^etcd unreachable: watch on /);
    expect(ms).toBeGreaterThanOrEqual(1500);
    expect(ms).toBeLessThan(1500 + WATCH_TUNING.watchBackoffMaxMs + SLACK_MS);
  });
});
