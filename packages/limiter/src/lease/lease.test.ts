import { runQuotaStoreSuite } from '../../test/quota-store.suite';
import { isCounterStoreUnavailable } from '../errors';
import { LeaseClient } from './client';
import { LeaseHost } from './host';
import { isWorkerLeaseMessage, type WorkerLeaseMessage } from './messages';

const hosts: LeaseHost[] = [];
afterEach(() => {
  for (const host of hosts.splice(0)) host.close();
});

/**
 * A node: one host and `n` clients joined by asynchronous channels, as over IPC; `pushes(id)`
 * counts the views client `id` was sent unasked.
 */
function node(n: number, clock = { now: () => performance.now() }) {
  const host = new LeaseHost({ clock, sweepIntervalMs: 0 });
  hosts.push(host);
  const sent: WorkerLeaseMessage[] = [];
  const viewsSent = new Map<number, number>();
  const clients = Array.from({ length: n }, (_, id) => {
    const client: LeaseClient = new LeaseClient(
      (m) => {
        sent.push(m);
        setImmediate(() => {
          if (isWorkerLeaseMessage(m)) host.handle(id, m);
        });
      },
      { clock },
    );
    host.attach(id, (m) => {
      if (m.t === 'lease-views') viewsSent.set(id, (viewsSent.get(id) ?? 0) + 1);
      setImmediate(() => client.onMessage(m));
    });
    return client;
  });
  const acquires = () => sent.filter((m) => m.op === 'acquire').length;
  const reports = () => sent.filter((m) => m.op === 'report').length;
  const viewMessages = (id: number) => viewsSent.get(id) ?? 0;
  return { host, clients, sent, acquires, reports, viewMessages };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A request that reserved 10 tokens of a quota far from its limit, settled at `actual`. */
const settledFar = (windowId: string, actual: number) => ({
  limit: 1_000_000,
  windowSeconds: 60,
  windowId,
  reserved: 10,
  actual,
});

const at = <T>(xs: T[], i: number): T => {
  const x = xs[i];
  if (x === undefined) throw new Error(`no element ${i}`);
  return x;
};

runQuotaStoreSuite('LeaseClient → LeaseHost (two workers, one asked)', () => {
  let now = 1000;
  const clock = { now: () => now };
  const { clients } = node(2, clock);
  const store = at(clients, 0);
  return {
    store,
    advance: (ms) => {
      now += ms;
      return Promise.resolve();
    },
    dispose: () => store.close(),
  };
});

describe('node-wide quotas leased to workers', () => {
  it('answers from the lease without a promise, and asks the primary (a promise) only when it must', async () => {
    let now = 1000;
    const { clients, acquires } = node(2, { now: () => now });
    const w = at(clients, 0);
    const first = w.admit('s', 1000, 60, 10);
    expect(first).toBeInstanceOf(Promise); // no lease yet: the primary grants one
    const a = await first;
    const again = w.admit('s', 1000, 60, 10);
    expect(again).not.toBeInstanceOf(Promise);
    expect(again).toMatchObject({ admitted: true, windowId: a.windowId });
    expect(w.settle('s', { ...settledFar(a.windowId, 5), limit: 1000 })).toBeUndefined();
    expect(acquires()).toBe(1);
    // A settlement that overdraws the slice (1000 / (4 × 2) = 125 granted) goes to the primary.
    const over = w.settle('s', { ...settledFar(a.windowId, 500), limit: 1000 });
    expect(over).toBeInstanceOf(Promise);
    await over;
    expect(acquires()).toBe(2);
    // However long since the primary last wrote, a covered admission of a key no other worker
    // holds does not ask it (the others' usage would come unasked).
    now += 5000;
    expect(w.admit('s', 1000, 60, 0)).not.toBeInstanceOf(Promise);
    expect(acquires()).toBe(2);
    // Invalid arguments are a rejected promise, as from any store.
    await expect(w.admit('s', 1000, 0, 1)).rejects.toThrow(RangeError);
    await expect(w.settle('s', { ...settledFar(a.windowId, -1), limit: 1000 })).rejects.toThrow(
      RangeError,
    );
  });

  it('a worker far from the limit admits and settles without asking the primary per request', async () => {
    // A clock that stands still: the other workers' usage never gets old enough to refresh.
    const { clients, acquires } = node(2, { now: () => 1000 });
    const w = at(clients, 0);
    for (let i = 0; i < 200; i++) {
      const a = await w.admit('k', 1_000_000, 60, 50);
      expect(a.admitted).toBe(true);
      await w.settle('k', {
        limit: 1_000_000,
        windowSeconds: 60,
        windowId: a.windowId,
        reserved: 50,
        actual: 40,
      });
    }
    // 200 requests × 50 reserved fit in the first slice (1,000,000 / (4 × 2 workers)).
    expect(acquires()).toBe(1);
    expect((await w.peek('k')).consumed).toBe(8000);
  });

  it('64 concurrent requests on two workers against a quota worth 10 admit at most 11, and settle exactly', async () => {
    const { clients } = node(2);
    const admissions = await Promise.all(
      Array.from({ length: 64 }, async (_, i) => {
        const w = at(clients, i % 2);
        return { a: await w.admit('q', 1000, 60, 100), w };
      }),
    );
    const admitted = admissions.filter(({ a }) => a.admitted);
    expect(admitted.length).toBeGreaterThanOrEqual(10);
    expect(admitted.length).toBeLessThanOrEqual(11);
    await Promise.all(
      admitted.map(async ({ a, w }) =>
        w.settle('q', {
          limit: 1000,
          windowSeconds: 60,
          windowId: a.windowId,
          reserved: 100,
          actual: 100,
        }),
      ),
    );
    // Every request settled: the quota is used up on both workers, and the node's view is exact.
    let next = await at(clients, 0).admit('q', 1000, 60, 100);
    expect(next.admitted).toBe(false);
    next = await at(clients, 1).admit('q', 1000, 60, 100);
    expect(next.admitted).toBe(false);
    expect(next.consumed).toBe(admitted.length * 100);
    expect(next.reserved).toBe(0);
  });

  it("another worker's usage reaches a quiet holder unasked, in the turn that changed it", async () => {
    let now = 1000;
    const { host, clients, acquires, reports, viewMessages } = node(2, { now: () => now });
    const [w0, w1] = [at(clients, 0), at(clients, 1)];
    const a = await w1.admit('v', 1_000_000, 60, 10);
    await w1.settle('v', settledFar(a.windowId, 10));
    // Later, w0 reserves 10: w1 is sent that in the same turn as w0's answer.
    now += 500;
    const a0 = await w0.admit('v', 1_000_000, 60, 10);
    expect(viewMessages(1)).toBe(1);
    await tick();
    const before = acquires();
    const b = w1.admit('v', 1_000_000, 60, 10);
    expect(b).not.toBeInstanceOf(Promise); // from w1's lease, without asking
    expect(b).toMatchObject({ consumed: 10, reserved: 10 }); // w0's reservation, known unasked
    // w0 settles 4 and reports it: w1 is pushed the new totals while the report is handled.
    now += 1000;
    expect(w0.settle('v', settledFar(a0.windowId, 4))).toBeUndefined();
    const report = w0.takeReport();
    if (!report) throw new Error('no report');
    host.handle(0, report);
    expect(viewMessages(1)).toBe(2);
    expect(viewMessages(0)).toBe(1); // the answer to w0's report
    host.handle(0, report); // the same usage again: nothing changed, nothing pushed
    expect(viewMessages(1)).toBe(2);
    await tick();
    // However old its view, a quiet holder's covered admission does not ask.
    now += 5000;
    // w0's 4 consumed and w1's own 10; w1's reservation for b (w0's was settled).
    expect(w1.admit('v', 1_000_000, 60, 0)).toMatchObject({ consumed: 14, reserved: 10 });
    expect(acquires()).toBe(before);
    expect(reports()).toBe(0); // the reports above were handed over by hand
  });

  it('while two workers are busy with a key they are not pushed each change; a busy view is asked for once older than viewTtlMs', async () => {
    let now = 1000;
    const { host, clients, acquires, viewMessages } = node(2, { now: () => now });
    const [w0, w1] = [at(clients, 0), at(clients, 1)];
    const a1 = await w1.admit('b', 1_000_000, 60, 10);
    await w0.admit('b', 1_000_000, 60, 10);
    await tick();
    expect(viewMessages(1)).toBe(1); // w0's reservation (w1's view was not busy yet)
    now += 10;
    await w1.settle('b', settledFar(a1.windowId, 3));
    const report = w1.takeReport();
    if (!report) throw new Error('no report');
    host.handle(1, report);
    expect(viewMessages(0)).toBe(0); // left out: w0 was told others are busy 10 ms ago
    await tick();
    expect(w0.admit('b', 1_000_000, 60, 0)).toMatchObject({ consumed: 0, reserved: 20 });
    const before = acquires();
    now += 300;
    const asked = w0.admit('b', 1_000_000, 60, 0);
    expect(asked).toBeInstanceOf(Promise); // a busy view 300 ms old: asked for
    expect(await asked).toMatchObject({ consumed: 3, reserved: 10 });
    expect(acquires()).toBe(before + 1);
  });

  it("a worker's batched report is answered with the others' usage, so a busy key never waits for a refresh", async () => {
    let now = 1000;
    const { clients, host, acquires } = node(2, { now: () => now });
    const [w0, w1] = [at(clients, 0), at(clients, 1)];
    await w0.admit('s', 1_000_000, 60, 10);
    const a = await w1.admit('s', 1_000_000, 60, 10);
    await w1.settle('s', settledFar(a.windowId, 7));
    const before = acquires();
    now += 150;
    const report = w1.takeReport();
    expect(report).toEqual({
      t: 'lease',
      op: 'report',
      usages: [{ key: 's', windowId: a.windowId, committed: 7, consumed: 7, replies: 1 }],
    });
    expect(w1.takeReport()).toBeUndefined(); // nothing changed since
    if (report) host.handle(1, report);
    await new Promise((resolve) => setImmediate(resolve)); // the answer reaches the worker
    now += 150;
    const b = await w1.admit('s', 1_000_000, 60, 10);
    expect(acquires()).toBe(before);
    // w0's reservation, learnt from the report's answer; w1's own 7 consumed.
    expect(b).toMatchObject({ admitted: true, consumed: 7, reserved: 10 });
  });

  it('asks its owner for a report once per batch of changes: when a lease first changes after one was taken', async () => {
    let due = 0;
    const host = new LeaseHost({ sweepIntervalMs: 0 });
    const client: LeaseClient = new LeaseClient((m) => setImmediate(() => host.handle(0, m)), {
      onReportDue: () => due++,
    });
    host.attach(0, (m) => setImmediate(() => client.onMessage(m)));
    const settle = (windowId: string) =>
      client.settle('d', { limit: 1000, windowSeconds: 60, windowId, reserved: 10, actual: 5 });
    const a = await client.admit('d', 1000, 60, 10);
    expect(due).toBe(1);
    await settle(a.windowId);
    const b = await client.admit('d', 1000, 60, 10);
    expect(due).toBe(1); // still the same report
    expect(client.takeReport()).toBeDefined();
    await settle(b.windowId);
    expect(due).toBe(2);
  });

  it('concurrent requests on one worker, sent before any answer came back, admit exactly the quota', async () => {
    const { clients } = node(1);
    const w = at(clients, 0);
    const all = await Promise.all(
      Array.from({ length: 64 }, async () => w.admit('one', 100, 60, 10)),
    );
    expect(all.filter((a) => a.admitted)).toHaveLength(10);
  });

  it("a worker refused by its own slice gets the others' unused slices back before a refusal", async () => {
    const { clients } = node(2);
    const [w0, w1] = [at(clients, 0), at(clients, 1)];
    // w0 takes a slice; w1 then asks for more than is free beside it.
    const first = await w0.admit('r', 1000, 60, 10);
    expect(first.admitted).toBe(true);
    const admitted: boolean[] = [];
    for (let i = 0; i < 99; i++) admitted.push((await w1.admit('r', 1000, 60, 10)).admitted);
    expect(admitted.filter(Boolean)).toHaveLength(99);
    // 1000 tokens reserved in all: the next is refused wherever it lands.
    expect((await w0.admit('r', 1000, 60, 10)).admitted).toBe(false);
    expect((await w1.admit('r', 1000, 60, 10)).admitted).toBe(false);
  });

  it('an overdraft on one worker is seen by the next request on another (sequential clients stay exact)', async () => {
    const { clients } = node(2);
    const [w0, w1] = [at(clients, 0), at(clients, 1)];
    const settle = (w: LeaseClient, windowId: string, actual: number) =>
      w.settle('o', { limit: 1000, windowSeconds: 60, windowId, reserved: 10, actual });
    // Both workers hold slices.
    const a1 = await w1.admit('o', 1000, 60, 10);
    await settle(w1, a1.windowId, 10);
    const a0 = await w0.admit('o', 1000, 60, 10);
    // w0's request used far more than it reserved: the quota is now used up.
    await settle(w0, a0.windowId, 990);
    const next = await w1.admit('o', 1000, 60, 10);
    expect(next.admitted).toBe(false);
    expect(next.consumed).toBe(1000);
  });

  it('check-then-charge (no reservation) refuses once consumed reaches the limit, across workers', async () => {
    const { clients } = node(2);
    const served: number[] = [];
    for (let i = 0; i < 6; i++) {
      const w = at(clients, i % 2);
      const a = await w.admit('c', 30, 60, undefined);
      if (!a.admitted) break;
      served.push(i);
      await w.settle('c', {
        limit: 30,
        windowSeconds: 60,
        windowId: a.windowId,
        reserved: 0,
        actual: 10,
      });
    }
    expect(served).toEqual([0, 1, 2]);
    const fresh = await at(clients, 1).admit('fresh', 30, 60, undefined);
    // Nothing charged yet: Remaining is the limit and Reset the whole window, as in APISIX.
    expect(fresh).toMatchObject({ admitted: true, consumed: 0, reserved: 0 });
    expect(fresh.resetInMs).toBeUndefined();
  });

  it('a new window starts when the old one ends; a late settlement is charged to the new one', async () => {
    let now = 0;
    const clock = { now: () => now };
    const { clients } = node(1, clock);
    const w = at(clients, 0);
    const a = await w.admit('w', 100, 1, 60);
    expect(a.admitted).toBe(true);
    expect((await w.admit('w', 100, 1, 60)).admitted).toBe(true);
    expect((await w.admit('w', 100, 1, 60)).admitted).toBe(false);
    now += 1000;
    await w.settle('w', {
      limit: 100,
      windowSeconds: 1,
      windowId: a.windowId,
      reserved: 60,
      actual: 30,
    });
    const b = await w.admit('w', 100, 1, 60);
    expect(b).toMatchObject({ admitted: true, consumed: 30, reserved: 0 });
    expect(b.windowId).not.toBe(a.windowId);
  });

  it('drops the leases of ended windows when swept, so keys never used again do not pile up', async () => {
    let now = 1000;
    const { clients, host } = node(1, { now: () => now });
    const w = at(clients, 0);
    for (let i = 0; i < 50; i++) await w.admit(`k${i}`, 100, 1 + (i % 2), 1);
    expect(w.size).toBe(50);
    now += 1000;
    expect(w.sweep()).toBe(25);
    expect(host.sweep()).toBe(25);
    now += 1000;
    expect(w.sweep()).toBe(25);
    expect(w.size).toBe(0);
  });

  it('a worker whose primary does not answer fails with a counter-unavailable error', async () => {
    const client = new LeaseClient(() => undefined, { timeoutMs: 20 });
    const err: unknown = await Promise.resolve(client.admit('x', 10, 60, 1)).catch(
      (e: unknown) => e,
    );
    expect(isCounterStoreUnavailable(err)).toBe(true);
    client.fail('gone');
    await client.close();
    await expect(client.admit('x', 10, 60, 1)).rejects.toThrow(/store closed/);
  });

  it('refuses bad arguments before sending anything', async () => {
    const sent: unknown[] = [];
    const client = new LeaseClient((m) => sent.push(m));
    await expect(client.admit('x', 10, 0, 1)).rejects.toThrow(RangeError);
    await expect(client.admit('x', 10, 60, -1)).rejects.toThrow(RangeError);
    await expect(
      client.settle('x', { limit: 10, windowSeconds: 60, windowId: '1', reserved: 0, actual: 1.5 }),
    ).rejects.toThrow(RangeError);
    expect(sent).toEqual([]);
  });

  it('malformed messages are not lease messages', () => {
    expect(
      isWorkerLeaseMessage({
        t: 'lease',
        op: 'acquire',
        id: 1,
        key: 'k',
        limit: -1,
        windowSeconds: 1,
        want: 0,
        admit: true,
      }),
    ).toBe(false);
    expect(
      isWorkerLeaseMessage({
        t: 'lease',
        op: 'report',
        usages: [{ windowId: '1', committed: 1, consumed: 1 }],
      }),
    ).toBe(false);
    expect(isWorkerLeaseMessage({ t: 'lease', op: 'nope' })).toBe(false);
    expect(isWorkerLeaseMessage({ t: 'lease', op: 'peek', id: 2, key: 'k' })).toBe(true);
  });
});
