/**
 * ConfigSync under etcd faults, on a private etcd this file stops, restarts and compacts, with a
 * TCP relay in front of the sync's client for partitions and for swapping in another etcd.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '@tollgate/core';
import { EtcdStore, type EtcdStoreOptions } from '@tollgate/config-store';
import { startEtcd, type EtcdServer, TcpProxy } from '@tollgate/testkit';
import { ConfigSync, type ConfigSyncOptions } from '../../src/sync/config-sync';
import { UpdateRecorder, waitFor } from './helpers/recorder';

jest.setTimeout(60_000);

const upstream = { nodes: { '127.0.0.1:1980': 1 }, type: 'roundrobin' };
const route = (uri: string) => JSON.stringify({ uri, upstream });
const STORE_TUNING = { timeoutMs: 2000, watchBackoffMaxMs: 500, watchProbeIntervalMs: 1000 };

let etcd: EtcdServer;
let prefix: string;
let counter = 0;
const cleanup: (() => Promise<void>)[] = [];
const timings: Record<string, number> = {};

function store(endpoint: string, extra: Partial<EtcdStoreOptions> = {}): EtcdStore {
  const s = new EtcdStore({ hosts: [endpoint], ...STORE_TUNING, ...extra });
  cleanup.push(() => s.close());
  return s;
}

async function proxy(endpoint = etcd.endpoint): Promise<TcpProxy> {
  const p = await TcpProxy.start(endpoint);
  cleanup.push(() => p.close());
  return p;
}

async function startSync(
  s: EtcdStore,
  extra: Partial<ConfigSyncOptions> = {},
): Promise<{ sync: ConfigSync; rec: UpdateRecorder }> {
  const rec = new UpdateRecorder();
  const sync = new ConfigSync({
    store: s,
    prefix,
    onUpdate: rec.onUpdate,
    backoffMaxMs: 500,
    probeIntervalMs: 300,
    ...extra,
  });
  cleanup.push(() => sync.stop());
  await sync.start();
  return { sync, rec };
}

/** A logger that records `level msg` lines (and fields) instead of printing them. */
function recordingLogger(): { logger: Logger; lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string; fields?: unknown }[] = [];
  const at =
    (level: string) =>
    (msg: string, fields?: unknown): void => {
      lines.push({ level, msg, fields });
    };
  const logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger: logger as unknown as Logger, lines };
}

beforeAll(async () => {
  etcd = await startEtcd();
});

beforeEach(() => {
  prefix = `/faults-${++counter}`;
});

afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
  if (!etcd.process.running) await etcd.process.start();
});

afterAll(async () => {
  await etcd.destroy();
  process.stdout.write(`config sync fault timings (ms): ${JSON.stringify(timings)}\n`);
});

describe('ConfigSync with etcd down', () => {
  it('keeps the config and emits nothing while etcd is stopped, then resumes after a restart', async () => {
    const writer = store(etcd.endpoint);
    await writer.put(`${prefix}/routes/1`, route('/one'));
    const { logger, lines } = recordingLogger();
    const { sync, rec } = await startSync(store(etcd.endpoint), { logger, outageGraceMs: 1500 });
    expect(rec.summary()).toEqual(['full [routes/1]']);

    await etcd.process.stop();
    const stoppedAt = Date.now();
    await waitFor('status to show the outage', () => !sync.status().connected, 10_000);
    timings.outageNoticedMs = Date.now() - stoppedAt;
    // Past the grace period: exactly one error line for the outage.
    await waitFor('the outage error', () => lines.some((l) => l.level === 'error'), 10_000);
    expect(rec.summary()).toEqual(['full [routes/1]']);
    expect(sync.status()).toMatchObject({ loaded: true, connected: false, stale: false });
    expect(sync.status().lastError).toEqual(expect.any(String));

    await etcd.process.start();
    const restartedAt = Date.now();
    const w = await writer.put(`${prefix}/routes/2`, route('/two'));
    await rec.next('the change after the restart', (u) => u.revision >= w.revision, 0, 20_000);
    timings.changeAfterRestartMs = Date.now() - restartedAt;
    await waitFor('status connected', () => sync.status().connected, 10_000);

    expect(rec.keys()).toEqual(['routes/1', 'routes/2']);
    expect(rec.revisionsNeverDecrease()).toBe(true);
    const levels = lines.map((l) => `${l.level} ${l.msg}`);
    expect(levels.filter((l) => l.startsWith('error'))).toEqual([
      'error config store unreachable past the grace period',
    ]);
    expect(levels).toContain('warn config store unreachable');
    expect(levels).toContain('info config store reachable again');
  });

  it('delivers the changes made during a partition once it heals, with no update meanwhile', async () => {
    const writer = store(etcd.endpoint);
    await writer.put(`${prefix}/routes/1`, route('/one'));
    const gate = await proxy();
    const { sync, rec } = await startSync(store(gate.endpoint));

    gate.cut();
    await waitFor('status to show the partition', () => !sync.status().connected, 10_000);
    await writer.put(`${prefix}/routes/2`, route('/two'));
    await writer.delete(`${prefix}/routes/1`);
    const last = await writer.put(`${prefix}/routes/3`, route('/three'));
    expect(rec.summary()).toEqual(['full [routes/1]']);

    gate.restore();
    const healedAt = Date.now();
    await rec.next('the last change', (u) => u.revision >= last.revision, 0, 20_000);
    timings.partitionCatchUpMs = Date.now() - healedAt;
    expect(rec.keys()).toEqual(['routes/2', 'routes/3']);
    expect(rec.revisionsNeverDecrease()).toBe(true);
    await waitFor('status connected', () => sync.status().connected, 10_000);
  });

  it('re-reads everything after a watch that gave up, with a full update', async () => {
    const writer = store(etcd.endpoint);
    await writer.put(`${prefix}/routes/1`, route('/one'));
    const gate = await proxy();
    const { sync, rec } = await startSync(store(gate.endpoint, { watchGiveUpMs: 500 }));

    gate.cut();
    await waitFor('status to show the partition', () => !sync.status().connected, 10_000);
    const w = await writer.put(`${prefix}/routes/2`, route('/two'));
    // Long enough for the watch to give up and reads to be retried.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(rec.updates).toHaveLength(1);

    gate.restore();
    const full = await rec.next('a full resync', (u) => u.kind === 'full', 1, 20_000);
    expect(full).toMatchObject({ stale: false });
    expect(full.revision).toBeGreaterThanOrEqual(w.revision);
    expect(rec.keys()).toEqual(['routes/1', 'routes/2']);
    expect(sync.status().connected).toBe(true);
  });
});

