/**
 * The cost of observability: throughput and latency of plain proxying through a gateway node
 * (2 workers) with the prometheus plugin as a global rule and the access log on, versus a node
 * with both off, in the same run (alternating rounds spread machine noise). A middle node has
 * the plugin but no access log, to split the cost. The budget: under 10% of throughput.
 *
 * Each variant is a data-plane node of its own, because the access log is node config
 * (`nginx_config.http.enable_access_log` / `access_log`, read at start) while the global rule is
 * cluster config: the "off" node reads another etcd prefix, without the rule.
 *   pnpm bench observability
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import {
  AdminClient,
  freePort,
  freshGet,
  startEtcd,
  startTollgate,
  waitFor,
  waitForPort,
  type EtcdServer,
  type TollgateNode,
} from '@tollgate/testkit';
import { printTable, runLoad, type LoadResult } from './lib';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ADMIN_KEY = 'bench-observability-key';

const UPSTREAM = `
const http = require('node:http');
const body = JSON.stringify({ ok: true, pad: 'x'.repeat(200) });
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }); res.end(body); });
});
server.keepAliveTimeout = 60000;
server.listen(Number(process.argv[1]), '127.0.0.1');
`;

interface Variant {
  name: string;
  node: TollgateNode;
  port: number;
  metricsPort: number;
  accessLog?: string;
  results: LoadResult[];
}

async function controlPlane(etcd: EtcdServer, prefix: string) {
  const port = await freePort();
  const node = await startTollgate({
    config: {
      deployment: {
        role: 'control_plane',
        etcd: { host: [etcd.endpoint], prefix, timeout: 3 },
        admin: {
          admin_key: [{ name: 'admin', key: ADMIN_KEY, role: 'admin' }],
          admin_listen: { ip: '127.0.0.1', port },
        },
      },
    },
    readyPorts: [port],
  });
  return { node, admin: new AdminClient(`http://127.0.0.1:${port}`, ADMIN_KEY) };
}

async function dataPlane(
  etcd: EtcdServer,
  prefix: string,
  name: string,
  accessLog: string | undefined,
): Promise<Variant> {
  const port = await freePort();
  const metricsPort = await freePort();
  const node = await startTollgate({
    config: {
      apisix: { node_listen: [{ ip: '127.0.0.1', port }], enable_admin: false },
      nginx_config: {
        worker_processes: 2,
        http: accessLog
          ? { enable_access_log: true, access_log: accessLog }
          : { enable_access_log: false },
      },
      deployment: { role: 'data_plane', etcd: { host: [etcd.endpoint], prefix, timeout: 3 } },
      plugin_attr: { prometheus: { export_addr: { ip: '127.0.0.1', port: metricsPort } } },
    },
    readyPorts: [port],
  });
  return { name, node, port, metricsPort, ...(accessLog ? { accessLog } : {}), results: [] };
}

async function load(url: string): Promise<LoadResult> {
  const dispatcher = new Agent({ connections: CONCURRENCY, keepAliveTimeout: 30_000 });
  const result = await runLoad(REQUESTS, CONCURRENCY, async () => {
    const res = await request(url, { dispatcher });
    await res.body.dump();
    return res.statusCode === 200;
  });
  await dispatcher.close();
  return result;
}

/** Requests the node's metrics counted on the bench route (undefined when nothing is exported). */
async function counted(v: Variant): Promise<number | undefined> {
  const res = await freshGet(`http://127.0.0.1:${v.metricsPort}/apisix/prometheus/metrics`).catch(
    () => undefined,
  );
  if (res?.status !== 200) return undefined;
  let total = 0;
  for (const line of res.body.split('\n')) {
    if (line.startsWith('apisix_http_status{') && line.includes('route="bench"')) {
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}

function lines(file: string | undefined): number {
  if (!file || !fs.existsSync(file)) return 0;
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
}

async function main() {
  const upstreamPort = await freePort();
  const upstream = spawn(process.execPath, ['-e', UPSTREAM, String(upstreamPort)], {
    stdio: 'inherit',
  });
  await waitForPort(upstreamPort);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-bench-obs-'));
  const etcd = await startEtcd();
  const planes = [await controlPlane(etcd, '/bench_off'), await controlPlane(etcd, '/bench_on')];
  const variants = [
    await dataPlane(etcd, '/bench_off', 'off', undefined),
    await dataPlane(etcd, '/bench_on', 'prometheus', undefined),
    await dataPlane(etcd, '/bench_on', 'prometheus + access log', path.join(workDir, 'access.log')),
  ];
  try {
    const route = {
      uri: '/bench',
      upstream: { nodes: { [`127.0.0.1:${upstreamPort}`]: 1 }, type: 'roundrobin' },
    };
    for (const { admin } of planes) await admin.put('/apisix/admin/routes/bench', route);
    await planes[1]?.admin.put('/apisix/admin/global_rules/metrics', {
      plugins: { prometheus: {} },
    });
    for (const v of variants) {
      await waitFor(
        `${v.name} serving`,
        async () => (await freshGet(`http://127.0.0.1:${v.port}/bench`)).status === 200,
        15_000,
      );
    }
    // The global rule comes after the route: once it records, every worker has both.
    for (const v of variants.slice(1)) {
      await waitFor(
        `${v.name} recording`,
        async () => {
          for (let i = 0; i < 4; i++) await freshGet(`http://127.0.0.1:${v.port}/bench`);
          return ((await counted(v)) ?? 0) > 0;
        },
        15_000,
      ).catch(() => undefined);
    }
    for (const v of variants) await load(`http://127.0.0.1:${v.port}/bench`); // warm-up
    const countedBefore = await Promise.all(variants.map(counted));
    const linesBefore = variants.map((v) => lines(v.accessLog));
    for (let round = 0; round < ROUNDS; round++) {
      for (const v of round % 2 === 0 ? variants : [...variants].reverse()) {
        v.results.push(await load(`http://127.0.0.1:${v.port}/bench`));
      }
    }
    const countedAfter = await Promise.all(variants.map(counted));

    const avg = (rs: LoadResult[], f: (r: LoadResult) => number) =>
      rs.reduce((s, r) => s + f(r), 0) / rs.length;
    const base = variants[0];
    if (!base) throw new Error('no baseline');
    const baseRps = avg(base.results, (r) => r.perSecond);
    const baseP50 = avg(base.results, (r) => r.p50Ms);
    const baseP99 = avg(base.results, (r) => r.p99Ms);
    process.stdout.write(
      `${REQUESTS} requests × ${ROUNDS} rounds per node, ${CONCURRENCY} concurrent keep-alive clients, ` +
        `plain proxy to a local upstream, 2 workers per node, ${os.availableParallelism()} CPUs shared ` +
        `by load generator, gateways and upstream\n`,
    );
    printTable(
      variants.map((v, i) => {
        const rps = avg(v.results, (r) => r.perSecond);
        const recorded =
          countedAfter[i] === undefined ? 'n/a' : (countedAfter[i] ?? 0) - (countedBefore[i] ?? 0);
        return {
          node: v.name,
          'req/s': rps,
          'p50 ms': avg(v.results, (r) => r.p50Ms),
          'p99 ms': avg(v.results, (r) => r.p99Ms),
          'throughput cost %': i === 0 ? 0 : (1 - rps / baseRps) * 100,
          'added p50 ms': avg(v.results, (r) => r.p50Ms) - baseP50,
          'added p99 ms': avg(v.results, (r) => r.p99Ms) - baseP99,
          errors: v.results.reduce((s, r) => s + r.errors, 0),
          'metrics counted': i === 0 ? '-' : recorded,
          'access log lines': v.accessLog ? lines(v.accessLog) - (linesBefore[i] ?? 0) : '-',
        };
      }),
    );
    const full = variants[2];
    if (full) {
      const cost = (1 - avg(full.results, (r) => r.perSecond) / baseRps) * 100;
      process.stdout.write(
        `observability cost (prometheus + access log vs off): ${cost.toFixed(1)}% of throughput ` +
          `(budget 10%): ${cost < 10 ? 'within' : 'OVER'} budget\n`,
      );
      if (full.accessLog && lines(full.accessLog) === 0) {
        process.stdout.write(
          'note: the access log wrote no line (not implemented in this build): its cost is not measured\n',
        );
      }
    }
  } finally {
    for (const v of variants) await v.node.destroy();
    for (const p of planes) await p.node.destroy();
    await etcd.destroy();
    upstream.kill();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
