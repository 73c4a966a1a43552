/**
 * Load-aware balancing of ai-proxy-multi (issue 12), end to end: Admin API → etcd → a gateway
 * node with 2 workers → mock LLM instances. `least_busy` steers around an instance busy with
 * slow requests, `least_latency` toward the instance that answers faster, `queue_aware` around
 * one whose scraped queue is over the threshold (and spills to the next priority group when the
 * whole group is), each across a configuration change; a client that leaves mid-stream ends its
 * request's in-flight count.
 *
 * The mocks answer `Hello from <name>: …`, so each response names the instance that served it.
 */
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import { startCluster, untilServed, waitFor, waitForPort, type Cluster } from '@tollgate/testkit';
import fs from 'node:fs';
import { Agent, request } from 'undici';

jest.setTimeout(90_000);

const CHAT = { messages: [{ role: 'user', content: 'hi' }] };

let cluster: Cluster;
let metricsPort: number;
let controlPort: number;
const dispatcher = new Agent({ connections: 32, keepAliveTimeout: 10_000 });

beforeAll(async () => {
  cluster = await startCluster(1, 2);
  const gateway = cluster.gateways[0];
  if (!gateway) throw new Error('no gateway node');
  // testkit gives every node a free `plugin_attr.prometheus.export_addr` port: read it back.
  const config = JSON.parse(fs.readFileSync(gateway.node.configFile, 'utf8')) as {
    apisix: { control: { port: number } };
    plugin_attr: { prometheus: { export_addr: { port: number } } };
  };
  metricsPort = config.plugin_attr.prometheus.export_addr.port;
  controlPort = config.apisix.control.port;
  await waitForPort(metricsPort);
  // Opened once every worker listens, which can be after the gateway port first accepts.
  await waitForPort(controlPort);
});
afterAll(async () => {
  await dispatcher.close();
  await cluster?.destroy();
});

const mocks: MockLlm[] = [];
async function mock(name: string, behaviour: Record<string, unknown> = {}): Promise<MockLlm> {
  const m = await startMockLlm({ name, behaviour });
  mocks.push(m);
  return m;
}
afterEach(async () => {
  for (const m of mocks.splice(0)) await m.close();
});

const gpu = (m: MockLlm, priority = 0, weight = 1) => ({
  name: m.name,
  provider: 'openai-compatible',
  weight,
  priority,
  auth: { header: { Authorization: 'Bearer k' } },
  options: { model: `model-${m.name}` },
  override: { endpoint: `${m.url}/v1/chat/completions`, metrics_endpoint: `${m.url}/metrics` },
});
const cloud = (m: MockLlm, priority = 0) => ({
  name: m.name,
  provider: 'openai-compatible',
  weight: 1,
  priority,
  auth: { header: { Authorization: 'Bearer k' } },
  options: { model: `model-${m.name}` },
  override: { endpoint: `${m.url}/v1/chat/completions` },
});

let markers = 0;
/**
 * PUT route `id` and wait until every worker serves this version of it. The tests rewrite their
 * route across a config change, where a probe of its URI would pass on the previous version:
 * instead a marker route written after it is waited for, which a worker serves only once it has
 * applied both (etcd delivers changes in order).
 */
async function putRoute(id: string, plugins: Record<string, unknown>): Promise<string> {
  const uri = `/sched/${id}`;
  const res = await cluster.admin.put(`/apisix/admin/routes/${id}`, {
    uri,
    methods: ['POST', 'GET'],
    plugins: { prometheus: {}, ...plugins },
  });
  if (res.status !== 200 && res.status !== 201) throw new Error(`${res.status} ${res.text}`);
  const marker = `sched-marker-${++markers}`;
  const written = await cluster.admin.put(`/apisix/admin/routes/${marker}`, {
    uri: `/__marker/${marker}`,
    plugins: { 'fault-injection': { abort: { http_status: 200, body: marker } } },
  });
  if (written.status !== 201) throw new Error(`${marker}: ${written.status} ${written.text}`);
  await untilServed(
    cluster.gateways,
    `/__marker/${marker}`,
    (status, body) => status === 200 && body === marker,
  );
  await untilServed(cluster.gateways, uri, (status) => status !== 404);
  return uri;
}

const url = (uri: string) => {
  const gateway = cluster.gateways[0];
  if (!gateway) throw new Error('no gateway');
  return gateway.url(uri);
};

