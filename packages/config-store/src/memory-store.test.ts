import { isGatewayError } from '@tollgate/core';
import type { WatchBatch } from './store';
import { MemoryStore } from './memory-store';

const nextBatch = (store: MemoryStore, fromRevision: number, prefix = '/apisix/') =>
  new Promise<WatchBatch | Error>((resolve) => {
    const watch = store.watch({
      prefix,
      fromRevision,
      onBatch: (b) => {
        void watch.close();
        resolve(b);
      },
      onError: resolve,
    });
  });

describe('MemoryStore (standalone)', () => {
  it('replaces the whole content in one revision: one watch batch with every put and delete', async () => {
    const store = new MemoryStore();
    expect(
      store.replaceAll(
        new Map([
          ['/apisix/routes/1', 'a'],
          ['/apisix/routes/2', 'b'],
        ]),
      ),
    ).toBe(2);
    const from = (await store.revision()) + 1;
    const seen = nextBatch(store, from);
    const changed = store.replaceAll(
      new Map([
        ['/apisix/routes/2', 'b2'],
        ['/apisix/routes/3', 'c'],
      ]),
    );
    expect(changed).toBe(3);
    const batch = (await seen) as WatchBatch;
    expect(batch.revision).toBe(from);
    expect(batch.events.map((e) => [e.type, e.item.key])).toEqual([
      ['delete', '/apisix/routes/1'],
      ['put', '/apisix/routes/2'],
      ['put', '/apisix/routes/3'],
    ]);
    const { items } = await store.range('/apisix/routes/');
    expect(items.map((i) => [i.key, i.value, i.createRevision])).toEqual([
      ['/apisix/routes/2', 'b2', from - 1],
      ['/apisix/routes/3', 'c', from],
    ]);
  });

  it('an unchanged content uses no revision', async () => {
    const store = new MemoryStore();
    const content = new Map([['/apisix/routes/1', 'a']]);
    store.replaceAll(content);
    const revision = await store.revision();
    expect(store.replaceAll(new Map(content))).toBe(0);
    expect(await store.revision()).toBe(revision);
  });

  it('refuses single-key writes with a typed 405, but in a scratch store', async () => {
    const store = new MemoryStore();
    const err: unknown = await store.put('/apisix/routes/1', 'a').catch((e: unknown) => e);
    expect(isGatewayError(err) && err.code).toBe('TOLLGATE_ERR_STORE_READ_ONLY');
    await expect(store.delete('/apisix/routes/1')).rejects.toThrow(/replaced whole/);
    const scratch = new MemoryStore({ writable: true });
    const put = await scratch.put('/apisix/routes/1', 'a');
    expect(await scratch.putIfUnchanged('/apisix/routes/1', 'b', put.revision + 1)).toBeUndefined();
    expect((await scratch.putIfUnchanged('/apisix/routes/1', 'b', put.revision))?.item.value).toBe(
      'b',
    );
    expect(await scratch.delete('/apisix/routes/', { withPrefix: '/apisix/routes/' })).toBe(1);
  });

  it('a watch from before the history it keeps is told to resync', async () => {
    const store = new MemoryStore();
    for (let i = 0; i < 70; i++) store.replaceAll(new Map([['/apisix/routes/1', String(i)]]));
    const result = await nextBatch(store, 2);
    expect(isGatewayError(result) && result.code).toBe('TOLLGATE_ERR_STORE_COMPACTED');
  });
});
