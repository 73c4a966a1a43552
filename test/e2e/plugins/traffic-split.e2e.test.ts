/**
 * traffic-split through a real `tollgate start` on the suite's etcd, configured through the
 * Admin API: APISIX's t/plugin/traffic-split.t and traffic-split2.t cases that define behaviour
 * (schema accept/refuse, the route's upstream without rules, `vars` matches with `!AND`, `~~`
 * and `in`, weighted shares between plugin upstreams and the route's, inline upstreams with
 * several nodes and no route upstream, pass_host `pass`/`rewrite`, chash on a header, several
 * rules, `upstream_id`), plus a 1:3:2 weighted split counted exactly, an `upstream_id` that does
 * not exist (502), and a route written into etcd as an APISIX control plane writes it.
 */
import { startEchoServer, waitFor, type Echo, type EchoServer } from '@tollgate/testkit';
import { startAccessNode, type AccessNode, type Reply } from './support/access-node';

jest.setTimeout(120_000);

let node: AccessNode;
/** The route's upstream ("1980") and two plugin upstreams ("1981", "1982"), as in APISIX's tests. */
let servers: Record<'1980' | '1981' | '1982', EchoServer>;
let routeSeq = 0;

beforeAll(async () => {
  servers = {
    '1980': await startEchoServer('1980'),
    '1981': await startEchoServer('1981'),
    '1982': await startEchoServer('1982'),
  };
  node = await startAccessNode('traffic-split');
});

afterAll(async () => {
  await node?.close();
  for (const server of Object.values(servers ?? {})) await server.close();
});

const addr = (name: keyof typeof servers) => `127.0.0.1:${servers[name].port}`;
const nodesOf = (name: keyof typeof servers, weight = 1) => ({ [addr(name)]: weight });
const routeUpstream = () => ({ type: 'roundrobin', nodes: nodesOf('1980') });

/** PUT a fresh route with `conf` (and the 1980 upstream unless `upstream` is null); its URI. */
async function splitRoute(
  conf: unknown,
  upstream: Record<string, unknown> | null = routeUpstream(),
): Promise<string> {
  const id = `ts${++routeSeq}`;
  const uri = `/server_port/${id}`;
  await node.putRoute(id, {
    uri,
    plugins: { 'traffic-split': conf },
    ...(upstream ? { upstream } : {}),
  });
  return uri;
}

function served(reply: Reply): string {
  expect(reply.status).toBe(200);
  return (JSON.parse(reply.body) as Echo).upstream;
}

/** Which upstream answered each of `n` requests, sorted as APISIX's tests print them. */
async function hits(uri: string, n: number, headers: Record<string, string> = {}) {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(served(await node.request(uri, { headers })));
  return out.sort().join(', ');
}

function putConf(conf: unknown) {
  return node.admin.put('/apisix/admin/routes/schema', {
    uri: '/schema',
    plugins: { 'traffic-split': conf },
    upstream: routeUpstream(),
  });
}

const upstreamA = () => ({
  name: 'upstream_A',
  type: 'roundrobin',
  nodes: nodesOf('1981', 2),
  timeout: { connect: 15, send: 15, read: 15 },
});

