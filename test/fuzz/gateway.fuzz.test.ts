/**
 * Fuzz tier, data plane (issue 9): a real `tollgate` node on real etcd, with ai-proxy and
 * ai-proxy-multi routes to an always-healthy mock LLM, a plain route to an always-200 upstream and a
 * key-auth route, gets random methods, paths, headers and bodies. Since every upstream is
 * healthy, any 5xx is the gateway's fault: every reply must be a 2xx or a 4xx with a JSON error
 * body, no connection may drop, no worker may die, and the node must serve valid requests after.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
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
import { fuzzSeed, report, runFuzz, Tally } from './support/fuzz';
import {
  AI_BODIES,
  AI_MAX_BODY_BYTES,
  CONSUMER_KEY,
  gatewayRequestArb,
} from './support/gateway-requests';
import { replyViolation } from './support/oracle';
import { RawClient } from './support/raw-http';

jest.setTimeout(180_000);

const ADMIN_KEY = 'fuzz-gateway-admin-key-0123456789';
/** About 3,000 cases; on a slow machine the time limit ends the run first. */
const BUDGET = { seed: fuzzSeed(), numRuns: 3000, timeLimitMs: 30_000 };
/**
 * The AI plugins' plain-text refusals, which APISIX sends as text and the spec keeps
 * (apisix-compat.md §1.8 "Client request acceptance" and "Body transformation"; case #8).
 */
const SPEC_PLAIN_TEXT = [
  /^unsupported content-type: .*, only application\/json is supported$/s,
  /^no matching AI protocol for the request$/,
  /^provider \S+ does not support \S+ protocol \(supported: [^)]*\)$/,
];
/**
 * The plain routes' upstream: answers 200 to anything. Its header limit is above the gateway's,
 * so a request the gateway accepts (and forwards with X-Forwarded-* added) is never refused by
 * the upstream: every 4xx on a plain route is then the gateway's own.
 */
