/**
 * Issue 12 "Must show": ai-proxy-multi's load-aware algorithms against roundrobin, on one gateway
 * node (2 workers) in front of mock LLMs with the capacity model (slots, FIFO queue, vLLM gauges),
 * all in one run on one machine:
 * 1. capacity 2:1 (4 and 2 slots, same per-slot speed), open-loop Poisson streams at 70% and 110%
 *    of the total capacity computed from the mock's model: TTFT p50/p99 and failures per algorithm;
 * 2. two equal instances, one slowed 5× mid-run: time until its share of the last second's
 *    requests falls below 20%, and TTFT p99 after the change;
 * 3. spill: two self-hosted instances (priority 10) and a cloud (priority 0) under more load than
 *    the self-hosted can take: the self-hosted waiting queues (sampled every 100 ms) and the
 *    cloud's share, queue_aware against roundrobin;
 * 4. overhead: the gateway's CPU per request, queue_aware against roundrobin, over mocks without
 *    the capacity model (the gateway dominates), rounds alternating.
 * Every mean service time is short (TTFT 50 ms + 20 tokens at 200 tok/s) so the run is short.
 *
 * The gateway is pinned to BENCH_GATEWAY_CPUS (default `0`), this process (load generator and
 * mocks) to BENCH_CLIENT_CPUS (default `1`). BENCH_SECONDS (default 8) is the measured load of
 * each run; BENCH_SCENARIOS (default `1,2,3,4`) chooses scenarios.
 *   pnpm bench scheduling
 */
import { Agent, request } from 'undici';
import type { Capacity, MockLlm } from '@tollgate/mock-llm';
import { cpuMicros, percentile, pin, printTable, runLoad, type LoadResult } from './lib';
import { BenchGateway, instanceOf } from './scheduling/gateway';
import { capacityPerSecond, measuredRun, startMocks, summarize } from './scheduling/measured-run';
import { sampleQueues, shareFallsBelow, shareSince } from './scheduling/samplers';
import { scrapeSummary } from './scheduling/scrape-check';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const WARM_UP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 1);
const SCENARIOS = new Set((process.env.BENCH_SCENARIOS ?? '1,2,3,4').split(','));
const GATEWAY_CPUS = process.env.BENCH_GATEWAY_CPUS ?? '0';
const CLIENT_CPUS = process.env.BENCH_CLIENT_CPUS ?? '1';
const OVERHEAD_REQUESTS = Number(process.env.BENCH_OVERHEAD_REQUESTS ?? 3000);
const OVERHEAD_ROUNDS = Number(process.env.BENCH_OVERHEAD_ROUNDS ?? 3);

const ALGORITHMS = ['roundrobin', 'least_busy', 'least_latency', 'queue_aware'] as const;
/**
 * A GPU server of `slots` slots; every slot decodes at the same speed (no batch slowdown). Its
 * KV cache holds 100 tokens per slot, so full slots of these short chats (about 30 tokens each)
 * use a third of it: the slot limit binds before the KV cache, as with vLLM serving short chats,
 * and queue_aware's saturation comes from the waiting queue.
 */
const server = (slots: number): Capacity => ({
  slots,
  ttftMs: 50,
  tokensPerSecond: 200,
  batchSlowdown: 0,
  maxQueue: null,
  outputTokens: 20,
  kvTokens: slots * 100,
  slowdown: 1,
});
const SLOWDOWN = 5;
/** Scenario 2: how long the instance runs at full speed before it is slowed. */
const SLOW_AFTER_SECONDS = 3;
/** Scenario 2: the load, as a share of both instances' capacity before the slowdown. */
const SLOWDOWN_LOAD = 0.4;
/** Scenario 3: the load, as a share of the self-hosted instances' capacity. */
const SPILL_LOAD = Number(process.env.BENCH_SPILL_LOAD ?? 1.3);
const QUEUE_THRESHOLD = 5;

