/**
 * Issue 9 item 8: `apisix.disable_upstream_healthcheck: true` turns every health check of a node
 * off, as APISIX's `create_checker` then creates no checker: no active probe leaves the node, no
 * instance is rested by passive health, and weights alone decide (APISIX
 * ai-proxy-multi.balancer.t TEST 19: 5/5 where the checks would send 10/0).
 *
 * Two real `tollgate start` nodes (Admin API and gateway, one worker each) on the suite's etcd,
 * each under its own prefix with its own mock LLMs: `off` has the key set, `on` does not. `on`
 * runs the same config alongside, so the time its probes take to arrive is the window in which
 * `off` probed nothing.
 */
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import {
  AdminClient,
  freePort,
  httpRequest,
  startTollgate,
  testEtcdEndpoint,
  uniquePrefix,
  waitFor,
  type TollgateNode,
} from '@tollgate/testkit';
import { Agent, request } from 'undici';

jest.setTimeout(60_000);

const ADMIN_KEY = 'issue-9-healthcheck-admin-key';
const CHAT = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] });

interface Node {
  tollgate: TollgateNode;
  admin: AdminClient;
  gatewayPort: number;
  controlPort: number;
  /** Mocks `a` and `b` (active checks), `ok` and `failing` (passive health). */
  mocks: Record<'a' | 'b' | 'ok' | 'failing', MockLlm>;
}

