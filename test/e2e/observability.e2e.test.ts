/**
 * Observability end to end (issue 6): a data-plane node with two workers, its access log in a
 * file (`nginx_config.http.access_log`) and its control API on a free port
 * (`apisix.enable_control` / `apisix.control`), configured through the Admin API against mock LLMs.
 *
 * (a) the access-log lines of a scripted run (plain route, AI fallback, a stream, a quota
 *     refusal, a key-auth 401) carry the expected fields and values;
 * (b) the instance's auth header secret (and the consumer key, and a credential query value)
 *     appear nowhere in the access log, the node's stdout/stderr or the control API;
 * (c) `/v1/healthcheck` shows an AI instance turning unhealthy when its mock stops and healthy
 *     again when it restarts (active checks, 1 s intervals).
 *
 * The node is spawned here rather than by startCluster, to pass those config keys and to keep
 * its whole output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import {
  freePort,
  httpRequest,
  startCluster,
  startEchoServer,
  TOLLGATE_BIN,
  untilWorkersServe,
  waitFor,
  waitForPort,
  type Cluster,
  type EchoServer,
  type HttpReply,
} from '@tollgate/testkit';

jest.setTimeout(120_000);

const MOCK_SECRET = `mock-secret-${process.pid}-e2e`;
const CONSUMER_KEY = `alice-key-${process.pid}-e2e`;
const QUERY_SECRET = `query-secret-${process.pid}-e2e`;
const CHAT = { model: 'gpt-obs', messages: [{ role: 'user', content: 'observe me' }] };

/** A gateway node process whose whole output is kept. */
interface Node {
  port: number;
  controlPort: number;
  accessLog: string;
  output(): string;
  stop(): Promise<void>;
}

