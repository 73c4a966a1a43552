import { NodeInFlight } from './node-in-flight';
import { WorkerInstanceLoad } from './worker-load';
import { isLoadReport } from './load-messages';
import { RECENT_SENDS_CAPACITY, RecentSends } from './recent-sends';

/** Two workers and their primary, wired by hand (what node.ts and worker.ts do over IPC). */
function twoWorkers(clock: { now: number }) {
  const primary = new NodeInFlight();
  const workers = [1, 2].map((id) => ({ id, view: new WorkerInstanceLoad(() => clock.now) }));
  const heard = new Map<number, number>();
  const exchange = () => {
    for (const { id, view } of workers) {
      const report = view.report();
      if (report) primary.apply(id, report);
    }
    for (const w of workers) {
      if (heard.get(w.id) === primary.othersVersion(w.id)) continue;
      heard.set(w.id, primary.othersVersion(w.id));
      w.view.applyOthers(primary.othersFor(w.id));
    }
  };
  return { primary, workers, exchange };
}

describe('WorkerInstanceLoad', () => {
  it('counts its own requests exactly, before any report', () => {
    const view = new WorkerInstanceLoad();
    view.begin('http://a');
    view.begin('http://a');
    view.end('http://a');
    expect(view.inFlight('http://a')).toBe(1);
    expect(view.inFlight('http://b')).toBe(0);
    view.end('http://a');
    view.end('http://a');
    expect(view.inFlight('http://a')).toBe(0);
  });

  it('reports only when its counts changed, and only non-zero in-flight counts', () => {
    const view = new WorkerInstanceLoad();
    expect(view.report()).toBeUndefined();
    view.begin('k');
    const first = view.report();
    expect(isLoadReport(first)).toBe(true);
    expect(first).toEqual({ t: 'load-report', inFlight: [['k', 1]], sent: [['k', 1]] });
    expect(view.report()).toBeUndefined();
    view.end('k');
    expect(view.report()).toEqual({ t: 'load-report', inFlight: [], sent: [] });
  });

  it('sums in-flight requests across workers without counting its own twice', () => {
    const clock = { now: 1000 };
    const { workers, exchange, primary } = twoWorkers(clock);
    const [one, two] = workers.map((w) => w.view) as [WorkerInstanceLoad, WorkerInstanceLoad];
    one.begin('k');
    one.begin('k');
    two.begin('k');
    exchange();
    expect(one.inFlight('k')).toBe(3);
    expect(two.inFlight('k')).toBe(3);
    expect(primary.nodeInFlight().get('k')).toBe(3);
    one.end('k'); // seen at once by its own worker, by the other one after the next exchange
    expect(one.inFlight('k')).toBe(2);
    expect(two.inFlight('k')).toBe(3);
    exchange();
    expect(two.inFlight('k')).toBe(2);
  });

  it('drops an exited worker from in-flight sums but keeps its sends', () => {
    const clock = { now: 1000 };
    const { primary, workers, exchange } = twoWorkers(clock);
    const [one, two] = workers.map((w) => w.view) as [WorkerInstanceLoad, WorkerInstanceLoad];
    two.begin('k');
    exchange();
    expect(one.inFlight('k')).toBe(1);
    const before = primary.othersVersion(1);
    primary.removeWorker(2);
    expect(primary.othersVersion(1)).not.toBe(before);
    one.applyOthers(primary.othersFor(1));
    expect(one.inFlight('k')).toBe(0);
    expect(primary.othersFor(1).sent).toEqual([['k', 1]]);
  });

  it('sentSince counts own sends exactly and the others as reported after the time', () => {
    const clock = { now: 1000 };
    const { workers, exchange } = twoWorkers(clock);
    const [one, two] = workers.map((w) => w.view) as [WorkerInstanceLoad, WorkerInstanceLoad];
    one.begin('k');
    two.begin('k');
    exchange(); // one hears of two's first send at t=1000
    clock.now = 1100;
    const scrapeAt = 1050;
    one.begin('k');
    two.begin('k');
    two.begin('k');
    exchange();
    expect(one.sentSince('k', scrapeAt)).toBe(3); // its own one + two's two since 1050
    expect(two.sentSince('k', scrapeAt)).toBe(3);
    // The first message from the primary is the others' baseline: their sends before it are history.
    expect(one.sentSince('k', 999)).toBe(2 + 2);
    expect(one.sentSince('k', 1100)).toBe(0);
    expect(one.sentSince('other', 0)).toBe(0);
  });

  it('keeps scraped readings until the primary says a URL is gone', () => {
    const view = new WorkerInstanceLoad();
    const load = { waiting: 2, running: 4, kvCacheUsage: 0.5, at: 5 };
    view.applyScrapes({ t: 'load-scrapes', readings: [['http://m/metrics', load]], gone: [] });
    expect(view.scraped('http://m/metrics')).toEqual(load);
    view.applyScrapes({ t: 'load-scrapes', readings: [], gone: ['http://m/metrics'] });
    expect(view.scraped('http://m/metrics')).toBeUndefined();
  });

  it('keeps keys off prototypes', () => {
    const view = new WorkerInstanceLoad();
    view.begin('__proto__');
    view.begin('constructor');
    expect(view.inFlight('__proto__')).toBe(1);
    expect(view.inFlight('toString')).toBe(0);
    expect(({} as Record<string, unknown>).inFlight).toBeUndefined();
  });
});

