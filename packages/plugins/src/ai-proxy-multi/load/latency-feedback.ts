/**
 * @module ai-proxy-multi/load/latency-feedback
 * What an attempt teaches `least_latency` (issue 12): an answered stream its time to first
 * token, any answer with output tokens its milliseconds per output token, and a timeout its full
 * wait as a penalty sample of the kind the request is judged by. Answers cut by the client
 * teach nothing.
 */
import type { AiContext } from '@tollgate/core';
import type { LatencyTable } from './latency-table';
import { latencyKindOf } from './least-latency';

/** One finished attempt, as the latency table sees it. */
export type AttemptResult =
  | { readonly kind: 'answered'; readonly clientGone: boolean }
  | { readonly kind: 'timeout'; readonly elapsedMs: number }
  | { readonly kind: 'other' };

/**
 * Fold the attempt's latencies into `table` under `loadKey`.
 *
 * @example
 * recordAttemptLatency(table, 'http://10.0.0.5:8000', 10_000, ctx.ai, { kind: 'answered', clientGone: false });
 */
export function recordAttemptLatency(
  table: LatencyTable,
  loadKey: string,
  decayMs: number,
  ai: AiContext,
  result: AttemptResult,
): void {
  const streaming = ai.body?.stream === true;
  if (result.kind === 'timeout') {
    table.record(loadKey, latencyKindOf(streaming), result.elapsedMs, decayMs);
    return;
  }
  if (result.kind !== 'answered' || result.clientGone) return;
  if (streaming && ai.ttftMs !== undefined) table.record(loadKey, 'ttft', ai.ttftMs, decayMs);
  const tokens = ai.usage?.completion_tokens ?? 0;
  if (tokens > 0 && ai.upstreamResponseTimeMs !== undefined) {
    table.record(loadKey, 'per_token', ai.upstreamResponseTimeMs / tokens, decayMs);
  }
}
