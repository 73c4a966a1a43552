import type { ServerResponse } from 'node:http';
import {
  echo,
  type Front,
  refusedPort,
  send,
  startFront,
  startUpstream,
  type TestUpstream,
  waitFor,
} from './harness';

async function served(
  front: Front,
  count: number,
  headers: Record<string, string> = {},
  path = '/',
): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const reply = await send(front.port, { headers, path });
    expect(reply.status).toBe(200);
    names.push(String(reply.headers['x-upstream']));
  }
  return names;
}

const tally = (names: string[]): Record<string, number> =>
  names.reduce<Record<string, number>>((acc, n) => ({ ...acc, [n]: (acc[n] ?? 0) + 1 }), {});

describe('UpstreamProxy balancing', () => {
  let a: TestUpstream;
  let b: TestUpstream;
  let c: TestUpstream;
  let front: Front;
  let keys = 0;

  beforeAll(async () => {
    [a, b, c] = await Promise.all([startUpstream('a'), startUpstream('b'), startUpstream('c')]);
    front = await startFront({});
  });
  afterAll(async () => {
    await front.close();
    await Promise.all([a.close(), b.close(), c.close()]);
  });
  /** A fresh key per test, so balancer state starts clean. */
  const use = (upstream: Record<string, unknown>): void => {
    front.upstream = upstream;
    front.key = `upstreams/balancing-${++keys}`;
  };

  it('roundrobin 4:1 gives exactly four and one in every five picks', async () => {
    use({ type: 'roundrobin', nodes: { [a.addr]: 4, [b.addr]: 1 } });
    const names = await served(front, 10);
    expect(tally(names)).toEqual({ a: 8, b: 2 });
    expect(tally(names.slice(0, 5))).toEqual({ a: 4, b: 1 });
    expect(tally(names.slice(5))).toEqual({ a: 4, b: 1 });
  });

  it('never picks a weight-0 node unless every node has weight 0', async () => {
    use({ nodes: { [a.addr]: 1, [b.addr]: 0 } });
    expect(tally(await served(front, 6))).toEqual({ a: 6 });
    use({ nodes: { [a.addr]: 0, [b.addr]: 0 } });
    expect(tally(await served(front, 6))).toEqual({ a: 3, b: 3 });
  });

  it('uses a lower priority group only when the higher one failed', async () => {
    use({
      nodes: [
        { host: '127.0.0.1', port: a.port, weight: 1, priority: 10 },
        { host: '127.0.0.1', port: b.port, weight: 100, priority: 0 },
      ],
    });
    expect(tally(await served(front, 4))).toEqual({ a: 4 });

    const dead = await refusedPort();
    use({
      nodes: [
        { host: '127.0.0.1', port: dead, weight: 1, priority: 10 },
        { host: '127.0.0.1', port: b.port, weight: 1, priority: 0 },
      ],
    });
    expect(tally(await served(front, 3))).toEqual({ b: 3 });
  });

  it('chash sends a key to the same node and spreads keys over nodes', async () => {
    use({
      type: 'chash',
      hash_on: 'header',
      key: 'x-user',
      nodes: { [a.addr]: 1, [b.addr]: 1, [c.addr]: 1 },
    });
    const first = await served(front, 1, { 'x-user': 'alice' });
    expect(await served(front, 5, { 'x-user': 'alice' })).toEqual(Array(5).fill(first[0]));

    const owners = new Set<string>();
    for (let i = 0; i < 60; i++)
      owners.add((await served(front, 1, { 'x-user': `user-${i}` }))[0] as string);
    expect(owners).toEqual(new Set(['a', 'b', 'c']));

    use({
      type: 'chash',
      hash_on: 'vars_combinations',
      key: '$arg_a-$arg_b',
      nodes: { [a.addr]: 1, [b.addr]: 1, [c.addr]: 1 },
    });
    const combo = await served(front, 1, {}, '/?a=1&b=2');
    expect(await served(front, 3, {}, '/?b=2&a=1&z=9')).toEqual(Array(3).fill(combo[0]));

    // No value for the key: every request hashes on remote_addr, so all land on one node.
    use({
      type: 'chash',
      hash_on: 'vars',
      key: 'arg_missing',
      nodes: { [a.addr]: 1, [b.addr]: 1, [c.addr]: 1 },
    });
    expect(new Set(await served(front, 4)).size).toBe(1);
  });

  it('least_conn prefers the node with fewer requests in flight', async () => {
    use({ type: 'least_conn', nodes: { [a.addr]: 1, [b.addr]: 1 } });
    const held: ServerResponse[] = [];
    a.handler = (_req, res) => held.push(res);
    try {
      const slow = send(front.port);
      await waitFor(() => held.length === 1, 2000, 'request held on a');
      expect(tally(await served(front, 2))).toEqual({ b: 2 });
      a.handler = echo('a');
      (held[0] as ServerResponse).writeHead(200, { 'x-upstream': 'a' }).end();
      expect((await slow).headers['x-upstream']).toBe('a');
      // Nothing in flight: ties go to the first node.
      expect(tally(await served(front, 2))).toEqual({ a: 2 });
    } finally {
      a.handler = echo('a');
    }
  });

  it('serves ewma with the least_conn picker', async () => {
    use({ type: 'ewma', nodes: { [a.addr]: 1, [b.addr]: 1 } });
    expect(tally(await served(front, 2))).toEqual({ a: 2 });
  });
});