/** The instance that answered one chat request (undefined on an error). */
async function chat(uri: string): Promise<string | undefined> {
  const res = await request(url(uri), {
    method: 'POST',
    dispatcher,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(CHAT),
    headersTimeout: 15_000,
    bodyTimeout: 15_000,
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) return undefined;
  const json = JSON.parse(text) as { choices?: { message?: { content?: string } }[] };
  return /^Hello from ([^:!]+)/.exec(json.choices?.[0]?.message?.content ?? '')?.[1];
}

/** `count` requests started `gapMs` apart, all in flight together; the instances that served. */
async function staggered(
  uri: string,
  count: number,
  gapMs: number,
): Promise<(string | undefined)[]> {
  const pending: Promise<string | undefined>[] = [];
  for (let i = 0; i < count; i++) {
    pending.push(chat(uri));
    await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  return Promise.all(pending);
}

const countOf = (served: (string | undefined)[], name: string) =>
  served.filter((s) => s === name).length;

/** The node's Prometheus exposition. */
async function metrics(): Promise<string> {
  const res = await request(`http://127.0.0.1:${metricsPort}/apisix/prometheus/metrics`, {
    dispatcher,
  });
  return res.body.text();
}

/** Active checks every second on the mock's `/health`: the instance gets a /v1/healthcheck node. */
const checked = <T extends object>(instance: T, m: MockLlm) => ({
  ...instance,
  checks: {
    active: {
      type: 'http',
      host: `127.0.0.1:${m.port}`,
      http_path: '/health',
      timeout: 1,
      healthy: { interval: 1, successes: 1 },
      unhealthy: { interval: 1, http_failures: 3 },
    },
  },
});

interface HealthcheckNode {
  instance: string;
  score?: number;
  spills?: number;
}

/** The nodes of `/v1/healthcheck/routes/<id>`, by instance name. */
async function healthcheckNodes(id: string): Promise<Map<string, HealthcheckNode>> {
  const res = await request(`http://127.0.0.1:${controlPort}/v1/healthcheck/routes/${id}`, {
    dispatcher,
  });
  const body = (await res.body.json()) as { nodes?: HealthcheckNode[] };
  return new Map((body.nodes ?? []).map((n) => [n.instance, n]));
}

/** Sum of a metric's samples whose label text contains `labelPart`. */
function sumOf(text: string, metric: string, labelPart = ''): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}{`) || !line.includes(labelPart)) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

describe('least_busy', () => {
  it('sends new requests to the idle instance while the other is busy, across a config change', async () => {
    const slow = await mock('slow', { delayMs: 2500 });
    const fast = await mock('fast');
    const plugins = (weight: number) => ({
      'ai-proxy-multi': {
        balancer: { algorithm: 'least_busy' },
        instances: [gpu(slow, 0, weight), gpu(fast, 0, weight)],
      },
    });
    const uri = await putRoute('lb', plugins(1));
    const served = await staggered(uri, 16, 40);
    expect(served.every((s) => s !== undefined)).toBe(true);
    // Round robin would send 8 to `slow`; least_busy at most one per worker before the
    // node-wide count reaches the other worker.
    expect(countOf(served, 'slow')).toBeLessThanOrEqual(3);

    // A config change (new weights) builds a new picker; the in-flight counts are node state.
    slow.setBehaviour({ delayMs: 0 });
    fast.setBehaviour({ delayMs: 2500 });
    await putRoute('lb', plugins(2));
    const after = await staggered(uri, 16, 40);
    expect(after.every((s) => s !== undefined)).toBe(true);
    expect(countOf(after, 'fast')).toBeLessThanOrEqual(3);
  });

  it('ends the in-flight count of a stream the client leaves', async () => {
    const a = await mock('sa');
    const b = await mock('sb');
    const uri = await putRoute('abort', {
      'ai-proxy-multi': { balancer: { algorithm: 'least_busy' }, instances: [gpu(a), gpu(b)] },
    });
    const controller = new AbortController();
    const res = await request(url(uri), {
      method: 'POST',
      dispatcher,
      // Only this stream is slow: ten words at one a second (the mock's per-request headers).
      headers: {
        'content-type': 'application/json',
        'x-mock-tokens-per-second': '1',
        'x-mock-content': 'one two three four five six seven eight nine ten',
      },
      body: JSON.stringify({ ...CHAT, stream: true }),
      signal: controller.signal,
    });
    expect(res.statusCode).toBe(200);
    await new Promise((resolve) => res.body.once('data', resolve)); // the stream is live
    // Once every worker has the stream's count (tens of ms), all chats go to the other instance.
    let run = 0;
    let last: string | undefined;
    await waitFor(
      'a run of chats to one instance',
      async () => {
        const served = await chat(uri);
        run = served !== undefined && served === last ? run + 1 : 1;
        last = served;
        return run >= 12;
      },
      5_000,
    );
    const streamed = last === a.name ? b : a;
    controller.abort();
    // Had the count leaked, least_busy would never pick that instance again.
    await waitFor(
      'the streamed instance picked again',
      async () => (await chat(uri)) === streamed.name,
      5_000,
    );
  });
});

describe('least_latency', () => {
  it('sends most requests to the faster instance, and follows a swap across a config change', async () => {
    // Per-token latency of a non-streamed answer: the slow mock waits 250 ms before answering.
    const slow = await mock('slow', { delayMs: 250 });
    const fast = await mock('fast');
    // A 1 s decay: an instance without a sample for 3 s is explored again (once per 100 ms per
    // worker), so the swap below is seen within seconds. Each worker learns on its own.
    const plugins = (weight: number) => ({
      'ai-proxy-multi': {
        balancer: { algorithm: 'least_latency', latency_decay_ms: 1000 },
        instances: [gpu(slow, 0, weight), gpu(fast, 0, weight)],
      },
    });
    /** Sequential chats until `name` answered 10 in a row, then the share of 30 more. */
    const settleOn = async (uri: string, name: string) => {
      let run = 0;
      await waitFor(
        `${name} picked 10 times in a row`,
        async () => (run = (await chat(uri)) === name ? run + 1 : 0) >= 10,
        20_000,
      );
      const served: (string | undefined)[] = [];
      for (let i = 0; i < 30; i++) served.push(await chat(uri));
      expect(served.every((s) => s !== undefined)).toBe(true);
      return countOf(served, name);
    };
    const uri = await putRoute('ll', plugins(1));
    // Round robin would give each 15; only explorations (the slow one's sample older than 3 s,
    // at most about one per worker in this stretch) reach the slow instance.
    expect(await settleOn(uri, 'fast')).toBeGreaterThanOrEqual(24);

    // A config change (new weights) builds a new picker over the averages kept by load key; the
    // old fast instance is now slow, and the old slow one is measured again when explored.
    slow.setBehaviour({ delayMs: 0 });
    fast.setBehaviour({ delayMs: 250 });
    await putRoute('ll', plugins(2));
    expect(await settleOn(uri, 'slow')).toBeGreaterThanOrEqual(24);
  });
});

describe('queue_aware', () => {
  it('avoids the instance whose scraped queue is over the threshold, across a config change', async () => {
    const a = await mock('qa', { waiting: 20 });
    const b = await mock('qb');
    const plugins = (threshold: number) => ({
      'ai-proxy-multi': {
        balancer: { algorithm: 'queue_aware', queue_threshold: threshold },
        instances: [gpu(a), gpu(b)],
      },
    });
    const uri = await putRoute('qa', plugins(5));
    // Until the first scrape the readings are stale (least_busy); then only qb is picked.
    let run = 0;
    await waitFor(
      'qb alone picked',
      async () => (run = (await chat(uri)) === 'qb' ? run + 1 : 0) >= 10,
      10_000,
    );
    const served = await staggered(uri, 12, 10);
    expect(countOf(served, 'qb')).toBe(12);
    // qa is filtered out before scoring: qb is the only one scored.
    expect(await metrics()).toMatch(/tollgate_ai_instance_score\{route="qa",instance="qb"\} 1\n/);

    a.setBehaviour({ waiting: 0 });
    b.setBehaviour({ waiting: 20 });
    await putRoute('qa', plugins(4));
    run = 0;
    await waitFor(
      'qa alone picked',
      async () => (run = (await chat(uri)) === 'qa' ? run + 1 : 0) >= 10,
      10_000,
    );
    expect(countOf(await staggered(uri, 12, 10), 'qa')).toBe(12);
  });

  it('spills to the next priority group while the first is saturated, and comes back', async () => {
    const g1 = await mock('g1', { waiting: 9 });
    const g2 = await mock('g2', { waiting: 9 });
    const c = await mock('cloud');
    const uri = await putRoute('spill', {
      'ai-proxy-multi': {
        balancer: { algorithm: 'queue_aware' },
        instances: [checked(gpu(g1, 10), g1), checked(gpu(g2, 10), g2), checked(cloud(c, 0), c)],
      },
    });
    let run = 0;
    await waitFor(
      'the cloud alone picked',
      async () => (run = (await chat(uri)) === 'cloud' ? run + 1 : 0) >= 10,
      10_000,
    );
    const spills = sumOf(await metrics(), 'tollgate_ai_spills_total', 'route="spill"');
    expect(spills).toBeGreaterThanOrEqual(10);
    expect(await metrics()).toMatch(
      /tollgate_ai_spills_total\{route="spill",from_priority="10",to_priority="0"\} \d+/,
    );
    // The control API shows the same per instance: the spills went to the cloud, which was
    // the only instance scored (the saturated GPUs are left out before scoring).
    const during = await waitFor('the spills in /v1/healthcheck', async () => {
      const nodes = await healthcheckNodes('spill');
      return (nodes.get('cloud')?.spills ?? 0) >= 10 ? nodes : undefined;
    });
    expect(during.get('cloud')?.score).toBe(1);
    expect(during.get('g1')?.spills ?? 0).toBe(0);

    g1.setBehaviour({ waiting: 0 });
    g2.setBehaviour({ waiting: 0 });
    run = 0;
    await waitFor(
      'the GPUs picked again',
      async () => (run = (await chat(uri)) !== 'cloud' ? run + 1 : 0) >= 10,
      10_000,
    );
    // Both GPUs are scored again, on queue_aware's 0..1 scale.
    const after = await waitFor('the GPUs scored in /v1/healthcheck', async () => {
      const nodes = await healthcheckNodes('spill');
      const scored = ['g1', 'g2'].every((name) => nodes.get(name)?.score !== undefined);
      return scored ? nodes : undefined;
    });
    for (const name of ['g1', 'g2']) {
      expect(after.get(name)?.score).toBeGreaterThanOrEqual(0);
      expect(after.get(name)?.score).toBeLessThanOrEqual(1);
    }
  });
});
