/**
 * The one behavioural suite every ConfigStore backend must pass (style guide §1.8: one suite,
 * many implementations). A backend's test file calls `runConfigStoreSuite(name, factory)`.
 */
import { StoreCompactedError, StoreUnavailableError } from '@tollgate/core';
import { formatGeneratedId, type ConfigStore, type StoredItem } from '../src';
import { recordWatch, summarize } from './helpers/watch-recorder';
import { waitFor } from '@tollgate/testkit';

/** What a backend hands the suite for one test. */
export interface SuiteContext {
  store: ConfigStore;
  /** A key prefix no other test uses, ending in '/'. */
  prefix: string;
  /**
   * True when nothing else writes to the backend, so the revision moves exactly with this test's
   * writes; exact "+1" assertions run only then (a shared etcd has other writers).
   */
  exclusive: boolean;
  /** Make history before `revision` unavailable to watches (etcd: compaction). */
  compact(revision: number): Promise<void>;
  /** Close the store and remove what the test created. Must tolerate a closed store. */
  dispose(): Promise<void>;
}

/** Creates a fresh context. `needs.compaction`: the test will compact (never on a shared etcd). */
export type SuiteFactory = (needs?: { compaction?: boolean }) => Promise<SuiteContext>;

const TTL_TIMEOUT_MS = 20_000;

