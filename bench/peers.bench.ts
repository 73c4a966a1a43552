/**
 * Issue 14: Tollgate beside its peers, measured from outside in one run. Targets: a bare
 * `node:http` pass-through proxy (the floor), Portkey's OSS gateway (installed from npm into a
 * cache on first use), and Tollgate nodes with 1 and N workers on the route key-auth +
 * ai-proxy-multi (two openai-compatible instances) + ai-rate-limiting (local), access log to a
 * file, keep-alive. All of them send to the same OpenAI-compatible mock upstream (its own
 * processes). autocannon loads each target at 64 and 256 connections, and with long streams at
 * 64 (CPU per streamed event); undici measures the added
 * p50 at one connection, plain and streamed, against the mock straight; /proc gives the CPU time
 * of each target's process tree (and a Tollgate primary's own) per request.
 *
 * Targets, the mock and the load generator are pinned apart with taskset (peers/machine.ts). The
 * run fails, and writes no results file, when the mock or the load generator was near saturation
 * (it, not the target, would have been measured), when a connection on the benchmark's ports was
 * not on loopback, or when a target answered with errors (peers/checks.ts).
 *
 *   pnpm bench peers
 *   BENCH_SECONDS=5 (per load step)  BENCH_LATENCY_SECONDS=2 (per one-connection measurement)
 *   BENCH_QUIET_REQUESTS=16 (each side of the quiet tenant's measurement, one every 250 ms)
 *   BENCH_WORKERS=1,2,4,8  BENCH_MOCK_PROCS=4  BENCH_PEERS_CACHE=/tmp/tollgate-bench-peers
 *   BENCH_PEERS_SKIP_PORTKEY=1  BENCH_PEERS_RETRIES=2 (runs of a load step disturbed by other programs)
 *   BENCH_ROUNDS=3 (interleaved rounds over all targets, each target started afresh for its
 *   round; each row is a target's median round)  BENCH_WARMUP_SECONDS=4 (load before each
 *   target's measured steps)
 *   BENCH_NEW_CONNECTIONS=1 (every load-step request on a new connection: what accepting costs)
 *   BENCH_BASELINE=<a built Tollgate checkout> (its nodes measured in the same rounds, rows
 *   named by its commit: a change's effect measured in one run, not across two)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pin, printTable } from './lib';
import { QUIET_CORES, verify } from './peers/checks';
import { layout, machine } from './peers/machine';
import {
  LONG_STREAM_CONNECTIONS,
  LONG_STREAM_EVENTS,
  QUIET_GAP_MS,
  measure,
  p99At,
  perRequest,
  primaryPerRequest,
  primaryWakeupsPerThousand,
  type AddedKind,
  type Measured,
  type MeasureOptions,
  type Outcome,
} from './peers/measure';
import { tableRows, writeReport, type Variant } from './peers/report';
import {
  PORTKEY_VERSION,
  baselineAt,
  installPortkey,
  startBare,
  startMock,
  startPortkey,
  startTollgateNode,
  type Target,
} from './peers/targets';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 2);
const QUIET_REQUESTS = Number(process.env.BENCH_QUIET_REQUESTS ?? 16);
/**
 * Seconds of load before each target's measured steps. A freshly started node takes about 4 s of
 * load to reach its steady CPU per request (JIT tiers, the young generation growing to its size):
 * 2-second windows of a new Tollgate worker read 318, 197, 157, 175, 170 µs per request, and the
 * bare proxy's first window 40% above its later ones.
 */
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 4);
const CONNECTIONS = [64, 256];
const BARE = 'bare node:http pass-through';
const PORTKEY = `Portkey OSS ${PORTKEY_VERSION}`;

const BASELINE = process.env.BENCH_BASELINE;

/** Every load-step request on a new connection (`Connection: close`): what accepting costs. */
const NEW_CONNECTIONS = process.env.BENCH_NEW_CONNECTIONS === '1';
const ROUNDS = Math.max(1, Math.floor(Number(process.env.BENCH_ROUNDS ?? 3)) || 1);

function fail(row: Outcome, err: unknown): void {
  row.error = (err as Error).message.split('\n')[0] ?? String(err);
  process.stdout.write(`  ${row.name} not measured: ${row.error}\n`);
}

/** A round's CPU µs per request of the target's whole process tree. */
const cpu = (x: Measured) => perRequest(x, (s) => s.targetMicros);

