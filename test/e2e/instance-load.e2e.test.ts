/**
 * The node's scrapes of LLM instances' metrics endpoints follow its configuration (issue 12), end
 * to end: Admin API → etcd → a gateway node with 2 workers. A `queue_aware` route starts scraping
 * its instances' `override.metrics_endpoint`s (the readings appear in the node's Prometheus
 * export and the control API's /v1/instance_load), another algorithm or a deleted route stops
 * it, and a changed endpoint moves it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenerPorts, startCluster, waitFor, waitForPort, type Cluster } from '@tollgate/testkit';
import { request } from 'undici';

jest.setTimeout(90_000);

interface MetricsEndpoint {
  url: string;
  scrapes: () => number;
  close(): Promise<void>;
}

/** A vLLM-like `/metrics` answering `waiting` queued requests, counting its scrapes. */
async function metricsEndpoint(waiting: number): Promise<MetricsEndpoint> {
  let scrapes = 0;
  const server = http.createServer((_req, res) => {
    scrapes++;
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(
      `vllm:num_requests_waiting{model_name="m"} ${waiting}\nvllm:num_requests_running{model_name="m"} 2\nvllm:kv_cache_usage_perc{model_name="m"} 0.25\n`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/metrics`,
    scrapes: () => scrapes,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

let cluster: Cluster;
let ports: { control: number; metrics: number };
let endpoints: MetricsEndpoint[] = [];

beforeAll(async () => {
  cluster = await startCluster(1, 2);
  const gateway = cluster.gateways[0];
  if (!gateway) throw new Error('no gateway node');
  ports = listenerPorts(gateway.node);
  await waitForPort(ports.metrics);
  // The node opens its control API after every worker listens, which can be a while after the
  // gateway port first accepts (the primary holds the shared listener).
  await waitForPort(ports.control);
  endpoints = [await metricsEndpoint(4), await metricsEndpoint(7)];
});
afterAll(async () => {
  for (const e of endpoints) await e.close();
  await cluster?.destroy();
});

async function exported(): Promise<string> {
  const res = await request(`http://127.0.0.1:${ports.metrics}/apisix/prometheus/metrics`);
  return res.body.text();
}

async function controlInstanceLoad(): Promise<{
  scrapes: { endpoint: string; waiting?: number; failures: number }[];
}> {
  const res = await request(`http://127.0.0.1:${ports.control}/v1/instance_load`);
  return (await res.body.json()) as { scrapes: { endpoint: string; failures: number }[] };
}

const waitingLine = (url: string, waiting: number) =>
  `tollgate_ai_instance_queue_waiting{endpoint="${url}"} ${waiting}`;

function route(algorithm: string, metricsUrl: string): Record<string, unknown> {
  const instance = (name: string, metrics?: string) => ({
    name,
    provider: 'openai-compatible',
    weight: 1,
    auth: { header: { Authorization: 'Bearer k' } },
    options: { model: 'm' },
    override: {
      endpoint: 'http://127.0.0.1:9/v1/chat/completions',
      ...(metrics ? { metrics_endpoint: metrics } : {}),
    },
  });
  return {
    uri: '/chat',
    plugins: {
      'ai-proxy-multi': {
        balancer: { algorithm, scrape_interval_ms: 50 },
        instances: [instance('gpu', metricsUrl), instance('cloud')],
      },
    },
  };
}

async function putRoute(body: Record<string, unknown>): Promise<void> {
  const res = await cluster.admin.put('/apisix/admin/routes/load-1', body);
  expect([200, 201]).toContain(res.status);
}

it('scrapes queue_aware instances while the config asks, and stops when it no longer does', async () => {
  const [first, second] = endpoints as [MetricsEndpoint, MetricsEndpoint];

  await putRoute(route('queue_aware', first.url));
  await waitFor('the first endpoint reading exported', async () =>
    (await exported()).includes(waitingLine(first.url, 4)),
  );
  const text = await exported();
  expect(text).toContain(`tollgate_ai_instance_kv_cache_usage{endpoint="${first.url}"} 0.25`);
  // A first scrape may miss its 50 ms deadline on a loaded machine: the series is there, counted.
  expect(text).toContain(`tollgate_ai_instance_scrape_failures_total{endpoint="${first.url}"} `);
  expect((await controlInstanceLoad()).scrapes).toEqual([
    expect.objectContaining({ endpoint: first.url, waiting: 4, running: 2, kv_cache_usage: 0.25 }),
  ]);

  // Another algorithm reads no scrapes: the node stops scraping.
  await putRoute(route('roundrobin', first.url));
  await waitFor('the first endpoint gone', async () => !(await exported()).includes(first.url));
  const afterStop = first.scrapes();

  // The endpoint moves: the new one is scraped, the old one not again. 5 scrapes of the new
  // one take at least 4 intervals, in which the old one would have been scraped too.
  await putRoute(route('queue_aware', second.url));
  await waitFor('the second endpoint reading exported', async () =>
    (await exported()).includes(waitingLine(second.url, 7)),
  );
  const moved = second.scrapes();
  await waitFor('5 more scrapes of the second endpoint', () => second.scrapes() >= moved + 5);
  expect(first.scrapes()).toBeLessThanOrEqual(afterStop + 1);

  // The route is deleted: scraping stops.
  expect((await cluster.admin.delete('/apisix/admin/routes/load-1')).status).toBe(200);
  await waitFor('the second endpoint gone', async () => !(await exported()).includes(second.url));
  expect((await controlInstanceLoad()).scrapes).toEqual([]);
});
