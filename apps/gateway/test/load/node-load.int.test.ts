// The node's load sharing over real IPC (issue 12): two worker processes (child_process.fork, the
// transport node:cluster uses) and the primary's NodeLoadHub, as node.ts and worker.ts wire them:
// in-flight sums across workers, and scrapes of a metrics endpoint broadcast to every worker.
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { waitFor } from '@tollgate/testkit';
import { NodeLoadHub } from '../../src/load/node-load-hub';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '../../../..');
const WORKER = path.join(__dirname, 'fixtures/load-worker.ts');

interface Answer {
  t: 'answer';
  id: number;
  inFlight: number;
  sentSince: number;
  scraped: { waiting: number; running: number; kvCacheUsage?: number; at: number } | null;
}

interface Worker {
  id: number;
  child: ChildProcess;
}

const silentLog = { warn: () => undefined };
let asked = 0;

function ask(worker: Worker, key: string, url = '', since = 0): Promise<Answer> {
  const id = ++asked;
  return new Promise((resolve) => {
    const onMessage = (msg: unknown) => {
      if ((msg as Answer).t !== 'answer' || (msg as Answer).id !== id) return;
      worker.child.off('message', onMessage);
      resolve(msg as Answer);
    };
    worker.child.on('message', onMessage);
    worker.child.send({ t: 'ask', id, key, url, since });
  });
}

async function startNode(count: number): Promise<{ hub: NodeLoadHub; workers: Worker[] }> {
  const workers: Worker[] = [];
  const hub = new NodeLoadHub(
    () => workers.map((w) => ({ id: w.id, send: (m) => w.child.send(m) })),
    silentLog,
  );
  for (let id = 1; id <= count; id++) {
    const child = fork(WORKER, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, TSX_TSCONFIG_PATH: path.join(ROOT, 'tsconfig.eslint.json') },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (msg: unknown) => hub.onWorkerMessage(id, msg));
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`worker exited (${code}) before hello`)));
    });
    const worker = { id, child };
    hub.workerSynced({ id, send: (m) => child.send(m) });
    workers.push(worker);
  }
  return { hub, workers };
}

