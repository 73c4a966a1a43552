import http from 'node:http';
import net from 'node:net';
import { RequestContext } from '@tollgate/core';
import type { TrafficSplitConf } from '@tollgate/schema';
import { inlineUpstreamConf, trafficSplit } from './index';
import { RoundRobin } from './picker';

function context(url = '/server_port'): RequestContext {
  const socket = new net.Socket();
  Object.defineProperty(socket, 'remoteAddress', { value: '127.0.0.1' });
  const req = new http.IncomingMessage(socket);
  req.headers = { host: 'example.com' };
  req.url = url;
  req.method = 'GET';
  const ctx = new RequestContext(req, new http.ServerResponse(req));
  ctx.route = { id: '1', matchedUri: '/server_port' };
  return ctx;
}

const upstreamA = { type: 'roundrobin', nodes: { '127.0.0.1:1981': 1 } } as never;
const upstreamB = { type: 'roundrobin', nodes: { '127.0.0.1:1982': 1 } } as never;

/** Where `n` requests to `url` go: `route`, `id:<id>` or the inline upstream's first node. */
function destinations(conf: TrafficSplitConf, url: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const ctx = context(url);
    const result = trafficSplit.access?.(conf, ctx);
    expect(result).toBeUndefined();
    const override = ctx.upstreamOverride;
    if (!override) out.push('route');
    else if ('id' in override) out.push(`id:${override.id}`);
    else out.push(Object.keys(override.conf.nodes as object)[0] ?? '?');
  }
  return out;
}

function counts(list: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of list) out[item] = (out[item] ?? 0) + 1;
  return out;
}

describe('RoundRobin (resty.roundrobin)', () => {
  it('gives every entry exactly its share of each full cycle, from any start', () => {
    for (let start = 0; start < 3; start++) {
      const rr = new RoundRobin<string>(
        [
          ['a', 1],
          ['b', 3],
          ['c', 2],
        ],
        start,
      );
      const picks = Array.from({ length: 60 }, () => rr.pick());
      expect(counts(picks)).toEqual({ a: 10, b: 30, c: 20 });
      // Each window of one cycle (6 picks) has the exact shares too.
      expect(counts(picks.slice(6, 12))).toEqual({ a: 1, b: 3, c: 2 });
    }
  });

  it('interleaves as lua-resty-balancer does (gcd steps over the current weight)', () => {
    const rr = new RoundRobin<string>(
      [
        ['a', 1],
        ['b', 3],
      ],
      1,
    );
    expect(Array.from({ length: 8 }, () => rr.pick()).join('')).toBe('babbbabb');
  });

  it('never picks a weight-0 entry beside weighted ones; all-zero entries take turns', () => {
    const rr = new RoundRobin<string>(
      [
        ['a', 0],
        ['b', 2],
      ],
      0,
    );
    expect(new Set(Array.from({ length: 10 }, () => rr.pick()))).toEqual(new Set(['b']));
    const zeros = new RoundRobin<string>(
      [
        ['a', 0],
        ['b', 0],
      ],
      1,
    );
    expect(Array.from({ length: 4 }, () => zeros.pick()).join('')).toBe('abab');
  });

  it('refuses an empty list', () => {
    expect(() => new RoundRobin([])).toThrow('empty nodes');
  });
});