const out = (text: string) => process.stdout.write(`${text}\n`);
const ms = (n: number) => Math.round(n);
const pct = (share: number) => `${(share * 100).toFixed(0)}%`;
const asSeconds = (msAfter: number | undefined) =>
  msAfter === undefined ? 'never' : `${(msAfter / 1000).toFixed(1)} s`;
const close = async (mocks: Record<string, MockLlm>) => {
  for (const mock of Object.values(mocks)) await mock.close();
};

/** The node's scrape summary of `mocks` as a queue_aware run ends ('-' for other algorithms). */
function readingsProbe(gateway: BenchGateway, algorithm: string, mocks: readonly MockLlm[]) {
  const probe = {
    summary: '-',
    onEnd: async () => {
      if (algorithm === 'queue_aware')
        probe.summary = scrapeSummary(await gateway.metrics(), mocks);
    },
  };
  return probe;
}

async function unequalCapacity(gateway: BenchGateway): Promise<void> {
  const models = { big: server(4), small: server(2) };
  const total = capacityPerSecond(models.big) + capacityPerSecond(models.small);
  out(
    `\n## 1. Capacity 2:1 (big: 4 slots, small: 2 slots; ${total.toFixed(1)} req/s in all), ` +
      `equal weights, ${SECONDS} s of Poisson arrivals per run`,
  );
  const rows: Record<string, string | number>[] = [];
  const p99At110 = new Map<string, number>();
  for (const [i, load] of [0.7, 1.1].entries()) {
    for (const algorithm of ALGORITHMS) {
      const mocks = await startMocks(models);
      const readings = readingsProbe(gateway, algorithm, Object.values(mocks));
      const result = await measuredRun({
        gateway,
        mocks: Object.values(mocks),
        onEnd: readings.onEnd,
        conf: {
          balancer: { algorithm },
          instances: [instanceOf(mocks.big as MockLlm), instanceOf(mocks.small as MockLlm)],
        },
        perSecond: total * load,
        seconds: SECONDS,
        warmUpPerSecond: total * 0.5,
        warmUpSeconds: WARM_UP_SECONDS,
        seed: 100 + i,
      });
      const s = summarize(result);
      if (load === 1.1) p99At110.set(algorithm, s.p99);
      rows.push({
        load: `${Math.round(load * 100)}%`,
        algorithm,
        requests: s.sent,
        'TTFT p50 ms': ms(s.p50),
        'TTFT p99 ms': ms(s.p99),
        failures: s.failures,
        'big share': pct(shareSince(mocks.big as MockLlm, Object.values(mocks), 0)),
        'readings at end': readings.summary,
        'first error': s.firstError,
      });
      await close(mocks);
    }
  }
  printTable(rows);
  const rr = p99At110.get('roundrobin') ?? 0;
  const [best, bestP99] = [...p99At110]
    .filter(([a]) => a !== 'roundrobin')
    .sort((a, b) => a[1] - b[1])[0] ?? ['none', 0];
  out(
    `at 110%: best aware p99 (${best}) / roundrobin p99 = ${ms(bestP99)} / ${ms(rr)} = ` +
      `${(bestP99 / rr).toFixed(2)} (goal ≤ 0.5)`,
  );
}

