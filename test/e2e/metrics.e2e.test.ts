/**
 * Prometheus metrics end to end (issue 6, "must show"): a data-plane node with two workers, the
 * prometheus plugin as a global rule, its export server on the free port testkit configures
 * (`plugin_attr.prometheus.export_addr`). A scripted run (AI chats and streams, a fallback, a
 * token-quota refusal, a key-auth refusal, plain proxying, a 404) is sent over fresh connections
 * so it lands on both workers; one scrape of the node must then show exactly that run, summed
 * over the workers: every status series and its count, token sums, LLM latencies, fallbacks and
 * quota outcomes.
 *
 * Counts are compared as differences between a scrape taken once every worker records and one
 * after the run, so the readiness probes never enter the expectations.
 */
import fs from 'node:fs';
import http from 'node:http';
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import {
  freshGet,
  listenerPorts,
  startCluster,
  startEchoServer,
  waitFor,
  workersCaughtUp,
  waitForPort,
  type Cluster,
  type EchoServer,
} from '@tollgate/testkit';

jest.setTimeout(120_000);

const USAGE = { prompt: 30, completion: 20 };
const CHAT = { model: 'gpt-obs', messages: [{ role: 'user', content: 'count me' }] };
const ALICE_KEY = `alice-metrics-${process.pid}`;

let cluster: Cluster;
let alpha: MockLlm;
let beta: MockLlm;
let echo: EchoServer;
let port: number;
let metricsPort: number;
let controlPort: number;

const url = (path: string) => `http://127.0.0.1:${port}${path}`;

