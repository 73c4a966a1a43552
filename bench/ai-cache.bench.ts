/**
 * Issue 13: what ai-cache costs and saves. One gateway node (2 workers) and one Redis; three
 * routes to the same fast mock LLM (it answers at once, so a MISS here is the gateway's and the
 * mock's work only, not a real LLM's seconds):
 * - `bare`: ai-proxy alone, every request a new prompt;
 * - `miss`: ai-proxy + ai-cache, every request a new prompt (a lookup, the LLM, a store);
 * - `hit`: ai-proxy + ai-cache, the same prompt every time (a lookup, answered from Redis);
 * and the same three for streamed answers. Rounds alternate between the routes in one run, so
 * the ratios hold on a noisy machine; each round also reports the CPU time per request of the
 * gateway's processes and of redis-server (from /proc).
 *
 * The gateway is pinned to BENCH_GATEWAY_CPUS (default `0`), this process (load generator, mock
 * LLM) and redis-server to BENCH_CLIENT_CPUS (default `1`) with taskset.
 *   pnpm bench ai-cache
 */
import { Agent, request } from 'undici';
import { startMockLlm } from '@tollgate/mock-llm';
import { startCluster, startRedis, waitFor } from '@tollgate/testkit';
import { cpuMicros, pin, printTable, processTree, runLoad, type LoadResult } from './lib';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const GATEWAY_CPUS = process.env.BENCH_GATEWAY_CPUS ?? '0';
const CLIENT_CPUS = process.env.BENCH_CLIENT_CPUS ?? '1';
/** An answer of about 1 KB, like a short real completion. */
const ANSWER = 'The capital of France is Paris. '.repeat(32);

interface Row {
  results: LoadResult[];
  gatewayCpu: number[];
  redisCpu: number[];
}