describe('request path cost', () => {
  it('begin + inFlight + end costs well under a microsecond', () => {
    const view = new WorkerInstanceLoad();
    const keys = [
      'http://10.0.0.5:8000',
      'http://10.0.0.6:8000',
      'https://api.openai.com:443#gpt-4o',
    ];
    // Other workers' counts present, as in a real node.
    view.applyOthers({
      t: 'load-others',
      inFlight: keys.map((k) => [k, 3]),
      sent: keys.map((k) => [k, 100]),
    });
    const rounds = 300_000;
    const run = () => {
      let seen = 0;
      for (let i = 0; i < rounds; i++) {
        const key = keys[i % keys.length] as string;
        seen += view.inFlight(key);
        view.begin(key);
        view.end(key);
      }
      return seen;
    };
    run(); // warm up
    const started = process.hrtime.bigint();
    const seen = run();
    const nsPerRequest = Number(process.hrtime.bigint() - started) / rounds;
    process.stdout.write(`begin + inFlight + end: ${nsPerRequest.toFixed(0)} ns per request\n`);
    expect(seen).toBe(rounds * 3);
    expect(nsPerRequest).toBeLessThan(1_000);
  });

  it('sentSince costs about half a microsecond however many sends it counts', () => {
    let now = 0;
    const view = new WorkerInstanceLoad(() => now);
    // 1000 requests a second for this worker, as in a busy node: 100 sends per 100 ms scrape.
    for (; now < 1_000; now++) view.begin('k');
    const rounds = 200_000;
    const run = () => {
      let counted = 0;
      for (let i = 0; i < rounds; i++) counted += view.sentSince('k', now - 100);
      return counted;
    };
    run(); // warm up
    const started = process.hrtime.bigint();
    const counted = run();
    const nsPerCall = Number(process.hrtime.bigint() - started) / rounds;
    process.stdout.write(`sentSince over 100 recent sends: ${nsPerCall.toFixed(0)} ns per call\n`);
    expect(counted).toBe(rounds * 99);
    expect(nsPerCall).toBeLessThan(2_000); // bounded loosely: 2 shared cores
  });
});

describe('RecentSends', () => {
  it('counts the sends after a time, up to its capacity, across the ring wrapping', () => {
    const sends = new RecentSends();
    expect(sends.countSince(0)).toBe(0);
    for (let t = 1; t <= 3 * RECENT_SENDS_CAPACITY; t++) sends.record(t);
    const last = 3 * RECENT_SENDS_CAPACITY;
    expect(sends.countSince(last)).toBe(0);
    expect(sends.countSince(last - 1)).toBe(1);
    expect(sends.countSince(last - 10)).toBe(10);
    expect(sends.countSince(0)).toBe(RECENT_SENDS_CAPACITY);
    sends.record(last); // same millisecond twice
    expect(sends.countSince(last - 1)).toBe(2);
  });
});
