/**
 * Scenario 2 of user-scenarios.md end to end: token quotas per consumer (ai-consumer-rate-limiting)
 * and per LLM instance (ai-rate-limiting), configured verbatim, on a node with two workers; then
 * the same quotas shared by two nodes through Redis, Redis outages, and cut streams.
 */
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import {
  httpRequest,
  scenarioText,
  sleep,
  startCluster,
  startRedis,
  waitFor,
  type Cluster,
  type HttpReply,
  type RedisServer,
} from '@tollgate/testkit';
import http from 'node:http';
import { withClientError } from './support/client-error';

jest.setTimeout(180_000);

const CHAT = { model: 'qwen', messages: [{ role: 'user', content: 'hello' }] };
const TOKENS_PER_REQUEST = 1000;

let selfHosted: MockLlm;
let cloud: MockLlm;

beforeAll(async () => {
  selfHosted = await startMockLlm({ name: 'self-hosted' });
  cloud = await startMockLlm({ name: 'cloud' });
});
afterAll(async () => {
  await selfHosted?.close();
  await cloud?.close();
});
beforeEach(() => {
  for (const mock of [selfHosted, cloud]) {
    mock.clear();
    mock.resetBehaviour();
    mock.setBehaviour({ usage: { prompt: 600, completion: 400 } });
  }
});

/** Scenario 2's route with its endpoints on the mocks (the cloud one rewritten to loopback). */
function scenarioRoute(policy?: Record<string, unknown>): Record<string, unknown> {
  const route = JSON.parse(
    scenarioText('scenario2-route.json', {
      NLB_API_KEY: 'nlb-secret-key',
      CUSTOM_HOST_1: '127.0.0.1',
      CUSTOM_PORT_1: selfHosted.port,
    }),
  ) as { plugins: Record<string, Record<string, unknown>> };
  const multi = route.plugins['ai-proxy-multi'] as {
    instances: { override: { endpoint: string } }[];
  };
  for (const instance of multi.instances) {
    instance.override.endpoint = instance.override.endpoint.replace(
      'https://dashscope.aliyuncs.com/compatible-mode',
      cloud.url,
    );
  }
  if (policy) Object.assign(route.plugins['ai-rate-limiting'] ?? {}, policy);
  return route;
}

/** Consumer A verbatim; B and C "alike, with 20,000 and 5,000". */
function consumer(
  name: string,
  limit: number,
  policy?: Record<string, unknown>,
): Record<string, unknown> {
  const a = JSON.parse(scenarioText('scenario2-consumer-a.json', {})) as {
    username: string;
    plugins: {
      'key-auth': { key: string };
      'ai-consumer-rate-limiting': { instances: { limit: number }[] } & Record<string, unknown>;
    };
  };
  a.username = name;
  a.plugins['key-auth'].key = `${name}_key`;
  for (const instance of a.plugins['ai-consumer-rate-limiting'].instances) instance.limit = limit;
  if (policy) Object.assign(a.plugins['ai-consumer-rate-limiting'], policy);
  return a;
}

async function setUp(
  cluster: Cluster,
  policy?: Record<string, unknown>,
  consumers: [string, number][] = [],
): Promise<void> {
  // Consumers first: the watch delivers writes in revision order, so a node that serves the route
  // (checked below) has its consumers too. Written after it, a consumer could still be on its way
  // to a data plane when the first keyed request arrives.
  for (const [name, limit] of consumers) {
    expect(
      (await cluster.admin.put('/apisix/admin/consumers', consumer(name, limit, policy))).status,
    ).toBe(201);
  }
  expect(
    (
      await cluster.admin.request('PUT', '/apisix/admin/routes', {
        raw: JSON.stringify(scenarioRoute(policy)),
      })
    ).status,
  ).toBe(201);
  // The route takes POST only: wait until every node answers a key-less POST with 401.
  for (const gateway of cluster.gateways) {
    await waitFor(
      'the scenario route',
      async () => {
        const res = await httpRequest('POST', gateway.url('/anything'), { body: CHAT });
        if (res.status === 401) return true;
        throw new Error(`the node answered ${res.status} ${res.text.slice(0, 120)}`);
      },
      15_000,
    );
  }
}

function ask(
  cluster: Cluster,
  who: string,
  node = 0,
  headers: Record<string, string> = {},
): Promise<HttpReply> {
  const gateway = cluster.gateways[node];
  if (!gateway) throw new Error(`no node ${node}`);
  return httpRequest('POST', gateway.url('/anything'), {
    body: CHAT,
    headers: { 'content-type': 'application/json', apikey: `${who}_key`, ...headers },
  });
}

