import type { CounterState, CounterStore } from '@tollgate/core';
import { isCounterStoreUnavailable, LocalCounterStore } from '@tollgate/limiter';
import { runCounterStoreSuite } from '../../../../packages/limiter/test/counter-store.suite';
import { runTrafficStoreSuite } from '../../../../packages/limiter/test/traffic-store.suite';
import {
  CounterHost,
  IpcCounterStore,
  isCounterRequest,
  isCounterResult,
  type CounterRequest,
  type CounterResult,
} from './counter-ipc';

/** Serialise like node:cluster IPC (JSON), deliver on a later macrotask. */
const overIpc = <T>(m: T, deliver: (m: unknown) => void) => {
  const copy: unknown = JSON.parse(JSON.stringify(m));
  setImmediate(() => deliver(copy));
};

/** A worker store wired to `host` through a fake channel. */
function workerOf(host: CounterHost, timeoutMs = 1000): IpcCounterStore {
  const worker: IpcCounterStore = new IpcCounterStore(
    (req) => overIpc(req, (m) => host.handle(m, (res) => overIpc(res, (r) => worker.onMessage(r)))),
    timeoutMs,
  );
  return worker;
}

function fakeClock() {
  let now = 0;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
      return Promise.resolve();
    },
  };
}

runCounterStoreSuite('IpcCounterStore → CounterHost → LocalCounterStore', () => {
  const clock = fakeClock();
  const primary = new LocalCounterStore({ clock, sweepIntervalMs: 0 });
  const worker = workerOf(new CounterHost(primary));
  return {
    store: worker,
    advance: clock.advance,
    slackMs: 0,
    dispose: async () => {
      await worker.close();
      await primary.close();
    },
  };
});

runTrafficStoreSuite('IpcCounterStore → CounterHost → LocalCounterStore', () => {
  const clock = fakeClock();
  const primary = new LocalCounterStore({ clock, sweepIntervalMs: 0 });
  const worker = workerOf(new CounterHost(primary));
  return {
    store: worker,
    advance: clock.advance,
    slackMs: 0,
    dispose: async () => {
      await worker.close();
      await primary.close();
    },
  };
});

