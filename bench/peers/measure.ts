/**
 * One target's measurement in the peers benchmark: a probe (a chat completion and a finished
 * stream), a warm-up, autocannon at each connection count with the CPU time of every party read
 * from /proc around the step, one load step of long streams, then the added p50 at one
 * connection, plain and streamed, and plain for a quiet tenant (a request every QUIET_GAP_MS).
 */
import { cpuMicros } from '../lib';
import {
  addedP50,
  blast,
  probe,
  quietAddedP50,
  type Added,
  type Blast,
  type Request,
} from './load';
import { othersMicros, socketsOn, softirqMicros, wakeups, type SocketCheck } from './machine';
import type { Mock, Target } from './targets';

const MESSAGES = [
  { role: 'system', content: 'You are a helpful assistant.' },
  { role: 'user', content: 'Say hello.' },
];
export const BODY = JSON.stringify({ model: 'gpt-4o-mini', messages: MESSAGES, max_tokens: 16 });
export const STREAM_BODY = JSON.stringify({
  model: 'gpt-4o-mini',
  messages: MESSAGES,
  max_tokens: 16,
  stream: true,
  stream_options: { include_usage: true },
});

/** Content events in the long stream (the mock sends one per `max_tokens` above 16). */
export const LONG_STREAM_EVENTS = 256;
/** A streamed answer of LONG_STREAM_EVENTS one-word chunks: what a stream costs per event. */
export const LONG_STREAM_BODY = JSON.stringify({
  model: 'gpt-4o-mini',
  messages: MESSAGES,
  max_tokens: LONG_STREAM_EVENTS,
  stream: true,
  stream_options: { include_usage: true },
});
/** Connections of the long-stream load step. */
export const LONG_STREAM_CONNECTIONS = 64;
/**
 * Milliseconds between a quiet tenant's requests: longer than a gateway's usual batching and
 * caching intervals (Tollgate's workers report quota usage within 100 ms).
 */
export const QUIET_GAP_MS = 250;

export interface Step {
  blast: Blast;
  wallSeconds: number;
  /** CPU time in the step, µs: the target's tree, a Tollgate primary alone, the mock's tree. */
  targetMicros: number;
  primaryMicros: number;
  /** How many times a Tollgate primary was woken in the step (machine.ts `wakeups`); 0 for others. */
  primaryWakeups: number;
  mockMicros: number;
  /** This process: autocannon (and its worker threads). */
  loadgenMicros: number;
  /** CPU time of every other user-space program on the machine. */
  otherMicros: number;
  /** Kernel softirq time (loopback TCP is mostly that), charged to no process. */
  softirqMicros: number;
  /** How many times the step ran (see MeasureOptions.retries). */
  attempts: number;
}

export interface Measured {
  /** Chat completions at each connection count. */
  steps: Step[];
  /** Long streams (LONG_STREAM_BODY) at LONG_STREAM_CONNECTIONS. */
  longStream: Step;
  plain: Added;
  streamed: Added;
  /** Plain requests, one every QUIET_GAP_MS. */
  quiet: Added;
  sockets: SocketCheck;
}

/** The added latencies a round measures. */
export type AddedKind = 'plain' | 'streamed' | 'quiet';

export interface MeasureOptions {
  connections: readonly number[];
  seconds: number;
  warmupSeconds: number;
  latencySeconds: number;
  /** Requests of the quiet tenant's measurement (each side), one every QUIET_GAP_MS. */
  quietRequests: number;
  /** autocannon worker threads (0: on this thread). */
  threads: number;
  /** Every load-step request on a new connection instead of kept-alive ones. */
  newConnections: boolean;
  /** A load step during which other programs took more cores than this is run again… */
  quietCores: number;
  /** …at most this many times. */
  retries: number;
}

function snapshot(target: Target, mock: Mock) {
  const pids = target.pids();
  const mockPids = mock.pids();
  const primary = target.primaryPid === undefined ? [] : [target.primaryPid];
  const ours = new Set([...pids, ...mockPids, process.pid]);
  return () => ({
    target: cpuMicros(pids),
    primary: cpuMicros(primary),
    primaryWakeups: target.primaryPid === undefined ? 0 : wakeups(target.primaryPid),
    mock: cpuMicros(mockPids),
    loadgen: cpuMicros([process.pid]),
    others: othersMicros(ours),
    softirq: softirqMicros(),
    at: performance.now(),
  });
}

/** What a load step sends: `body` on `connections` connections; `onHalfway` runs midway. */
interface Load {
  connections: number;
  body: string;
  onHalfway?: () => void;
}