async function startNode(name: string, disableHealthcheck: boolean): Promise<Node> {
  const [gatewayPort, adminPort, controlPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const apisix: Record<string, unknown> = {
    node_listen: [{ ip: '127.0.0.1', port: gatewayPort }],
    control: { ip: '127.0.0.1', port: controlPort },
  };
  if (disableHealthcheck) apisix.disable_upstream_healthcheck = true;
  const tollgate = await startTollgate({
    config: {
      apisix,
      nginx_config: { worker_processes: 1, http: { enable_access_log: false } },
      deployment: {
        role: 'traditional',
        etcd: { host: [testEtcdEndpoint()], prefix: uniquePrefix(`issue9-hc-${name}`), timeout: 3 },
        admin: {
          admin_key: [{ name: 'admin', key: ADMIN_KEY, role: 'admin' }],
          admin_listen: { ip: '127.0.0.1', port: adminPort },
        },
      },
    },
    readyPorts: [gatewayPort, adminPort, controlPort],
  });
  const mock = (role: string) => startMockLlm({ name: `${name}-${role}` });
  return {
    tollgate,
    admin: new AdminClient(`http://127.0.0.1:${adminPort}`, ADMIN_KEY),
    gatewayPort,
    controlPort,
    mocks: {
      a: await mock('a'),
      b: await mock('b'),
      ok: await mock('ok'),
      failing: await mock('failing'),
    },
  };
}

const instance = (m: MockLlm, checks?: Record<string, unknown>) => ({
  name: m.name,
  provider: 'openai-compatible',
  weight: 1,
  auth: { header: { Authorization: 'Bearer test-key' } },
  options: { model: `model-${m.name}` },
  override: { endpoint: `${m.url}/v1/chat/completions` },
  ...(checks ? { checks } : {}),
});

/** APISIX's balancer test checks: probing `/status_<status>` of the mock, 1 s apart. */
const probing = (status: number) => ({
  active: {
    type: 'http',
    http_path: `/status_${status}`,
    healthy: { interval: 1, successes: 1 },
    unhealthy: { interval: 1, http_failures: 1 },
  },
});

const probes = (m: MockLlm) => m.requests.filter((r) => r.path.startsWith('/status_'));
const forwarded = (m: MockLlm) => m.requests.filter((r) => r.path === '/v1/chat/completions');

/** POST a chat request; the instance that answered, from the mock's `Hello from <name>`. */
async function chat(node: Node, uri: string, dispatcher?: Agent): Promise<string> {
  const res = await request(`http://127.0.0.1:${node.gatewayPort}${uri}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: CHAT,
    ...(dispatcher ? { dispatcher } : {}),
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) return `status ${res.statusCode}`;
  const json = JSON.parse(text) as { choices: { message: { content: string } }[] };
  return /^Hello from ([^:!]+)/.exec(json.choices[0]?.message.content ?? '')?.[1] ?? text;
}

/** PUT the two routes; resolves once the node's worker serves both. */
async function configure(node: Node): Promise<void> {
  const { a, b, ok, failing } = node.mocks;
  const passive = await node.admin.put('/apisix/admin/routes/passive', {
    uri: '/passive',
    plugins: {
      'ai-proxy-multi': {
        fallback_strategy: ['http_5xx'],
        instances: [instance(ok), instance(failing)],
      },
    },
  });
  expect(passive.status).toBe(201);
  // Written second: once the worker serves it, it has applied the passive route too.
  const active = await node.admin.put('/apisix/admin/routes/active', {
    uri: '/active',
    plugins: {
      'ai-proxy-multi': { instances: [instance(a, probing(200)), instance(b, probing(500))] },
    },
  });
  expect(active.status).toBe(201);
  await waitFor(`${node.mocks.a.name}'s route to be served`, async () =>
    (await chat(node, '/active')).startsWith('status') ? undefined : true,
  );
}

let off: Node;
let on: Node;

beforeAll(async () => {
  off = await startNode('off', true);
  on = await startNode('on', false);
  // `failing` answers everything with 500; only the passive-health case sends it requests.
  for (const node of [off, on]) node.mocks.failing.setBehaviour({ status: 500 });
});

afterAll(async () => {
  for (const node of [off, on]) {
    if (!node) continue;
    await node.tollgate.destroy();
    for (const m of Object.values(node.mocks)) await m.close();
  }
});

describe('issue 9 item 8: apisix.disable_upstream_healthcheck', () => {
  it('sends no active probe while requests still proxy, weights deciding', async () => {
    await configure(off);
    await configure(on);
    // `on` probes a and b at once, then every second: two probes each is a second and more.
    await waitFor(
      'two probes of each instance of the node with checks',
      () => probes(on.mocks.a).length >= 2 && probes(on.mocks.b).length >= 2,
      10_000,
    );
    expect(probes(off.mocks.a)).toEqual([]);
    expect(probes(off.mocks.b)).toEqual([]);

    const dispatcher = new Agent({ connections: 1 });
    try {
      const servedOff: string[] = [];
      const servedOn: string[] = [];
      for (let i = 0; i < 10; i++) {
        servedOff.push(await chat(off, '/active', dispatcher));
        servedOn.push(await chat(on, '/active', dispatcher));
      }
      const count = (served: string[], m: MockLlm) => served.filter((s) => s === m.name).length;
      // b answers its probe with 500: unhealthy where checks run, served 5/5 where they do not.
      expect([count(servedOff, off.mocks.a), count(servedOff, off.mocks.b)]).toEqual([5, 5]);
      expect([count(servedOn, on.mocks.a), count(servedOn, on.mocks.b)]).toEqual([10, 0]);
    } finally {
      await dispatcher.close();
    }
    expect(probes(off.mocks.a)).toEqual([]);
    expect(probes(off.mocks.b)).toEqual([]);

    // The control API lists no checker, as APISIX's /v1/healthcheck answers {} then.
    const health = async (node: Node) =>
      (await httpRequest('GET', `http://127.0.0.1:${node.controlPort}/v1/healthcheck`)).json;
    expect(await health(off)).toEqual([]);
    expect(await health(on)).toHaveLength(2);
  });

  it('rests no instance on passive health: a failing instance keeps its share', async () => {
    const dispatcher = new Agent({ connections: 1 });
    try {
      for (const node of [off, on]) {
        for (let i = 0; i < 20; i++) {
          // Every answer comes from `ok`: a 500 of `failing` is retried there (http_5xx).
          expect(await chat(node, '/passive', dispatcher)).toBe(node.mocks.ok.name);
        }
      }
    } finally {
      await dispatcher.close();
    }
    // With passive health, 3 consecutive failures open the breaker of `failing` (decision D4).
    process.stdout.write(
      `[issue-9 item 8] failing instance got ${forwarded(off.mocks.failing).length} of 20 ` +
        `requests with health checks disabled, ${forwarded(on.mocks.failing).length} with them\n`,
    );
    expect(forwarded(on.mocks.failing)).toHaveLength(3);
    expect(forwarded(off.mocks.failing).length).toBeGreaterThanOrEqual(10);
  });
});
