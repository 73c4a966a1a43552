import type { InstanceLoadView, ScrapedLoad } from '@tollgate/core';
import { InstancePicker, type PickedChoice } from '../selection';
import { balancerSettings } from './balancer-settings';
import { LatencyTable } from './latency-table';
import { leastBusy } from './least-busy';
import { LoadSignals, type LoadTrackedInstance } from './load-signals';
import { loadKeyOf } from './load-key';
import { LocalInstanceLoad } from './local-instance-load';
import { promptPrefix } from './prompt-prefix';
import { queueScores } from './queue-aware';

/** An in-memory InstanceLoadView: counts and scrapes set by the test. */
class FakeLoad implements InstanceLoadView {
  readonly counts = new Map<string, number>();
  readonly scrapes = new Map<string, ScrapedLoad>();
  readonly sends: { key: string; at: number }[] = [];
  constructor(private readonly now: () => number) {}
  inFlight(key: string): number {
    return this.counts.get(key) ?? 0;
  }
  begin(key: string): void {
    this.counts.set(key, this.inFlight(key) + 1);
    this.sends.push({ key, at: this.now() });
  }
  end(key: string): void {
    this.counts.set(key, this.inFlight(key) - 1);
  }
  sentSince(key: string, since: number): number {
    return this.sends.filter((s) => s.key === key && s.at > since).length;
  }
  scraped(url: string): ScrapedLoad | undefined {
    return this.scrapes.get(url);
  }
}

interface Inst extends LoadTrackedInstance {
  name: string;
  weight: number;
  priority?: number;
}

const gpu = (name: string, weight = 1, priority = 0): Inst => ({
  name,
  provider: 'openai-compatible',
  weight,
  priority,
  override: { endpoint: `http://${name}:8000`, metrics_endpoint: `http://${name}:8000/metrics` },
});
const cloud = (name: string, weight = 1, priority = 0): Inst => ({
  name,
  provider: 'openai',
  weight,
  priority,
  options: { model: name },
});

/** A seeded pseudo-random sequence, so draws are reproducible. */
function seeded(seed = 1): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

function setup(instances: Inst[], balancer: Record<string, unknown>, clock = { t: 1_000_000 }) {
  const now = () => clock.t;
  const view = new FakeLoad(now);
  const settings = balancerSettings(balancer);
  const signals = new LoadSignals(instances, settings, () => view, now);
  const latency = new LatencyTable(now);
  const picker = new InstancePicker(instances, balancer, {
    signals,
    latency,
    now,
    random: seeded(7),
  });
  const choices: PickedChoice[] = [];
  const pick = async (
    tried: string[] = [],
    extra: Partial<Parameters<typeof picker.pick>[0]> = {},
  ) =>
    (
      await picker.pick({
        tried: new Set(tried),
        isEligible: () => true,
        onChosen: (c) => choices.push(c),
        ...extra,
      })
    )?.name;
  const scrape = (name: string, waiting: number, kv = 0, at = clock.t) =>
    view.scrapes.set(`http://${name}:8000/metrics`, { waiting, running: 0, kvCacheUsage: kv, at });
  const busy = (name: string, n: number) =>
    view.counts.set(loadKeyOf(instances.find((i) => i.name === name) as Inst), n);
  return { view, signals, latency, picker, pick, choices, scrape, busy, clock, settings };
}

