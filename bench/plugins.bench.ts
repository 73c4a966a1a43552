/**
 * Issue 10: what the plugins beside an AI route cost. One gateway node (2 workers) serves AI routes
 * to the same mock LLM: `bare` (ai-proxy only), each of cors, jwt-auth, limit-count and
 * http-logger alone beside ai-proxy, and `full` (all four). Every request carries an Origin and a
 * JWT. Rounds alternate between the routes in one run; each round reports the
 * node's CPU time per request (primary and workers, from /proc) next to throughput and latency.
 * CPU per request holds on a noisy machine where throughput does not.
 *
 * The gateway's processes are pinned to BENCH_GATEWAY_CPUS (default `0`) and this process (load
 * generator, mock LLM, log receiver) to BENCH_CLIENT_CPUS (default `1`) with taskset.
 *   pnpm bench plugins
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { Agent, request } from 'undici';
import { startMockLlm } from '@tollgate/mock-llm';
import { startCluster, waitFor } from '@tollgate/testkit';
import { cpuMicros, pin, printTable, processTree, runLoad, type LoadResult } from './lib';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 6000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const GATEWAY_CPUS = process.env.BENCH_GATEWAY_CPUS ?? '0';
const CLIENT_CPUS = process.env.BENCH_CLIENT_CPUS ?? '1';
const BODY = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
const JWT_SECRET = 'bench-jwt-secret-0123456789abcdef';

/** The http-logger target: counts the entries of every batch it is sent. */
async function startLogReceiver(): Promise<{ url: string; entries: () => number; close(): void }> {
  let entries = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      entries += Array.isArray(body) ? body.length : 1;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/logs`,
    entries: () => entries,
    close: () => server.close(),
  };
}

interface Row {
  results: LoadResult[];
  cpuPerRequest: number[];
}

async function main() {
  const clientPinned = pin([process.pid], CLIENT_CPUS);
  const mock = await startMockLlm({ name: 'bench-plugins' });
  mock.setBehaviour({ usage: { prompt: 1, completion: 1 } });
  const receiver = await startLogReceiver();
  const cluster = await startCluster(1, 2);
  const gateway = cluster.gateways[0];
  const gatewayPid = gateway?.node.process.pid;
  if (!gateway || gatewayPid === undefined) throw new Error('no gateway');
  const gatewayPids = () => processTree(gatewayPid);
  const gatewayPinned = pin(gatewayPids(), GATEWAY_CPUS);

  const aiProxy = {
    'ai-proxy': {
      provider: 'openai',
      auth: { header: { Authorization: 'Bearer k' } },
      override: { endpoint: `${mock.url}/v1/chat/completions` },
    },
  };
  const extras: Record<string, Record<string, unknown>> = {
    cors: { cors: { allow_origins: '*' } },
    'jwt-auth': { 'jwt-auth': {} },
    'limit-count': {
      'limit-count': { count: 1_000_000_000, time_window: 60, policy: 'local' },
    },
    'http-logger': {
      'http-logger': { uri: receiver.url, batch_max_size: 1000, inactive_timeout: 1 },
    },
  };
  // bare, each plugin alone beside ai-proxy, then all of them together.
  const routes: Record<string, Record<string, unknown>> = { bare: aiProxy };
  for (const [name, conf] of Object.entries(extras)) routes[name] = { ...aiProxy, ...conf };
  routes.full = Object.assign({}, aiProxy, ...Object.values(extras)) as Record<string, unknown>;
  const token = await new SignJWT({ key: 'bench-key' })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(JWT_SECRET));
  const headers = {
    'content-type': 'application/json',
    origin: 'http://client.example.com',
    authorization: token,
  };
  try {
    const put = async (path: string, body: Record<string, unknown>) => {
      const res = await cluster.admin.put(path, body);
      if (res.status >= 300) throw new Error(`${path}: ${res.status} ${res.text}`);
    };
    await put('/apisix/admin/consumers', {
      username: 'bench',
      plugins: { 'jwt-auth': { key: 'bench-key', secret: JWT_SECRET } },
    });
    for (const [name, plugins] of Object.entries(routes)) {
      await put(`/apisix/admin/routes/${name}`, { uri: `/${name}`, plugins });
    }

    const dispatcher = new Agent({ connections: CONCURRENCY, keepAliveTimeout: 30_000 });
    const call = async (name: string) => {
      const res = await request(gateway.url(`/${name}`), {
        method: 'POST',
        body: BODY,
        headers,
        dispatcher,
      });
      await res.body.dump();
      return res.statusCode === 200;
    };
    const names = Object.keys(routes);
    for (const name of names) await waitFor(`/${name}`, () => call(name), 15_000);
    for (const name of names) await runLoad(1000, CONCURRENCY, () => call(name)); // warm-up
    const rows: Record<string, Row> = {};
    for (const name of names) rows[name] = { results: [], cpuPerRequest: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of names) {
        const pids = gatewayPids();
        const before = cpuMicros(pids);
        const result = await runLoad(REQUESTS, CONCURRENCY, () => call(name));
        const row = rows[name];
        row?.results.push(result);
        row?.cpuPerRequest.push((cpuMicros(pids) - before) / REQUESTS);
      }
    }
    await dispatcher.close();
    // The logging routes' waitFor probes, warm-ups and rounds.
    const expected = 2 * (1 + 1000 + ROUNDS * REQUESTS);
    await waitFor('every log entry delivered', () => receiver.entries() >= expected, 15_000).catch(
      () => undefined,
    );

    const avg = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const table = names.map((name) => {
      const row = rows[name] as Row;
      return {
        route: name,
        'gateway cpu µs/req': avg(row.cpuPerRequest),
        'req/s': avg(row.results.map((r) => r.perSecond)),
        'p50 ms': avg(row.results.map((r) => r.p50Ms)),
        'p99 ms': avg(row.results.map((r) => r.p99Ms)),
        errors: row.results.reduce((s, r) => s + r.errors, 0),
      };
    });
    process.stdout.write(
      `${REQUESTS} requests × ${ROUNDS} rounds per route, ${CONCURRENCY} concurrent keep-alive clients; ` +
        `gateway pinned to CPUs ${GATEWAY_CPUS}: ${gatewayPinned ? 'yes' : 'no (taskset missing)'}, ` +
        `client to ${CLIENT_CPUS}: ${clientPinned ? 'yes' : 'no'}\n`,
    );
    printTable(table);
    const cpu = (name: string) => table.find((r) => r.route === name)?.['gateway cpu µs/req'] ?? 0;
    const rps = (name: string) => table.find((r) => r.route === name)?.['req/s'] ?? 0;
    for (const name of names.filter((n) => n !== 'bare')) {
      const added = cpu(name) - cpu('bare');
      process.stdout.write(
        `${name}: +${added.toFixed(1)} µs gateway CPU per request ` +
          `(${((added / cpu('bare')) * 100).toFixed(1)}%), throughput ${(rps(name) / rps('bare')).toFixed(2)}× bare\n`,
      );
    }
    process.stdout.write(`log entries delivered ${receiver.entries()} of ${expected}\n`);
  } finally {
    await cluster.destroy();
    await mock.close();
    receiver.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
