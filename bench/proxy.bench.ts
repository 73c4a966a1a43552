/**
 * Plain proxying: throughput and latency calling an upstream directly versus through one gateway
 * node (2 workers), same run, same load generator, alternating rounds to spread machine noise.
 * The upstream runs in its own process.
 *   pnpm bench proxy
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'undici';
import { freePort, startCluster, untilServed, waitForPort } from '@tollgate/testkit';
import { printTable, runLoad, type LoadResult } from './lib';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const ROUNDS = 2;

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

async function main() {
  const port = await freePort();
  const upstream = spawn(process.execPath, ['-e', UPSTREAM, String(port)], { stdio: 'inherit' });
  await waitForPort(port);
  const cluster = await startCluster(1, 2);
  const gateway = cluster.gateways[0];
  if (!gateway) throw new Error('no gateway');
  try {
    await cluster.admin.put('/apisix/admin/routes/bench', {
      uri: '/bench',
      upstream: { nodes: { [`127.0.0.1:${port}`]: 1 }, type: 'roundrobin' },
    });
    await untilServed([gateway], '/bench', (s) => s === 200);
    const direct: LoadResult[] = [];
    const viaGateway: LoadResult[] = [];
    await load(`http://127.0.0.1:${port}/bench`); // warm-up
    await load(gateway.url('/bench'));
    for (let round = 0; round < ROUNDS; round++) {
      direct.push(await load(`http://127.0.0.1:${port}/bench`));
      viaGateway.push(await load(gateway.url('/bench')));
    }
    const avg = (rs: LoadResult[], f: (r: LoadResult) => number) =>
      rs.reduce((s, r) => s + f(r), 0) / rs.length;
    const row = (name: string, rs: LoadResult[]) => ({
      path: name,
      'req/s': avg(rs, (r) => r.perSecond),
      'p50 ms': avg(rs, (r) => r.p50Ms),
      'p99 ms': avg(rs, (r) => r.p99Ms),
      errors: rs.reduce((s, r) => s + r.errors, 0),
    });
    const d = row('direct', direct);
    const g = row('gateway', viaGateway);
    process.stdout.write(
      `${REQUESTS} requests × ${ROUNDS} rounds, ${CONCURRENCY} concurrent keep-alive clients, 2-core machine (load generator, gateway and upstream share it)\n`,
    );
    printTable([d, g]);
    process.stdout.write(
      `gateway/direct throughput: ${(g['req/s'] / d['req/s']).toFixed(2)}; added latency p50 ${(g['p50 ms'] - d['p50 ms']).toFixed(2)} ms, p99 ${(g['p99 ms'] - d['p99 ms']).toFixed(2)} ms\n`,
    );
  } finally {
    await cluster.destroy();
    upstream.kill();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