async function tally(
  pick: () => Promise<string | undefined>,
  n: number,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const name = (await pick()) ?? 'none';
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

describe('loadKeyOf', () => {
  it('is the endpoint of a self-hosted instance, the provider origin and model of a cloud one', () => {
    expect(loadKeyOf(gpu('a'))).toBe('http://a:8000');
    expect(loadKeyOf(cloud('gpt-4o'))).toBe('https://api.openai.com:443#gpt-4o');
  });
});

describe('least_busy', () => {
  it('picks the instance with the fewest in flight, per unit of weight', async () => {
    const t = setup([gpu('a'), gpu('b'), gpu('c', 2)], { algorithm: 'least_busy' });
    t.busy('a', 3);
    t.busy('b', 1);
    t.busy('c', 4); // 2 per unit of weight
    expect(await t.pick()).toBe('b');
    expect(t.choices[0]).toMatchObject({
      algorithm: 'least_busy',
      reason: 'least busy: 1 in flight',
    });
    t.busy('b', 5);
    expect(await t.pick()).toBe('c');
  });

  it('breaks ties at random in proportion to weight', async () => {
    const t = setup([gpu('a', 3), gpu('b', 1)], { algorithm: 'least_busy' });
    const counts = await tally(() => t.pick(), 400);
    expect(counts.get('a')).toBeGreaterThan(250);
    expect(counts.get('b')).toBeGreaterThan(50);
  });

  it('leastBusy never returns a busier candidate than the minimum', () => {
    const loads = new Map([
      ['x', 4],
      ['y', 0],
      ['z', 2],
    ]);
    for (let i = 0; i < 50; i++) {
      const chosen = leastBusy(
        [...loads.keys()].map((name) => ({ name, weight: 1 })),
        { inFlight: (name) => loads.get(name) ?? 0 },
        Math.random,
      );
      expect(chosen?.name).toBe('y');
    }
  });
});

describe('least_latency', () => {
  it('moves the EWMA toward new samples, faster the longer it has been', () => {
    const clock = { t: 0 };
    const table = new LatencyTable(() => clock.t);
    table.record('k', 'ttft', 100, 10_000);
    expect(table.sample('k', 'ttft')?.value).toBe(100);
    clock.t = 1_000;
    table.record('k', 'ttft', 500, 10_000);
    const afterOneSecond = table.sample('k', 'ttft')?.value ?? 0;
    expect(afterOneSecond).toBeGreaterThan(100);
    expect(afterOneSecond).toBeCloseTo(100 * Math.exp(-0.1) + 500 * (1 - Math.exp(-0.1)), 6);
    clock.t = 31_000;
    table.record('k', 'ttft', 500, 10_000);
    expect(table.sample('k', 'ttft')?.value).toBeGreaterThan(480);
  });

  it('forgets the oldest backends past its bound', () => {
    const table = new LatencyTable(() => 0, 2);
    table.record('a', 'ttft', 1, 1000);
    table.record('b', 'ttft', 1, 1000);
    table.record('c', 'ttft', 1, 1000);
    expect(table.sample('a', 'ttft')).toBeUndefined();
    expect(table.sample('c', 'ttft')?.value).toBe(1);
  });

  it('power of two choices never picks the slower of the two drawn; the slowest never wins', async () => {
    const t = setup([gpu('fast'), gpu('mid'), gpu('slow')], { algorithm: 'least_latency' });
    t.latency.record('http://fast:8000', 'ttft', 100, 10_000);
    t.latency.record('http://mid:8000', 'ttft', 300, 10_000);
    t.latency.record('http://slow:8000', 'ttft', 900, 10_000);
    const counts = await tally(() => t.pick([], { streaming: true }), 300);
    expect(counts.get('slow')).toBeUndefined();
    expect(counts.get('fast')).toBeGreaterThan(counts.get('mid') ?? 0);
    for (const choice of t.choices) {
      const [mine, other] = (/: ([\d.]+) vs ([\d.]+)/.exec(choice.reason) ?? [])
        .slice(1)
        .map(Number);
      expect(mine).toBeLessThanOrEqual(other as number);
    }
  });

  it('non-streaming requests compare milliseconds per output token', async () => {
    const t = setup([gpu('a'), gpu('b')], { algorithm: 'least_latency' });
    t.latency.record('http://a:8000', 'ttft', 100, 10_000);
    t.latency.record('http://b:8000', 'ttft', 900, 10_000);
    t.latency.record('http://a:8000', 'per_token', 50, 10_000);
    t.latency.record('http://b:8000', 'per_token', 5, 10_000);
    expect(await t.pick([], { streaming: false })).toBe('b');
    expect(await t.pick([], { streaming: true })).toBe('a');
  });

  it('explores an instance without a recent sample at a bounded rate, so a recovered one is seen', async () => {
    const t = setup([gpu('a'), gpu('b')], { algorithm: 'least_latency', latency_decay_ms: 1000 });
    t.latency.record('http://a:8000', 'ttft', 100, 1000);
    t.latency.record('http://b:8000', 'ttft', 5000, 1000);
    t.clock.t += 3_500; // b's and a's samples are both older than 3 decay periods
    t.latency.record('http://a:8000', 'ttft', 100, 1000);
    const first = await tally(() => t.pick([], { streaming: true }), 50);
    expect(first.get('b')).toBe(1); // one exploratory request, then no more within 100 ms
    expect(t.choices.find((c) => c.name === 'b')?.reason).toBe('explore: no recent latency sample');
    t.clock.t += 100;
    expect((await tally(() => t.pick([], { streaming: true }), 10)).get('b')).toBe(1);
  });
});

describe('queue_aware', () => {
  it('scores lower queues and KV use higher, cloud instances by in-flight', () => {
    const t = setup([gpu('a'), gpu('b'), cloud('c')], { algorithm: 'queue_aware' });
    t.scrape('a', 0, 0.2);
    t.scrape('b', 4, 0.5);
    t.busy('c', 2);
    const scores = new Map(
      (
        queueScores(
          [
            { name: 'a', weight: 1 },
            { name: 'b', weight: 1 },
            { name: 'c', weight: 1 },
          ],
          t.signals,
        ) ?? []
      ).map((s) => [s.name, s.score]),
    );
    expect(scores.get('a')).toBeCloseTo(0.9);
    expect(scores.get('b')).toBeCloseTo(0.25);
    expect(scores.get('c')).toBeCloseTo(0.75);
  });

  it('picks the best score and counts sends since the scrape against an instance', async () => {
    const t = setup([gpu('a'), gpu('b')], { algorithm: 'queue_aware', queue_threshold: 10 });
    t.scrape('a', 1, 0.1);
    t.scrape('b', 3, 0.1);
    expect(await t.pick()).toBe('a');
    expect(t.choices[0]?.reason).toBe('best score 0.95 (queue 1, kv 0.1)');
    expect([...(t.choices[0]?.scores ?? [])]).toEqual([
      ['a', 0.95],
      ['b', 0.45],
    ]);
    t.clock.t += 1;
    for (let i = 0; i < 3; i++) t.view.begin('http://a:8000'); // a burst: a's queue is 1 + 3
    expect(await t.pick()).toBe('b');
  });

  it('filters out saturated instances (queue at threshold or KV over threshold)', async () => {
    const t = setup([gpu('a'), gpu('b'), gpu('c')], { algorithm: 'queue_aware' });
    t.scrape('a', 5, 0.1); // one more would make 6 > 5
    t.scrape('b', 0, 0.9); // kv > 0.8
    t.scrape('c', 4, 0.8); // one more makes 5, kv at its threshold: not saturated
    expect(await tally(() => t.pick(), 20)).toEqual(new Map([['c', 20]]));
  });

  it('saturates at the threshold, so queues stay at or below it: 4 eligible, 5 not', () => {
    const t = setup([gpu('a'), gpu('b')], { algorithm: 'queue_aware', queue_threshold: 5 });
    t.scrape('a', 4);
    t.scrape('b', 5);
    expect(t.signals.saturated('a')).toBe(false);
    expect(t.signals.saturated('b')).toBe(true);
    t.clock.t += 1;
    t.view.begin('http://a:8000'); // sent since the scrape: a's queue is 4 + 1
    expect(t.signals.saturated('a')).toBe(true);
    // a threshold between whole numbers: 2 waiting, one more would make 3 > 2.5
    const half = setup([gpu('a')], { algorithm: 'queue_aware', queue_threshold: 2.5 });
    half.scrape('a', 1);
    expect(half.signals.saturated('a')).toBe(false);
    half.scrape('a', 2);
    expect(half.signals.saturated('a')).toBe(true);
  });

  it('spills to the next priority group when the whole group is saturated, and returns once it drains', async () => {
    const t = setup([gpu('a', 1, 10), gpu('b', 1, 10), cloud('cloud', 1, 0)], {
      algorithm: 'queue_aware',
    });
    t.scrape('a', 8);
    t.scrape('b', 0, 0.95);
    expect(await t.pick()).toBe('cloud');
    expect(t.choices.at(-1)).toMatchObject({ priority: 0, spilledFrom: 10 });
    expect(t.choices.at(-1)?.reason).toMatch(/^spill: group 10 saturated; /);
    t.scrape('b', 0, 0.3);
    expect(await t.pick()).toBe('b');
    expect(t.choices.at(-1)?.spilledFrom).toBeUndefined();
  });

  it('spills past a group whose instances are rate-limited, without marking saturated ones tried', async () => {
    const t = setup([gpu('a', 1, 10), gpu('b', 1, 10), cloud('cloud', 1, 0)], {
      algorithm: 'queue_aware',
    });
    t.scrape('a', 9);
    t.scrape('b', 0);
    const tried = new Set<string>();
    const picked = await t.picker.pick({
      tried,
      isEligible: (name) => name !== 'b',
      onIneligible: (name) => tried.add(name),
      onChosen: (c) => t.choices.push(c),
    });
    expect(picked?.name).toBe('cloud');
    expect([...tried]).toEqual(['b']);
    expect(t.choices[0]?.reason).toMatch(/^spill: group 10 unavailable; /);
  });

  it('fails open when every group is saturated', async () => {
    const t = setup([gpu('a', 1, 10), gpu('b', 1, 0)], { algorithm: 'queue_aware' });
    t.scrape('a', 9);
    t.scrape('b', 9);
    expect(await t.pick()).toBe('a');
    expect(t.choices[0]?.reason).toMatch(/^all saturated: /);
  });

  it('balances by least_busy when any reading is stale or missing', async () => {
    const t = setup([gpu('a'), gpu('b')], { algorithm: 'queue_aware', stale_after_ms: 500 });
    t.scrape('a', 0, 0, t.clock.t - 501);
    t.scrape('b', 4, 0.5);
    t.busy('a', 3);
    t.busy('b', 1);
    expect(await t.pick()).toBe('b');
    expect(t.choices[0]?.reason).toBe('stale readings: least_busy');
    // a stale reading never saturates: a stale a at queue 99 still takes traffic by least_busy
    t.scrape('a', 99, 0, t.clock.t - 1000);
    t.busy('a', 0);
    expect(await t.pick()).toBe('a');
  });
});

describe('prefix affinity', () => {
  const body = (system: string) => ({
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: [{ type: 'text', text: `question ${Math.random()}` }] },
    ],
  });

  it('hashes the first characters of the prompt', () => {
    expect(promptPrefix(body('You are terse.'), 7)).toBe('You are');
    expect(promptPrefix({ input: [{ content: [{ text: 'abc' }] }, 'def'] }, 5)).toBe('abcde');
    expect(promptPrefix({ prompt: 'xyz' }, 100)).toBe('xyz');
    expect(promptPrefix(undefined, 5)).toBe('');
  });

  it('sends prompts with one prefix to one instance while it is not saturated', async () => {
    const t = setup([gpu('a'), gpu('b'), gpu('c')], {
      algorithm: 'queue_aware',
      prefix_affinity: { prefix_chars: 20 },
    });
    for (const name of ['a', 'b', 'c']) t.scrape(name, 0);
    const homes = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const b = body('You are a helpful assistant for ACME.');
      homes.add((await t.pick([], { prompt: (n) => promptPrefix(b, n) })) ?? '');
    }
    expect(homes.size).toBe(1);
    expect(t.choices[0]?.reason).toBe('prefix affinity');
    const home = [...homes][0] as string;
    t.scrape(home, 9);
    const b = body('You are a helpful assistant for ACME.');
    const moved = await t.pick([], { prompt: (n) => promptPrefix(b, n) });
    expect(moved).not.toBe(home);
    expect(t.choices.at(-1)?.reason).toMatch(/^best score/);
  });
});

describe('round robin and chash report their choice too', () => {
  it('names the algorithm and never spills on saturation', async () => {
    const t = setup([gpu('a', 1, 10), cloud('cloud', 1, 0)], { algorithm: 'roundrobin' });
    t.scrape('a', 50);
    expect(await t.pick()).toBe('a');
    expect(t.choices[0]).toMatchObject({ algorithm: 'roundrobin', reason: 'weighted round robin' });
  });
});

describe('LocalInstanceLoad', () => {
  it('counts this worker in flight and its sends', () => {
    const load = new LocalInstanceLoad();
    const before = Date.now() - 1;
    load.begin('k');
    load.begin('k');
    load.end('k');
    expect(load.inFlight('k')).toBe(1);
    expect(load.sentSince('k', before)).toBe(2);
    load.end('k');
    expect(load.inFlight('k')).toBe(0);
    expect(load.scraped()).toBeUndefined();
  });
});
