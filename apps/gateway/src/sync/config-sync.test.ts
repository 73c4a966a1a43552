import type { ConfigStore, RangeResult, WatchOptions } from '@tollgate/config-store';
import { StoreCompactedError, StoreUnavailableError, type Logger } from '@tollgate/core';
import type { ConfigUpdate } from '../config/update';
import { ConfigSync } from './config-sync';

const P = '/apisix';
const route = (uri: string) => JSON.stringify({ uri, upstream_id: 'u' });

/** A store whose reads answer from `next` and whose watches are captured, not run. */
class ScriptedStore {
  readonly kind = 'embedded' as const;
  ranges: (RangeResult | Error)[] = [];
  watches: WatchOptions[] = [];
  range(): Promise<RangeResult> {
    const next = this.ranges.shift() ?? new StoreUnavailableError('etcd unreachable: range');
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  }
  watch(options: WatchOptions) {
    this.watches.push(options);
    return { close: () => Promise.resolve() };
  }
  revision(): Promise<number> {
    return Promise.resolve(1);
  }
  get lastWatch(): WatchOptions {
    const w = this.watches.at(-1);
    if (!w) throw new Error('no watch');
    return w;
  }
}

function items(revision: number, entries: [string, string][]): RangeResult {
  return {
    revision,
    items: entries.map(([key, value]) => ({
      key: `${P}/${key}`,
      value,
      createRevision: revision,
      modRevision: revision,
    })),
  };
}

function setup(store: ScriptedStore, onUpdate?: (u: ConfigUpdate) => void) {
  const updates: ConfigUpdate[] = [];
  const lines: string[] = [];
  const at = (level: string) => (msg: string) => void lines.push(`${level} ${msg}`);
  const logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  const sync = new ConfigSync({
    store: store as unknown as ConfigStore,
    prefix: `${P}/`,
    onUpdate: (u) => {
      updates.push(u);
      onUpdate?.(u);
    },
    backoffInitialMs: 1,
    backoffMaxMs: 1,
    logger: logger as unknown as Logger,
  });
  return { sync, updates, lines };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error('condition not reached');
}

describe('ConfigSync (scripted store)', () => {
  it('watches the prefix from the read revision + 1 and ignores batches it already has', async () => {
    const store = new ScriptedStore();
    store.ranges = [items(10, [['routes/1', route('/a')]])];
    const { sync, updates } = setup(store);
    await sync.start();
    expect(store.lastWatch).toMatchObject({ prefix: `${P}/`, fromRevision: 11 });

    const event = (rev: number) => ({
      type: 'put' as const,
      item: { key: `${P}/routes/2`, value: route('/b'), createRevision: rev, modRevision: rev },
    });
    store.lastWatch.onBatch({ revision: 10, events: [event(10)] });
    store.lastWatch.onBatch({ revision: 12, events: [event(12)] });
    expect(updates.map((u) => `${u.kind}@${u.revision}`)).toEqual(['full@10', 'delta@12']);
    await sync.stop();
  });

  it('logs a failing update handler and goes on', async () => {
    const store = new ScriptedStore();
    store.ranges = [items(3, [])];
    const { sync, lines } = setup(store, () => {
      throw new Error('worker gone');
    });
    await sync.start();
    expect(sync.status().loaded).toBe(true);
    expect(lines).toContain('error config update handler failed');
    await sync.stop();
  });

  it('resyncs on compaction and allows a lower revision only for a full update', async () => {
    const store = new ScriptedStore();
    store.ranges = [items(50, [['routes/1', route('/a')]]), items(7, [['routes/9', route('/z')]])];
    const { sync, updates, lines } = setup(store);
    await sync.start();
    store.lastWatch.onError(new StoreCompactedError(8));
    await until(() => updates.length === 2);
    expect(updates[1]).toMatchObject({ kind: 'full', revision: 7, stale: false });
    expect(store.lastWatch.fromRevision).toBe(8);
    expect(lines).toContain('warn config store revision went backwards');
    await sync.stop();
  });

  it('retries a failed read with backoff and ignores callbacks of a replaced watch', async () => {
    const store = new ScriptedStore();
    store.ranges = [
      items(5, []),
      new StoreUnavailableError('etcd unreachable: range'),
      items(6, []),
    ];
    const { sync, updates } = setup(store);
    await sync.start();
    const old = store.lastWatch;
    old.onError(new StoreUnavailableError('etcd unreachable: watch'));
    expect(sync.status().connected).toBe(false);
    await until(() => updates.length === 2);
    old.onBatch({ revision: 99, events: [] });
    old.onError(new StoreCompactedError(1));
    expect(updates.map((u) => `${u.kind}@${u.revision}`)).toEqual(['full@5', 'full@6']);
    expect(sync.status()).toMatchObject({ connected: true, revision: 6 });
    await sync.stop();
  });

  it('emits nothing after stop(), even for a read in flight', async () => {
    const store = new ScriptedStore();
    let answer: (r: RangeResult) => void = () => undefined;
    store.range = () => new Promise<RangeResult>((resolve) => (answer = resolve));
    const { sync, updates } = setup(store);
    const started = sync.start();
    await sync.stop();
    answer(items(4, []));
    await started;
    expect(updates).toEqual([]);
    expect(store.watches).toEqual([]);
  });
});