describe('traffic-split (APISIX t/plugin/traffic-split*.t)', () => {
  it('schema: accepts APISIX configurations (traffic-split.t TEST 1, 2, 4, 6)', async () => {
    for (const ok of [
      {
        rules: [
          {
            match: [
              {
                vars: [
                  ['arg_name', '==', 'jack'],
                  ['arg_age', '!', '<', '16'],
                ],
              },
              {
                vars: [
                  ['arg_name', '==', 'rose'],
                  ['arg_age', '!', '>', '32'],
                ],
              },
            ],
            weighted_upstreams: [
              { upstream: upstreamA(), weight: 2 },
              { upstream: { ...upstreamA(), name: 'upstream_B' }, weight: 2 },
              { weight: 1 },
            ],
          },
        ],
      },
      { rules: [{ weighted_upstreams: [{ upstream: upstreamA(), weight: 2 }, { weight: 1 }] }] },
      {},
      { rules: [{ weighted_upstreams: [{}] }] },
      { rules: [{ weighted_upstreams: [{ upstream_id: 1 }, { upstream_id: 'a-b', weight: 0 }] }] },
    ]) {
      const res = await putConf(ok);
      expect([res.status < 300, ok, res.text]).toEqual([true, ok, expect.any(String)]);
    }
  });

  it('schema: refuses a vars operator that is not one (traffic-split.t TEST 3)', async () => {
    const res = await putConf({
      rules: [
        {
          match: [{ vars: [['arg_name', 123, 'jack']] }],
          weighted_upstreams: [{ upstream: upstreamA(), weight: 2 }, { weight: 1 }],
        },
      ],
    });
    expect(res.status).toBe(400);
    expect((res.json as { error_msg: string }).error_msg).toBe(
      "failed to check the configuration of plugin traffic-split err: failed to validate the 'vars' expression: invalid operator '123'",
    );
  });

  it('schema: refuses what APISIX refuses', async () => {
    const many = Array.from({ length: 21 }, () => ({ weight: 1 }));
    for (const bad of [
      { rules: [{ weighted_upstreams: [{ weight: -1 }] }] },
      { rules: [{ weighted_upstreams: [{ weight: 1.5 }] }] },
      { rules: [{ weighted_upstreams: [] }] },
      { rules: [{ weighted_upstreams: many }] },
      { rules: [{ weighted_upstreams: [{ weight: 1 }], extra: true }] },
      { rules: [{ match: [{ vars: 'arg_name' }] }] },
      { rules: {} },
      { unknown: 1 },
      { rules: [{ weighted_upstreams: [{ upstream: { type: 'roundrobin' } }] }] },
      { rules: [{ weighted_upstreams: [{ upstream_id: '' }] }] },
    ]) {
      const res = await putConf(bad);
      expect([res.status, bad]).toEqual([400, bad]);
      expect((res.json as { error_msg: string }).error_msg).toMatch(
        /^failed to check the configuration of plugin traffic-split err: /,
      );
    }
  });

  it('without rules, or with weighted_upstreams [{}], the route upstream serves (TEST 4-7)', async () => {
    const bare = await splitRoute({});
    expect(await hits(bare, 6)).toBe('1980, 1980, 1980, 1980, 1980, 1980');
    const empty = await splitRoute({ rules: [{ weighted_upstreams: [{}] }] });
    expect(await hits(empty, 6)).toBe('1980, 1980, 1980, 1980, 1980, 1980');
  });

  it('one vars rule: a miss goes to the route, a hit splits 2:1 (TEST 8-10)', async () => {
    const uri = await splitRoute({
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
          weighted_upstreams: [{ upstream: upstreamA(), weight: 2 }, { weight: 1 }],
        },
      ],
    });
    expect(await hits(`${uri}?name=jack&age=14`, 1)).toBe('1980');
    expect(await hits(`${uri}?name=jack&age=16`, 6)).toBe('1980, 1980, 1981, 1981, 1981, 1981');
  });

  const twoConditions = [
    {
      vars: [
        ['arg_name', '==', 'jack'],
        ['arg_age', '~~', '^[1-9]{1,2}'],
      ],
    },
    {
      vars: [
        ['arg_name2', 'in', ['jack', 'rose']],
        ['arg_age2', '!', '<', 18],
      ],
    },
  ];

  it('several conditions and upstreams, 2:2:1 with the route (TEST 11-13)', async () => {
    const uri = await splitRoute({
      rules: [
        {
          match: twoConditions,
          weighted_upstreams: [
            {
              upstream: { name: 'upstream_A', type: 'roundrobin', nodes: nodesOf('1981', 20) },
              weight: 2,
            },
            {
              upstream: { name: 'upstream_B', type: 'roundrobin', nodes: nodesOf('1982', 10) },
              weight: 2,
            },
            { weight: 1 },
          ],
        },
      ],
    });
    expect(await hits(`${uri}?name=jack&age=0`, 1)).toBe('1980');
    expect(await hits(`${uri}?name=jack&age=22`, 5)).toBe('1980, 1981, 1981, 1982, 1982');
    expect(await hits(`${uri}?name2=rose&age2=18`, 5)).toBe('1980, 1981, 1981, 1982, 1982');
  });

  it('no share for the route: 1:1 between plugin upstreams (TEST 14-15)', async () => {
    const uri = await splitRoute({
      rules: [
        {
          match: twoConditions,
          weighted_upstreams: [
            {
              upstream: { name: 'upstream_A', type: 'roundrobin', nodes: nodesOf('1981', 20) },
              weight: 2,
            },
            {
              upstream: { name: 'upstream_B', type: 'roundrobin', nodes: nodesOf('1982', 10) },
              weight: 2,
            },
          ],
        },
      ],
    });
    expect(await hits(`${uri}?name=jack&age=22`, 6)).toBe('1981, 1981, 1981, 1982, 1982, 1982');
  });

  it('an inline upstream of several nodes on a route without upstream (TEST 16-17)', async () => {
    const uri = await splitRoute(
      {
        rules: [
          {
            match: [
              {
                vars: [
                  ['arg_name', '==', 'jack'],
                  ['arg_age', '~~', '^[1-9]{1,2}'],
                ],
              },
            ],
            weighted_upstreams: [
              {
                upstream: {
                  name: 'upstream_A',
                  type: 'roundrobin',
                  nodes: { ...nodesOf('1980', 1), ...nodesOf('1981', 2), ...nodesOf('1982', 2) },
                  timeout: { connect: 15, send: 15, read: 15 },
                },
                weight: 1,
              },
            ],
          },
        ],
      },
      null,
    );
    expect(await hits(`${uri}?name=jack&age=22`, 5)).toBe('1980, 1981, 1981, 1982, 1982');
    // No rule matched and no route upstream: APISIX's 503.
    const miss = await node.request(`${uri}?name=rose`);
    expect(miss.status).toBe(503);
  });

  it('grayscale release without match: 2/3 to the plugin upstream (TEST 20-21)', async () => {
    const uri = await splitRoute({
      rules: [
        {
          weighted_upstreams: [
            {
              upstream: { name: 'upstream_A', type: 'roundrobin', nodes: nodesOf('1981') },
              weight: 2,
            },
            { weight: 1 },
          ],
        },
      ],
    });
    expect(await hits(uri, 6)).toBe('1980, 1980, 1981, 1981, 1981, 1981');
  });

  it('a !AND vars rule: hit and miss (traffic-split2.t TEST 1-3)', async () => {
    const uri = await splitRoute({
      rules: [
        {
          match: [{ vars: [['!AND', ['arg_name', '==', 'jack'], ['arg_age', '!', '<', '18']]] }],
          weighted_upstreams: [
            {
              upstream: { name: 'upstream_A', type: 'roundrobin', nodes: nodesOf('1981') },
              weight: 1,
            },
          ],
        },
      ],
    });
    expect(await hits(`${uri}?name=jack&age=17`, 1)).toBe('1981');
    expect(await hits(`${uri}?name=jack&age=18`, 1)).toBe('1980');
  });

  it('pass_host pass and rewrite of the plugin upstream (traffic-split2.t TEST 4-7)', async () => {
    const rule = (upstream: Record<string, unknown>) => ({
      rules: [
        {
          match: [{ vars: [['arg_name', '==', 'jack']] }],
          weighted_upstreams: [
            { upstream: { type: 'roundrobin', nodes: nodesOf('1981'), ...upstream } },
          ],
        },
      ],
    });
    const pass = await splitRoute(rule({ pass_host: 'pass' }));
    const passed = await node.request(`${pass}?name=jack`, { headers: { host: '127.0.0.1' } });
    const passEcho = JSON.parse(passed.body) as Echo;
    expect([passEcho.upstream, passEcho.url, passEcho.headers.host]).toEqual([
      '1981',
      `${pass}?name=jack`,
      '127.0.0.1',
    ]);
    expect(passEcho.headers['x-real-ip']).toBe('127.0.0.1');
    const rewrite = await splitRoute(rule({ pass_host: 'rewrite', upstream_host: 'test.com' }));
    const rewritten = JSON.parse((await node.request(`${rewrite}?name=jack`)).body) as Echo;
    expect([rewritten.upstream, rewritten.headers.host]).toEqual(['1981', 'test.com']);
  });

  it('chash on a header: each key sticks to one node (traffic-split2.t TEST 10-11)', async () => {
    const uri = await splitRoute({
      rules: [
        {
          weighted_upstreams: [
            {
              upstream: {
                name: 'chash_test',
                type: 'chash',
                hash_on: 'header',
                key: 'custom_header',
                nodes: { ...nodesOf('1981'), ...nodesOf('1982') },
              },
              weight: 1,
            },
          ],
        },
      ],
    });
    for (const key of ['hello', 'world']) {
      const seen = new Set(
        (await hits(uri, 4, { custom_header: key })).split(', ').filter((s) => s !== ''),
      );
      expect(seen.size).toBe(1);
      expect(['1981', '1982']).toContain([...seen][0]);
    }
  });

  it('several rules, each its own upstream (traffic-split2.t TEST 12-13)', async () => {
    const rule = (id: string, name: keyof typeof servers, routeShare: boolean) => ({
      match: [{ vars: [['arg_id', '==', id]] }],
      weighted_upstreams: [
        { upstream: { type: 'roundrobin', nodes: nodesOf(name) }, weight: 1 },
        ...(routeShare ? [{ weight: 1 }] : []),
      ],
    });
    const uri = await splitRoute({ rules: [rule('1', '1981', false), rule('2', '1982', false)] });
    const order: string[] = [];
    for (let i = 0; i < 3; i++) {
      for (const q of ['', '?id=1', '?id=2']) order.push(served(await node.request(`${uri}${q}`)));
    }
    expect(order.join(', ')).toBe('1980, 1981, 1982, 1980, 1981, 1982, 1980, 1981, 1982');

    // traffic-split2.t TEST 14-15: each rule shares 1:1 with the route.
    const shared = await splitRoute({ rules: [rule('1', '1981', true), rule('2', '1982', true)] });
    const all: string[] = [];
    for (let i = 0; i < 4; i++) {
      all.push(served(await node.request(`${shared}?id=1`)));
      all.push(served(await node.request(`${shared}?id=2`)));
    }
    expect(all.sort().join(', ')).toBe('1980, 1980, 1980, 1980, 1981, 1981, 1982, 1982');
  });

  it('upstream_id picks upstream objects (traffic-split2.t TEST 16-17); a missing one is 502', async () => {
    for (const [id, name] of [
      ['1', '1981'],
      ['2', '1982'],
    ] as const) {
      const res = await node.admin.put(`/apisix/admin/upstreams/${id}`, {
        type: 'roundrobin',
        nodes: nodesOf(name),
        desc: `new upstream ${id}`,
      });
      expect(res.status).toBeLessThan(300);
    }
    const uri = await splitRoute({
      rules: [
        {
          match: [{ vars: [['arg_id', '==', '1']] }],
          weighted_upstreams: [{ upstream_id: 1, weight: 1 }],
        },
        {
          match: [{ vars: [['arg_id', '==', '2']] }],
          weighted_upstreams: [{ upstream_id: 2, weight: 1 }],
        },
        {
          match: [{ vars: [['arg_id', '==', '9']] }],
          weighted_upstreams: [{ upstream_id: 'nope' }],
        },
      ],
    });
    const order: string[] = [];
    for (let i = 0; i < 3; i++) {
      for (const q of ['', '?id=1', '?id=2']) order.push(served(await node.request(`${uri}${q}`)));
    }
    expect(order.join(', ')).toBe('1980, 1981, 1982, 1980, 1981, 1982, 1980, 1981, 1982');
    const missing = await node.request(`${uri}?id=9`);
    expect(missing.status).toBe(502);
    expect(missing.body).toContain('502 Bad Gateway');
  });

  it('weights 1:3 with the route at 2: exact shares over 10 cycles', async () => {
    const uri = await splitRoute({
      rules: [
        {
          weighted_upstreams: [
            { upstream: { type: 'roundrobin', nodes: nodesOf('1981') }, weight: 1 },
            { upstream: { type: 'roundrobin', nodes: nodesOf('1982') }, weight: 3 },
            { weight: 2 },
          ],
        },
      ],
    });
    const counts: Record<string, number> = { '1980': 0, '1981': 0, '1982': 0 };
    for (let i = 0; i < 60; i++) {
      const name = served(await node.request(uri));
      counts[name] = (counts[name] ?? 0) + 1;
    }
    expect(counts).toEqual({ '1980': 20, '1981': 10, '1982': 30 });
  });
});

