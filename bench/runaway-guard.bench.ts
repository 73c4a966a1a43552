/**
 * Issue 13: what ai-runaway-guard adds to a normal (non-looping) stream. One gateway node
 * (1 worker) in front of a fast mock LLM that streams a ~2.4 KB answer that never repeats, one
 * event per 4-character piece (about 600 events), over three routes:
 * - `off`: ai-proxy alone (the relay's pass-through path);
 * - `hook`: ai-proxy + ai-runaway-guard with the detector off and no limits (what the response
 *   hook machinery costs: the relay cutting the stream into whole events and calling a hook);
 * - `on`: ai-proxy + ai-runaway-guard with the defaults (8-grams, 10 repeats in 1000) plus
 *   max_output_tokens and max_duration_ms.
 * Rounds alternate between the routes in one run, so the ratios hold on a noisy machine; the
 * gateway's CPU time (from /proc) is divided by requests and by streamed events. A second
 * section times the detector alone in this process (ns per 4-character delta).
 *
 * The gateway is pinned to BENCH_GATEWAY_CPUS (default `0`), this process (load generator, mock
 * LLM) to BENCH_CLIENT_CPUS (default `1`) with taskset.
 *   pnpm bench runaway-guard
 */
import { Agent, request } from 'undici';
import { startMockLlm } from '@tollgate/mock-llm';
import { startCluster, waitFor } from '@tollgate/testkit';
import { RepetitionDetector } from '../packages/plugins/src/ai-runaway-guard/repetition';
import { cpuMicros, pin, printTable, processTree, runLoad, type LoadResult } from './lib';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const GATEWAY_CPUS = process.env.BENCH_GATEWAY_CPUS ?? '0';
const CLIENT_CPUS = process.env.BENCH_CLIENT_CPUS ?? '1';
/** An answer that never repeats an n-gram: `w1 w2 ... w480`, ~2.4 KB. */
const ANSWER = Array.from({ length: 480 }, (_, i) => `w${i + 1}`).join(' ');
const EVENTS = Math.ceil(ANSWER.length / 4);

interface Row {
  results: LoadResult[];
  cpu: number[];
}

/** ns per `push` of a 4-character delta, the detector alone, over `streams` answers. */
function detectorNsPerDelta(streams: number): number {
  const pieces = ANSWER.match(/.{1,4}/gs) ?? [];
  const limits = { ngramTokens: 8, windowTokens: 1000, maxRepeats: 10 };
  for (let i = 0; i < 200; i++) {
    const d = new RepetitionDetector(limits);
    for (const p of pieces) d.push(p);
  }
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < streams; i++) {
    const d = new RepetitionDetector(limits);
    for (const p of pieces) d.push(p);
    d.end();
    if (d.tripped) throw new Error('the bench answer must not trip the detector');
  }
  return Number(process.hrtime.bigint() - t0) / (streams * pieces.length);
}

async function main() {
  const clientPinned = pin([process.pid], CLIENT_CPUS);
  const mock = await startMockLlm({ name: 'bench-runaway' });
  mock.setBehaviour({ content: ANSWER });
  const cluster = await startCluster(1, 1);
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
  const routes: Record<string, Record<string, unknown>> = {
    off: proxy,
    hook: { ...proxy, 'ai-runaway-guard': { repetition: { enabled: false } } },
    on: {
      ...proxy,
      'ai-runaway-guard': { max_output_tokens: 100_000, max_duration_ms: 600_000 },
    },
  };
  const names = Object.keys(routes);
  const body = JSON.stringify({ messages: [{ role: 'user', content: 'count' }], stream: true });
  try {
    for (const name of names) {
      const res = await cluster.admin.put(`/apisix/admin/routes/${name}`, {
        uri: `/${name}/v1/chat/completions`,
        plugins: routes[name],
      });
      if (res.status >= 300) throw new Error(`${name}: ${res.status} ${res.text}`);
    }
    const dispatcher = new Agent({ connections: CONCURRENCY, keepAliveTimeout: 30_000 });
    const call = async (name: string) => {
      const res = await request(gateway.url(`/${name}/v1/chat/completions`), {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
        dispatcher,
      });
      const text = await res.body.text();
      return res.statusCode === 200 && text.endsWith('data: [DONE]\n\n');
    };
    for (const name of names) await waitFor(`/${name}`, () => call(name), 15_000);
    for (const name of names) await runLoad(100, CONCURRENCY, () => call(name)); // warm-up
    const rows: Record<string, Row> = {};
    for (const name of names) rows[name] = { results: [], cpu: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of names) {
        const pids = gatewayPids();
        const before = cpuMicros(pids);
        const result = await runLoad(REQUESTS, CONCURRENCY, () => call(name));
        rows[name]?.results.push(result);
        rows[name]?.cpu.push((cpuMicros(pids) - before) / REQUESTS);
      }
    }
    await dispatcher.close();

    const avg = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const off = avg(rows.off?.cpu ?? [0]);
    const table = names.map((name) => {
      const row = rows[name] as Row;
      const cpu = avg(row.cpu);
      return {
        route: name,
        'streams/s': avg(row.results.map((r) => r.perSecond)),
        'p50 ms': avg(row.results.map((r) => r.p50Ms)),
        'p99 ms': avg(row.results.map((r) => r.p99Ms)),
        'gateway cpu µs/stream': cpu,
        'cpu ratio to off': cpu / off,
        'added cpu µs/event': (cpu - off) / EVENTS,
        errors: row.results.reduce((s, r) => s + r.errors, 0),
      };
    });
    process.stdout.write(
      `ai-proxy → fast mock LLM, streams of ${EVENTS} events (${ANSWER.length} chars, no loop), ` +
        `${REQUESTS} streams × ${ROUNDS} rounds per route, ${CONCURRENCY} concurrent keep-alive ` +
        `clients, 1 node × 1 worker; gateway pinned to CPUs ${GATEWAY_CPUS}: ` +
        `${gatewayPinned ? 'yes' : 'no (taskset missing)'}, client and mock to ${CLIENT_CPUS}: ` +
        `${clientPinned ? 'yes' : 'no'}\n`,
    );
    printTable(table);
    const get = (name: string) => avg(rows[name]?.cpu ?? [0]);
    process.stdout.write(
      `the detector and limits over the hook alone: ` +
        `${((get('on') - get('hook')) / EVENTS).toFixed(2)} µs gateway CPU per event\n`,
    );
    process.stdout.write(
      `detector alone (this process): ${detectorNsPerDelta(2000).toFixed(0)} ns per 4-character delta\n`,
    );
  } finally {
    await cluster.destroy();
    await mock.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