/** A metrics endpoint answering whatever `exposition.text` holds, counting its scrapes. */
async function metricsServer(): Promise<{
  url: string;
  exposition: { text: string };
  scrapes: () => number;
  close(): Promise<void>;
}> {
  const exposition = { text: '' };
  let scrapes = 0;
  const server = http.createServer((_req, res) => {
    scrapes++;
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(exposition.text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/metrics`,
    exposition,
    scrapes: () => scrapes,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const queueAwareRoute = (metricsUrl: string, interval = 50) =>
  new Map<string, unknown>([
    [
      'routes/1',
      {
        uri: '/chat',
        plugins: {
          'ai-proxy-multi': {
            balancer: { algorithm: 'queue_aware', scrape_interval_ms: interval },
            instances: [
              {
                name: 'gpu',
                provider: 'openai-compatible',
                weight: 1,
                override: { endpoint: 'http://127.0.0.1:1/v1', metrics_endpoint: metricsUrl },
              },
              { name: 'cloud', provider: 'openai', weight: 1 },
            ],
          },
        },
      },
    ],
  ]);

describe('node load sharing over IPC', () => {
  let node: { hub: NodeLoadHub; workers: Worker[] };

  beforeAll(async () => {
    node = await startNode(2);
  });

  afterAll(async () => {
    await node.hub.close();
    for (const w of node.workers) w.child.kill();
  });

  it('every worker sees the in-flight requests of the whole node (while a config balances by load)', async () => {
    const [one, two] = node.workers as [Worker, Worker];
    // The sums are shared only while some ai-proxy-multi balances by load.
    node.hub.update(
      new Map([
        [
          'routes/1',
          {
            uri: '/chat',
            plugins: {
              'ai-proxy-multi': {
                balancer: { algorithm: 'least_busy' },
                instances: [{ name: 'gpu', provider: 'openai-compatible', weight: 1 }],
              },
            },
          },
        ],
      ]),
    );
    one.child.send({ t: 'begin', key: 'http://gpu-a', times: 3 });
    two.child.send({ t: 'begin', key: 'http://gpu-a', times: 2 });
    for (const worker of node.workers) {
      await waitFor('5 in flight seen by each worker', async () => {
        const answer = await ask(worker, 'http://gpu-a');
        return answer.inFlight === 5 && answer;
      });
    }
    expect(node.hub.nodeInFlight().get('http://gpu-a')).toBe(5);
    one.child.send({ t: 'end', key: 'http://gpu-a', times: 3 });
    await waitFor('the other worker sees the ends', async () => {
      const answer = await ask(two, 'http://gpu-a');
      return answer.inFlight === 2 && answer;
    });
    expect((await ask(one, 'http://gpu-a')).inFlight).toBe(2);
    expect((await ask(one, 'http://gpu-a', '', 0)).sentSince).toBe(5);
    two.child.send({ t: 'end', key: 'http://gpu-a', times: 2 });
    await waitFor('nothing in flight', () => !node.hub.nodeInFlight().has('http://gpu-a'));
    node.hub.update(new Map());
  });

  it('scrapes a configured metrics endpoint and shares each reading with every worker', async () => {
    const metrics = await metricsServer();
    try {
      metrics.exposition.text =
        'vllm:num_requests_waiting{model_name="qwen"} 4\nvllm:num_requests_running{model_name="qwen"} 8\nvllm:kv_cache_usage_perc{model_name="qwen"} 0.5\n';
      node.hub.update(queueAwareRoute(metrics.url));
      for (const worker of node.workers) {
        await waitFor('the reading in each worker', async () => {
          const { scraped } = await ask(worker, '', metrics.url);
          return scraped?.waiting === 4 && scraped;
        });
      }
      const first = (await ask(node.workers[0] as Worker, '', metrics.url)).scraped;
      expect(first).toMatchObject({ waiting: 4, running: 8, kvCacheUsage: 0.5 });

      metrics.exposition.text = 'vllm:num_requests_waiting 9\nvllm:num_requests_running 1\n';
      await waitFor('the next reading', async () => {
        const { scraped } = await ask(node.workers[1] as Worker, '', metrics.url);
        return scraped?.waiting === 9 && scraped;
      });

      // A failing endpoint keeps the last reading (growing older) and counts failures.
      metrics.exposition.text = 'up 1\n';
      await waitFor('failures counted', () => {
        const status = node.hub.scrapes().find((s) => s.url === metrics.url);
        return (status?.failures ?? 0) >= 2 && status;
      });
      const kept = (await ask(node.workers[0] as Worker, '', metrics.url)).scraped;
      expect(kept?.waiting).toBe(9);

      // The config no longer asks for it: scraping stops and the workers forget the reading.
      node.hub.update(new Map());
      for (const worker of node.workers) {
        await waitFor('the reading gone', async () => {
          const { scraped } = await ask(worker, '', metrics.url);
          return scraped === null;
        });
      }
      expect(node.hub.scrapes()).toEqual([]);
    } finally {
      node.hub.update(new Map());
      await metrics.close();
    }
  });

  it('scrapes at the asked interval without overlapping', async () => {
    const metrics = await metricsServer();
    try {
      metrics.exposition.text = 'vllm:num_requests_waiting 0\n';
      const started = Date.now();
      node.hub.update(queueAwareRoute(metrics.url, 20));
      await waitFor('20 scrapes', () => metrics.scrapes() >= 20);
      const elapsed = Date.now() - started;
      process.stdout.write(`20 scrapes at a 20 ms interval took ${elapsed} ms\n`);
      expect(elapsed).toBeGreaterThanOrEqual(19 * 20);
    } finally {
      node.hub.update(new Map());
      await metrics.close();
    }
  });
});