/** Register the conformance suite for one backend. */
export function runConfigStoreSuite(name: string, factory: SuiteFactory): void {
  describe(`ConfigStore conformance: ${name}`, () => {
    let ctx: SuiteContext;
    let store: ConfigStore;
    let p: string;

    beforeEach(async () => {
      ctx = await factory();
      store = ctx.store;
      p = ctx.prefix;
    });

    afterEach(async () => {
      await ctx.dispose();
    });

    describe('reads and writes', () => {
      it('get of a missing key resolves undefined', async () => {
        await expect(store.get(`${p}missing`)).resolves.toBeUndefined();
      });

      it('put creates a key: no prev, createRevision = modRevision = the write revision', async () => {
        const before = await store.revision();
        const res = await store.put(`${p}a`, '{"v":1}');
        expect(res.prev).toBeUndefined();
        expect(res.revision).toBeGreaterThan(before);
        if (ctx.exclusive) expect(res.revision).toBe(before + 1);
        expect(res.item).toEqual({
          key: `${p}a`,
          value: '{"v":1}',
          createRevision: res.revision,
          modRevision: res.revision,
        });
        await expect(store.get(`${p}a`)).resolves.toEqual(res.item);
        expect(await store.revision()).toBeGreaterThanOrEqual(res.revision);
      });

      it('put replaces a key: prev is the old item, createRevision is kept, modRevision advances', async () => {
        const first = await store.put(`${p}a`, 'one');
        const second = await store.put(`${p}a`, 'two');
        expect(second.prev).toEqual(first.item);
        expect(second.revision).toBeGreaterThan(first.revision);
        expect(second.item).toEqual({
          key: `${p}a`,
          value: 'two',
          createRevision: first.revision,
          modRevision: second.revision,
        });
        await expect(store.get(`${p}a`)).resolves.toEqual(second.item);
      });

      it('range returns only keys under the prefix, in key order, at a revision covering the writes', async () => {
        const sibling = `${p.slice(0, -1)}-sibling/x`;
        const written: StoredItem[] = [];
        for (const k of ['b', 'a/2', 'a', 'c', 'a/1'])
          written.push((await store.put(`${p}${k}`, k)).item);
        await store.put(sibling, 'not mine');
        const res = await store.range(p);
        expect(res.items.map((i) => i.key)).toEqual(
          ['a', 'a/1', 'a/2', 'b', 'c'].map((k) => `${p}${k}`),
        );
        expect(res.items).toEqual([...written].sort((x, y) => (x.key < y.key ? -1 : 1)));
        expect(res.revision).toBeGreaterThanOrEqual(Math.max(...written.map((i) => i.modRevision)));
        await expect(store.range(`${p}none/`)).resolves.toMatchObject({ items: [] });
        await store.delete(sibling);
      });

      it('putIfUnchanged writes only at the expected modRevision (compare-and-swap)', async () => {
        const created = await store.put(`${p}cas`, 'v1');
        const swapped = await store.putIfUnchanged(`${p}cas`, 'v2', created.item.modRevision);
        expect(swapped).toBeDefined();
        expect(swapped?.prev).toEqual(created.item);
        expect(swapped?.item).toMatchObject({ value: 'v2', createRevision: created.revision });

        const revisionBefore = await store.revision();
        await expect(
          store.putIfUnchanged(`${p}cas`, 'v3', created.item.modRevision),
        ).resolves.toBeUndefined();
        await expect(store.get(`${p}cas`)).resolves.toMatchObject({ value: 'v2' });
        await expect(
          store.putIfUnchanged(`${p}gone`, 'x', created.item.modRevision),
        ).resolves.toBeUndefined();
        await expect(store.get(`${p}gone`)).resolves.toBeUndefined();
        if (ctx.exclusive) expect(await store.revision()).toBe(revisionBefore);

        // A missing key's modRevision is 0, as in etcd: expecting 0 means "create if absent".
        const createdByCas = await store.putIfUnchanged(`${p}new`, 'n', 0);
        expect(createdByCas?.prev).toBeUndefined();
        expect(createdByCas?.item.createRevision).toBe(createdByCas?.revision);
        await expect(store.putIfUnchanged(`${p}new`, 'n2', 0)).resolves.toBeUndefined();
      });

      it('delete resolves the number of keys deleted; a missing key is 0 and changes nothing', async () => {
        await store.put(`${p}d`, 'x');
        const before = await store.revision();
        await expect(store.delete(`${p}missing`)).resolves.toBe(0);
        if (ctx.exclusive) expect(await store.revision()).toBe(before);
        await expect(store.delete(`${p}d`)).resolves.toBe(1);
        await expect(store.get(`${p}d`)).resolves.toBeUndefined();
        if (ctx.exclusive) expect(await store.revision()).toBe(before + 1);
      });

      it('delete withPrefix removes the key and its subtree in one revision, key first', async () => {
        const c = `${p}consumers/jack`;
        for (const k of [c, `${c}/credentials/2`, `${c}/credentials/1`, `${p}consumers/jacky`])
          await store.put(k, 'x');
        const from = (await store.revision()) + 1;
        const watch = recordWatch(store, p, from);
        await expect(store.delete(c, { withPrefix: `${c}/credentials/` })).resolves.toBe(3);
        await expect(store.get(`${p}consumers/jacky`)).resolves.toBeDefined();
        await expect(store.range(`${c}`)).resolves.toMatchObject({
          items: [{ key: `${p}consumers/jacky` }],
        });
        // The key itself is absent now: only the subtree counts.
        await store.put(`${c}/credentials/3`, 'x');
        await expect(store.delete(c, { withPrefix: `${c}/credentials/` })).resolves.toBe(1);
        await expect(store.delete(c, { withPrefix: `${c}/credentials/` })).resolves.toBe(0);
        const last = await store.put(`${p}sentinel`, '');
        await watch.waitForRevision(last.revision);
        const [first] = watch.batches;
        expect(first?.events.map((e) => [e.type, e.item.key])).toEqual([
          ['delete', c],
          ['delete', `${c}/credentials/1`],
          ['delete', `${c}/credentials/2`],
        ]);
        expect(
          first?.events.every((e) => e.item.modRevision === first.revision && e.item.value === ''),
        ).toBe(true);
        await watch.watch.close();
      });

      it('generateId returns 20-digit, strictly increasing ids from the counter key revision', async () => {
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) ids.push(await store.generateId(`${p}gen_id`));
        for (const id of ids) expect(id).toMatch(/^\d{20}$/);
        for (let i = 1; i < ids.length; i++)
          expect(BigInt(ids[i] as string)).toBeGreaterThan(BigInt(ids[i - 1] as string));
        const counter = await store.get(`${p}gen_id`);
        expect(formatGeneratedId(counter?.modRevision ?? 0)).toBe(ids.at(-1));
        expect(formatGeneratedId(123)).toBe('00000000000000000123');
      });

      it(
        'a key put with ttlSeconds disappears, with a delete event',
        async () => {
          const from = (await store.revision()) + 1;
          const watch = recordWatch(store, p, from);
          const put = await store.put(`${p}ttl`, 'short-lived', { ttlSeconds: 1 });
          await store.put(`${p}kept`, 'stays');
          await waitFor(
            'the ttl key to expire',
            async () => (await store.get(`${p}ttl`)) === undefined,
            TTL_TIMEOUT_MS,
            100,
          );
          await waitFor('the expiry delete event', () =>
            watch.events().find((e) => e.type === 'delete' && e.item.key === `${p}ttl`),
          );
          const del = watch.events().find((e) => e.type === 'delete');
          expect(del?.item.modRevision).toBeGreaterThan(put.revision);
          await expect(store.get(`${p}kept`)).resolves.toMatchObject({ value: 'stays' });
          await watch.watch.close();
        },
        TTL_TIMEOUT_MS + 10_000,
      );
    });

    describe('watch', () => {
      it('from revision+1 delivers exactly the later events under the prefix, in order, once', async () => {
        const sibling = `${p.slice(0, -1)}-sibling/`;
        await store.put(`${p}before`, 'old');
        const { revision } = await store.range(p);
        const expected: string[] = [];
        const put = async (k: string, v: string) => {
          const r = await store.put(k, v);
          if (k.startsWith(p)) expected.push(`put ${k}=${v} @${r.revision}`);
          return r;
        };
        // Half of the writes happen before the watch exists (replayed from history) ...
        await put(`${p}a`, '1');
        await put(`${sibling}a`, 'x');
        const b = await put(`${p}b`, '1');
        const watch = recordWatch(store, p, revision + 1);
        // ... and half while it is live.
        await put(`${p}a`, '2');
        await expect(store.delete(`${p}b`)).resolves.toBe(1);
        expected.push(`delete ${p}b= @DELETE`);
        // Only this test writes under its prefix, so the CAS sees our own last write.
        const current = await store.get(`${p}a`);
        const cas = await store.putIfUnchanged(`${p}a`, '3', current?.modRevision ?? -1);
        expected.push(`put ${p}a=3 @${cas?.revision ?? 'CAS FAILED'}`);
        await put(`${sibling}b`, 'x');
        const last = await put(`${p}c`, '1');
        await watch.waitForRevision(last.revision);
        // A second sentinel proves nothing else (no duplicate) was queued behind the first.
        const sentinel = await store.put(`${p}sentinel`, 's');
        await watch.waitForRevision(sentinel.revision);
        expected.push(`put ${p}sentinel=s @${sentinel.revision}`);
        // The delete's revision is not returned by delete(); take it from its event.
        const deleteEvent = watch.events().find((e) => e.type === 'delete');
        const wanted = expected.map((line) =>
          line.replace('@DELETE', `@${deleteEvent?.item.modRevision}`),
        );
        expect(summarize(watch.events())).toEqual(wanted);
        expect(deleteEvent?.item).toMatchObject({ value: '', createRevision: 0 });
        expect(b.revision).toBeGreaterThan(revision);
        const revisions = watch.batches.map((x) => x.revision);
        expect(revisions).toEqual([...revisions].sort((x, y) => x - y));
        expect(new Set(revisions).size).toBe(revisions.length);
        for (const batch of watch.batches) {
          for (const e of batch.events) expect(e.item.modRevision).toBe(batch.revision);
        }
        expect(watch.errors).toEqual([]);
        await watch.watch.close();
        await store.delete(sibling, { withPrefix: sibling });
      });

      it('keeps up with many writes, live and replayed, without loss or duplicates', async () => {
        const n = 300;
        const start = (await store.revision()) + 1;
        const live = recordWatch(store, p, start);
        const revisions: number[] = [];
        for (let i = 0; i < n; i += 20) {
          const chunk = await Promise.all(
            Array.from({ length: Math.min(20, n - i) }, (_, j) =>
              store.put(`${p}k${String(i + j).padStart(4, '0')}`, String(i + j)),
            ),
          );
          revisions.push(...chunk.map((r) => r.revision));
        }
        const lastRevision = Math.max(...revisions);
        await live.waitForRevision(lastRevision, 30_000);
        const replay = recordWatch(store, p, start);
        await replay.waitForRevision(lastRevision, 30_000);
        for (const rec of [live, replay]) {
          const got = rec.events().map((e) => e.item.modRevision);
          expect(got).toEqual([...revisions].sort((x, y) => x - y));
          expect(rec.errors).toEqual([]);
          await rec.watch.close();
        }
      }, 60_000);

      it('close() stops delivery', async () => {
        const from = (await store.revision()) + 1;
        const closing = recordWatch(store, p, from);
        const witness = recordWatch(store, p, from);
        const first = await store.put(`${p}x`, '1');
        await closing.waitForRevision(first.revision);
        await closing.watch.close();
        await closing.watch.close();
        const second = await store.put(`${p}x`, '2');
        await witness.waitForRevision(second.revision);
        expect(summarize(closing.events())).toEqual([`put ${p}x=1 @${first.revision}`]);
        await witness.watch.close();
      });

      it('a throwing onBatch does not stop the watch', async () => {
        const from = (await store.revision()) + 1;
        const seen: number[] = [];
        const watch = store.watch({
          prefix: p,
          fromRevision: from,
          onBatch: (batch) => {
            seen.push(batch.revision);
            throw new Error('consumer bug');
          },
          onError: () => undefined,
        });
        const a = await store.put(`${p}a`, '1');
        const b = await store.put(`${p}b`, '1');
        await waitFor('both batches', () => seen.length >= 2);
        expect(seen).toEqual([a.revision, b.revision]);
        await watch.close();
      });

      it('from a compacted revision reports StoreCompactedError and delivers nothing', async () => {
        const own = await factory({ compaction: true });
        try {
          const first = await own.store.put(`${own.prefix}a`, '1');
          await own.store.put(`${own.prefix}a`, '2');
          const last = await own.store.put(`${own.prefix}b`, '1');
          await own.compact(last.revision);
          const watch = recordWatch(own.store, own.prefix, first.revision);
          const err = await watch.waitForError();
          expect(err).toBeInstanceOf(StoreCompactedError);
          expect((err as InstanceType<typeof StoreCompactedError>).compactRevision).toBeGreaterThan(
            first.revision,
          );
          await own.store.put(`${own.prefix}c`, '1');
          const check = recordWatch(own.store, own.prefix, last.revision + 1);
          await check.waitForRevision(last.revision + 1);
          expect(watch.batches).toEqual([]);
          expect(watch.errors).toHaveLength(1);
          await check.watch.close();
        } finally {
          await own.dispose();
        }
      });
    });

    describe('close', () => {
      it('rejects operations with StoreUnavailableError after close() and is idempotent', async () => {
        await store.put(`${p}a`, '1');
        await store.close();
        await store.close();
        await expect(store.get(`${p}a`)).rejects.toBeInstanceOf(StoreUnavailableError);
        await expect(store.put(`${p}a`, '2')).rejects.toBeInstanceOf(StoreUnavailableError);
        await expect(store.range(p)).rejects.toBeInstanceOf(StoreUnavailableError);
      });
    });
  });
}