/** One load step, with every party's CPU time read around it. */
async function step(
  target: Target,
  mock: Mock,
  o: MeasureOptions,
  { connections, body, onHalfway }: Load,
): Promise<Step> {
  const read = snapshot(target, mock);
  const halfway = onHalfway ? setTimeout(onHalfway, o.seconds * 500) : undefined;
  const before = read();
  const result = await blast(target, body, connections, o.seconds, o.threads, o.newConnections);
  const after = read();
  clearTimeout(halfway);
  const spent = (
    k: 'target' | 'primary' | 'primaryWakeups' | 'mock' | 'loadgen' | 'others' | 'softirq',
  ) => after[k] - before[k];
  return {
    blast: result,
    wallSeconds: (after.at - before.at) / 1000,
    targetMicros: spent('target'),
    primaryMicros: spent('primary'),
    primaryWakeups: spent('primaryWakeups'),
    mockMicros: spent('mock'),
    loadgenMicros: spent('loadgen'),
    otherMicros: spent('others'),
    softirqMicros: spent('softirq'),
    attempts: 1,
  };
}

/** Cores other programs took during `s`. */
export const otherCores = (s: Step) => s.otherMicros / 1e6 / s.wallSeconds;

export async function measure(target: Target, mock: Mock, o: MeasureOptions): Promise<Measured> {
  await probe(target, BODY, STREAM_BODY);
  await blast(target, BODY, 64, o.warmupSeconds, o.threads, o.newConnections);
  const steps: Step[] = [];
  let sockets: SocketCheck = { connections: 0, foreign: [] };
  const most = Math.max(...o.connections);
  for (const connections of o.connections) {
    // Halfway through the busiest step every connection is open: read them all from /proc.
    const look =
      connections === most
        ? () => {
            sockets = socketsOn([...target.ports, mock.port]);
          }
        : undefined;
    steps.push(await quietStep(target, mock, o, { connections, body: BODY, onHalfway: look }));
  }
  const longStream = await quietStep(target, mock, o, {
    connections: LONG_STREAM_CONNECTIONS,
    body: LONG_STREAM_BODY,
  });
  const direct: Request = { url: mock.url, headers: { authorization: 'Bearer sk-bench' } };
  const plain = await addedP50(target, direct, BODY, false, o.latencySeconds);
  const streamed = await addedP50(target, direct, STREAM_BODY, true, o.latencySeconds);
  const quiet = await quietAddedP50(target, direct, BODY, o.quietRequests, QUIET_GAP_MS);
  return { steps, longStream, plain, streamed, quiet, sockets };
}

/**
 * A load step; on a shared machine, one during which other programs were busy is run again (up
 * to `retries` times) and the quietest attempt is kept.
 */
async function quietStep(target: Target, mock: Mock, o: MeasureOptions, load: Load): Promise<Step> {
  let kept = await step(target, mock, o, load);
  for (let attempt = 2; attempt <= 1 + o.retries && otherCores(kept) > o.quietCores; attempt++) {
    const again = await step(target, mock, o, load);
    kept = otherCores(again) < otherCores(kept) ? again : kept;
    kept.attempts = attempt;
  }
  return kept;
}

/** A target's row: measured, or the reason it could not be. */
export interface Outcome {
  name: string;
  cores: string;
  /** A Tollgate node's worker count (undefined for the single-process targets). */
  workers?: number;
  measured?: Measured;
  /**
   * The median, over the rounds, of this target's CPU per request over the bare proxy's in the
   * same round (both measured within minutes of each other, so a slow spell of the machine
   * weighs on both); undefined when a round is missing.
   */
  bareRatio?: number;
  /**
   * The median over the rounds of the p99 at 256 connections: one round's p99 with two workers
   * on a shared core was seen to read 109 and 185 ms for the same build.
   */
  p99Median?: number;
  /**
   * A Tollgate node's: the median over the rounds of its primary's CPU µs per request. V8's
   * memory reducer collects a fresh primary's heap once, about 25 s after start (0.2–0.3 s of
   * CPU); it falls inside the load steps of some rounds only, which then read up to 1.8× the others.
   */
  primaryMedian?: number;
  /**
   * The median over the rounds of each added p50 (plain, streamed, quiet): one round's added
   * p50 at one connection was seen to read 0.54 ms where the other two read about 0.2 ms.
   */
  addedMedians?: Record<AddedKind, number | undefined>;
  /** A Tollgate node's: the median over the rounds of its primary's wake-ups per 1,000 answers. */
  primaryWakeupsMedian?: number;
  error?: string;
}

/** The p99 in ms of `x`'s load step at `connections`; NaN when it has none. */
export function p99At(x: Measured, connections: number): number {
  return x.steps.find((s) => s.blast.connections === connections)?.blast.p99Ms ?? Number.NaN;
}

/** CPU µs per answer over all load steps, of the part `f` picks. */
export function perRequest(x: Measured, f: (s: Step) => number): number {
  const answers = x.steps.reduce((sum, s) => sum + s.blast.completed, 0);
  return x.steps.reduce((sum, s) => sum + f(s), 0) / answers;
}

/** A Tollgate primary's own CPU µs per answer over all load steps. */
export const primaryPerRequest = (x: Measured): number => perRequest(x, (s) => s.primaryMicros);

/** How many times a Tollgate primary was woken per 1,000 answers over all load steps. */
export const primaryWakeupsPerThousand = (x: Measured): number =>
  1000 * perRequest(x, (s) => s.primaryWakeups);
