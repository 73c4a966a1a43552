import { normaliseUpstream, type UpstreamNode } from '../upstream-conf';
import { Balancer, type PickInput } from '.';
import { hash32 } from '@tollgate/core';

function input(tried: UpstreamNode[] = [], key = 'k'): PickInput {
  return { tried: new Set(tried), hashKey: () => key };
}

function picks(balancer: Balancer, count: number): string[] {
  return Array.from({ length: count }, () => balancer.pick(input())?.addr ?? 'none');
}

describe('Balancer', () => {
  it('interleaves smooth weighted round robin (4:1 → a a b a a)', () => {
    const conf = normaliseUpstream({ nodes: { 'a:1': 4, 'b:1': 1 } });
    expect(picks(new Balancer(conf.nodes, 'roundrobin'), 10)).toEqual([
      ...['a:1', 'a:1', 'b:1', 'a:1', 'a:1'],
      ...['a:1', 'a:1', 'b:1', 'a:1', 'a:1'],
    ]);
  });

  it('skips tried nodes and moves to the lower priority group', () => {
    const conf = normaliseUpstream({
      nodes: [
        { host: 'h1', port: 1, weight: 1, priority: 2 },
        { host: 'h2', port: 1, weight: 1, priority: 2 },
        { host: 'l', port: 1, weight: 1, priority: -1 },
      ],
    });
    const [h1, h2, low] = conf.nodes as [UpstreamNode, UpstreamNode, UpstreamNode];
    const balancer = new Balancer(conf.nodes, 'roundrobin');
    expect(balancer.pick(input([h1]))).toBe(h2);
    expect(balancer.pick(input([h1, h2]))).toBe(low);
    expect(balancer.pick(input([h1, h2, low]))).toBeUndefined();
  });

  it('keeps one node for every retry of a single-node upstream', () => {
    const conf = normaliseUpstream({ nodes: { 'only:1': 0 } });
    const only = conf.nodes[0] as UpstreamNode;
    expect(new Balancer(conf.nodes, 'chash').pick(input([only]))).toBe(only);
    expect(conf.retries).toBe(0);
  });

  it('chash walks the ring to an untried node on retry and keeps weights', () => {
    const conf = normaliseUpstream({ nodes: { 'a:1': 3, 'b:1': 1, 'c:1': 0 } });
    const balancer = new Balancer(conf.nodes, 'chash');
    const counts: Record<string, number> = {};
    for (let i = 0; i < 4000; i++) {
      const addr = balancer.pick(input([], `key-${i}`))?.addr ?? 'none';
      counts[addr] = (counts[addr] ?? 0) + 1;
    }
    expect(counts['c:1']).toBeUndefined();
    expect((counts['a:1'] ?? 0) / 4000).toBeGreaterThan(0.65);
    expect((counts['a:1'] ?? 0) / 4000).toBeLessThan(0.85);
    const first = balancer.pick(input([], 'sticky')) as UpstreamNode;
    const second = balancer.pick(input([first], 'sticky')) as UpstreamNode;
    expect(second).not.toBe(first);
    expect(second.addr).not.toBe('c:1');
  });

  it('least_conn scores in-flight requests by weight', () => {
    const conf = normaliseUpstream({ nodes: { 'a:1': 2, 'b:1': 1 } });
    const [a, b] = conf.nodes as [UpstreamNode, UpstreamNode];
    const balancer = new Balancer(conf.nodes, 'least_conn');
    const release = [balancer.acquire(a)];
    // (1 + 1) / 2 ties with (0 + 1) / 1: the first node wins ties.
    expect(balancer.pick(input())).toBe(a);
    release.push(balancer.acquire(a));
    expect(balancer.pick(input())).toBe(b);
    for (const done of release) done();
    expect(balancer.pick(input())).toBe(a);
  });

  it('hashes with good spread', () => {
    const buckets = new Array<number>(8).fill(0);
    for (let i = 0; i < 8000; i++)
      buckets[hash32(`k${i}`) % 8] = (buckets[hash32(`k${i}`) % 8] ?? 0) + 1;
    for (const n of buckets) expect(n).toBeGreaterThan(800);
  });
});