/** One request over a new connection. */
function send(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url(path),
      {
        method,
        agent: false,
        headers: {
          connection: 'close',
          ...(payload ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        timeout: 15_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Every sample of a scrape, by series (name and labels as printed). */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    out.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return out;
}

/** The series of `name` that changed between two scrapes, with the change. */
function changed(
  before: Map<string, number>,
  after: Map<string, number>,
  name: string,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [series, value] of after) {
    if (!series.startsWith(`${name}{`)) continue;
    const delta = value - (before.get(series) ?? 0);
    if (delta !== 0 || !before.has(series)) out[series] = delta;
  }
  return out;
}

async function scrape(): Promise<{ status: number; text: string }> {
  const res = await freshGet(`http://127.0.0.1:${metricsPort}/apisix/prometheus/metrics`);
  return { status: res.status, text: res.body };
}

const instance = (m: MockLlm, priority: number) => ({
  name: m.name,
  provider: 'openai-compatible',
  weight: 1,
  priority,
  auth: { header: { Authorization: `Bearer key-${m.name}` } },
  options: { model: `model-${m.name}` },
  override: { endpoint: `${m.url}/v1/chat/completions` },
});

async function put(path: string, body: unknown): Promise<void> {
  const res = await cluster.admin.put(path, body);
  if (res.status !== 200 && res.status !== 201)
    throw new Error(`${path}: ${res.status} ${res.text}`);
}

beforeAll(async () => {
  alpha = await startMockLlm({
    name: 'alpha',
    apiKeys: ['key-alpha'],
    behaviour: { usage: USAGE },
  });
  beta = await startMockLlm({ name: 'beta', apiKeys: ['key-beta'], behaviour: { usage: USAGE } });
  echo = await startEchoServer('plain');
  cluster = await startCluster(1, 2);
  const gateway = cluster.gateways[0];
  if (!gateway) throw new Error('no gateway node');
  port = gateway.port;
  // testkit gives every node a free `plugin_attr.prometheus.export_addr` port: read it back.
  const config = JSON.parse(fs.readFileSync(gateway.node.configFile, 'utf8')) as {
    plugin_attr: { prometheus: { export_addr: { port: number } } };
  };
  metricsPort = config.plugin_attr.prometheus.export_addr.port;
  controlPort = listenerPorts(gateway.node).control;
  await waitForPort(metricsPort);

  await put('/apisix/admin/consumers', {
    username: 'alice',
    plugins: { 'key-auth': { key: ALICE_KEY } },
  });
  await put('/apisix/admin/routes/chat', {
    uri: '/m/chat',
    methods: ['POST'],
    plugins: {
      'ai-proxy-multi': {
        fallback_strategy: ['http_5xx'],
        instances: [instance(alpha, 10), instance(beta, 1)],
      },
    },
  });
  await put('/apisix/admin/routes/quota', {
    uri: '/m/quota',
    methods: ['POST'],
    plugins: {
      'key-auth': {},
      'ai-proxy-multi': { instances: [instance(alpha, 1)] },
      'ai-rate-limiting': {
        limit: 50,
        time_window: 3600,
        limit_strategy: 'total_tokens',
        rejected_code: 429,
      },
    },
  });
  await put('/apisix/admin/routes/plain', {
    uri: '/m/plain',
    upstream: { type: 'roundrobin', nodes: { [`127.0.0.1:${echo.port}`]: 1 } },
  });
  // Last: config reaches each worker in order, so a worker that records has every route too.
  await put('/apisix/admin/global_rules/metrics', { plugins: { prometheus: {} } });
});

afterAll(async () => {
  await cluster?.destroy();
  await alpha?.close();
  await beta?.close();
  await echo?.close();
});

it('one scrape of a two-worker node shows the exact counts and token sums of a scripted run', async () => {
  // The node records once six probes all count and every worker has caught up with its primary.
  const probe =
    'apisix_http_status{code="404",route="",matched_uri="",matched_host="",service="",consumer="",node="",request_type="traditional_http",request_llm_model="",llm_model="",response_source="apisix"}';
  let before = new Map<string, number>();
  await waitFor(
    'both workers recording',
    async () => {
      const first = await scrape();
      if (first.status !== 200 && first.status !== 500) return false;
      const start = samples(first.text).get(probe) ?? 0;
      for (let i = 0; i < 6; i++) await send('GET', '/m/probe');
      const after = await scrape();
      if (after.status !== 200) return false;
      before = samples(after.text);
      return (before.get(probe) ?? 0) - start === 6 && (await workersCaughtUp(controlPort));
    },
    30_000,
    200,
  );
  alpha.clear();
  beta.clear();

  // The scripted run.
  for (let i = 0; i < 4; i++) expect((await send('POST', '/m/chat', CHAT)).status).toBe(200);
  for (let i = 0; i < 2; i++) {
    const stream = await send('POST', '/m/chat', { ...CHAT, stream: true });
    expect(stream.status).toBe(200);
    expect(stream.text).toContain('data: [DONE]');
  }
  alpha.setBehaviour({ status: 500 });
  const fallback = await send('POST', '/m/chat', CHAT);
  expect(fallback.status).toBe(200);
  expect(fallback.text).toContain('Hello from beta');
  alpha.resetBehaviour();
  expect((await send('POST', '/m/quota', CHAT, { apikey: ALICE_KEY })).status).toBe(200);
  expect((await send('POST', '/m/quota', CHAT, { apikey: ALICE_KEY })).status).toBe(429);
  expect((await send('POST', '/m/quota', CHAT)).status).toBe(401);
  for (let i = 0; i < 3; i++) expect((await send('GET', '/m/plain')).status).toBe(200);
  expect((await send('GET', '/m/none')).status).toBe(404);
  expect(alpha.requests).toHaveLength(4 + 2 + 1 + 1);
  expect(beta.requests).toHaveLength(1);

  const res = await scrape();
  expect(res.status).toBe(200);
  const after = samples(res.text);

  const status = (labels: string) => `apisix_http_status{${labels}}`;
  const ai = (type: string, model: string) =>
    `request_type="${type}",request_llm_model="gpt-obs",llm_model="${model}"`;
  expect(changed(before, after, 'apisix_http_status')).toEqual({
    [status(
      `code="200",route="chat",matched_uri="/m/chat",matched_host="",service="",consumer="",node="alpha",${ai('ai_chat', 'model-alpha')},response_source="upstream"`,
    )]: 4,
    [status(
      `code="200",route="chat",matched_uri="/m/chat",matched_host="",service="",consumer="",node="alpha",${ai('ai_stream', 'model-alpha')},response_source="upstream"`,
    )]: 2,
    [status(
      `code="200",route="chat",matched_uri="/m/chat",matched_host="",service="",consumer="",node="beta",${ai('ai_chat', 'model-beta')},response_source="upstream"`,
    )]: 1,
    [status(
      `code="200",route="quota",matched_uri="/m/quota",matched_host="",service="",consumer="alice",node="alpha",${ai('ai_chat', 'model-alpha')},response_source="upstream"`,
    )]: 1,
    [status(
      `code="429",route="quota",matched_uri="/m/quota",matched_host="",service="",consumer="alice",node="alpha",${ai('ai_chat', 'gpt-obs')},response_source="apisix"`,
    )]: 1,
    [status(
      `code="401",route="quota",matched_uri="/m/quota",matched_host="",service="",consumer="",node="",request_type="traditional_http",request_llm_model="",llm_model="",response_source="apisix"`,
    )]: 1,
    [status(
      `code="200",route="plain",matched_uri="/m/plain",matched_host="",service="",consumer="",node="127.0.0.1",request_type="traditional_http",request_llm_model="",llm_model="",response_source="upstream"`,
    )]: 3,
    [probe]: 1,
  });

  const tokens = (route: string, consumer: string, node: string, type: string, model: string) =>
    `{route_id="${route}",service_id="",consumer="${consumer}",node="${node}",${ai(type, model)}}`;
  const chatAlpha = tokens('chat', '', 'alpha', 'ai_chat', 'model-alpha');
  const streamAlpha = tokens('chat', '', 'alpha', 'ai_stream', 'model-alpha');
  const chatBeta = tokens('chat', '', 'beta', 'ai_chat', 'model-beta');
  const quotaServed = tokens('quota', 'alice', 'alpha', 'ai_chat', 'model-alpha');
  const quotaRefused = tokens('quota', 'alice', 'alpha', 'ai_chat', 'gpt-obs');
  expect(changed(before, after, 'apisix_llm_prompt_tokens')).toEqual({
    [`apisix_llm_prompt_tokens${chatAlpha}`]: 4 * USAGE.prompt,
    [`apisix_llm_prompt_tokens${streamAlpha}`]: 2 * USAGE.prompt,
    [`apisix_llm_prompt_tokens${chatBeta}`]: USAGE.prompt,
    [`apisix_llm_prompt_tokens${quotaServed}`]: USAGE.prompt,
    [`apisix_llm_prompt_tokens${quotaRefused}`]: 0,
  });
  expect(changed(before, after, 'apisix_llm_completion_tokens')).toEqual({
    [`apisix_llm_completion_tokens${chatAlpha}`]: 4 * USAGE.completion,
    [`apisix_llm_completion_tokens${streamAlpha}`]: 2 * USAGE.completion,
    [`apisix_llm_completion_tokens${chatBeta}`]: USAGE.completion,
    [`apisix_llm_completion_tokens${quotaServed}`]: USAGE.completion,
    [`apisix_llm_completion_tokens${quotaRefused}`]: 0,
  });
  const withType = (type: string, labels: string) => `{type="${type}",${labels.slice(1)}`;
  expect(changed(before, after, 'apisix_llm_latency_count')).toEqual({
    [`apisix_llm_latency_count${withType('total', chatAlpha)}`]: 4,
    [`apisix_llm_latency_count${withType('total', streamAlpha)}`]: 2,
    [`apisix_llm_latency_count${withType('ttft', streamAlpha)}`]: 2,
    [`apisix_llm_latency_count${withType('total', chatBeta)}`]: 1,
    [`apisix_llm_latency_count${withType('total', quotaServed)}`]: 1,
  });
  expect(changed(before, after, 'apisix_llm_prompt_tokens_dist_count')).toEqual({
    [`apisix_llm_prompt_tokens_dist_count${chatAlpha}`]: 4,
    [`apisix_llm_prompt_tokens_dist_count${streamAlpha}`]: 2,
    [`apisix_llm_prompt_tokens_dist_count${chatBeta}`]: 1,
    [`apisix_llm_prompt_tokens_dist_count${quotaServed}`]: 1,
  });
  expect(changed(before, after, 'apisix_http_latency_count')).toMatchObject({
    'apisix_http_latency_count{type="upstream",route="plain",service="",consumer="",node="127.0.0.1",request_type="traditional_http",request_llm_model="",llm_model=""}': 3,
  });
  expect(changed(before, after, 'tollgate_ai_fallbacks_total')).toEqual({
    'tollgate_ai_fallbacks_total{route="chat",from_instance="alpha",to_instance="beta",reason="http_5xx"}': 1,
  });
  expect(changed(before, after, 'tollgate_ai_quota_rejections_total')).toEqual({
    'tollgate_ai_quota_rejections_total{plugin="ai-rate-limiting",consumer="alice",instance="alpha"}': 1,
  });
  // The refused request reported 0 tokens left; the lowest value across workers wins.
  expect(
    after.get(
      'tollgate_ai_quota_remaining{plugin="ai-rate-limiting",instance="alpha",consumer="alice"}',
    ),
  ).toBe(0);
  const active = [...after].filter(([s]) => s.startsWith('apisix_llm_active_connections{'));
  expect(active.length).toBeGreaterThan(0);
  expect(active.every(([, v]) => v === 0)).toBe(true);
  expect(after.get('tollgate_metrics_workers')).toBe(2);
  expect(after.get('apisix_etcd_reachable')).toBe(1);
  expect([...after.keys()].filter((s) => s.startsWith('apisix_node_info{'))).toHaveLength(1);
  const types = res.text.split('\n').filter((l) => l.startsWith('# TYPE '));
  expect(new Set(types).size).toBe(types.length);
});

it('plugin_metadata disabled_labels, set through the Admin API, merges the series of a metric on every worker', async () => {
  const refused = await cluster.admin.put('/apisix/admin/plugin_metadata/prometheus', {
    disabled_labels: { http_status: ['code'] },
  });
  expect(refused.status).toBe(400);
  expect(refused.text).toContain('error_msg');

  await put('/apisix/admin/plugin_metadata/prometheus', {
    disabled_labels: { http_status: ['route', 'matched_uri', 'node'] },
  });
  const labelled =
    'apisix_http_status{code="200",route="plain",matched_uri="/m/plain",matched_host="",service="",consumer="",node="127.0.0.1",request_type="traditional_http",request_llm_model="",llm_model="",response_source="upstream"}';
  const blanked =
    'apisix_http_status{code="200",route="",matched_uri="",matched_host="",service="",consumer="",node="",request_type="traditional_http",request_llm_model="",llm_model="",response_source="upstream"}';
  const latency =
    'apisix_http_latency_count{type="upstream",route="plain",service="",consumer="",node="127.0.0.1",request_type="traditional_http",request_llm_model="",llm_model=""}';
  // Metadata reaches the workers on their own; wait until six requests all land in the blanked
  // series and every worker has caught up with the node's primary.
  await waitFor(
    'both workers blanking the disabled labels',
    async () => {
      const first = samples((await scrape()).text);
      for (let i = 0; i < 6; i++) await send('GET', '/m/plain');
      const second = samples((await scrape()).text);
      const delta = (s: string) => (second.get(s) ?? 0) - (first.get(s) ?? 0);
      return delta(blanked) === 6 && delta(labelled) === 0 && (await workersCaughtUp(controlPort));
    },
    30_000,
    200,
  );
  const before = samples((await scrape()).text);
  for (let i = 0; i < 3; i++) expect((await send('GET', '/m/plain')).status).toBe(200);
  const after = samples((await scrape()).text);
  expect((after.get(blanked) ?? 0) - (before.get(blanked) ?? 0)).toBe(3);
  expect(after.get(labelled)).toBe(before.get(labelled));
  // Only http_status was named: the latency series keep their labels.
  expect((after.get(latency) ?? 0) - (before.get(latency) ?? 0)).toBe(3);

  expect((await cluster.admin.delete('/apisix/admin/plugin_metadata/prometheus')).status).toBe(200);
});
