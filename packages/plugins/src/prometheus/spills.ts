/**
 * @module prometheus/spills
 * What ai-proxy-multi's load-aware balancer tells prometheus about one AI request (issue 12):
 * its spills, for `tollgate_ai_spills_total` (a pick that passed over a higher priority group
 * because its instances were saturated or unavailable), and the instance scores its last pick
 * compared, for `tollgate_ai_instance_score`. The balancer notes them as it picks; the
 * prometheus plugin records them once the request is logged.
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

const SCORES = 'prometheus:instance-scores';

/**
 * Keep the scores (instance name → score in [0, 1]) of the request's latest pick.
 *
 * @example
 * noteScores(ctx, new Map([['gpu-a', 0.9], ['gpu-b', 0.25]]));
 */
export function noteScores(ctx: RequestContext, scores: ReadonlyMap<string, number>): void {
  ctx.pluginState<{ latest?: ReadonlyMap<string, number> }>(SCORES, () => ({})).latest = scores;
}

/** The scores of the request's latest pick, if its algorithm scores. */
export function scoresOf(ctx: RequestContext): ReadonlyMap<string, number> | undefined {
  return ctx.pluginState<{ latest?: ReadonlyMap<string, number> }>(SCORES, () => ({})).latest;
}
