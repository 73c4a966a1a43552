import type { HealthView } from '@tollgate/core';
import { hash32 } from '@tollgate/core';
import { allUnhealthy, healthTargetKey, requestHealth } from './instance-health';
import { InstancePicker, type PickRequest, type PickableInstance } from './instance-picker';

interface Inst extends PickableInstance {
  checks?: { active?: unknown };
}

const inst = (name: string, weight: number, priority = 0, checked = false): Inst => ({
  name,
  weight,
  priority,
  ...(checked ? { checks: { active: {} } } : {}),
});

const all = (): PickRequest => ({ tried: new Set(), isEligible: () => true });

async function picks(picker: InstancePicker<Inst>, count: number, req = all): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push((await picker.pick(req()))?.name ?? 'none');
  return out;
}

function tally(names: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const n of names) counts[n] = (counts[n] ?? 0) + 1;
  return counts;
}

describe('InstancePicker: single instance', () => {
  it('always returns it, asking nothing', async () => {
    const only = inst('only', 0);
    const picker = new InstancePicker([only]);
    const isEligible = jest.fn(() => false);
    expect(picker.single).toBe(true);
    expect(await picker.pick({ tried: new Set(['only']), isEligible })).toBe(only);
    expect(isEligible).not.toHaveBeenCalled();
  });
});

