/**
 * One measured run of the scheduling benchmark: a fresh ai-proxy-multi route over the run's own
 * mock LLMs, a short warm-up (so least_latency has averages and queue_aware has readings, as in
 * steady service), the mocks' records and counters cleared, then open-loop streamed load. The
 * route is removed afterwards, so no balancer state carries into the next run.
 */
import type { Capacity, MockLlm } from '@tollgate/mock-llm';
import { startMockLlm } from '@tollgate/mock-llm';
import { Agent } from 'undici';
import { percentile } from '../lib';
import type { BenchGateway } from './gateway';
import { runOpenLoop, type OpenLoopResult, type Sample } from './open-loop';
import { streamChat } from './stream-chat';

/** Tokens each answer streams (the mock's capacity model paces them). */
export const OUTPUT_TOKENS = 20;
const BODY = JSON.stringify({
  model: 'bench-model',
  messages: [{ role: 'user', content: 'Tell me about load balancing.' }],
  stream: true,
  max_tokens: OUTPUT_TOKENS,
});
const MAX_IN_FLIGHT = 1000;
const REQUEST_TIMEOUT_MS = 60_000;

/** Requests per second `capacity` sustains when every slot is busy (the mock's model). */
export function capacityPerSecond(capacity: Capacity): number {
  const { slots, ttftMs, tokensPerSecond, batchSlowdown, slowdown } = capacity;
  const decodePerToken = (1000 * (1 + batchSlowdown * (slots - 1))) / tokensPerSecond;
  const serviceMs = (ttftMs + (OUTPUT_TOKENS - 1) * decodePerToken) * slowdown;
  return (slots * 1000) / serviceMs;
}

/** Starts one mock per entry, each with its capacity model (none when null). */
export async function startMocks(
  models: Record<string, Capacity | null>,
): Promise<Record<string, MockLlm>> {
  const mocks: Record<string, MockLlm> = {};
  for (const [name, capacity] of Object.entries(models)) {
    mocks[name] = await startMockLlm({ name, ...(capacity ? { capacity } : {}) });
  }
  return mocks;
}

export interface RunSpec {
  gateway: BenchGateway;
  mocks: readonly MockLlm[];
  /** The ai-proxy-multi configuration. */
  conf: Record<string, unknown>;
  perSecond: number;
  seconds: number;
  /** Warm-up arrivals per second (the measured load is not reached yet). */
  warmUpPerSecond: number;
  warmUpSeconds: number;
  seed: number;
  /** Called as the measured load starts, with its start time. */
  onStart?: (startedAt: number) => void;
  /** Awaited once every request has ended, before the route is removed. */
  onEnd?: () => Promise<void>;
}

/** Runs the warm-up and the measured load; resolves once every request has ended. */
export async function measuredRun(spec: RunSpec): Promise<OpenLoopResult> {
  const route = await spec.gateway.route(spec.conf);
  const dispatcher = new Agent({ keepAliveTimeout: 30_000 });
  const url = spec.gateway.url(route.uri);
  const send = () => streamChat({ url, body: BODY, dispatcher, timeoutMs: REQUEST_TIMEOUT_MS });
  try {
    await runOpenLoop({
      perSecond: spec.warmUpPerSecond,
      seconds: spec.warmUpSeconds,
      seed: spec.seed + 1,
      maxInFlight: MAX_IN_FLIGHT,
      send,
    });
    for (const mock of spec.mocks) {
      mock.clear();
      mock.resetCapacityStats();
    }
    spec.onStart?.(Date.now());
    const result = await runOpenLoop({
      perSecond: spec.perSecond,
      seconds: spec.seconds,
      seed: spec.seed,
      maxInFlight: MAX_IN_FLIGHT,
      send,
    });
    await spec.onEnd?.();
    return result;
  } finally {
    await dispatcher.close();
    await route.remove();
  }
}

/** TTFT percentiles and failures (errors and shed arrivals) of the samples `keep` selects. */
export function summarize(
  result: OpenLoopResult,
  keep: (s: Sample) => boolean = () => true,
): { sent: number; p50: number; p99: number; failures: number; firstError: string } {
  const kept = result.samples.filter(keep);
  const ttfts = kept
    .filter((s) => s.ok && s.ttftMs !== undefined)
    .map((s) => s.ttftMs as number)
    .sort((a, b) => a - b);
  return {
    sent: kept.length,
    p50: percentile(ttfts, 50),
    p99: percentile(ttfts, 99),
    failures: kept.filter((s) => !s.ok).length + result.shed,
    firstError: kept.find((s) => !s.ok)?.error ?? (result.shed > 0 ? 'shed' : ''),
  };
}