async function slowedInstance(gateway: BenchGateway): Promise<void> {
  const models = { slowed: server(4), steady: server(4) };
  const total = capacityPerSecond(models.slowed) + capacityPerSecond(models.steady);
  const seconds = SLOW_AFTER_SECONDS + SECONDS;
  out(
    `\n## 2. One of two equal instances (4 slots each) slowed ${SLOWDOWN}× after ` +
      `${SLOW_AFTER_SECONDS} s, load ${SLOWDOWN_LOAD * 100}% of the capacity before ` +
      `(${(total * SLOWDOWN_LOAD).toFixed(1)} req/s), ${SECONDS} s after the change`,
  );
  const rows: Record<string, string | number>[] = [];
  for (const algorithm of ALGORITHMS) {
    const mocks = await startMocks(models);
    const slowed = mocks.slowed as MockLlm;
    const all = Object.values(mocks);
    const readings = readingsProbe(gateway, algorithm, all);
    let slowedAt = 0;
    let timer: NodeJS.Timeout | undefined;
    const result = await measuredRun({
      gateway,
      mocks: all,
      conf: { balancer: { algorithm }, instances: all.map((m) => instanceOf(m)) },
      onEnd: readings.onEnd,
      perSecond: total * SLOWDOWN_LOAD,
      seconds,
      warmUpPerSecond: total * SLOWDOWN_LOAD,
      warmUpSeconds: WARM_UP_SECONDS,
      seed: 200,
      onStart: () => {
        timer = setTimeout(() => {
          slowedAt = Date.now();
          slowed.setCapacity({ slowdown: SLOWDOWN });
        }, SLOW_AFTER_SECONDS * 1000);
      },
    });
    clearTimeout(timer);
    const end = result.startedAt + seconds * 1000;
    const below = shareFallsBelow(slowed, all, 0.2, slowedAt, end);
    const after = summarize(result, (s) => s.sentAt >= slowedAt);
    rows.push({
      algorithm,
      'share < 20% after': asSeconds(below.first),
      'stays < 20% from': asSeconds(below.settled),
      'slowed share, 2nd half': pct(shareSince(slowed, all, slowedAt + (end - slowedAt) / 2)),
      'TTFT p50 after ms': ms(after.p50),
      'TTFT p99 after ms': ms(after.p99),
      failures: after.failures,
      'readings at end': readings.summary,
    });
    await close(mocks);
  }
  printTable(rows);
  const rr = Number(rows[0]?.['TTFT p99 after ms'] ?? 0);
  for (const row of rows.slice(1)) {
    const p99 = Number(row['TTFT p99 after ms']);
    out(`${row.algorithm}: p99 after the change ${(p99 / rr).toFixed(2)}× roundrobin's`);
  }
}

async function spill(gateway: BenchGateway): Promise<void> {
  const models = { 'gpu-1': server(4), 'gpu-2': server(4), cloud: server(1000) };
  const selfHosted = capacityPerSecond(models['gpu-1']) + capacityPerSecond(models['gpu-2']);
  out(
    `\n## 3. Spill: gpu-1, gpu-2 (priority 10, 4 slots each, ${selfHosted.toFixed(1)} req/s) and ` +
      `a cloud (priority 0, no metrics endpoint), load ${SPILL_LOAD * 100}% of the self-hosted ` +
      `capacity; queues sampled every 100 ms while arrivals last (queue_threshold ${QUEUE_THRESHOLD})`,
  );
  const rows: Record<string, string | number>[] = [];
  for (const algorithm of ['roundrobin', 'queue_aware'] as const) {
    const mocks = await startMocks(models);
    const gpus = [mocks['gpu-1'], mocks['gpu-2']] as MockLlm[];
    const cloud = mocks.cloud as MockLlm;
    const readings = readingsProbe(gateway, algorithm, gpus);
    let queues: number[] = [];
    const result = await measuredRun({
      gateway,
      mocks: Object.values(mocks),
      conf: {
        balancer: { algorithm },
        instances: [
          ...gpus.map((m) => instanceOf(m, { priority: 10 })),
          instanceOf(cloud, { priority: 0, metrics: false }),
        ],
      },
      perSecond: selfHosted * SPILL_LOAD,
      seconds: SECONDS,
      warmUpPerSecond: selfHosted * 0.5,
      warmUpSeconds: WARM_UP_SECONDS,
      seed: 300,
      onStart: () => (queues = sampleQueues(gpus, SECONDS * 1000)),
      onEnd: readings.onEnd,
    });
    queues.sort((a, b) => a - b);
    const s = summarize(result);
    rows.push({
      algorithm,
      'max queue': queues[queues.length - 1] ?? 0,
      'p95 queue': percentile(queues, 95),
      'cloud share': pct(shareSince(cloud, Object.values(mocks), 0)),
      'TTFT p50 ms': ms(s.p50),
      'TTFT p99 ms': ms(s.p99),
      failures: s.failures,
      'readings at end': readings.summary,
    });
    await close(mocks);
  }
  printTable(rows);
  out(`overflow above the self-hosted capacity: ${pct(1 - 1 / SPILL_LOAD)} of the load`);
}