describe('an APISIX-written traffic-split route on a Tollgate data plane', () => {
  it('is loaded and splits as configured', async () => {
    const NOW = 1_700_000_000;
    await node.putEtcd('routes/apisix-ts', {
      id: 'apisix-ts',
      uri: '/mixed/traffic-split',
      plugins: {
        'traffic-split': {
          rules: [
            {
              match: [{ vars: [['http_x_canary', '==', '1']] }],
              weighted_upstreams: [
                {
                  upstream: {
                    type: 'roundrobin',
                    nodes: [{ host: '127.0.0.1', port: servers['1981'].port, weight: 1 }],
                    hash_on: 'vars',
                    scheme: 'http',
                    pass_host: 'pass',
                  },
                  weight: 1,
                },
              ],
            },
          ],
        },
      },
      upstream: {
        type: 'roundrobin',
        nodes: nodesOf('1980'),
        hash_on: 'vars',
        scheme: 'http',
        pass_host: 'pass',
      },
      status: 1,
      priority: 0,
      create_time: NOW,
      update_time: NOW,
    });
    await waitFor('the APISIX-written route', async () => {
      const reply = await node.request('/mixed/traffic-split');
      return reply.status === 200;
    });
    expect(
      served(await node.request('/mixed/traffic-split', { headers: { 'x-canary': '1' } })),
    ).toBe('1981');
    expect(served(await node.request('/mixed/traffic-split'))).toBe('1980');
  });
});