async function spawnNode(cluster: Cluster, workDir: string): Promise<Node> {
  const port = await freePort();
  const controlPort = await freePort();
  const metricsPort = await freePort();
  const accessLog = path.join(workDir, 'logs', 'access.log');
  const config = {
    apisix: {
      node_listen: [{ ip: '127.0.0.1', port }],
      enable_admin: false,
      enable_control: true,
      control: { ip: '127.0.0.1', port: controlPort },
    },
    nginx_config: {
      worker_processes: 2,
      http: { enable_access_log: true, access_log: accessLog },
    },
    plugin_attr: { prometheus: { export_addr: { ip: '127.0.0.1', port: metricsPort } } },
    deployment: {
      role: 'data_plane',
      etcd: { host: [cluster.etcd.endpoint], prefix: '/apisix', timeout: 3 },
    },
    tollgate: { data_dir: path.join(workDir, 'data') },
  };
  const configFile = path.join(workDir, 'config.yaml');
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  const chunks: string[] = [];
  const child: ChildProcess = spawn(process.execPath, [TOLLGATE_BIN, 'start', '-c', configFile], {
    cwd: workDir,
    env: { ...process.env, TOLLGATE_LOG_LEVEL: 'debug' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (c: Buffer) => chunks.push(c.toString()));
  child.stderr?.on('data', (c: Buffer) => chunks.push(c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const output = () => chunks.join('');
  try {
    await Promise.race([
      (async () => {
        await waitForPort(port, '127.0.0.1', 30_000);
        await waitForPort(controlPort, '127.0.0.1', 30_000);
      })(),
      exited.then(() => {
        throw new Error(`the node exited before listening:\n${output()}`);
      }),
    ]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    port,
    controlPort,
    accessLog,
    output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(force);
    },
  };
}

let cluster: Cluster;
let node: Node;
let workDir: string;
let echo: EchoServer;
let primary: MockLlm;
let backup: MockLlm;
let probedA: MockLlm;
let probedB: MockLlm;

const gw = (p: string) => `http://127.0.0.1:${node.port}${p}`;
const control = (p: string) => httpRequest('GET', `http://127.0.0.1:${node.controlPort}${p}`);

const instance = (m: MockLlm, priority: number, over: Record<string, unknown> = {}) => ({
  name: m.name,
  provider: 'openai-compatible',
  weight: 1,
  priority,
  auth: { header: { Authorization: `Bearer ${MOCK_SECRET}` } },
  options: { model: `model-${m.name}` },
  override: { endpoint: `${m.url}/v1/chat/completions` },
  ...over,
});

/** Active checks every second; the instance's auth header is appended to the probe. */
const activeCheck = (m: MockLlm) => ({
  active: {
    type: 'http',
    host: `127.0.0.1:${m.port}`,
    http_method: 'POST',
    http_path: '/v1/chat/completions',
    http_req_body: '{"model":"probe","messages":[{"role":"user","content":"0"}],"max_tokens":1}',
    req_headers: ['Content-Type: application/json'],
    timeout: 1,
    healthy: { http_statuses: [200], interval: 1, successes: 1 },
    unhealthy: {
      http_statuses: [404, 429, 500, 501, 502, 503, 504, 505],
      http_failures: 1,
      tcp_failures: 2,
      timeouts: 2,
      interval: 1,
    },
  },
});

async function put(pathname: string, body: unknown): Promise<void> {
  const res = await cluster.admin.put(pathname, body);
  if (res.status !== 200 && res.status !== 201) {
    throw new Error(`PUT ${pathname}: ${res.status} ${res.text}`);
  }
}

type Line = Record<string, unknown>;

function accessLines(): Line[] {
  if (!fs.existsSync(node.accessLog)) return [];
  return fs
    .readFileSync(node.accessLog, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Line);
}

/** The access-log line of the request sent with `user-agent: <tag>`. */
const lineOf = (tag: string) =>
  waitFor(`the access log line of ${tag}`, () => accessLines().find((l) => l.user_agent === tag));

function chat(
  uri: string,
  tag: string,
  headers: Record<string, string> = {},
  body: unknown = CHAT,
): Promise<HttpReply> {
  return httpRequest('POST', gw(uri), {
    body,
    headers: { 'content-type': 'application/json', 'user-agent': tag, ...headers },
  });
}

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-obs-'));
  cluster = await startCluster(0);
  echo = await startEchoServer('obs-echo');
  primary = await startMockLlm({ name: 'primary', apiKeys: [MOCK_SECRET] });
  backup = await startMockLlm({ name: 'backup', apiKeys: [MOCK_SECRET] });
  probedA = await startMockLlm({ name: 'probed-a', apiKeys: [MOCK_SECRET] });
  probedB = await startMockLlm({ name: 'probed-b', apiKeys: [MOCK_SECRET] });
  for (const m of [primary, backup]) m.setBehaviour({ usage: { prompt: 600, completion: 400 } });
  node = await spawnNode(cluster, workDir);

  await put('/apisix/admin/consumers', {
    username: 'alice',
    plugins: { 'key-auth': { key: CONSUMER_KEY } },
  });
  await put('/apisix/admin/routes/obs-quota', {
    uri: '/obs/quota',
    methods: ['POST'],
    plugins: {
      'ai-proxy': {
        provider: 'openai-compatible',
        auth: { header: { Authorization: `Bearer ${MOCK_SECRET}` } },
        override: { endpoint: `${backup.url}/v1/chat/completions` },
      },
      'ai-rate-limiting': {
        instances: [{ name: 'ai-proxy-openai-compatible', limit: 1000, time_window: 600 }],
        rejected_code: 429,
      },
    },
  });
  await put('/apisix/admin/routes/obs-hc', {
    uri: '/obs/hc',
    methods: ['POST'],
    plugins: {
      'ai-proxy-multi': {
        instances: [
          instance(probedA, 10, { checks: activeCheck(probedA) }),
          instance(probedB, 1, { checks: activeCheck(probedB) }),
        ],
      },
    },
  });
  await put('/apisix/admin/routes/obs-ai', {
    uri: '/obs/ai',
    methods: ['POST', 'GET'],
    plugins: {
      'key-auth': {},
      'ai-proxy-multi': {
        instances: [instance(primary, 10), instance(backup, 1)],
        fallback_strategy: ['http_5xx'],
        logging: { summaries: true, payloads: true },
      },
    },
  });
  await put('/apisix/admin/routes/obs-plain', {
    uri: '/obs/plain',
    upstream: { type: 'roundrobin', nodes: { [`127.0.0.1:${echo.port}`]: 1 } },
  });
  // Updates reach every worker in order: once both serve the last route, they have them all.
  await untilWorkersServe(gw('/obs/plain'), node.controlPort, (status) => status === 200, 20_000);
});

afterAll(async () => {
  await node?.stop();
  for (const m of [primary, backup, probedA, probedB]) await m?.close();
  await echo?.close();
  await cluster?.destroy();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

describe('(a) access log lines of a scripted run', () => {
  it('a plain proxied request', async () => {
    const res = await httpRequest('GET', gw(`/obs/plain?apikey=${QUERY_SECRET}&page=1`), {
      headers: { 'user-agent': 'obs-plain', authorization: `Bearer ${QUERY_SECRET}` },
    });
    expect(res.status).toBe(200);
    const line = await lineOf('obs-plain');
    expect(line).toMatchObject({
      method: 'GET',
      uri: '/obs/plain',
      query: 'apikey=[REDACTED]&page=1',
      client_ip: '127.0.0.1',
      route_id: 'obs-plain',
      status: 200,
      upstream_addr: `127.0.0.1:${echo.port}`,
      upstream_status: 200,
      request_type: 'traditional_http',
    });
    expect(line.latency_ms).toEqual(expect.any(Number));
    expect(line.upstream_latency_ms).toEqual(expect.any(Number));
    expect(line.apisix_latency_ms).toEqual(expect.any(Number));
    expect(line.bytes_sent).toBe(Buffer.byteLength(res.text));
  });

  it('an AI request that falls back from a failing instance', async () => {
    primary.setBehaviour({ status: 500 });
    backup.setBehaviour({ content: 'backup speaking' });
    try {
      const res = await chat('/obs/ai', 'obs-fallback', { apikey: CONSUMER_KEY });
      expect(res.status).toBe(200);
    } finally {
      primary.resetBehaviour();
      primary.setBehaviour({ usage: { prompt: 600, completion: 400 } });
      backup.resetBehaviour();
      backup.setBehaviour({ usage: { prompt: 600, completion: 400 } });
    }
    const line = await lineOf('obs-fallback');
    expect(line).toMatchObject({
      route_id: 'obs-ai',
      consumer: 'alice',
      status: 200,
      request_type: 'ai_chat',
      request_llm_model: 'gpt-obs',
      llm_model: 'model-backup',
      llm_prompt_tokens: 600,
      llm_completion_tokens: 400,
      llm_total_tokens: 1000,
      llm_stream: false,
      instances_tried: ['primary', 'backup'],
      instance: 'backup',
      fallback_reason: 'http_5xx',
      usage_estimated: false,
      upstream_status: 200,
      upstream_addr: `127.0.0.1:${backup.port}`,
      llm_summary: {
        request_model: 'gpt-obs',
        model: 'model-backup',
        prompt_tokens: 600,
        completion_tokens: 400,
        total_tokens: 1000,
        stream: false,
      },
      llm_request: { messages: CHAT.messages, stream: false },
      llm_response_text: { content: 'backup speaking' },
    });
    expect(line.llm_time_to_first_token).toEqual(expect.any(Number));
  });

  it('a streamed AI request', async () => {
    const res = await chat(
      '/obs/ai',
      'obs-stream',
      { apikey: CONSUMER_KEY },
      { ...CHAT, stream: true },
    );
    expect(res.status).toBe(200);
    const line = await lineOf('obs-stream');
    expect(line).toMatchObject({
      route_id: 'obs-ai',
      request_type: 'ai_stream',
      llm_stream: true,
      instance: 'primary',
      llm_total_tokens: 1000,
      stream_cut: false,
      llm_request: { messages: CHAT.messages, stream: true },
    });
    expect(line.llm_time_to_first_token as number).toBeGreaterThan(0);
  });

  it('a quota refusal', async () => {
    expect((await chat('/obs/quota', 'obs-quota-1')).status).toBe(200);
    const refused = await chat('/obs/quota', 'obs-quota-2');
    expect(refused.status).toBe(429);
    expect(await lineOf('obs-quota-1')).toMatchObject({
      route_id: 'obs-quota',
      status: 200,
      instance: 'ai-proxy-openai-compatible',
      llm_total_tokens: 1000,
      quota: { 'ai-rate-limiting': 'allowed' },
    });
    const line = await lineOf('obs-quota-2');
    expect(line).toMatchObject({
      route_id: 'obs-quota',
      status: 429,
      quota: { 'ai-rate-limiting': 'rejected' },
      llm_total_tokens: 0,
    });
    expect(line).not.toHaveProperty('instance');
    expect(line).not.toHaveProperty('upstream_status');
  });

  it('a key-auth refusal', async () => {
    const res = await chat('/obs/ai', 'obs-401', { apikey: 'not-a-key' });
    expect(res.status).toBe(401);
    const line = await lineOf('obs-401');
    expect(line).toMatchObject({
      route_id: 'obs-ai',
      status: 401,
      request_type: 'traditional_http',
    });
    expect(line).not.toHaveProperty('consumer');
    expect(line).not.toHaveProperty('instances_tried');
  });

  it('one JSON object per line, none with component-log keys', () => {
    const lines = accessLines();
    expect(lines.length).toBeGreaterThanOrEqual(7);
    for (const line of lines) {
      expect(typeof line.request_id).toBe('string');
      expect(line).not.toHaveProperty('level');
      expect(line).not.toHaveProperty('msg');
    }
  });
});

describe('(c) /v1/healthcheck follows an AI instance through an outage', () => {
  interface HcNode {
    status: string;
    instance: string;
    counter: {
      success: number;
      http_failure: number;
      tcp_failure: number;
      timeout_failure: number;
    };
  }
  const nodeOf = async (name: string): Promise<HcNode | undefined> => {
    const res = await control('/v1/healthcheck');
    if (res.status !== 200) return undefined;
    const entries = res.json as { name: string; instance?: string; nodes: HcNode[] }[];
    return entries
      .filter((e) => e.name === '/apisix/routes/obs-hc')
      .flatMap((e) => e.nodes)
      .find((n) => n.instance === name);
  };

  it('healthy, unhealthy after its mock stops, healthy again after it restarts', async () => {
    const first = await waitFor(
      'probed-a probed',
      async () => {
        const n = await nodeOf('probed-a');
        return n && n.counter.success >= 1 ? n : undefined;
      },
      15_000,
      100,
    );
    expect(first.status).toBe('healthy');
    const one = await control('/v1/healthcheck/routes/obs-hc');
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ name: '/apisix/routes/obs-hc', type: 'http' });

    await probedA.stop();
    const stoppedAt = Date.now();
    await waitFor(
      'probed-a unhealthy',
      async () => (await nodeOf('probed-a'))?.status === 'unhealthy',
      10_000,
      100,
    );
    const downMs = Date.now() - stoppedAt;
    const during = (await control('/v1/healthcheck/routes/obs-hc')).json as { nodes: HcNode[] };
    expect(during.nodes.find((n) => n.instance === 'probed-a')?.status).toBe('unhealthy');
    expect(during.nodes.find((n) => n.instance === 'probed-b')?.status).toBe('healthy');
    expect((await nodeOf('probed-a'))?.counter.tcp_failure).toBeGreaterThanOrEqual(2);

    await probedA.start();
    const startedAt = Date.now();
    await waitFor(
      'probed-a healthy again',
      async () => (await nodeOf('probed-a'))?.status === 'healthy',
      10_000,
      100,
    );
    process.stdout.write(
      `[observability] probed-a unhealthy ${downMs} ms after it stopped, healthy ${Date.now() - startedAt} ms after it restarted\n`,
    );
  });

  it('server_info and readiness describe the node', async () => {
    const info = await control('/v1/server_info');
    expect(info.status).toBe(200);
    expect(info.json).toMatchObject({
      etcd_connected: true,
      stale: false,
      config_revision: expect.any(Number),
      id: expect.any(String),
      version: expect.any(String),
      boot_time: expect.any(Number),
    });
    expect(await control('/status/ready')).toMatchObject({ status: 200, json: { status: 'ok' } });
    const routes = await control('/v1/routes');
    expect((routes.json as { key: string }[]).map((r) => r.key).sort()).toEqual([
      '/apisix/routes/obs-ai',
      '/apisix/routes/obs-hc',
      '/apisix/routes/obs-plain',
      '/apisix/routes/obs-quota',
    ]);
    expect(routes.text).toContain('[REDACTED]');
  });
});

describe('(b) no secret anywhere', () => {
  it('the instance auth header, the consumer key and credential query values never appear', async () => {
    // A request carrying every secret once more, then the node's whole output after it stopped.
    await chat(`/obs/ai?api_key=${QUERY_SECRET}`, 'obs-secrets', { apikey: CONSUMER_KEY });
    await lineOf('obs-secrets');
    const apis = await Promise.all(
      ['/v1/routes', '/v1/route/obs-ai', '/v1/healthcheck', '/v1/server_info'].map(control),
    );
    await node.stop();
    const places: [string, string][] = [
      ['access log', fs.readFileSync(node.accessLog, 'utf8')],
      ['node stdout/stderr', node.output()],
      ['control API', apis.map((r) => r.text).join('\n')],
    ];
    for (const [where, text] of places) {
      for (const secret of [MOCK_SECRET, CONSUMER_KEY, QUERY_SECRET]) {
        if (text.includes(secret)) throw new Error(`${secret} appears in the ${where}`);
      }
    }
    // The probes and forwarded requests did carry the secret: the mocks checked it.
    expect(backup.requests.some((r) => r.headers.authorization === `Bearer ${MOCK_SECRET}`)).toBe(
      true,
    );
  });
});