async function main() {
  const clientPinned = pin([process.pid], CLIENT_CPUS);
  const mock = await startMockLlm({ name: 'bench-ai-cache' });
  mock.setBehaviour({ usage: { prompt: 10, completion: 200 }, content: ANSWER });
  const redis = await startRedis();
  const redisPid = redis.process.pid;
  if (redisPid !== undefined) pin([redisPid], CLIENT_CPUS);
  const cluster = await startCluster(1, 2);
  const gateway = cluster.gateways[0];
  const gatewayPid = gateway?.node.process.pid;
  if (!gateway || gatewayPid === undefined) throw new Error('no gateway');
  const gatewayPids = () => processTree(gatewayPid);
  const gatewayPinned = pin(gatewayPids(), GATEWAY_CPUS);

  const proxy = {
    'ai-proxy': {
      provider: 'openai',
      auth: { header: { Authorization: 'Bearer k' } },
      options: { model: 'gpt-4o' },
      override: { endpoint: mock.url },
    },
  };
  const cache = { 'ai-cache': { redis_host: '127.0.0.1', redis_port: redis.port } };
  const routes: Record<string, Record<string, unknown>> = {
    bare: proxy,
    miss: { ...proxy, ...cache },
    hit: { ...proxy, ...cache },
  };
  const names = ['bare', 'miss', 'hit'].flatMap((n) => [n, `${n}-stream`]);
  let unique = 0;
  const bodyFor = (name: string): string => {
    const stream = name.endsWith('-stream');
    const prompt = name.startsWith('hit') ? 'What is the capital of France?' : `q${++unique}`;
    return JSON.stringify({ messages: [{ role: 'user', content: prompt }], stream });
  };
  try {
    for (const name of names) {
      const plugins = routes[name.replace('-stream', '')] ?? proxy;
      const res = await cluster.admin.put(`/apisix/admin/routes/${name}`, {
        uri: `/${name}/v1/chat/completions`,
        plugins,
      });
      if (res.status >= 300) throw new Error(`${name}: ${res.status} ${res.text}`);
    }
    const dispatcher = new Agent({ connections: CONCURRENCY, keepAliveTimeout: 30_000 });
    const statuses = new Map<string, number>();
    const call = async (name: string) => {
      const res = await request(gateway.url(`/${name}/v1/chat/completions`), {
        method: 'POST',
        body: bodyFor(name),
        headers: { 'content-type': 'application/json' },
        dispatcher,
      });
      await res.body.dump();
      const cacheStatus = String(res.headers['x-ai-cache-status'] ?? 'none');
      const seen = `${name}:${cacheStatus}`;
      statuses.set(seen, (statuses.get(seen) ?? 0) + 1);
      return res.statusCode === 200;
    };
    for (const name of names) await waitFor(`/${name}`, () => call(name), 15_000);
    for (const name of names) await runLoad(500, CONCURRENCY, () => call(name)); // warm-up
    statuses.clear();
    const rows: Record<string, Row> = {};
    for (const name of names) rows[name] = { results: [], gatewayCpu: [], redisCpu: [] };
    // Record ids count every request (the record list itself is capped).
    const lastId = () => mock.requests.at(-1)?.id ?? 0;
    const llmCallsBefore = lastId();
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of names) {
        const pids = gatewayPids();
        const redisPids = redisPid === undefined ? [] : [redisPid];
        const before = cpuMicros(pids);
        const redisBefore = cpuMicros(redisPids);
        const result = await runLoad(REQUESTS, CONCURRENCY, () => call(name));
        const row = rows[name];
        row?.results.push(result);
        row?.gatewayCpu.push((cpuMicros(pids) - before) / REQUESTS);
        row?.redisCpu.push((cpuMicros(redisPids) - redisBefore) / REQUESTS);
      }
    }
    const llmCalls = lastId() - llmCallsBefore;
    await dispatcher.close();

    const avg = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const table = names.map((name) => {
      const row = rows[name] as Row;
      return {
        route: name,
        'req/s': avg(row.results.map((r) => r.perSecond)),
        'p50 ms': avg(row.results.map((r) => r.p50Ms)),
        'p99 ms': avg(row.results.map((r) => r.p99Ms)),
        'gateway cpu µs/req': avg(row.gatewayCpu),
        'redis cpu µs/req': avg(row.redisCpu),
        errors: row.results.reduce((s, r) => s + r.errors, 0),
      };
    });
    process.stdout.write(
      `ai-proxy → fast mock LLM (~1 KB answers), ${REQUESTS} requests × ${ROUNDS} rounds per route, ` +
        `${CONCURRENCY} concurrent keep-alive clients, 1 node × 2 workers; gateway pinned to CPUs ` +
        `${GATEWAY_CPUS}: ${gatewayPinned ? 'yes' : 'no (taskset missing)'}, client, mock and ` +
        `redis to ${CLIENT_CPUS}: ${clientPinned ? 'yes' : 'no'}\n`,
    );
    printTable(table);
    const get = (name: string) => table.find((r) => r.route === name);
    for (const kind of ['', '-stream']) {
      const bare = get(`bare${kind}`);
      const miss = get(`miss${kind}`);
      const hit = get(`hit${kind}`);
      if (!bare || !miss || !hit) continue;
      process.stdout.write(
        `${kind ? 'streamed' : 'non-streamed'}: hit p50 ${(hit['p50 ms'] / miss['p50 ms']).toFixed(2)}× a miss, ` +
          `${(hit['p50 ms'] / bare['p50 ms']).toFixed(2)}× no cache; a miss costs ` +
          `+${(miss['gateway cpu µs/req'] - bare['gateway cpu µs/req']).toFixed(0)} µs gateway CPU ` +
          `over no cache, a hit ${(hit['gateway cpu µs/req'] - bare['gateway cpu µs/req']).toFixed(0)} µs\n`,
      );
    }
    const seen = [...statuses.entries()].map(([k, v]) => `${k}=${v}`).join(' ');
    process.stdout.write(
      `cache statuses seen: ${seen}\nLLM calls during the rounds: ${llmCalls} ` +
        `(the bare and miss routes: ${4 * ROUNDS * REQUESTS})\n`,
    );
  } finally {
    await cluster.destroy();
    await redis.destroy();
    await mock.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
