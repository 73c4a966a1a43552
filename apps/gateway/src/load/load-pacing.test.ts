/**
 * Issue 14: load messages follow the requests, not the clock or the worker count. A worker
 * reports after a batch of begins/ends or once a change is old; while some config balances by
 * load, the primary answers a report only when the reporter's view of the others moved, and
 * tells a quiet worker unasked once its view is old; otherwise it answers nothing.
 */
import type { LoadOthers, LoadReport, LoadScrapes } from './load-messages';
import { MAX_VIEW_AGE_MS, NodeLoadHub, type LoadHubWorker } from './node-load-hub';
import type { PickReport } from './pick-stats';
import { MAX_REPORT_AGE_MS, REPORT_AFTER_CHANGES, startWorkerLoadSharing } from './worker-wiring';

// undici's close (the hub's scraper) needs real ticks and immediates.
beforeEach(() =>
  jest.useFakeTimers({ now: 1_000_000, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] }),
);
afterEach(() => jest.useRealTimers());

describe('a worker reports per batch of requests', () => {
  function worker() {
    const sent: (LoadReport | PickReport)[] = [];
    const sharing = startWorkerLoadSharing((ms) => sent.push(...ms));
    return { sent, sharing, reports: () => sent.filter((m) => m.t === 'load-report') };
  }

  const turn = () => new Promise((resolve) => setImmediate(resolve));

  it('sends nothing, and holds no timer, until a change; then reports MAX_REPORT_AGE_MS after it', () => {
    const { sharing, reports } = worker();
    expect(jest.getTimerCount()).toBe(0); // an idle worker never wakes for load sharing
    for (let i = 0; i < (REPORT_AFTER_CHANGES - 2) / 2; i++) sharing.view.begin('k');
    jest.advanceTimersByTime(MAX_REPORT_AGE_MS - 1);
    expect(reports()).toHaveLength(0);
    jest.advanceTimersByTime(1);
    expect(reports()).toHaveLength(1);
    expect(jest.getTimerCount()).toBe(0);
    sharing.stop();
  });

  it('reports right after the turn in which a batch of changes is reached', async () => {
    const { sharing, reports } = worker();
    for (let i = 0; i < REPORT_AFTER_CHANGES / 2; i++) {
      sharing.view.begin('k');
      sharing.view.end('k');
    }
    expect(reports()).toHaveLength(0);
    await turn();
    expect(reports()).toEqual([
      { t: 'load-report', inFlight: [], sent: [['k', REPORT_AFTER_CHANGES / 2]] },
    ]);
    expect(jest.getTimerCount()).toBe(0); // the age timer of that batch is gone with it
    sharing.stop();
  });

  it('at a given request rate, two workers send as many reports as one: one per batch of requests', async () => {
    const count = async (workers: number) => {
      const all = Array.from({ length: workers }, worker);
      // 4,000 requests a second for one second, shared evenly, each ending at once.
      for (let ms = 0; ms < 1000; ms++) {
        for (let r = 0; r < 4; r++) {
          const w = all[(ms * 4 + r) % workers];
          w?.sharing.view.begin('k');
          w?.sharing.view.end('k');
        }
        await turn();
        jest.advanceTimersByTime(1);
      }
      for (const w of all) w.sharing.stop();
      return all.reduce((n, w) => n + w.reports().length, 0);
    };
    const one = await count(1);
    const two = await count(2);
    expect(one).toBe(Math.floor((4000 * 2) / REPORT_AFTER_CHANGES));
    // Each worker's last partial batch is still waiting for its age when the load stops.
    expect(two).toBeGreaterThanOrEqual(one - 1);
    expect(two).toBeLessThanOrEqual(one);
  });

  it('what else the worker reports goes out in the same write, and asks for a report of its own', async () => {
    const writes: string[][] = [];
    let extra: { t: string } | undefined;
    const sharing = startWorkerLoadSharing((ms) => writes.push(ms.map((m) => m.t)), {
      alongside: () => {
        const taken = extra;
        extra = undefined;
        return taken;
      },
    });
    extra = { t: 'extra-1' };
    for (let i = 0; i < REPORT_AFTER_CHANGES / 2; i++) {
      sharing.view.begin('k');
      sharing.view.end('k');
    }
    await turn();
    expect(writes).toEqual([['load-report', 'extra-1']]);
    // Only the companion changed (a quota settled after the last request ended).
    extra = { t: 'extra-2' };
    sharing.reportSoon();
    jest.advanceTimersByTime(MAX_REPORT_AGE_MS - 1);
    expect(writes).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(writes).toEqual([['load-report', 'extra-1'], ['extra-2']]);
    sharing.stop();
  });
});