describe('ConfigSync booting while etcd is stopped', () => {
  it('serves the on-disk copy as stale, then a fresh full update after etcd starts', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-sync-faults-'));
    cleanup.push(() => Promise.resolve(fs.rmSync(dir, { recursive: true, force: true })));
    const cacheFile = path.join(dir, 'config-cache.json');
    const writer = store(etcd.endpoint);
    await writer.put(`${prefix}/routes/1`, route('/one'));
    const { sync: first } = await startSync(store(etcd.endpoint), { cacheFile });
    await first.stop();

    await etcd.process.stop();
    const { sync, rec } = await startSync(store(etcd.endpoint), { cacheFile });
    expect(rec.summary()).toEqual(['full stale [routes/1]']);
    expect(sync.status()).toMatchObject({ stale: true, connected: false });

    await etcd.process.start();
    const startedAt = Date.now();
    await writer.put(`${prefix}/routes/2`, route('/two'));
    await rec.next('the fresh full update', (u) => u.kind === 'full' && !u.stale, 1, 20_000);
    timings.freshAfterStaleBootMs = Date.now() - startedAt;
    await waitFor('routes/2', () => rec.view.has('routes/2'));
    expect(rec.keys()).toEqual(['routes/1', 'routes/2']);
    expect(sync.status()).toMatchObject({ stale: false, connected: true });
  });
});

describe('ConfigSync when history is gone', () => {
  it('resyncs after a compaction while its watch was behind, losing nothing', async () => {
    const writer = store(etcd.endpoint);
    await writer.put(`${prefix}/routes/1`, route('/one'));
    await writer.put(`${prefix}/routes/4`, route('/four'));
    const gate = await proxy();
    const { sync, rec } = await startSync(store(gate.endpoint));

    gate.cut();
    await writer.put(`${prefix}/routes/2`, route('/two'));
    await writer.delete(`${prefix}/routes/1`);
    await writer.put(`${prefix}/routes/4`, '{"uri": "/four", "plugins": {"nope": {}}}');
    const last = await writer.put(`${prefix}/routes/3`, route('/three'));
    await writer.compact(last.revision);
    gate.restore();
    const unblockedAt = Date.now();

    const full = await rec.next('the resync', (u) => u.kind === 'full', 1, 20_000);
    timings.compactionResyncMs = Date.now() - unblockedAt;
    expect(full.revision).toBeGreaterThanOrEqual(last.revision);
    // routes/4's new value is refused: its last good version stays in service.
    expect(rec.keys()).toEqual(['routes/2', 'routes/3', 'routes/4']);
    expect(rec.view.get('routes/4')).toMatchObject({ uri: '/four' });
    expect(sync.status().invalidKeys).toEqual([
      { key: `${prefix}/routes/4`, reason: 'unknown plugin [nope]' },
    ]);

    // Watching again from the resync's revision.
    const after = await writer.put(`${prefix}/routes/5`, route('/five'));
    await rec.next('a delta after the resync', (u) => u.revision === after.revision);
    expect(rec.summary()).toEqual([
      'full [routes/1,routes/4]',
      'full [routes/2,routes/3,routes/4]',
      'delta +routes/5',
    ]);
    expect(rec.revisionsNeverDecrease()).toBe(true);
  });

  it('resyncs with a lower revision when etcd is replaced by a younger one', async () => {
    const writer = store(etcd.endpoint);
    for (let i = 0; i < 5; i++) await writer.put(`${prefix}/routes/${i}`, route(`/r${i}`));
    const gate = await proxy();
    const { rec } = await startSync(store(gate.endpoint));
    const before = rec.last?.revision ?? 0;

    const fresh = await startEtcd();
    cleanup.push(() => fresh.destroy());
    await store(fresh.endpoint).put(`${prefix}/routes/new`, route('/new'));
    gate.retarget(fresh.endpoint);

    const full = await rec.next('the resync', (u) => u.kind === 'full', 1, 20_000);
    expect(full.revision).toBeLessThan(before);
    expect(rec.keys()).toEqual(['routes/new']);
  });
});