describe('scenario 2 on one node (policy local, two workers)', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster(1, 2);
    await setUp(cluster, undefined, [
      ['consumer_a', 10_000],
      ['consumer_b', 20_000],
      ['consumer_c', 5_000],
      ['consumer_d', 1_000_000],
      ['consumer_e', 1_000_000],
    ]);
  });
  afterAll(() => cluster?.destroy());

  it('refuses each consumer exactly when its quota is used, then everyone when the instance quota is', async () => {
    const served: Record<string, number> = {};
    for (const [name, limit] of [
      ['consumer_a', 10_000],
      ['consumer_b', 20_000],
      ['consumer_c', 5_000],
    ] as const) {
      const allowed = limit / TOKENS_PER_REQUEST;
      for (let i = 0; i < allowed; i++) {
        const res = await ask(cluster, name);
        expect(res.status).toBe(200);
      }
      const refused = await ask(cluster, name);
      expect(refused.status).toBe(429);
      expect(refused.json).toEqual(
        withClientError({ error_msg: 'Insufficient token, try in one hour' }, 429),
      );
      expect(refused.headers.get('x-ai-consumer-ratelimit-remaining-qwen2.5-32b-instruct-b')).toBe(
        '0',
      );
      served[name] = allowed;
    }
    // 35,000 of the instance's 50,000 are used: consumer D uses the rest.
    for (let i = 0; i < 15; i++) expect((await ask(cluster, 'consumer_d')).status).toBe(200);
    const d = await ask(cluster, 'consumer_d');
    expect(d.status).toBe(429);
    expect(d.headers.get('x-ai-ratelimit-remaining-qwen2.5-32b-instruct-b')).toBe('0');
    // E never used its own quota, but the instance has none left for anybody.
    const e = await ask(cluster, 'consumer_e');
    expect(e.status).toBe(429);
    expect(e.headers.get('x-ai-consumer-ratelimit-remaining-qwen2.5-32b-instruct-b')).toBe(
      '1000000',
    );
    // Refused requests never reached the LLM.
    expect(selfHosted.requests).toHaveLength(50);
    expect(cloud.requests).toHaveLength(0);
    const wrong = await ask(cluster, 'nobody');
    expect(wrong.status).toBe(401);
  });
});

/**
 * Stream a chat answer and settle with the status as soon as the client holds `[DONE]` (the
 * rest of the response is read on in the background), as a client that stops at the terminator.
 */
function streamUntilDone(cluster: Cluster, who: string): Promise<number> {
  const gateway = cluster.gateways[0];
  if (!gateway) throw new Error('no gateway');
  return new Promise<number>((resolve, reject) => {
    const req = http.request(
      gateway.url('/anything'),
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', apikey: `${who}_key` },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes('data: [DONE]')) resolve(res.statusCode ?? 0);
        });
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ ...CHAT, stream: true }));
  });
}

describe('a streaming client that stops reading at [DONE] (policy local, two workers)', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster(1, 2);
    await setUp(cluster, undefined, [['reader', 10_000]]);
  });
  afterAll(() => cluster?.destroy());

  it('is refused exactly at its quota: the terminator reaches it once the stream is charged', async () => {
    const statuses: number[] = [];
    // Each request on a connection of its own, sent the moment the last one's [DONE] arrived,
    // lands on either worker.
    for (let i = 0; i < 11; i++) statuses.push(await streamUntilDone(cluster, 'reader'));
    expect(statuses).toEqual([...Array<number>(10).fill(200), 429]);
    expect(selfHosted.requests).toHaveLength(10);
  });
});

describe('cut streams are charged', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster(1, 1);
    await setUp(cluster, undefined, [['streamer', 10_000]]);
  });
  afterAll(() => cluster?.destroy());

  it('a stream the client leaves half-way is charged an estimate, and the LLM request is aborted within a second', async () => {
    selfHosted.setBehaviour({ tokensPerSecond: 20, content: 'x'.repeat(400), omitUsage: true });
    const gateway = cluster.gateways[0];
    if (!gateway) throw new Error('no gateway');
    const leftAt = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        gateway.url('/anything'),
        { method: 'POST', headers: { 'content-type': 'application/json', apikey: 'streamer_key' } },
        (res) => {
          let events = 0;
          res.on('data', (chunk: Buffer) => {
            events += chunk.toString().split('\n\n').length - 1;
            if (events >= 5) {
              req.destroy();
              resolve(Date.now());
            }
          });
        },
      );
      req.on('error', () => undefined);
      req.end(JSON.stringify({ ...CHAT, stream: true }));
      setTimeout(() => reject(new Error('no stream events')), 15_000).unref();
    });
    const record = await waitFor(
      'the LLM request to be aborted',
      () => selfHosted.requests.find((r) => r.aborted && r.closedAt !== undefined),
      5_000,
    );
    const abortMs = (record.closedAt ?? 0) - leftAt;
    process.stdout.write(`upstream aborted ${abortMs} ms after the client left\n`);
    expect(abortMs).toBeLessThan(1000);
    selfHosted.resetBehaviour();
    selfHosted.setBehaviour({ usage: { prompt: 600, completion: 400 } });
    // The charge happens in the log phase: the next request shows it in the remaining quota.
    await waitFor(
      'the estimate to be charged',
      async () => {
        const res = await ask(cluster, 'streamer');
        const remaining = Number(
          res.headers.get('x-ai-consumer-ratelimit-remaining-qwen2.5-32b-instruct-b'),
        );
        return remaining < 10_000 ? remaining : undefined;
      },
      5_000,
    );
  });
});