async function overhead(gateway: BenchGateway): Promise<void> {
  out(
    `\n## 4. Overhead: ${OVERHEAD_REQUESTS} non-streamed requests × ${OVERHEAD_ROUNDS} rounds ` +
      `per algorithm, 16 concurrent, two mocks without the capacity model`,
  );
  const mocks = await startMocks({ 'fast-1': null, 'fast-2': null });
  const all = Object.values(mocks);
  const confs = {
    roundrobin: {
      balancer: { algorithm: 'roundrobin' },
      instances: all.map((m) => instanceOf(m, { metrics: false })),
    },
    queue_aware: {
      balancer: { algorithm: 'queue_aware' },
      instances: all.map((m) => instanceOf(m)),
    },
  };
  const body = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], max_tokens: 20 });
  const dispatcher = new Agent({ connections: 16, keepAliveTimeout: 30_000 });
  const cpu: Record<string, number[]> = { roundrobin: [], queue_aware: [] };
  const loads: Record<string, LoadResult[]> = { roundrobin: [], queue_aware: [] };
  for (let round = 0; round < OVERHEAD_ROUNDS; round++) {
    for (const [algorithm, conf] of Object.entries(confs)) {
      // One route at a time: queue_aware's scrapes must not land in roundrobin's rounds.
      const route = await gateway.route(conf);
      const call = async () => {
        const res = await request(gateway.url(route.uri), {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json' },
          dispatcher,
        });
        await res.body.dump();
        return res.statusCode === 200;
      };
      await runLoad(500, 16, call); // warm-up
      const pids = gateway.pids();
      const before = cpuMicros(pids);
      loads[algorithm]?.push(await runLoad(OVERHEAD_REQUESTS, 16, call));
      cpu[algorithm]?.push((cpuMicros(pids) - before) / OVERHEAD_REQUESTS);
      await route.remove();
    }
  }
  await dispatcher.close();
  await close(mocks);
  const avg = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const rows = Object.keys(confs).map((algorithm) => {
    const runs = loads[algorithm] ?? [];
    return {
      algorithm,
      'gateway CPU µs/req': avg(cpu[algorithm] ?? []),
      'per round': (cpu[algorithm] ?? []).map((c) => c.toFixed(0)).join(' '),
      'req/s': avg(runs.map((r) => r.perSecond)),
      'p50 ms': avg(runs.map((r) => r.p50Ms)),
      'p99 ms': avg(runs.map((r) => r.p99Ms)),
      errors: runs.reduce((s, r) => s + r.errors, 0),
    };
  });
  printTable(rows);
  const [rr, qa] = rows.map((r) => r['gateway CPU µs/req']);
  out(
    `queue_aware: ${(((qa ?? 0) / (rr ?? 1) - 1) * 100).toFixed(1)}% CPU per request vs roundrobin`,
  );
}

async function main() {
  const clientPinned = pin([process.pid], CLIENT_CPUS);
  const gateway = await BenchGateway.start(GATEWAY_CPUS);
  out(
    `gateway: 1 node, 2 workers, pinned to CPUs ${GATEWAY_CPUS}: ${gateway.pinned ? 'yes' : 'no'}; ` +
      `load generator and mocks pinned to ${CLIENT_CPUS}: ${clientPinned ? 'yes' : 'no'}`,
  );
  try {
    if (SCENARIOS.has('1')) await unequalCapacity(gateway);
    if (SCENARIOS.has('2')) await slowedInstance(gateway);
    if (SCENARIOS.has('3')) await spill(gateway);
    if (SCENARIOS.has('4')) await overhead(gateway);
  } finally {
    await gateway.destroy();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
