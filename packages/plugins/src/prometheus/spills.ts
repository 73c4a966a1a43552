/**
 * @module prometheus/spills
 * The spills of one AI request, for `tollgate_ai_spills_total`: a pick that passed over a
 * higher priority group because its instances were saturated or unavailable (issue 12). The
 * balancer notes each spill as it picks; the prometheus plugin counts them once the request is
 * logged.
 */
import type { RequestContext } from '@tollgate/core';

/** One move from a passed-over priority group to the group that served. */
export interface Spill {
  fromPriority: number;
  toPriority: number;
}

const STATE = 'prometheus:spills';

/**
 * Record that a pick of `ctx` spilled from group `fromPriority` to `toPriority`.
 *
 * @example
 * noteSpill(ctx, 10, 0);
 */
export function noteSpill(ctx: RequestContext, fromPriority: number, toPriority: number): void {
  spillsOf(ctx).push({ fromPriority, toPriority });
}

/** The spills noted for `ctx`. */
export function spillsOf(ctx: RequestContext): Spill[] {
  return ctx.pluginState<Spill[]>(STATE, () => []);
}