describe('InstancePicker: round robin', () => {
  it('weights 4:1 give exactly 8/2 over 10 picks and 4/1 in every 5', async () => {
    const picker = new InstancePicker([inst('a', 4), inst('b', 1)], { algorithm: 'roundrobin' });
    const seq = await picks(picker, 10);
    expect(tally(seq)).toEqual({ a: 8, b: 2 });
    for (let start = 0; start + 5 <= seq.length; start++) {
      expect(tally(seq.slice(start, start + 5))).toEqual({ a: 4, b: 1 });
    }
    expect(seq).toEqual(['a', 'a', 'b', 'a', 'a', 'a', 'a', 'b', 'a', 'a']);
  });

  it('keeps its state across requests (pick calls) of the same picker', async () => {
    const picker = new InstancePicker([inst('a', 1), inst('b', 1), inst('c', 1)]);
    expect(await picks(picker, 2)).toEqual(['a', 'b']);
    expect(await picks(picker, 4)).toEqual(['c', 'a', 'b', 'c']);
  });

  it('never picks weight 0 while the group has positive weights', async () => {
    const picker = new InstancePicker([inst('zero', 0), inst('a', 2), inst('b', 1)]);
    expect(tally(await picks(picker, 30))).toEqual({ a: 20, b: 10 });
    // Even when the weighted members are tried: the group is exhausted, not the zero one picked.
    expect(
      await picker.pick({ tried: new Set(['a', 'b']), isEligible: () => true }),
    ).toBeUndefined();
  });

  it('rotates an all-zero group plainly', async () => {
    const picker = new InstancePicker([inst('a', 0), inst('b', 0), inst('c', 0)]);
    expect(await picks(picker, 6)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('uses weight 0 instances in their own priority groups (docs pattern)', async () => {
    const picker = new InstancePicker([inst('primary', 0, 1), inst('backup', 0, 0)]);
    expect(await picks(picker, 3)).toEqual(['primary', 'primary', 'primary']);
    expect((await picker.pick({ tried: new Set(['primary']), isEligible: () => true }))?.name).toBe(
      'backup',
    );
  });

  it('skips tried instances and returns undefined when all are tried', async () => {
    const picker = new InstancePicker([inst('a', 1), inst('b', 1), inst('c', 1)]);
    const tried = new Set(['a', 'c']);
    expect(await picks(picker, 3, () => ({ tried, isEligible: () => true }))).toEqual([
      'b',
      'b',
      'b',
    ]);
    expect(
      await picker.pick({ tried: new Set(['a', 'b', 'c']), isEligible: () => true }),
    ).toBeUndefined();
  });
});

describe('InstancePicker: priority groups', () => {
  const config = (): Inst[] => [
    inst('low', 1, -5),
    inst('high-1', 1, 10),
    inst('high-2', 1, 10),
    inst('mid', 1, 5),
  ];

  it('serves only the highest group while it has eligible instances', async () => {
    const picker = new InstancePicker(config());
    expect(tally(await picks(picker, 10))).toEqual({ 'high-1': 5, 'high-2': 5 });
  });

  it('falls to the next group within a request only when the group is exhausted', async () => {
    const picker = new InstancePicker(config());
    const tried = new Set<string>();
    const order: string[] = [];
    for (;;) {
      const next = await picker.pick({ tried, isEligible: () => true });
      if (!next) break;
      order.push(next.name);
      tried.add(next.name);
    }
    expect(order.slice(0, 2).sort()).toEqual(['high-1', 'high-2']);
    expect(order.slice(2)).toEqual(['mid', 'low']);
  });

  it('walks on past ineligible instances, telling the caller, and drops a group', async () => {
    const picker = new InstancePicker(config());
    const skipped: string[] = [];
    const down = new Set(['high-1', 'high-2']);
    const picked = await picker.pick({
      tried: new Set(),
      isEligible: (name) => Promise.resolve(!down.has(name)),
      onIneligible: (name) => skipped.push(name),
    });
    expect(picked?.name).toBe('mid');
    expect(skipped.sort()).toEqual(['high-1', 'high-2']);
  });

  it('recovers the higher group as soon as it is eligible again', async () => {
    const picker = new InstancePicker(config());
    let highDown = true;
    const req = (): PickRequest => ({
      tried: new Set(),
      isEligible: (name) => !(highDown && name.startsWith('high')),
    });
    expect((await picker.pick(req()))?.name).toBe('mid');
    highDown = false;
    expect((await picker.pick(req()))?.name).toMatch(/^high-/);
  });

  it('returns undefined when nothing is eligible anywhere', async () => {
    const picker = new InstancePicker(config());
    const isEligible = jest.fn(() => false);
    expect(await picker.pick({ tried: new Set(), isEligible })).toBeUndefined();
    expect(isEligible).toHaveBeenCalledTimes(4);
  });
});

describe('InstancePicker: chash', () => {
  const chash = { algorithm: 'chash' as const };

  it('maps a key to the same instance every time', async () => {
    const picker = new InstancePicker([inst('a', 1), inst('b', 1), inst('c', 1)], chash);
    for (const key of ['alice', 'bob', '10.0.0.7', '']) {
      const first = await picker.pick({ ...all(), hashKey: () => key });
      for (let i = 0; i < 5; i++) {
        expect(await picker.pick({ ...all(), hashKey: () => key })).toBe(first);
      }
    }
  });

  it('spreads keys roughly by weight (4:1 → about 8/2)', async () => {
    const picker = new InstancePicker([inst('a', 4), inst('b', 1)], chash);
    const names: string[] = [];
    for (let i = 0; i < 5000; i++) {
      names.push((await picker.pick({ ...all(), hashKey: () => `user-${i}` }))?.name ?? 'none');
    }
    const share = (tally(names).a ?? 0) / names.length;
    expect(share).toBeGreaterThan(0.7);
    expect(share).toBeLessThan(0.9);
  });

  it('walks on along the ring past tried or ineligible instances, stably', async () => {
    const picker = new InstancePicker([inst('a', 1), inst('b', 1), inst('c', 1)], chash);
    const key = () => 'sticky-user';
    const first = (await picker.pick({ ...all(), hashKey: key }))?.name as string;
    const second = (
      await picker.pick({ tried: new Set([first]), isEligible: () => true, hashKey: key })
    )?.name as string;
    expect(second).not.toBe(first);
    const viaIneligible = await picker.pick({
      tried: new Set(),
      isEligible: (name) => name !== first,
      hashKey: key,
    });
    expect(viaIneligible?.name).toBe(second);
    expect(
      await picker.pick({ tried: new Set(['a', 'b', 'c']), isEligible: () => true, hashKey: key }),
    ).toBeUndefined();
  });

  it('reads the hash key at most once per pick, and only for chash', async () => {
    const key = jest.fn(() => 'k');
    const ring = new InstancePicker([inst('a', 1), inst('b', 1)], chash);
    await ring.pick({ tried: new Set(), isEligible: () => false, hashKey: key });
    expect(key).toHaveBeenCalledTimes(1);
    key.mockClear();
    await new InstancePicker([inst('a', 1), inst('b', 1)]).pick({ ...all(), hashKey: key });
    expect(key).not.toHaveBeenCalled();
  });

  it('never maps to weight 0 while others have weight', async () => {
    const picker = new InstancePicker([inst('a', 1), inst('zero', 0)], chash);
    for (let i = 0; i < 200; i++) {
      expect((await picker.pick({ ...all(), hashKey: () => `k${i}` }))?.name).toBe('a');
    }
  });

  it('hashes with good spread', () => {
    const buckets = new Array<number>(8).fill(0);
    for (let i = 0; i < 8000; i++) {
      const b = hash32(`k${i}`) % 8;
      buckets[b] = (buckets[b] ?? 0) + 1;
    }
    for (const n of buckets) expect(n).toBeGreaterThan(800);
  });
});

describe('requestHealth', () => {
  const view = (down: string[]): HealthView => ({
    isHealthy: (key) => !down.includes(key),
    onChange: () => undefined,
  });
  const key = (name: string) => healthTargetKey('routes/1', 'ai-proxy-multi', name);
  const instances = [inst('a', 1, 0, true), inst('b', 1, 0, true), inst('plain', 1)];

  it('builds target keys from owner, plugin and instance', () => {
    expect(key('a')).toBe('routes/1#ai-proxy-multi#a');
  });

  it('consults active health only for instances with checks.active', () => {
    const health = requestHealth(instances, {
      owner: 'routes/1',
      active: view([key('a'), key('plain')]),
    });
    expect(health.isHealthy('a')).toBe(false);
    expect(health.isHealthy('b')).toBe(true);
    expect(health.isHealthy('plain')).toBe(true);
    expect(health.ignored).toBe(false);
  });

  it('consults passive health for every instance', () => {
    const health = requestHealth(instances, {
      owner: 'routes/1',
      active: view([]),
      passive: { isOpen: (k) => k === key('plain') },
    });
    expect(health.isHealthy('plain')).toBe(false);
    expect(health.unhealthy).toEqual(['plain']);
  });

  it('ignores health when every instance is unhealthy', async () => {
    const health = requestHealth(instances, {
      owner: 'routes/1',
      active: view([key('a'), key('b')]),
      passive: { isOpen: (k) => k === key('plain') },
    });
    expect(health.ignored).toBe(true);
    expect([...health.unhealthy].sort()).toEqual(['a', 'b', 'plain']);
    const picker = new InstancePicker(instances);
    const picked = await picker.pick({ tried: new Set(), isEligible: (n) => health.isHealthy(n) });
    expect(picked).toBeDefined();
  });

  it('never marks a one-instance config unhealthy', () => {
    const health = requestHealth([inst('a', 1, 0, true)], {
      owner: 'routes/1',
      active: view([key('a')]),
    });
    expect(health.isHealthy('a')).toBe(true);
  });

  it('allUnhealthy needs at least one name', () => {
    expect(allUnhealthy([], () => false)).toBe(false);
    expect(allUnhealthy(['x'], () => false)).toBe(true);
    expect(allUnhealthy(['x', 'y'], (n) => n === 'y')).toBe(false);
  });
});

describe('synchronous verdicts (issue 14)', () => {
  const groups = () =>
    new InstancePicker<Inst>([inst('a', 1, 1), inst('b', 1, 1), inst('c', 1, 0)]);

  it('answers without a promise while every verdict is a boolean, spilling as usual', () => {
    const picker = groups();
    const ineligible: string[] = [];
    const picked = picker.pick({
      tried: new Set(),
      isEligible: (name) => name === 'c',
      onIneligible: (name) => ineligible.push(name),
    });
    expect(picked).not.toBeInstanceOf(Promise);
    expect((picked as Inst | undefined)?.name).toBe('c');
    expect(ineligible.sort()).toEqual(['a', 'b']);
    expect(picker.pick({ tried: new Set(), isEligible: () => false })).toBeUndefined();
  });

  it('goes on through promises from the first verdict that is one, in the same order', async () => {
    const asked: string[] = [];
    const verdicts = new Map<string, boolean | Promise<boolean>>([
      ['a', false],
      ['b', Promise.resolve(false)],
      ['c', Promise.resolve(true)],
    ]);
    const req: PickRequest = {
      tried: new Set(),
      isEligible: (name) => {
        asked.push(name);
        return verdicts.get(name) ?? false;
      },
    };
    const picked = groups().pick(req);
    expect(picked).toBeInstanceOf(Promise);
    expect((await picked)?.name).toBe('c');
    expect(asked).toHaveLength(3);
    expect(asked[2]).toBe('c');
  });
});