describe('traffic-split access', () => {
  it('uses the route upstream without rules or when no rule matches', () => {
    expect(destinations({}, '/server_port', 3)).toEqual(['route', 'route', 'route']);
    const conf: TrafficSplitConf = {
      rules: [
        {
          match: [{ vars: [['arg_name', '==', 'jack']] }],
          weighted_upstreams: [{ upstream: upstreamA, weight: 1 }],
        },
      ],
    };
    expect(destinations(conf, '/server_port?name=rose', 2)).toEqual(['route', 'route']);
    expect(destinations(conf, '/server_port?name=jack', 2)).toEqual([
      '127.0.0.1:1981',
      '127.0.0.1:1981',
    ]);
  });

  it('splits 2:1 between a plugin upstream and the route (traffic-split.t TEST 10)', () => {
    const conf: TrafficSplitConf = {
      rules: [
        {
          match: [
            {
              vars: [
                ['arg_name', '==', 'jack'],
                ['arg_age', '!', '<', '16'],
              ],
            },
          ],
          weighted_upstreams: [{ upstream: upstreamA, weight: 2 }, { weight: 1 }],
        },
      ],
    };
    expect(destinations(conf, '/server_port?name=jack&age=14', 1)).toEqual(['route']);
    expect(counts(destinations(conf, '/server_port?name=jack&age=16', 6))).toEqual({
      '127.0.0.1:1981': 4,
      route: 2,
    });
  });

  it('takes any matching condition of a rule, and the first matching rule', () => {
    const conf: TrafficSplitConf = {
      rules: [
        {
          match: [{ vars: [['arg_id', '==', '1']] }, { vars: [['arg_x', '==', 'y']] }],
          weighted_upstreams: [{ upstream_id: 1, weight: 1 }],
        },
        {
          match: [{ vars: [['arg_id', '==', '2']] }],
          weighted_upstreams: [{ upstream_id: 'two', weight: 1 }],
        },
        { weighted_upstreams: [{ upstream: upstreamB, weight: 1 }] },
      ],
    };
    expect(destinations(conf, '/s?id=1', 1)).toEqual(['id:1']);
    expect(destinations(conf, '/s?x=y', 1)).toEqual(['id:1']);
    expect(destinations(conf, '/s?id=2', 1)).toEqual(['id:two']);
    expect(destinations(conf, '/s?id=3', 1)).toEqual(['127.0.0.1:1982']);
  });

  it('keys inline upstreams by route, rule and entry, with one conf object per entry', async () => {
    const conf: TrafficSplitConf = {
      rules: [{ weighted_upstreams: [{ upstream: upstreamA, weight: 1 }] }],
    };
    const first = context();
    const second = context();
    await trafficSplit.access?.(conf, first);
    await trafficSplit.access?.(conf, second);
    expect(first.upstreamOverride).toEqual({
      key: 'routes/1#traffic-split/0/0',
      conf: expect.any(Object) as unknown,
    });
    const a = first.upstreamOverride as { conf: object };
    const b = second.upstreamOverride as { conf: object };
    expect(a.conf).toBe(b.conf);
  });

  it('answers 500 with the error for an upstream APISIX cannot build', async () => {
    const conf: TrafficSplitConf = {
      rules: [
        {
          weighted_upstreams: [
            {
              upstream: { type: 'roundrobin', pass_host: 'rewrite', nodes: {} } as never,
              weight: 1,
            },
          ],
        },
      ],
    };
    const result = await trafficSplit.access?.(conf, context());
    expect(result).toEqual({
      status: 500,
      body: "`upstream_host` can't be empty when `pass_host` is `rewrite`",
    });
  });
});

describe('inlineUpstreamConf', () => {
  it('carries only APISIX fields and fills 15 s timeouts', () => {
    const conf = inlineUpstreamConf({
      name: 'A',
      type: 'roundrobin',
      nodes: { '127.0.0.1:1981': 1 },
      scheme: 'https',
      retries: 3,
      timeout: { connect: 1, send: 2, read: 3 },
    } as never);
    expect({ ...(conf as object) }).toEqual({
      name: 'A',
      type: 'roundrobin',
      nodes: { '127.0.0.1:1981': 1 },
      timeout: { connect: 1, send: 2, read: 3 },
    });
    const bare = inlineUpstreamConf({ type: 'roundrobin', nodes: {} } as never);
    expect((bare as { timeout: unknown }).timeout).toEqual({ connect: 15, send: 15, read: 15 });
  });
});
