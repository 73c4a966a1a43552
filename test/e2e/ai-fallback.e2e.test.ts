/**
 * Lossless fallback (decision D4, user scenario 1), end to end: Admin API → etcd → gateway node
 * (2 workers) → mock LLM instances, all real processes and sockets.
 *
 * The mocks answer `Hello from <name>: …`, so every client response names the instance that
 * served it; requests the gateway forwarded carry the client's `x-load` header, which tells them
 * apart from active health probes in the mocks' records.
 */
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import { startCluster, untilServed, waitFor, type Cluster } from '@tollgate/testkit';
import { Agent, request } from 'undici';

jest.setTimeout(60_000);

const CHAT = { messages: [{ role: 'user', content: 'hi' }] };

let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster(1, 2);
});
afterAll(async () => {
  await cluster?.destroy();
});

// ---------------------------------------------------------------------------------------------
// helpers

let routeSeq = 0;

/** PUT a route on a fresh URI and wait until every worker serves it. */
async function route(plugins: Record<string, unknown>): Promise<{ id: string; uri: string }> {
  const id = `fb${++routeSeq}`;
  const uri = `/fallback/${id}`;
  const res = await cluster.admin.put(`/apisix/admin/routes/${id}`, {
    uri,
    methods: ['POST', 'GET'],
    plugins,
  });
  if (res.status !== 201) throw new Error(`route ${id}: ${res.status} ${res.text}`);
  await untilServed(cluster.gateways, uri, (status) => status !== 404);
  return { id, uri };
}

const gatewayUrl = (uri: string) => {
  const gateway = cluster.gateways[0];
  if (!gateway) throw new Error('no gateway');
  return gateway.url(uri);
};

const mocks: MockLlm[] = [];
async function mock(name: string): Promise<MockLlm> {
  const m = await startMockLlm({ name, apiKeys: [`key-${name}`] });
  mocks.push(m);
  return m;
}
afterEach(async () => {
  for (const m of mocks.splice(0)) await m.close();
});

const instance = (m: MockLlm, priority: number, over: Record<string, unknown> = {}) => ({
  name: m.name,
  provider: 'openai-compatible',
  weight: 100,
  priority,
  auth: { header: { Authorization: `Bearer key-${m.name}` } },
  options: { model: `model-${m.name}` },
  override: { endpoint: `${m.url}/v1/chat/completions` },
  ...over,
});

/** Scenario 1's active check, with 1 s intervals, probing `m` (its auth header is appended). */
const activeCheck = (m: MockLlm) => ({
  active: {
    concurrency: 10,
    healthy: { http_statuses: [200, 302], interval: 1, successes: 1 },
    host: `127.0.0.1:${m.port}`,
    http_method: 'POST',
    http_path: '/v1/chat/completions',
    http_req_body:
      '{"model":"Qwen/Qwen2.5-32B-Instruct","messages":[{"role":"user","content":"0"}],"stream":false,"max_tokens":1}',
    https_verify_certificate: false,
    req_headers: ['Content-Type: application/json'],
    request_body: '',
    timeout: 2,
    type: 'http',
    unhealthy: {
      http_failures: 1,
      http_statuses: [404, 429, 500, 501, 502, 503, 504, 505],
      interval: 1,
      tcp_failures: 2,
      timeouts: 2,
    },
  },
});

/** Requests the gateway forwarded to `m` (not its health probes). */
const forwarded = (m: MockLlm) => m.requests.filter((r) => r.headers['x-load'] !== undefined);

interface Served {
  at: number;
  status: number;
  /** The mock that answered, from `Hello from <name>`. */
  instance?: string;
  error?: string;
}

/** The instance named by an OpenAI chat answer of the mock. */
function servedBy(text: string): string | undefined {
  try {
    const json = JSON.parse(text) as { choices?: { message?: { content?: string } }[] };
    return /^Hello from ([^:!]+)/.exec(json.choices?.[0]?.message?.content ?? '')?.[1];
  } catch {
    return undefined;
  }
}

