/**
 * Added latency of the token-quota check (ai-rate-limiting: check in access, charge before the
 * response ends), policy local (node counters over IPC) versus policy redis, same run: three
 * routes in front of the same fast mock LLM — no quota, local quota, Redis quota — alternating
 * rounds. Prints p50/p99 and the difference to the no-quota route.
 *   pnpm bench quota
 */
import { Agent, request } from 'undici';
import { startMockLlm } from '@tollgate/mock-llm';
import { startCluster, startRedis, waitFor } from '@tollgate/testkit';
import { printTable, runLoad, type LoadResult } from './lib';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 4000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ROUNDS = 3;
const BODY = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });

async function main() {
  const mock = await startMockLlm({ name: 'bench' });
  mock.setBehaviour({ usage: { prompt: 1, completion: 1 } });
  const redis = await startRedis();
  const cluster = await startCluster(1, 2);
  const gateway = cluster.gateways[0];
  if (!gateway) throw new Error('no gateway');
  const proxy = {
    'ai-proxy': {
      provider: 'openai',
      auth: { header: { Authorization: 'Bearer k' } },
      override: { endpoint: `${mock.url}/v1/chat/completions` },
    },
  };
  const quota = (extra: Record<string, unknown>) => ({
    limit: 1_000_000_000,
    time_window: 3600,
    ...extra,
  });
  const routes: [string, Record<string, unknown>][] = [
    ['none', proxy],
    ['local', { ...proxy, 'ai-rate-limiting': quota({}) }],
    [
      'redis',
      {
        ...proxy,
        'ai-rate-limiting': quota({
          policy: 'redis',
          redis_host: '127.0.0.1',
          redis_port: redis.port,
        }),
      },
    ],
  ];
  try {
    for (const [name, plugins] of routes) {
      const res = await cluster.admin.put(`/apisix/admin/routes/${name}`, {
        uri: `/${name}`,
        plugins,
      });
      if (res.status !== 201) throw new Error(res.text);
    }
    const dispatcher = new Agent({ connections: CONCURRENCY, keepAliveTimeout: 30_000 });
    const call = async (path: string) => {
      const res = await request(gateway.url(path), {
        method: 'POST',
        body: BODY,
        headers: { 'content-type': 'application/json' },
        dispatcher,
      });
      await res.body.dump();
      return res.statusCode === 200;
    };
    for (const [name] of routes) await waitFor(`/${name}`, () => call(`/${name}`), 15_000);
    const results: Record<string, LoadResult[]> = { none: [], local: [], redis: [] };
    for (const [name] of routes) await runLoad(500, CONCURRENCY, () => call(`/${name}`)); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name] of routes)
        results[name]?.push(await runLoad(REQUESTS, CONCURRENCY, () => call(`/${name}`)));
    }
    await dispatcher.close();
    const avg = (rs: LoadResult[], f: (r: LoadResult) => number) =>
      rs.reduce((s, r) => s + f(r), 0) / rs.length;
    const base = results.none ?? [];
    const rows = routes.map(([name]) => {
      const rs = results[name] ?? [];
      return {
        quota: name,
        'req/s': avg(rs, (r) => r.perSecond),
        'p50 ms': avg(rs, (r) => r.p50Ms),
        'p99 ms': avg(rs, (r) => r.p99Ms),
        'added p50 ms': avg(rs, (r) => r.p50Ms) - avg(base, (r) => r.p50Ms),
        'added p99 ms': avg(rs, (r) => r.p99Ms) - avg(base, (r) => r.p99Ms),
        errors: rs.reduce((s, r) => s + r.errors, 0),
      };
    });
    process.stdout.write(
      `ai-proxy → mock LLM, ${REQUESTS} requests × ${ROUNDS} rounds per route, ${CONCURRENCY} concurrent clients, 1 node × 2 workers\n`,
    );
    printTable(rows);
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