describe('node-wide counters over IPC', () => {
  it('four workers charging one key concurrently get an exact total', async () => {
    const primary = new LocalCounterStore({ sweepIntervalMs: 0 });
    const host = new CounterHost(primary);
    const workers = Array.from({ length: 4 }, () => workerOf(host));
    const results = await Promise.all(
      workers.flatMap((w) => Array.from({ length: 50 }, () => w.charge('k', 7, 60))),
    );
    expect((await primary.peek('k')).consumed).toBe(1400);
    expect(new Set(results.map((r) => r.consumed)).size).toBe(200);
    expect(workers.map((w) => w.pendingCount)).toEqual([0, 0, 0, 0]);
    await primary.close();
  });

  it('rejects with CounterStoreUnavailableError when the primary does not answer in time', async () => {
    const sent: CounterRequest[] = [];
    const worker = new IpcCounterStore((m) => sent.push(m), 30);
    const started = Date.now();
    const err: unknown = await worker.charge('k', 1, 60).catch((e: unknown) => e);
    expect(isCounterStoreUnavailable(err)).toBe(true);
    expect(Date.now() - started).toBeLessThan(500);
    expect(worker.pendingCount).toBe(0);
    const late = { t: 'counter-result', id: sent[0]?.id, state: { consumed: 1 } };
    expect(worker.onMessage(late)).toBe(true);
  });

  it('fail(reason) rejects every pending request; close() rejects later ones too', async () => {
    const worker = new IpcCounterStore(() => undefined);
    const pending = [worker.peek('a'), worker.charge('b', 1, 60)];
    worker.fail('primary disconnected');
    for (const p of pending) {
      await expect(p).rejects.toMatchObject({
        code: 'TOLLGATE_ERR_COUNTER_UNAVAILABLE',
        message: expect.stringContaining('primary disconnected') as string,
      });
    }
    expect(worker.pendingCount).toBe(0);
    await worker.close();
    await expect(worker.peek('a')).rejects.toMatchObject({
      message: expect.stringContaining('closed') as string,
    });
  });

  it('rejects at once when the channel throws on send', async () => {
    const worker = new IpcCounterStore(() => {
      throw new Error('channel closed');
    });
    await expect(worker.peek('a')).rejects.toMatchObject({
      code: 'TOLLGATE_ERR_COUNTER_UNAVAILABLE',
      message: expect.stringContaining('channel closed') as string,
    });
    expect(worker.pendingCount).toBe(0);
  });

  it("relays the primary store's failure as CounterStoreUnavailableError", async () => {
    const broken: CounterStore = {
      peek: () => Promise.reject(new Error('disk on fire')),
      charge: () => {
        throw new Error('sync throw');
      },
      close: () => Promise.resolve(),
    };
    const worker = workerOf(new CounterHost(broken));
    await expect(worker.peek('a')).rejects.toMatchObject({
      code: 'TOLLGATE_ERR_COUNTER_UNAVAILABLE',
      message: expect.stringContaining('disk on fire') as string,
    });
    await expect(worker.charge('a', 1, 1)).rejects.toMatchObject({
      message: expect.stringContaining('sync throw') as string,
    });
  });

  it('the host answers malformed requests that carry an id, ignores others, survives a dead reply', async () => {
    const host = new CounterHost(new LocalCounterStore({ sweepIntervalMs: 0 }));
    const replies: CounterResult[] = [];
    host.handle({ t: 'counter', id: 7, op: 'charge', key: 'k' }, (m) => replies.push(m));
    host.handle({ t: 'counter', op: 'peek', key: 'k' }, (m) => replies.push(m));
    host.handle({ t: 'config' }, (m) => replies.push(m));
    host.handle({ t: 'counter', id: 8, op: 'peek', key: 'k' }, () => {
      throw new Error('ERR_IPC_CHANNEL_CLOSED');
    });
    await new Promise((r) => setImmediate(r));
    expect(replies).toEqual([{ t: 'counter-result', id: 7, error: 'malformed counter request' }]);
  });

  it('onMessage takes only counter results', () => {
    const worker = new IpcCounterStore(() => undefined);
    expect(worker.onMessage({ t: 'config', update: {} })).toBe(false);
    expect(worker.onMessage(null)).toBe(false);
    expect(worker.onMessage({ t: 'counter-result', id: 1, state: { consumed: 'x' } })).toBe(false);
    expect(worker.onMessage({ t: 'counter-result', id: 99, error: 'x' })).toBe(true);
  });

  it('guards accept exactly the documented shapes', () => {
    const state: CounterState = { consumed: 3, resetInMs: 10 };
    expect(isCounterRequest({ t: 'counter', id: 1, op: 'peek', key: 'k' })).toBe(true);
    expect(
      isCounterRequest({ t: 'counter', id: 1, op: 'charge', key: 'k', cost: 1, windowSeconds: 2 }),
    ).toBe(true);
    expect(isCounterRequest({ t: 'counter', id: 1, op: 'charge', key: 'k' })).toBe(false);
    expect(
      isCounterRequest({ t: 'counter', id: 1, op: 'bucket', key: 'k', rate: 1, burst: 0 }),
    ).toBe(true);
    expect(isCounterRequest({ t: 'counter', id: 1, op: 'bucket', key: 'k', rate: 1 })).toBe(false);
    expect(
      isCounterRequest({ t: 'counter', id: 1, op: 'gauge', key: 'k', delta: -1, windowSeconds: 9 }),
    ).toBe(true);
    expect(isCounterRequest({ t: 'counter', id: 1, op: 'gauge', key: 'k', delta: 1 })).toBe(false);
    expect(isCounterRequest({ t: 'counter', id: 1.5, op: 'peek', key: 'k' })).toBe(false);
    expect(isCounterRequest({ t: 'counter', id: 1, op: 'reset', key: 'k' })).toBe(false);
    expect(isCounterResult({ t: 'counter-result', id: 1, state })).toBe(true);
    expect(isCounterResult({ t: 'counter-result', id: 1, state: { consumed: 0 } })).toBe(true);
    expect(isCounterResult({ t: 'counter-result', id: 1 })).toBe(false);
    expect(isCounterResult({ t: 'counter-result', id: 1, error: 5 })).toBe(false);
  });
});