describe('two nodes sharing Redis', () => {
  let cluster: Cluster;
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
    cluster = await startCluster(2, 2);
  });
  afterAll(async () => {
    await cluster?.destroy();
    await redis?.destroy();
  });

  it("enforces a consumer's quota across both nodes; the overshoot is bounded by requests in flight", async () => {
    const policy = {
      policy: 'redis',
      redis_host: '127.0.0.1',
      redis_port: redis.port,
      redis_timeout: 500,
    };
    await setUp(cluster, policy, [['shared', 20_000]]);
    const concurrency = 4;
    let refused = 0;
    const worker = async (node: number) => {
      for (let i = 0; i < 40 && refused < 8; i++) {
        const res = await ask(cluster, 'shared', node);
        if (res.status === 429) refused++;
        else expect(res.status).toBe(200);
      }
    };
    await Promise.all(
      [0, 1].flatMap((node) => Array.from({ length: concurrency }, () => worker(node))),
    );
    const charged = selfHosted.requests.length * TOKENS_PER_REQUEST;
    const overshoot = charged - 20_000;
    process.stdout.write(
      `redis shared quota: limit 20000, charged ${charged}, overshoot ${overshoot} tokens (${overshoot / TOKENS_PER_REQUEST} requests; ${2 * concurrency} clients in flight)\n`,
    );
    expect(refused).toBeGreaterThan(0);
    expect(charged).toBeGreaterThanOrEqual(20_000);
    expect(overshoot).toBeLessThanOrEqual(2 * concurrency * TOKENS_PER_REQUEST);
  });

  it.each([
    [true, 200],
    [false, 503],
  ])(
    'Redis down with allow_degradation %s: status %i at once, counting resumes when Redis is back',
    async (degrade, whileDown) => {
      const name = degrade ? 'degrade_yes' : 'degrade_no';
      const policy = {
        policy: 'redis',
        redis_host: '127.0.0.1',
        redis_port: redis.port,
        redis_timeout: 300,
        allow_degradation: degrade,
      };
      // Both quotas (the route's and the consumer's) follow the same allow_degradation here.
      expect(
        (
          await cluster.admin.request('PUT', '/apisix/admin/routes', {
            raw: JSON.stringify(scenarioRoute(policy)),
          })
        ).status,
      ).toBe(200);
      expect(
        (await cluster.admin.put('/apisix/admin/consumers', consumer(name, 100_000, policy)))
          .status,
      ).toBe(201);
      await waitFor(
        'the consumer on both nodes',
        async () =>
          (await ask(cluster, name, 0)).status === 200 &&
          (await ask(cluster, name, 1)).status === 200,
        10_000,
      );
      await redis.process.stop();
      try {
        let slowest = 0;
        for (let i = 0; i < 6; i++) {
          const started = Date.now();
          const res = await ask(cluster, name, i % 2);
          slowest = Math.max(slowest, Date.now() - started);
          expect(res.status).toBe(whileDown);
          if (!degrade)
            expect((res.json as { error_msg: string }).error_msg).toMatch(/counters unavailable/);
        }
        process.stdout.write(
          `redis down, allow_degradation ${degrade}: slowest answer ${slowest} ms (redis_timeout 300 ms)\n`,
        );
        expect(slowest).toBeLessThan(300 + 2000);
      } finally {
        await redis.process.start();
      }
      const before = await waitFor(
        'counting to resume',
        async () => {
          const res = await ask(cluster, name, 0);
          const remaining = res.headers.get(
            'x-ai-consumer-ratelimit-remaining-qwen2.5-32b-instruct-b',
          );
          return res.status === 200 && remaining !== null ? Number(remaining) : undefined;
        },
        30_000,
      );
      await sleep(200);
      const after = Number(
        (await ask(cluster, name, 1)).headers.get(
          'x-ai-consumer-ratelimit-remaining-qwen2.5-32b-instruct-b',
        ),
      );
      expect(after).toBeLessThan(before);
    },
  );
});