async function startUpstream(): Promise<http.Server> {
  const server = http.createServer({ maxHeaderSize: 64 * 1024 }, (req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** The node's primary logs this when a worker exits unasked. */
const WORKER_DIED = 'gateway worker died';

describe('gateway fuzz (issue 9)', () => {
  let mock: MockLlm;
  let upstream: http.Server;
  let node: TollgateNode;
  let client: RawClient;
  let gateway: string;

  beforeAll(async () => {
    // Records every request, so each case can tell whether a 5xx came from the mock.
    mock = await startMockLlm({ name: 'fuzz', maxRecorded: 1_000_000 });
    upstream = await startUpstream();
    const upstreamNodes = { [`127.0.0.1:${(upstream.address() as AddressInfo).port}`]: 1 };
    const port = await freePort();
    const adminPort = await freePort();
    node = await startTollgate({
      config: {
        apisix: { node_listen: [{ ip: '127.0.0.1', port }] },
        nginx_config: { worker_processes: 1, http: { enable_access_log: false } },
        deployment: {
          role: 'traditional',
          etcd: { host: [testEtcdEndpoint()], prefix: uniquePrefix('fuzz-gw'), timeout: 3 },
          admin: {
            admin_key: [{ name: 'admin', key: ADMIN_KEY, role: 'admin' }],
            admin_listen: { ip: '127.0.0.1', port: adminPort },
          },
        },
      },
      env: { TOLLGATE_LOG_LEVEL: 'warn' },
      readyPorts: [port, adminPort],
    });
    gateway = `http://127.0.0.1:${port}`;
    client = new RawClient(gateway);
    const admin = new AdminClient(`http://127.0.0.1:${adminPort}`, ADMIN_KEY);
    const aiAuth = { header: { Authorization: 'Bearer fuzz' } };
    const routes: [string, unknown][] = [
      [
        'ai',
        {
          uri: '/v1/*',
          plugins: {
            'ai-proxy': {
              provider: 'openai',
              auth: aiAuth,
              options: { model: 'gpt-4' },
              override: { endpoint: mock.url },
              max_req_body_size: AI_MAX_BODY_BYTES,
            },
          },
        },
      ],
      [
        'multi',
        {
          uri: '/multi/*',
          plugins: {
            'ai-proxy-multi': {
              max_req_body_size: AI_MAX_BODY_BYTES,
              instances: ['a', 'b'].map((name) => ({
                name,
                provider: 'openai',
                weight: 1,
                auth: aiAuth,
                options: { model: 'gpt-4' },
                override: { endpoint: mock.url },
              })),
            },
          },
        },
      ],
      [
        'plain',
        {
          uri: '/plain/*',
          upstream: { type: 'roundrobin', nodes: upstreamNodes },
        },
      ],
      [
        'auth',
        {
          uri: '/auth/*',
          plugins: { 'key-auth': {} },
          upstream: { type: 'roundrobin', nodes: upstreamNodes },
        },
      ],
    ];
    for (const [id, body] of routes) {
      const res = await admin.put(`/apisix/admin/routes/${id}`, body);
      expect([res.status, res.text]).toEqual([201, expect.any(String)]);
    }
    const consumer = { username: 'fuzz', plugins: { 'key-auth': { key: CONSUMER_KEY } } };
    expect((await admin.put('/apisix/admin/consumers', consumer)).status).toBe(201);
    await waitFor('the routes to be served', async () => {
      const [ai, auth] = await Promise.all([validChat(), validAuth()]);
      return ai.status === 200 && auth.status === 200;
    });
  });

  afterAll(async () => {
    await client?.close();
    await node?.destroy();
    await mock?.close();
    upstream?.closeAllConnections();
    await new Promise((resolve) => upstream?.close(resolve));
  });

  const validChat = () =>
    httpRequest('POST', `${gateway}/v1/chat/completions`, {
      body: AI_BODIES[0],
      headers: { 'content-type': 'application/json' },
    });
  const validAuth = () =>
    httpRequest('GET', `${gateway}/auth/ok`, { headers: { apikey: CONSUMER_KEY } });

  it('answers every request with a 2xx or a JSON 4xx, loses no worker, and keeps serving', async () => {
    const tally = new Tally();
    const mockFaults: string[] = [];
    await runFuzz('gateway', gatewayRequestArb, BUDGET, async (req) => {
      const seen = mock.requests.at(-1)?.id ?? 0;
      const reply = await client.send(req);
      tally.record(reply);
      // An error the mock itself answered is passed through, as APISIX does: its body is the
      // mock's, and a 5xx among them is the mock's fault, not the gateway's.
      const mockAnswered = mock.requests.filter((r) => r.id > seen).map((r) => r.status);
      const fromMock = reply.ok && reply.status >= 400 && mockAnswered.includes(reply.status);
      if (fromMock && reply.status >= 500) {
        mockFaults.push(`${reply.status} ${reply.body.slice(0, 120)}`);
      }
      const problems = [fromMock ? undefined : replyViolation(req, reply, SPEC_PLAIN_TEXT)];
      if (!node.process.running) problems.push('the node process exited');
      if (node.process.recentOutput().includes(WORKER_DIED)) problems.push('a worker died');
      const found = problems.filter((p): p is string => p !== undefined);
      if (found.length > 0) throw new Error(found.join('; '));
    });
    report(
      'gateway',
      `${tally.summary()}; 0 gateway 5xx, 0 crashes; mock LLM requests ${mock.requests.length}` +
        (mockFaults.length > 0
          ? `; 5xx answered by the mock itself: ${mockFaults.length}, e.g. ${mockFaults[0]}`
          : ''),
    );
    expect(tally.cases).toBeGreaterThan(0);
    expect(tally.count('5xx')).toBe(mockFaults.length);
    expect(tally.count('no response')).toBe(0);
    expect(node.process.recentOutput()).not.toContain(WORKER_DIED);

    // The node still serves each kind of route.
    expect((await validChat()).status).toBe(200);
    expect((await validAuth()).status).toBe(200);
    expect((await httpRequest('GET', `${gateway}/plain/after`)).status).toBe(200);
  });
});
