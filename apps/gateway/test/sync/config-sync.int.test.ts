/**
 * ConfigSync on a healthy store, run on the shared test etcd (a unique prefix per test) and on
 * an EmbeddedStore in a temp directory: initial load, deltas in order, refused values kept out
 * while the last good version stays, and the on-disk copy.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedStore, EtcdStore, type ConfigStore } from '@tollgate/config-store';
import { testEtcdEndpoint, uniquePrefix } from '@tollgate/testkit';
import { ConfigSync, type ConfigSyncOptions } from '../../src/sync/config-sync';
import { UpdateRecorder, waitFor } from './helpers/recorder';

jest.setTimeout(30_000);

const upstream = { nodes: { '127.0.0.1:1980': 1 }, type: 'roundrobin' };
const route = (uri: string) => JSON.stringify({ uri, upstream });

interface Backend {
  name: string;
  open(): Promise<ConfigStore>;
  close(): Promise<void>;
}

let tmp: string;
let embeddedStore: EmbeddedStore | undefined;
let etcdStore: EtcdStore | undefined;
let testNumber = 0;

const backends: Backend[] = [
  {
    name: 'etcd',
    open: () => {
      etcdStore ??= new EtcdStore({ hosts: [testEtcdEndpoint()], timeoutMs: 3000 });
      return Promise.resolve(etcdStore);
    },
    close: async () => {
      await etcdStore?.close();
      etcdStore = undefined;
    },
  },
  {
    name: 'embedded',
    open: async () => {
      embeddedStore ??= await EmbeddedStore.open({ dataDir: path.join(tmp, 'store') });
      return embeddedStore;
    },
    close: async () => {
      await embeddedStore?.close();
      embeddedStore = undefined;
    },
  },
];

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-sync-'));
});

afterAll(async () => {
  for (const b of backends) await b.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe.each(backends)('ConfigSync on $name', (backend) => {
  let store: ConfigStore;
  let prefix: string;
  let cacheFile: string;
  const syncs: ConfigSync[] = [];

  function newSync(rec: UpdateRecorder, extra: Partial<ConfigSyncOptions> = {}): ConfigSync {
    const sync = new ConfigSync({ store, prefix, cacheFile, onUpdate: rec.onUpdate, ...extra });
    syncs.push(sync);
    return sync;
  }

  beforeEach(async () => {
    store = await backend.open();
    testNumber++;
    prefix = `${uniquePrefix(`sync-${backend.name}`)}-${testNumber}`;
    cacheFile = path.join(tmp, `cache-${testNumber}`, 'config-cache.json');
  });

  afterEach(async () => {
    for (const s of syncs.splice(0)) await s.stop();
    await store.delete(`${prefix}/`, { withPrefix: `${prefix}/` });
  });

  it('loads valid items, skips refused and ignored keys, and reports the refused ones', async () => {
    await store.put(`${prefix}/routes/`, 'init_dir');
    await store.put(`${prefix}/routes/1`, route('/one'));
    await store.put(`${prefix}/routes/bad`, '{"uri": 1');
    await store.put(
      `${prefix}/routes/typo`,
      JSON.stringify({ uri: '/x', upstream, methods: ['X'] }),
    );
    await store.put(
      `${prefix}/consumers/jack`,
      '{"username":"jack","plugins":{"key-auth":{"key":"k"}}}',
    );
    await store.put(
      `${prefix}/consumers/jack/credentials/c1`,
      '{"plugins":{"key-auth":{"key":"k2"}}}',
    );
    await store.put(`${prefix}/plugins`, '[{"name":"key-auth"}]');
    await store.put(`${prefix}/protos/1`, '{"content":"x"}');
    await store.generateId(`${prefix}/gen_id`);
    const rec = new UpdateRecorder();
    const sync = newSync(rec);

    await sync.start();

    expect(rec.summary()).toEqual(['full [consumers/jack,consumers/jack/credentials/c1,routes/1]']);
    expect(rec.view.get('routes/1')).toMatchObject({ id: '1', uri: '/one', priority: 0 });
    expect(rec.view.get('consumers/jack/credentials/c1')).toMatchObject({ id: 'c1' });
    const status = sync.status();
    expect(status).toMatchObject({ loaded: true, stale: false, connected: true });
    expect(status.revision).toBe(rec.last?.revision);
    expect(status.invalidKeys).toEqual([
      { key: `${prefix}/routes/bad`, reason: 'value is not valid JSON' },
      { key: `${prefix}/routes/typo`, reason: expect.stringMatching(/^invalid configuration: /) },
    ]);
  });

  it('turns each change into one delta, in store order', async () => {
    await store.put(`${prefix}/routes/1`, route('/one'));
    const rec = new UpdateRecorder();
    await newSync(rec).start();

    const w1 = await store.put(`${prefix}/routes/2`, route('/two'));
    await store.put(`${prefix}/routes/1`, route('/one-b'));
    await store.generateId(`${prefix}/gen_id`); // ignored key: no update
    await store.delete(`${prefix}/routes/2`);
    const last = await store.put(`${prefix}/upstreams/u1`, JSON.stringify(upstream));
    await rec.next('the last delta', (u) => u.revision === last.revision);

    expect(rec.summary()).toEqual([
      'full [routes/1]',
      'delta +routes/2',
      'delta +routes/1',
      'delta -routes/2',
      'delta +upstreams/u1',
    ]);
    expect(rec.updates[1]?.revision).toBe(w1.revision);
    expect(rec.revisionsNeverDecrease()).toBe(true);
    expect(rec.keys()).toEqual(['routes/1', 'upstreams/u1']);
    expect(rec.view.get('routes/1')).toMatchObject({ uri: '/one-b' });
  });

  it('keeps the last good value of a key whose new value is refused, until it is fixed', async () => {
    await store.put(`${prefix}/routes/1`, route('/good'));
    const rec = new UpdateRecorder();
    const sync = newSync(rec);
    await sync.start();

    await store.put(`${prefix}/routes/1`, JSON.stringify({ uri: '/bad', plugins: { nope: {} } }));
    const marker = await store.put(`${prefix}/routes/2`, route('/two'));
    await rec.next('the marker delta', (u) => u.revision === marker.revision);
    // The refused put produced no update at all.
    expect(rec.summary()).toEqual(['full [routes/1]', 'delta +routes/2']);
    expect(rec.view.get('routes/1')).toMatchObject({ uri: '/good' });
    expect(sync.status().invalidKeys).toEqual([
      { key: `${prefix}/routes/1`, reason: 'unknown plugin [nope]' },
    ]);

    const fixed = await store.put(`${prefix}/routes/1`, route('/fixed'));
    await rec.next('the fix', (u) => u.revision === fixed.revision);
    expect(rec.view.get('routes/1')).toMatchObject({ uri: '/fixed' });
    expect(sync.status().invalidKeys).toEqual([]);

    // A refused key that is then deleted emits the delete and leaves the report.
    await store.put(`${prefix}/routes/1`, '[]');
    await waitFor('routes/1 to be reported', () => sync.status().invalidKeys.length === 1);
    const del = await store.delete(`${prefix}/routes/1`);
    expect(del).toBe(1);
    await rec.next('the delete', (u) => u.kind === 'delta' && u.deletes.includes('routes/1'));
    expect(rec.keys()).toEqual(['routes/2']);
    expect(sync.status().invalidKeys).toEqual([]);
  });

  it('deletes a consumer and its credentials in one delta', async () => {
    await store.put(`${prefix}/consumers/jack`, '{"username":"jack"}');
    await store.put(
      `${prefix}/consumers/jack/credentials/c1`,
      '{"plugins":{"key-auth":{"key":"k"}}}',
    );
    const rec = new UpdateRecorder();
    await newSync(rec).start();
    await store.delete(`${prefix}/consumers/jack`, { withPrefix: `${prefix}/consumers/jack/` });
    const update = await rec.next('the delete', (u) => u.kind === 'delta');
    expect(update).toMatchObject({
      kind: 'delta',
      puts: [],
      deletes: ['consumers/jack', 'consumers/jack/credentials/c1'],
    });
  });

  it('writes the on-disk copy (mode 0600) after changes and flushes it on stop()', async () => {
    await store.put(`${prefix}/routes/1`, route('/one'));
    const rec = new UpdateRecorder();
    // A long write delay: only stop() can have written the last change.
    const sync = newSync(rec, { cacheWriteDelayMs: 60_000 });
    await sync.start();
    const last = await store.put(`${prefix}/routes/2`, route('/two'));
    await rec.next('the delta', (u) => u.revision === last.revision);
    expect(fs.existsSync(cacheFile)).toBe(false);

    await sync.stop();

    const doc = JSON.parse(fs.readFileSync(cacheFile, 'utf8'));
    expect(doc).toMatchObject({ prefix, revision: last.revision });
    expect(doc.items.map(([k]: [string]) => k).sort()).toEqual(['routes/1', 'routes/2']);
    expect(fs.statSync(cacheFile).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(cacheFile))).toEqual(['config-cache.json']);
  });

  it('writes the on-disk copy by itself shortly after a change', async () => {
    await store.put(`${prefix}/routes/1`, route('/one'));
    const rec = new UpdateRecorder();
    await newSync(rec).start();
    const last = await store.put(`${prefix}/routes/2`, route('/two'));
    await waitFor('the copy to reach the last revision', () => {
      const text = fs.existsSync(cacheFile) ? fs.readFileSync(cacheFile, 'utf8') : '{}';
      return (JSON.parse(text) as { revision?: number }).revision === last.revision;
    });
  });
});
