/**
 * ConfigSync booting while etcd is unreachable (a blocked relay in front of the shared test
 * etcd): served from the on-disk copy as stale, then fresh once etcd answers; a corrupt copy is
 * ignored; without a copy, start() still resolves and the config arrives later.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '@tollgate/core';
import { EmbeddedStore, EtcdStore } from '@tollgate/config-store';
import { testEtcdEndpoint, uniquePrefix, TcpProxy } from '@tollgate/testkit';
import { ConfigSync, type ConfigSyncOptions } from '../../src/sync/config-sync';
import { UpdateRecorder } from './helpers/recorder';

jest.setTimeout(45_000);

const upstream = { nodes: { '127.0.0.1:1980': 1 }, type: 'roundrobin' };
const route = (uri: string) => JSON.stringify({ uri, upstream });

let tmp: string;
let writer: EtcdStore;
let prefix: string;
let cacheFile: string;
let counter = 0;
const cleanup: (() => Promise<void>)[] = [];

function etcdStore(endpoint: string): EtcdStore {
  const s = new EtcdStore({ hosts: [endpoint], timeoutMs: 2000, watchBackoffMaxMs: 500 });
  cleanup.push(() => s.close());
  return s;
}

function newSync(
  store: ConfigSyncOptions['store'],
  rec: UpdateRecorder,
  extra: Partial<ConfigSyncOptions> = {},
): ConfigSync {
  const sync = new ConfigSync({
    store,
    prefix,
    cacheFile,
    onUpdate: rec.onUpdate,
    backoffMaxMs: 500,
    ...extra,
  });
  cleanup.push(() => sync.stop());
  return sync;
}

async function blockedEtcd(): Promise<{ gate: TcpProxy; store: EtcdStore }> {
  const gate = await TcpProxy.start(testEtcdEndpoint());
  cleanup.push(() => gate.close());
  gate.cut();
  return { gate, store: etcdStore(gate.endpoint) };
}

function recordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (msg: string) => void lines.push(`${level} ${msg}`);
  const logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger: logger as unknown as Logger, lines };
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-sync-boot-'));
  writer = new EtcdStore({ hosts: [testEtcdEndpoint()], timeoutMs: 3000 });
});

beforeEach(() => {
  counter++;
  prefix = `${uniquePrefix('sync-boot')}-${counter}`;
  cacheFile = path.join(tmp, String(counter), 'config-cache.json');
});

afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
  await writer.delete(`${prefix}/`, { withPrefix: `${prefix}/` });
});

afterAll(async () => {
  await writer.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('ConfigSync boot with etcd unreachable', () => {
  it('serves the on-disk copy as stale, then a fresh full update once etcd answers', async () => {
    await writer.put(`${prefix}/routes/1`, route('/one'));
    await writer.put(`${prefix}/consumers/jack`, '{"username":"jack"}');
    const first = new UpdateRecorder();
    const previous = newSync(etcdStore(testEtcdEndpoint()), first);
    await previous.start();
    await previous.stop();
    const cachedRevision = first.last?.revision;

    // Changed while the next node boots without etcd.
    await writer.put(`${prefix}/routes/2`, route('/two'));
    await writer.delete(`${prefix}/consumers/jack`);
    const { gate, store } = await blockedEtcd();
    const rec = new UpdateRecorder();
    const sync = newSync(store, rec);
    const startedAt = Date.now();
    await sync.start();

    expect(Date.now() - startedAt).toBeLessThan(5000);
    expect(rec.summary()).toEqual(['full stale [consumers/jack,routes/1]']);
    expect(rec.last?.revision).toBe(cachedRevision);
    expect(rec.view.get('routes/1')).toMatchObject({ id: '1', uri: '/one', priority: 0 });
    expect(sync.status()).toMatchObject({ loaded: true, stale: true, connected: false });

    gate.restore();
    const fresh = await rec.next('the fresh full update', (u) => u.kind === 'full' && !u.stale);
    expect(fresh.revision).toBeGreaterThan(cachedRevision ?? 0);
    expect(rec.keys()).toEqual(['routes/1', 'routes/2']);
    expect(sync.status()).toMatchObject({ loaded: true, stale: false, connected: true });
  });

  it('ignores a corrupt copy with a warning and loads from etcd when it answers', async () => {
    await writer.put(`${prefix}/routes/1`, route('/one'));
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
    fs.writeFileSync(cacheFile, '{"format":"tollgate-config-cache/1","revision":3,"ite');
    const { gate, store } = await blockedEtcd();
    const { logger, lines } = recordingLogger();
    const rec = new UpdateRecorder();
    const sync = newSync(store, rec, { logger });
    await sync.start();

    expect(rec.updates).toEqual([]);
    expect(sync.status()).toMatchObject({ loaded: false, connected: false, revision: 0 });
    expect(lines).toContain('warn config cache ignored');

    gate.restore();
    await rec.next('the full update', (u) => u.kind === 'full');
    expect(rec.summary()).toEqual(['full [routes/1]']);
  });

  it('ignores a copy written for another prefix', async () => {
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
    const doc = { format: 'tollgate-config-cache/1', prefix: '/other', revision: 3, items: [] };
    fs.writeFileSync(cacheFile, JSON.stringify(doc));
    const { store } = await blockedEtcd();
    const { logger, lines } = recordingLogger();
    const rec = new UpdateRecorder();
    await newSync(store, rec, { logger }).start();
    expect(rec.updates).toEqual([]);
    expect(lines).toContain('warn config cache ignored');
  });

  it('resolves start() without a copy and loads when etcd answers', async () => {
    await writer.put(`${prefix}/routes/1`, route('/one'));
    const { gate, store } = await blockedEtcd();
    const rec = new UpdateRecorder();
    const sync = newSync(store, rec, { cacheFile: undefined });
    await sync.start();
    expect(sync.status()).toMatchObject({ loaded: false, connected: false });
    expect(sync.status().lastError).toMatch(/^etcd unreachable: /);

    gate.restore();
    await rec.next('the full update', (u) => u.kind === 'full');
    expect(sync.status()).toMatchObject({ loaded: true, stale: false, connected: true });
  });

  it('re-validates the copy on load (embedded store closed)', async () => {
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
    const items = [
      ['routes/1', route('/one')],
      ['routes/2', '{"uri": 5}'],
      ['protos/1', '{}'],
    ];
    const doc = { format: 'tollgate-config-cache/1', prefix, revision: 9, items };
    fs.writeFileSync(cacheFile, JSON.stringify(doc));
    const store = await EmbeddedStore.open({ dataDir: path.join(tmp, `store-${counter}`) });
    await store.close();
    const rec = new UpdateRecorder();
    const sync = newSync(store, rec);
    await sync.start();
    expect(rec.summary()).toEqual(['full stale [routes/1]']);
    expect(sync.status().invalidKeys).toEqual([
      { key: `${prefix}/routes/2`, reason: expect.stringMatching(/^invalid configuration: /) },
    ]);
  });
});
