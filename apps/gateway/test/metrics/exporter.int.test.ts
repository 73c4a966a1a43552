// The metrics exporter of a node primary against real node:cluster workers (TypeScript run by
// tsx): per-series sums over workers, node-level metrics, and the APISIX answers.
import cluster, { type Worker } from 'node:cluster';
import path from 'node:path';
import { request } from 'undici';
import { startMetricsExporter, type MetricsExporter } from '../../src/metrics';
import type { NodeMetricsSnapshot } from '../../src/metrics/node-metrics';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '../../../..');
const SNAPSHOT: NodeMetricsSnapshot = {
  etcd: { reachable: true, modifyIndexes: { routes: 5, x_etcd_index: 7 } },
  config: { revision: 7, loaded: true, stale: false, connected: true },
  workerRevisions: [7, 7],
  activeHealth: [{ owner: 'routes/1', instance: 'openai-gpt4', healthy: true }],
};

let exporter: MetricsExporter;
const workers: Worker[] = [];

function fork(): Promise<Worker> {
  const worker = cluster.fork({ TSX_TSCONFIG_PATH: path.join(ROOT, 'tsconfig.eslint.json') });
  workers.push(worker);
  return new Promise((resolve, reject) => {
    worker.on('message', (msg: { t?: string }) => {
      if (msg.t === 'up') resolve(worker);
    });
    worker.once('exit', (code) => reject(new Error(`worker exited (${code}) before start`)));
  });
}

function traffic(worker: Worker, requests: number, prompt: number, completion: number) {
  return new Promise<void>((resolve) => {
    const onMessage = (msg: { t?: string }) => {
      if (msg.t !== 'done') return;
      worker.off('message', onMessage);
      resolve();
    };
    worker.on('message', onMessage);
    worker.send({ t: 'traffic', requests, prompt, completion });
  });
}

async function scrape(uri = '/apisix/prometheus/metrics', method = 'GET') {
  const res = await request(`http://127.0.0.1:${exporter.port}${uri}`, { method });
  return { status: res.statusCode, type: res.headers['content-type'], text: await res.body.text() };
}

const series = (text: string, prefix: string) =>
  text.split('\n').filter((line) => line.startsWith(prefix));

beforeAll(async () => {
  cluster.setupPrimary({
    exec: path.join(__dirname, 'fixtures/metrics-worker.ts'),
    execArgv: ['--import', 'tsx'],
    silent: false,
  });
  exporter = await startMetricsExporter({
    ip: '127.0.0.1',
    port: 0,
    nodeMetrics: () => SNAPSHOT,
    hostname: 'test-host',
    version: '9.9.9',
    workerTimeoutMs: 1000,
  });
});

afterAll(async () => {
  await exporter?.close();
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w.isDead()) return resolve();
          w.once('exit', () => resolve());
          w.kill();
        }),
    ),
  );
});

it('answers 500 "no data available" while no worker can answer, 404 elsewhere', async () => {
  expect(await scrape()).toMatchObject({
    status: 500,
    text: '{"message":"Failed to retrieve metrics: no data available"}\n',
  });
  expect((await scrape('/metrics')).status).toBe(404);
  expect((await scrape('/apisix/prometheus/metrics', 'POST')).status).toBe(404);
});

it('sums every worker per series, with the node-level metrics in the same answer', async () => {
  const [a, b] = await Promise.all([fork(), fork()]);
  if (!a || !b) throw new Error('workers did not start');
  await Promise.all([traffic(a, 3, 8, 5), traffic(b, 4, 10, 2)]);
  const res = await scrape();
  expect(res.status).toBe(200);
  expect(res.type).toBe('text/plain; version=0.0.4; charset=utf-8');
  const llm =
    'route_id="1",service_id="",consumer="",node="openai-gpt4",request_type="ai_chat",request_llm_model="gpt-3",llm_model="gpt-4"';
  expect(series(res.text, 'apisix_http_status{')).toEqual([
    'apisix_http_status{code="200",route="1",matched_uri="/chat",matched_host="",service="",consumer="",node="openai-gpt4",request_type="ai_chat",request_llm_model="gpt-3",llm_model="gpt-4",response_source="upstream"} 7',
  ]);
  expect(series(res.text, 'apisix_llm_prompt_tokens{')).toEqual([
    `apisix_llm_prompt_tokens{${llm}} ${3 * 8 + 4 * 10}`,
  ]);
  expect(series(res.text, 'apisix_llm_completion_tokens{')).toEqual([
    `apisix_llm_completion_tokens{${llm}} ${3 * 5 + 4 * 2}`,
  ]);
  expect(series(res.text, 'apisix_llm_latency_count{')).toEqual([
    `apisix_llm_latency_count{type="total",${llm}} 7`,
  ]);
  expect(res.text).toContain(`apisix_llm_latency_bucket{type="total",${llm},le="10"} 7`);
  expect(res.text).toContain(`apisix_llm_prompt_tokens_dist_bucket{${llm},le="10"} 7`);
  expect(res.text).toContain(`apisix_llm_completion_tokens_dist_bucket{${llm},le="1"} 0`);
  expect(series(res.text, 'apisix_node_info')).toEqual([
    'apisix_node_info{hostname="test-host",version="9.9.9"} 1',
  ]);
  expect(res.text).toContain('apisix_etcd_reachable 1');
  expect(res.text).toContain('apisix_etcd_modify_indexes{key="routes"} 5');
  expect(res.text).toContain(
    'tollgate_ai_instance_health{owner="routes/1",instance="openai-gpt4",source="active"} 1',
  );
  expect(res.text).toContain('tollgate_config_revision 7');
  expect(res.text).toContain('tollgate_metrics_workers 2');
  // Every family once, whatever the number of workers.
  const types = series(res.text, '# TYPE ');
  expect(new Set(types).size).toBe(types.length);

  // Two scrapes at once share one IPC round and get the same text.
  const [x, y] = await Promise.all([scrape(), scrape()]);
  expect(x.text).toBe(y.text);
});

it('fails a scrape a worker cannot answer in time, and leaves out a worker that is gone', async () => {
  const [a, b] = workers;
  if (!a || !b) throw new Error('no workers');
  a.send({ t: 'block', ms: 2500 });
  expect(await scrape()).toMatchObject({
    status: 500,
    text: '{"message":"An unexpected error occurred"}\n',
  });
  await new Promise<void>((resolve) => {
    b.once('exit', () => resolve());
    b.kill();
  });
  await new Promise((r) => setTimeout(r, 1500));
  const res = await scrape();
  expect(res.status).toBe(200);
  expect(series(res.text, 'apisix_llm_prompt_tokens{')[0]).toMatch(/ 24$/);
});
