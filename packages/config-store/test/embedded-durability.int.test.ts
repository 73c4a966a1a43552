/**
 * EmbeddedStore durability and exclusivity: kill -9 in a child process, torn and damaged files,
 * snapshots, the data-directory lock, file permissions, leases and history across restarts.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StoreCompactedError, StoreCorruptError, StoreLockedError } from '@tollgate/core';
import { EmbeddedStore } from '../src';
import { waitFor } from '@tollgate/testkit';
import { recordWatch } from './helpers/watch-recorder';

jest.setTimeout(60_000);

const CRASH_WRITER = path.join(__dirname, 'helpers', 'crash-writer.js');
let dataDir: string;
let tmp: string;
const open: EmbeddedStore[] = [];

async function openStore(
  options: { historySize?: number; snapshotEvery?: number } = {},
): Promise<EmbeddedStore> {
  const store = await EmbeddedStore.open({ dataDir, ...options });
  open.push(store);
  return store;
}

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-durability-'));
  dataDir = path.join(tmp, 'data');
});

afterEach(async () => {
  for (const store of open.splice(0)) await store.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function runCrashWriter(
  args: string[],
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CRASH_WRITER, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

function logLines(): string[] {
  return fs.readFileSync(path.join(dataDir, 'store.log'), 'utf8').split('\n').filter(Boolean);
}

describe('EmbeddedStore durability', () => {
  it('keeps every acknowledged write across kill -9, three crashes in a row', async () => {
    const ackFile = path.join(tmp, 'acks');
    let lastRevision = 0;
    for (const [round, killDelayMs] of [0, 2, 5].entries()) {
      const prefix = `/r${round}/`;
      const result = await runCrashWriter([
        dataDir,
        ackFile,
        '15',
        '10',
        prefix,
        String(killDelayMs),
      ]);
      expect({ signal: result.signal, stderr: result.stderr }).toEqual({
        signal: 'SIGKILL',
        stderr: '',
      });

      // The dead writer's lock is stale: this open takes it over.
      const store = await openStore();
      const acks = fs
        .readFileSync(ackFile, 'utf8')
        .split('\n')
        .filter((line) => line.startsWith(prefix))
        .map((line) => line.split(' ') as [string, string, string]);
      expect(acks.length).toBeGreaterThanOrEqual(15);
      for (const [key, value, revision] of acks) {
        await expect(store.get(key)).resolves.toMatchObject({
          value,
          modRevision: Number(revision),
        });
      }
      // Writes in flight at the kill may or may not be there, but only in write order.
      const { items } = await store.range(prefix);
      expect(items.map((i) => i.key)).toEqual(
        Array.from({ length: items.length }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`),
      );
      expect(items.every((i, n) => i.value === `v${n}`)).toBe(true);
      const revision = await store.revision();
      expect(revision).toBe(Math.max(...items.map((i) => i.modRevision)));
      expect(revision).toBeGreaterThan(lastRevision);
      lastRevision = revision;
      await store.close();
      open.splice(open.indexOf(store), 1);
    }
  });

  it('truncates a torn last record and keeps working', async () => {
    let store = await openStore();
    for (const k of ['a', 'b', 'c']) await store.put(`/k/${k}`, k);
    await store.close();
    fs.appendFileSync(path.join(dataDir, 'store.log'), '1234abcd {"r":5,"op":"put","k":"/k/d","v');

    store = await openStore();
    expect(await store.revision()).toBe(4);
    expect((await store.range('/k/')).items.map((i) => i.value)).toEqual(['a', 'b', 'c']);
    expect(fs.readFileSync(path.join(dataDir, 'store.log'), 'utf8').endsWith('}\n')).toBe(true);
    await expect(store.put('/k/d', 'd')).resolves.toMatchObject({ revision: 5 });
    await store.close();

    store = await openStore();
    expect((await store.range('/k/')).items.map((i) => i.value)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('refuses a damaged record before the end with StoreCorruptError naming the file and line', async () => {
    const store = await openStore();
    for (const k of ['a', 'b', 'c']) await store.put(`/k/${k}`, k);
    await store.close();
    const file = path.join(dataDir, 'store.log');
    const lines = logLines();
    lines[1] = (lines[1] as string).replace('"v":"b"', '"v":"B"');
    fs.writeFileSync(file, `${lines.join('\n')}\n`);

    const err = await EmbeddedStore.open({ dataDir }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StoreCorruptError);
    expect((err as Error).message).toContain(`${file} is corrupt at line 2`);
    // The failed open released the lock: a repaired directory opens again.
    fs.writeFileSync(file, `${lines[0]}\n`);
    await expect(openStore()).resolves.toBeDefined();
  });

  it('refuses an unreadable snapshot with StoreCorruptError', async () => {
    const store = await openStore({ snapshotEvery: 2 });
    for (const k of ['a', 'b', 'c']) await store.put(`/k/${k}`, k);
    await store.close();
    const file = path.join(dataDir, 'snapshot.json');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('/k/a', '/k/X'));
    await expect(EmbeddedStore.open({ dataDir })).rejects.toThrow(StoreCorruptError);
  });

  it('snapshots every snapshotEvery records, empties the log, and reopens to the same state', async () => {
    let store = await openStore({ snapshotEvery: 10 });
    for (let i = 0; i < 25; i++) await store.put(`/k/${i % 8}`, `v${i}`);
    await store.delete('/k/7');
    await store.put('/k/lease', 'x', { ttlSeconds: 3600 });
    const before = await store.range('/k/');
    expect(fs.existsSync(path.join(dataDir, 'snapshot.json'))).toBe(true);
    expect(logLines()).toHaveLength(7);
    await store.close();

    store = await openStore({ snapshotEvery: 10 });
    expect(await store.range('/k/')).toEqual(before);
    await expect(store.put('/k/next', 'n')).resolves.toMatchObject({
      revision: before.revision + 1,
    });
  });

  it('expires a lease that ran out while the store was closed, with a delete event after reopen', async () => {
    let store = await openStore();
    await store.put('/k/ttl', 'x', { ttlSeconds: 1 });
    const expiredBy = Date.now() + 1000;
    await store.put('/k/kept', 'y');
    await store.close();
    await waitFor('the lease to run out while closed', () => Date.now() > expiredBy);

    store = await openStore();
    const watch = recordWatch(store, '/k/', (await store.revision()) + 1);
    await waitFor('the expiry delete event', () =>
      watch.events().find((e) => e.type === 'delete' && e.item.key === '/k/ttl'),
    );
    await expect(store.get('/k/ttl')).resolves.toBeUndefined();
    await expect(store.get('/k/kept')).resolves.toMatchObject({ value: 'y' });
  });

  it('starts watch history empty after reopen: older watches are compacted, revision+1 works', async () => {
    let store = await openStore();
    const first = await store.put('/k/a', '1');
    await store.put('/k/b', '1');
    await store.close();

    store = await openStore();
    const revision = await store.revision();
    const old = recordWatch(store, '/k/', first.revision);
    const err = await old.waitForError();
    expect(err).toBeInstanceOf(StoreCompactedError);
    expect((err as InstanceType<typeof StoreCompactedError>).compactRevision).toBe(revision + 1);
    const fresh = recordWatch(store, '/k/', revision + 1);
    const next = await store.put('/k/c', '1');
    await fresh.waitForRevision(next.revision);
    expect(fresh.events()).toHaveLength(1);
  });

  it('trims history beyond historySize for new watches, never under a live one', async () => {
    const store = await openStore({ historySize: 5 });
    const start = (await store.revision()) + 1;
    const live = recordWatch(store, '/k/', start);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => store.put(`/k/${i}`, 'v')),
    );
    const last = Math.max(...results.map((r) => r.revision));
    await live.waitForRevision(last);
    expect(live.events()).toHaveLength(50);
    expect(live.errors).toEqual([]);

    const late = recordWatch(store, '/k/', start);
    await expect(late.waitForError()).resolves.toBeInstanceOf(StoreCompactedError);
    const recent = recordWatch(store, '/k/', last - 2);
    await recent.waitForRevision(last);
    expect(recent.events()).toHaveLength(3);
  });
});

describe('EmbeddedStore data-directory lock', () => {
  it('refuses a second open while the directory is open (this process)', async () => {
    await openStore();
    const err = await EmbeddedStore.open({ dataDir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreLockedError);
    expect((err as Error).message).toContain(`is in use by process ${process.pid}`);
    expect((err as Error).message).toContain(path.join(dataDir, 'LOCK'));
  });

  it('refuses a lock held by another live process and takes over one whose process is gone', async () => {
    fs.mkdirSync(dataDir, { mode: 0o700 });
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], {
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const lock = {
        pid: child.pid,
        hostname: os.hostname(),
        nonce: 'other',
        createdAt: new Date().toISOString(),
      };
      fs.writeFileSync(path.join(dataDir, 'LOCK'), JSON.stringify(lock));
      const err = await EmbeddedStore.open({ dataDir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreLockedError);
      expect((err as Error).message).toContain(`is in use by process ${child.pid}`);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const store = await openStore();
    const held = JSON.parse(fs.readFileSync(path.join(dataDir, 'LOCK'), 'utf8')) as { pid: number };
    expect(held.pid).toBe(process.pid);
    await store.close();
    expect(fs.existsSync(path.join(dataDir, 'LOCK'))).toBe(false);
  });

  it('creates its directory and files owner-only', async () => {
    const store = await openStore({ snapshotEvery: 1 });
    await store.put('/k/a', '1');
    const mode = (p: string) => fs.statSync(path.join(dataDir, p)).mode & 0o777;
    expect(mode('.')).toBe(0o700);
    expect(mode('store.log')).toBe(0o600);
    expect(mode('snapshot.json')).toBe(0o600);
    expect(mode('LOCK')).toBe(0o600);
  });
});