/** POST one chat request on `dispatcher`. */
async function chat(url: string, dispatcher: Agent, body: unknown = CHAT): Promise<Served> {
  try {
    const res = await request(url, {
      method: 'POST',
      dispatcher,
      headers: { 'content-type': 'application/json', 'x-load': '1' },
      body: JSON.stringify(body),
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    const text = await res.body.text();
    const instance = servedBy(text);
    return {
      at: Date.now(),
      status: res.statusCode,
      ...(instance ? { instance } : {}),
      ...(res.statusCode === 200 && instance ? {} : { error: text.slice(0, 200) }),
    };
  } catch (err) {
    return { at: Date.now(), status: 0, error: (err as Error).message };
  }
}

/** `concurrency` loops of chat requests until stopped; every answer is kept in order. */
function startChatLoad(url: string, concurrency: number) {
  const dispatcher = new Agent({ connections: concurrency, keepAliveTimeout: 10_000 });
  const results: Served[] = [];
  let stopped = false;
  const loops = Array.from({ length: concurrency }, async () => {
    while (!stopped) results.push(await chat(url, dispatcher));
  });
  let closing: Promise<void> | undefined;
  return {
    results,
    async stop() {
      stopped = true;
      closing ??= Promise.all(loops).then(() => dispatcher.close());
      await closing;
      return results;
    },
  };
}

/** Print a measurement (kept in the test output). */
const report = (line: string) => process.stdout.write(`${line}\n`);

function countBy(results: Served[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of results) {
    const key = r.instance ?? `failed(${r.status})`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/** Wait until `n` answers after index `from` came from `name`; resolves the index reached. */
async function untilServedBy(
  results: Served[],
  name: string,
  n: number,
  from: number,
  timeoutMs: number,
): Promise<number> {
  await waitFor(
    `${n} answers from ${name}`,
    () => results.slice(from).filter((r) => r.instance === name).length >= n,
    timeoutMs,
  );
  return results.length;
}

// ---------------------------------------------------------------------------------------------

describe('scenario 1: priorities 10 / 5 / 1, instance_health_and_rate_limiting', () => {
  it('(1) instances go down and come back under load without a single failed request', async () => {
    const c = await mock('c');
    const b = await mock('b');
    const cloud = await mock('cloud');
    const { uri } = await route({
      'ai-proxy-multi': {
        balancer: { algorithm: 'roundrobin', hash_on: 'vars' },
        fallback_strategy: 'instance_health_and_rate_limiting',
        instances: [
          instance(cloud, 1),
          instance(b, 5, { checks: activeCheck(b) }),
          instance(c, 10, { checks: activeCheck(c) }),
        ],
      },
    });
    const load = startChatLoad(gatewayUrl(uri), 4);
    const phases: { phase: string; counts: Record<string, number>; ms: number }[] = [];
    let mark = 0;
    let markAt = Date.now();
    const phase = (name: string) => {
      phases.push({
        phase: name,
        counts: countBy(load.results.slice(mark)),
        ms: Date.now() - markAt,
      });
      mark = load.results.length;
      markAt = Date.now();
    };
    /** Stay `ms` in the current state; every answer meanwhile must come from `name`. */
    const steady = async (label: string, name: string, ms: number) => {
      const from = load.results.length;
      await new Promise((resolve) => setTimeout(resolve, ms));
      const window = load.results.slice(from);
      expect(window.length).toBeGreaterThan(20);
      expect(countBy(window)).toEqual({ [name]: window.length });
      phase(label);
    };
    try {
      // All traffic on the priority-10 instance.
      await untilServedBy(load.results, 'c', 30, 0, 10_000);
      await steady('all up', 'c', 1_000);

      // -c down (connection refused): traffic moves to -b at once, nothing fails. The phase
      // lasts long enough for the active check to mark -c down too.
      await c.stop();
      await untilServedBy(load.results, 'b', 10, mark, 10_000);
      phase('c stopped → b');
      await steady('c down', 'b', 3_000);

      // -b down too: traffic goes to the cloud.
      await b.stop();
      await untilServedBy(load.results, 'cloud', 10, mark, 10_000);
      phase('b stopped → cloud');
      await steady('b and c down', 'cloud', 3_000);

      // -b back: traffic returns to it (priority 5 over 1) while -c is still down.
      await b.start();
      await untilServedBy(load.results, 'b', 10, mark, 15_000);
      const bBackMs = Date.now() - markAt;
      phase('b restarted → b');
      await new Promise((resolve) => setTimeout(resolve, 200));
      phase('settling');
      await steady('b back, c down', 'b', 1_500);

      // -c back: traffic returns to it (priority 10).
      await c.start();
      await untilServedBy(load.results, 'c', 10, mark, 15_000);
      const cBackMs = Date.now() - markAt;
      phase('c restarted → c');
      await new Promise((resolve) => setTimeout(resolve, 200));
      phase('settling');
      await steady('all back', 'c', 1_500);

      const results = await load.stop();
      const failures = results.filter((r) => r.error !== undefined);
      report(
        `[ai-fallback] scenario 1: ${results.length} requests, ${failures.length} failed; ` +
          `traffic back on b after ${bBackMs} ms, on c after ${cBackMs} ms\n` +
          phases
            .map(
              (p) =>
                `  ${p.phase.padEnd(30)} ${String(p.ms).padStart(5)} ms ${JSON.stringify(p.counts)}`,
            )
            .join('\n') +
          `\n  totals ${JSON.stringify(countBy(results))}; forwarded per mock: ` +
          `c=${forwarded(c).length} b=${forwarded(b).length} cloud=${forwarded(cloud).length}`,
      );
      expect(failures).toEqual([]);
    } finally {
      await load.stop();
    }
  });
});

describe('fallback rules', () => {
  it('(2) a 429 with Retry-After: 2 moves traffic away for ~2 s, then it returns', async () => {
    const a = await mock('a');
    const b = await mock('b');
    const { uri } = await route({
      'ai-proxy-multi': {
        fallback_strategy: ['http_429'],
        instances: [instance(a, 10), instance(b, 1)],
      },
    });
    a.setBehaviour({ status: 429, retryAfter: 2 });
    // One keep-alive connection: one worker, whose passive state the test follows.
    const dispatcher = new Agent({ connections: 1 });
    const results: Served[] = [];
    try {
      const first = await chat(gatewayUrl(uri), dispatcher);
      expect(first).toMatchObject({ status: 200, instance: 'b' });
      expect(forwarded(a)).toHaveLength(1);
      expect(forwarded(a)[0]?.status).toBe(429);
      a.resetBehaviour(); // a would answer again; the gateway must wait out its Retry-After
      const limitedAt = forwarded(a)[0]?.receivedAt ?? 0;
      await waitFor(
        'traffic back on a',
        async () => {
          const r = await chat(gatewayUrl(uri), dispatcher);
          results.push(r);
          await new Promise((resolve) => setTimeout(resolve, 20));
          return r.instance === 'a';
        },
        6_000,
        0,
      );
      const backAt = forwarded(a)[1]?.receivedAt ?? 0;
      const gap = backAt - limitedAt;
      report(
        `[ai-fallback] 429 Retry-After 2: a rested ${gap} ms; meanwhile ${JSON.stringify(countBy(results.slice(0, -1)))}`,
      );
      expect(results.every((r) => r.status === 200)).toBe(true);
      expect(results.slice(0, -1).every((r) => r.instance === 'b')).toBe(true);
      expect(results.length).toBeGreaterThan(10);
      expect(gap).toBeGreaterThanOrEqual(1_900);
      expect(gap).toBeLessThan(3_500);
      for (let i = 0; i < 10; i++)
        expect(await chat(gatewayUrl(uri), dispatcher)).toMatchObject({ instance: 'a' });
    } finally {
      await dispatcher.close();
    }
  });

  it('(3) passive breaker: an instance answering 500 is opened after the threshold, then a half-open trial brings it back', async () => {
    const a = await mock('a');
    const b = await mock('b');
    const { uri } = await route({
      'ai-proxy-multi': {
        fallback_strategy: ['http_5xx'],
        instances: [instance(a, 10), instance(b, 1)],
      },
    });
    a.setBehaviour({ status: 500 });
    const dispatcher = new Agent({ connections: 1 });
    try {
      const results: Served[] = [];
      for (let i = 0; i < 40; i++) results.push(await chat(gatewayUrl(uri), dispatcher));
      const openedAt = forwarded(a).at(-1)?.receivedAt ?? 0;
      report(
        `[ai-fallback] passive breaker: a got ${forwarded(a).length} of 40 requests (all 500), ` +
          `clients got ${JSON.stringify(countBy(results))}`,
      );
      expect(results.every((r) => r.status === 200 && r.instance === 'b')).toBe(true);
      // Tollgate's default threshold without checks.passive: 3 consecutive failures.
      expect(forwarded(a)).toHaveLength(3);
      expect(forwarded(b)).toHaveLength(40);

      // a recovers; after the breaker's reset timeout (10 s) one trial request closes it.
      a.resetBehaviour();
      let trials = 0;
      await waitFor(
        'traffic back on a',
        async () => {
          trials++;
          return (await chat(gatewayUrl(uri), dispatcher)).instance === 'a';
        },
        14_000,
        200,
      );
      const backAfter = (forwarded(a).at(-1)?.receivedAt ?? 0) - openedAt;
      report(
        `[ai-fallback] passive breaker: half-open trial succeeded ${backAfter} ms after it opened`,
      );
      expect(forwarded(a)).toHaveLength(4);
      expect(backAfter).toBeGreaterThan(9_000);
      for (let i = 0; i < 5; i++)
        expect(await chat(gatewayUrl(uri), dispatcher)).toMatchObject({ instance: 'a' });
      expect(trials).toBeGreaterThan(1);
    } finally {
      await dispatcher.close();
    }
  });

  it('(4) active checks: a stopped instance is marked unhealthy and skipped; restarted, it gets traffic back', async () => {
    const a = await mock('a');
    const b = await mock('b');
    // No fallback_strategy: a request sent to a dead instance would fail, so only the active
    // check can keep traffic away from it.
    const { id, uri } = await route({
      'ai-proxy-multi': {
        instances: [
          instance(a, 10, { checks: activeCheck(a) }),
          instance(b, 1, { checks: activeCheck(b) }),
        ],
      },
    });
    const dispatcher = new Agent({ connections: 2 });
    const logs = () => cluster.gateways[0]?.node.process.recentOutput() ?? '';
    const logged = (what: string) =>
      logs()
        .split('\n')
        .some((line) => line.includes(what) && line.includes(`routes/${id}#ai-proxy-multi#a`));
    try {
      // Checkers start with the first request (APISIX creates them lazily).
      expect(await chat(gatewayUrl(uri), dispatcher)).toMatchObject({ instance: 'a' });
      await waitFor('a probed', () => a.requests.some((r) => r.headers['x-load'] === undefined));
      const probe = a.requests.find((r) => r.headers['x-load'] === undefined);
      expect(probe?.headers.authorization).toBe('Bearer key-a');
      expect(probe?.headers['content-type']).toBe('application/json');

      await a.stop();
      const stoppedAt = Date.now();
      await waitFor('a marked unhealthy', () => logged('instance unhealthy'), 8_000, 50);
      const downMs = Date.now() - stoppedAt;
      // The node logs the verdict before it sends it to its workers over IPC: give it a moment.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const meanwhile: Served[] = [];
      for (let i = 0; i < 20; i++) meanwhile.push(await chat(gatewayUrl(uri), dispatcher));
      expect(countBy(meanwhile)).toEqual({ b: 20 });

      await a.start();
      const startedAt = Date.now();
      await waitFor(
        'traffic back on a',
        async () => (await chat(gatewayUrl(uri), dispatcher)).instance === 'a',
        8_000,
        100,
      );
      const upMs = Date.now() - startedAt;
      report(
        `[ai-fallback] active checks: a unhealthy ${downMs} ms after it stopped; traffic back ${upMs} ms after it restarted`,
      );
      expect(logged('instance healthy again')).toBe(true);
      // Faster than the passive breaker's 10 s reset: the active check brought it back.
      expect(upMs).toBeLessThan(6_000);
      for (let i = 0; i < 10; i++)
        expect(await chat(gatewayUrl(uri), dispatcher)).toMatchObject({
          status: 200,
          instance: 'a',
        });
    } finally {
      await dispatcher.close();
    }
  });

  it('(5) a retried request reaches the next instance with its own options, not the first one’s', async () => {
    const a = await mock('a');
    const b = await mock('b');
    const { uri } = await route({
      'ai-proxy-multi': {
        fallback_strategy: ['http_5xx'],
        instances: [
          instance(a, 10, { options: { model: 'model-a', temperature: 0.1, only_a: 'leak?' } }),
          instance(b, 1, { options: { model: 'model-b', max_tokens: 64 } }),
        ],
      },
    });
    a.setBehaviour({ status: 503 });
    const dispatcher = new Agent({ connections: 1 });
    try {
      const client = {
        model: 'client-model',
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'user', content: 'what is 1+1?' },
        ],
        top_p: 0.5,
      };
      expect(await chat(gatewayUrl(uri), dispatcher, client)).toMatchObject({
        status: 200,
        instance: 'b',
      });
      const toA = forwarded(a)[0];
      const toB = forwarded(b)[0];
      expect(toA?.json).toEqual({ ...client, model: 'model-a', temperature: 0.1, only_a: 'leak?' });
      expect(toB?.json).toEqual({ ...client, model: 'model-b', max_tokens: 64 });
      expect(toA?.headers.authorization).toBe('Bearer key-a');
      expect(toB?.headers.authorization).toBe('Bearer key-b');

      // A stream too: B gets stream_options injected once, A's options still absent.
      const streamed = { ...client, stream: true };
      const res = await request(gatewayUrl(uri), {
        method: 'POST',
        dispatcher,
        headers: { 'content-type': 'application/json', 'x-load': '1' },
        body: JSON.stringify(streamed),
      });
      expect(res.statusCode).toBe(200);
      expect(await res.body.text()).toContain('data: [DONE]');
      const streamToB = forwarded(b).at(-1);
      expect(streamToB?.json).toEqual({
        ...streamed,
        stream_options: { include_usage: true },
        model: 'model-b',
        max_tokens: 64,
      });
    } finally {
      await dispatcher.close();
    }
  });
});