/** Config items with one ai-proxy-multi route balanced by `algorithm`. */
function routeBalancedBy(algorithm: string): Map<string, unknown> {
  const instance = { name: 'a', provider: 'openai-compatible', weight: 1 };
  return new Map([
    [
      'routes/r1',
      { plugins: { 'ai-proxy-multi': { balancer: { algorithm }, instances: [instance] } } },
    ],
  ]);
}

describe('the primary answers reports only when the others moved', () => {
  function node(ids: number[], items = routeBalancedBy('least_busy')) {
    const inbox = new Map<number, (LoadOthers | LoadScrapes)[]>(ids.map((id) => [id, []]));
    const workers: LoadHubWorker[] = ids.map((id) => ({
      id,
      send: (m) => inbox.get(id)?.push(m),
    }));
    const hub = new NodeLoadHub(() => workers, { warn: () => undefined });
    hub.update(items);
    for (const w of workers) hub.workerSynced(w);
    const others = (id: number) => (inbox.get(id) ?? []).filter((m) => m.t === 'load-others');
    const report = (id: number, n: number): void => {
      hub.onWorkerMessage(id, { t: 'load-report', inFlight: [['k', n]], sent: [['k', n]] });
    };
    return { hub, others, report };
  }

  it('one worker hears nothing back: its own reports never change what it hears', async () => {
    const { hub, others, report } = node([1]);
    const synced = others(1).length;
    for (let i = 1; i <= 10; i++) report(1, i);
    // Nothing to tell anyone: the primary holds no timer that would wake it.
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(5 * MAX_VIEW_AGE_MS);
    expect(others(1)).toHaveLength(synced);
    await hub.close();
  });

  it("a reporter gets the others' sums with its report's answer, once per change of theirs", async () => {
    const { hub, others, report } = node([1, 2]);
    const synced = others(1).length;
    report(1, 1); // nothing new from worker 2: no answer
    expect(others(1)).toHaveLength(synced);
    report(2, 3);
    report(1, 2);
    expect(others(1)).toHaveLength(synced + 1);
    expect(others(1).at(-1)).toMatchObject({ inFlight: [['k', 3]] });
    report(1, 3); // worker 2 did not move since
    expect(others(1)).toHaveLength(synced + 1);
    await hub.close();
  });

  it('no config balancing by load (round robin, hash): no worker hears anything, no timer is held', async () => {
    const { hub, others, report } = node([1, 2], routeBalancedBy('roundrobin'));
    for (let i = 1; i <= 10; i++) {
      report(1, i);
      report(2, i + 1);
    }
    jest.advanceTimersByTime(5 * MAX_VIEW_AGE_MS);
    expect(others(1)).toEqual([]);
    expect(others(2)).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
    // The primary still counts the node's in-flight requests (metrics, the control API).
    expect(hub.nodeInFlight()).toEqual(new Map([['k', 21]]));
    await hub.close();
  });

  it('sharing starts with the first load-balanced config (every worker hears the sums at once) and stops with the last', async () => {
    const { hub, others, report } = node([1, 2], routeBalancedBy('chash'));
    report(1, 4);
    report(2, 6);
    hub.update(routeBalancedBy('queue_aware'));
    expect(others(1)).toEqual([{ t: 'load-others', inFlight: [['k', 6]], sent: [['k', 6]] }]);
    expect(others(2)).toEqual([{ t: 'load-others', inFlight: [['k', 4]], sent: [['k', 4]] }]);
    report(2, 7);
    report(1, 5);
    expect(others(1)).toHaveLength(2);

    hub.update(routeBalancedBy('roundrobin'));
    expect(jest.getTimerCount()).toBe(0); // worker 2's pending view is dropped with its timer
    report(2, 8);
    report(1, 6);
    jest.advanceTimersByTime(5 * MAX_VIEW_AGE_MS);
    expect(others(1)).toHaveLength(2);
    expect(others(2)).toHaveLength(1);
    await hub.close();
  });

  it('a worker that does not report hears changed sums MAX_VIEW_AGE_MS after it last heard', async () => {
    const { hub, others, report } = node([1, 2]);
    const synced = others(2).length;
    jest.advanceTimersByTime(MAX_VIEW_AGE_MS);
    expect(others(2)).toHaveLength(synced); // nothing changed: nothing sent
    report(1, 5); // worker 2 last heard MAX_VIEW_AGE_MS ago: it hears at once
    jest.advanceTimersByTime(0);
    expect(others(2)).toHaveLength(synced + 1);
    expect(others(2).at(-1)).toMatchObject({ inFlight: [['k', 5]] });
    report(1, 6);
    jest.advanceTimersByTime(MAX_VIEW_AGE_MS - 1);
    expect(others(2)).toHaveLength(synced + 1);
    jest.advanceTimersByTime(1);
    expect(others(2)).toHaveLength(synced + 2);
    expect(jest.getTimerCount()).toBe(0); // every view is current again: no timer left
    await hub.close();
  });
});