/** The round whose CPU per request is the median of a target's rounds (the lower middle one). */
function medianRound(rounds: Measured[]): Measured {
  const sorted = [...rounds].sort((a, b) => cpu(a) - cpu(b));
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  if (!median) throw new Error('no round was measured');
  return median;
}

/** The lower middle of `values` (the median of an odd count); undefined when there are none. */
function lowerMedian(values: number[]): number | undefined {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/**
 * The median over rounds of `rounds[i]`'s CPU per request over `bare[i]`'s; undefined unless
 * both have every round.
 */
function pairedRatio(rounds: Measured[], bare: Measured[]): number | undefined {
  if (rounds.length !== ROUNDS || bare.length !== ROUNDS) return undefined;
  return lowerMedian(rounds.map((round, i) => cpu(round) / cpu(bare[i] as Measured)));
}

/**
 * What sets this run apart from the default one: new connections, and the accept policy Tollgate's
 * workers inherit from Node (`NODE_CLUSTER_SCHED_POLICY`, see docs/gateway.md).
 */
function variant(baselineCommit: string | undefined): Variant | undefined {
  const parts: Variant[] = [];
  if (baselineCommit) {
    const slug = /^[0-9a-f]{4,40}$/.test(baselineCommit) ? baselineCommit : 'baseline';
    parts.push({ label: `beside ${baselineCommit} (BENCH_BASELINE)`, slug: `vs-${slug}` });
  }
  if (NEW_CONNECTIONS)
    parts.push({ label: 'a new connection per request', slug: 'new-connections' });
  const policy = process.env.NODE_CLUSTER_SCHED_POLICY;
  if (policy) {
    const slug = /^[a-z]{1,8}$/.test(policy) ? policy : 'other';
    parts.push({ label: `NODE_CLUSTER_SCHED_POLICY=${policy}`, slug: `sched-${slug}` });
  }
  if (parts.length === 0) return undefined;
  return {
    label: parts.map((p) => p.label).join(', '),
    slug: parts.map((p) => p.slug).join('-'),
  };
}

function workerCounts(nproc: number): number[] {
  const env = process.env.BENCH_WORKERS;
  if (env) return env.split(',').map((w) => Math.max(1, Math.floor(Number(w)) || 1));
  return nproc >= 16 ? [1, 2, 4, 8] : [1, 2];
}

interface Planned {
  name: string;
  cores: string;
  workers?: number;
  start: () => Promise<Target>;
}

async function main() {
  const m = machine();
  const counts = workerCounts(m.nproc);
  const mockProcs = process.env.BENCH_MOCK_PROCS ? Number(process.env.BENCH_MOCK_PROCS) : undefined;
  const place = layout(m.nproc, Math.max(...counts), mockProcs);
  if (!pin([process.pid], place.loadgenCores)) throw new Error('taskset is needed to pin cores');
  const options: MeasureOptions = {
    connections: CONNECTIONS,
    seconds: SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    latencySeconds: LATENCY_SECONDS,
    quietRequests: QUIET_REQUESTS,
    threads: place.loadgenThreads,
    newConnections: NEW_CONNECTIONS,
    quietCores: QUIET_CORES,
    retries: Number(process.env.BENCH_PEERS_RETRIES ?? 2),
  };
  const dirty = m.uncommitted.length;
  process.stdout.write(
    `machine: ${m.nproc} cores, ${m.cpuModel}, node ${m.node}, commit ${m.commit}` +
      `${dirty > 0 ? ` (+ ${dirty} uncommitted files under packages/, apps/)` : ''}\n` +
      `pinning: ${place.describe}\n` +
      `${SECONDS} s per load step at ${CONNECTIONS.join(' and ')} connections ` +
      `(after ${WARMUP_SECONDS} s warm-up), ${LATENCY_SECONDS} s per one-connection latency measurement\n`,
  );

  const mock = await startMock(place.mockProcesses, place.mockCores);
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-bench-peers-'));
  const single = place.targetCores(0);
  const outcomes: Outcome[] = [];
  const plan: Planned[] = [{ name: BARE, cores: single, start: () => startBare(mock, single) }];
  const installed = process.env.BENCH_PEERS_SKIP_PORTKEY
    ? { error: 'skipped (BENCH_PEERS_SKIP_PORTKEY)' }
    : installPortkey();
  if ('error' in installed) {
    process.stdout.write(`· ${PORTKEY}: ${installed.error}\n`);
    outcomes.push({ name: PORTKEY, cores: single, error: installed.error });
  } else {
    const start = () => startPortkey(installed.entry, mock, single);
    plan.push({ name: PORTKEY, cores: single, start });
  }
  const baseline = BASELINE === undefined ? undefined : baselineAt(BASELINE);
  if (baseline && 'error' in baseline) throw new Error(`BENCH_BASELINE: ${baseline.error}`);
  for (const workers of counts) {
    const cores = place.targetCores(workers);
    const name = `Tollgate, ${workers} worker${workers === 1 ? '' : 's'}`;
    plan.push({
      name,
      cores,
      workers,
      start: () => startTollgateNode(workers, mock, cores, logDir),
    });
    if (baseline) {
      plan.push({
        name: `${name} (${baseline.commit})`,
        cores,
        workers,
        start: () => startTollgateNode(workers, mock, cores, logDir, baseline),
      });
    }
  }

  // Each target is started afresh for each round, right before it is measured, and stopped
  // after it: measured alone, with no other target's idle processes beside it, and with no
  // trace of the order the targets were started in (with every node started once at the
  // beginning, two identical Tollgate nodes differed by 5-15%, the one started first costing
  // more whichever build it was). The rounds are interleaved so that a slow spell of the machine
  // (a shared VM's neighbours, invisible from inside) falls on every target alike rather than on
  // one; a target's row is its round of median CPU per request.
  const running: { entry: Planned; row: Outcome; rounds: Measured[] }[] = plan.map((entry) => ({
    entry,
    row: { name: entry.name, cores: entry.cores, workers: entry.workers },
    rounds: [],
  }));
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      process.stdout.write(`· round ${round} of ${ROUNDS}\n`);
      // Each round starts one target further along, and every other round runs backwards, so
      // no target is always measured right after the same one (a target measured after a busy
      // one was seen to cost up to 20% more); a rotation alone keeps every target's predecessor.
      const shift = (round - 1) % running.length;
      const rotated = [...running.slice(shift), ...running.slice(0, shift)];
      for (const slot of round % 2 === 0 ? rotated.reverse() : rotated) {
        if (slot.row.error) continue;
        const { entry } = slot;
        process.stdout.write(
          `  ${entry.name} on core${entry.cores.length > 1 ? 's' : ''} ${entry.cores}\n`,
        );
        let target: Target | undefined;
        try {
          target = await entry.start();
          slot.rounds.push(await measure(target, mock, options));
        } catch (err) {
          fail(slot.row, err);
        } finally {
          await target?.stop();
        }
      }
    }
    const bareRounds = running.find((slot) => slot.entry.name === BARE)?.rounds ?? [];
    for (const { row, rounds } of running) {
      if (!row.error) {
        row.measured = medianRound(rounds);
        row.bareRatio = pairedRatio(rounds, bareRounds);
        row.p99Median = lowerMedian(rounds.map((round) => p99At(round, 256)));
        const addedMedian = (kind: AddedKind) =>
          lowerMedian(rounds.map((round) => round[kind].addedMs));
        row.addedMedians = {
          plain: addedMedian('plain'),
          streamed: addedMedian('streamed'),
          quiet: addedMedian('quiet'),
        };
        row.primaryMedian = lowerMedian(rounds.map(primaryPerRequest));
        row.primaryWakeupsMedian = lowerMedian(rounds.map(primaryWakeupsPerThousand));
      }
      outcomes.push(row);
    }
  } finally {
    await mock.stop();
    fs.rmSync(logDir, { recursive: true, force: true });
  }

  const order = [BARE, PORTKEY, ...plan.slice(1).map((p) => p.name)];
  outcomes.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  const rows = tableRows(outcomes, BARE);
  const verdict = verify(outcomes, place, new Set([PORTKEY]));
  process.stdout.write('\n');
  printTable(rows);
  process.stdout.write(`\n${verdict.lines.map((c) => `check: ${c}`).join('\n')}\n`);
  if (verdict.problems.length > 0) {
    process.stderr.write('pnpm bench peers: the run is not valid; no results file written\n');
    process.exitCode = 1;
    return;
  }
  /** `<label>: <target>: <round 1>, <round 2>, …; …` over the measured targets `which` picks. */
  const eachRound = (
    label: string,
    value: (round: Measured) => string,
    which: (row: Outcome) => boolean = () => true,
  ): string =>
    `${label}: ${running
      .filter(({ row }) => !row.error && which(row))
      .map(({ row, rounds }) => `${row.name}: ${rounds.map(value).join(', ')}`)
      .join('; ')}.`;
  const file = await writeReport({
    machine: m,
    variant: variant(baseline?.commit),
    layout: place.describe,
    settings:
      `${ROUNDS} interleaved rounds over all targets (each round starting one target further along, every other one backwards; each target started afresh for its round and stopped after it), each row the target's round of median CPU per request, but for the p99, the added p50s and the primary's figures, each the median over the rounds; ` +
      `${SECONDS} s per load step (autocannon 9, ${NEW_CONNECTIONS ? 'a new connection per request' : 'keep-alive'}, after ${WARMUP_SECONDS} s at 64 connections); ` +
      `added p50 at one connection from undici, ${LATENCY_SECONDS} s through the target and ` +
      `${LATENCY_SECONDS} s straight to the mock in alternating slices; ` +
      `a quiet tenant's: ${QUIET_REQUESTS} requests each way, one every ${QUIET_GAP_MS} ms`,
    rows,
    checks: verdict.lines,
    notes: [
      'rps: 2xx answers per second; p99 @256 from autocannon (1 ms resolution), the median over the rounds.',
      'added p50 @1: p50 through the target minus p50 straight to the mock, one keep-alive connection, same run, the median over the rounds; stream: the same for the time to the end of a short SSE stream (7 events).',
      eachRound(
        'added p50 @1 / stream added p50 ms in each round, in round order',
        (r) => `${r.plain.addedMs.toFixed(2)}/${r.streamed.addedMs.toFixed(2)}`,
      ),
      `quiet added p50: the same for plain requests sent one every ${QUIET_GAP_MS} ms, alternately through the target and straight (a quiet tenant: each side idle ${2 * QUIET_GAP_MS} ms before each request).`,
      "CPU µs/req: user + system time of the target's whole process tree (/proc/<pid>/stat) over both load steps, divided by the answers; ×bare: the median over the rounds of the target's CPU per request over the bare proxy's in the same round.",
      eachRound('CPU µs/req in each round, in round order (how far the rounds spread)', (r) =>
        cpu(r).toFixed(0),
      ),
      eachRound('p99 @256 ms in each round, in round order', (r) => String(p99At(r, 256))),
      `long stream: one more load step, ${LONG_STREAM_CONNECTIONS} connections, each answer an SSE stream of ${LONG_STREAM_EVENTS} one-word content events (plus role, finish, usage and [DONE]): the CPU per request of the target's process tree in that step (the same round as the row's), and its ratio to the bare proxy's row.`,
      `others' cores: CPU that programs other than the benchmark's took during the target's load steps (the machine may be shared); a step above ${QUIET_CORES} cores was run again, up to ${process.env.BENCH_PEERS_RETRIES ?? 2} times, keeping the quietest attempt.`,
      "primary: a Tollgate node's primary process alone (cores busy during the 256-connection step, and its µs per request over both steps); it must not grow with the worker count.",
      eachRound(
        "primary µs/req in each round, in round order (V8's one-time memory-reducer GCs of a fresh primary, ~20 s after start, fall in some rounds)",
        (r) => primaryPerRequest(r).toFixed(1),
        ({ workers }) => workers !== undefined,
      ),
      "primary wake-ups /1k req: how many times the primary's main thread was woken (its voluntary context switches in /proc) per 1,000 answers over both load steps, the median over the rounds; it counts the workers' messages (those read in one turn once), hardly depends on how fast or how loaded the machine is (unlike CPU time), and shows whether the primary's work follows the requests or the worker count.",
      eachRound(
        'primary wake-ups /1k req in each round, in round order',
        (r) => primaryWakeupsPerThousand(r).toFixed(1),
        ({ workers }) => workers !== undefined,
      ),
      `Portkey: @portkey-ai/gateway@${PORTKEY_VERSION} from npm, run as \`build/start-server.js --headless\`, with @hono/node-server pinned to the version its own lockfile uses (newer ones break its streaming on Node: Portkey-AI/gateway#1389); headers x-portkey-provider: openai, x-portkey-custom-host: the mock's /v1.`,
      'Tollgate route: key-auth + ai-proxy-multi (two openai-compatible instances, same mock endpoint) + ai-rate-limiting (local, a limit never reached); access log to a file; embedded store.',
      ...(baseline
        ? [
            `rows ending in (${baseline.commit}): the Tollgate build at ${BASELINE} (commit ${baseline.commit}, BENCH_BASELINE), same route and settings, measured in the same interleaved rounds as this tree's.`,
          ]
        : []),
    ],
  });
  process.stdout.write(`written to ${path.relative(process.cwd(), file)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
