/**
 * @module prometheus/fallbacks
 * The instance-to-instance moves of one AI request, for `tollgate_ai_fallbacks_total`. The attempt
 * loop may note each move as it makes it (exact reasons); otherwise they are read back from the
 * instances tried, with the last reason for the last move.
 */
import type { RequestContext } from '@tollgate/core';

/** One move from an instance that failed to the next one tried. */
export interface FallbackHop {
  from: string;
  to: string;
  /** `http_429`, `http_5xx`, `connect_error`, ... (`unknown` when it was not recorded). */
  reason: string;
}

const STATE = 'prometheus:fallbacks';

function noted(ctx: RequestContext): FallbackHop[] {
  return ctx.pluginState<FallbackHop[]>(STATE, () => []);
}

/**
 * Record that the request moves from `from` to `to` for `reason`. Call it where the attempt loop
 * picks the next instance; the prometheus plugin counts the moves once the request is logged.
 *
 * @example
 * ai.fallbackReason = fallbackReason(failure);
 * noteFallback(ctx, instance.name, next.name, ai.fallbackReason);
 */
export function noteFallback(ctx: RequestContext, from: string, to: string, reason: string): void {
  noted(ctx).push({ from, to, reason });
}

/** The moves of `ctx`: those noted, else derived from `ctx.ai.tried` and `fallbackReason`. */
export function fallbackHops(ctx: RequestContext): FallbackHop[] {
  const ai = ctx.ai;
  if (!ai || ai.tried.length < 2) return [];
  const hops = noted(ctx);
  if (hops.length > 0) return hops;
  const derived: FallbackHop[] = [];
  for (let i = 1; i < ai.tried.length; i++) {
    const last = i === ai.tried.length - 1;
    derived.push({
      from: ai.tried[i - 1] ?? '',
      to: ai.tried[i] ?? '',
      reason: (last ? ai.fallbackReason : undefined) ?? 'unknown',
    });
  }
  return derived;
}
