/**
 * @module ai-content-common/notes
 * What the content plugins record on `ctx.ai` for the access log and prometheus: each check
 * they made, a refusal, and the content risk level (`llm_content_risk_level`).
 */
import {
  AiContext,
  type AiContentCheck,
  type AiContentDenial,
  type RequestContext,
} from '@tollgate/core';

/** The request's AI slot, created when a content plugin runs before ai-proxy's access phase. */
export function aiSlot(ctx: RequestContext): AiContext {
  return (ctx.ai ??= new AiContext());
}

/** Record one check (its latency and outcome). */
export function noteContentCheck(ctx: RequestContext, check: AiContentCheck): void {
  aiSlot(ctx).contentChecks.push(check);
}

/** Record that `denial.plugin` answered instead of the LLM (the first refusal wins). */
export function noteDenial(ctx: RequestContext, denial: AiContentDenial): void {
  const ai = aiSlot(ctx);
  ai.denied ??= denial;
}

const RISK_RANK: ReadonlyMap<string, number> = new Map([
  ['none', 0],
  ['low', 1],
  ['medium', 2],
  ['high', 3],
  ['max', 4],
]);

/**
 * Set `llm_content_risk_level`. A later verdict never lowers an earlier `high` or `max`
 * (spec A.5), so a plugin that found nothing cannot hide another's finding.
 */
export function noteRiskLevel(ctx: RequestContext, level: string): void {
  const ai = aiSlot(ctx);
  const current = RISK_RANK.get(ai.contentRiskLevel ?? '') ?? 0;
  if (current >= 3 && (RISK_RANK.get(level) ?? 0) < current) return;
  ai.contentRiskLevel = level;
  ctx.vars.set('llm_content_risk_level', level);
}
