/**
 * @module prometheus/content
 * What the AI content plugins left on `ctx.ai`, as metrics: ai-cache's verdict in APISIX's
 * `apisix_ai_cache_{hits,misses,bypasses}_total` (labels as `llm_active_connections` without the
 * matched URI and host; `llm_model` is empty on a hit, no LLM having answered), a refusal in
 * `tollgate_ai_content_denials_total`, and every check's latency in
 * `tollgate_ai_content_check_latency`.
 */
import type { RequestContext } from '@tollgate/core';
import type { RequestMetrics } from './definitions';
import { withoutDisabled, type DisabledLabels } from './disabled-labels';
import { activeConnectionLabels } from './llm-connections';

function recordCache(
  metrics: RequestMetrics,
  ctx: RequestContext,
  status: 'HIT' | 'MISS' | 'BYPASS',
  off: DisabledLabels | undefined,
): void {
  const { matched_uri: _uri, matched_host: _host, ...labels } = activeConnectionLabels(ctx);
  if (status === 'HIT') {
    const hit = { layer: 'exact', ...labels, llm_model: '' };
    metrics.aiCacheHits.inc(withoutDisabled(off, 'ai_cache_hits_total', hit));
  } else if (status === 'MISS') {
    metrics.aiCacheMisses.inc(withoutDisabled(off, 'ai_cache_misses_total', labels));
  } else {
    metrics.aiCacheBypasses.inc(withoutDisabled(off, 'ai_cache_bypasses_total', labels));
  }
}

/** Record the content plugins' verdicts of `ctx` (a no-op for requests none of them saw). */
export function recordContent(
  metrics: RequestMetrics,
  ctx: RequestContext,
  route: string,
  off: DisabledLabels | undefined,
): void {
  const ai = ctx.ai;
  if (!ai) return;
  if (ai.cacheStatus) recordCache(metrics, ctx, ai.cacheStatus, off);
  if (ai.denied) {
    metrics.contentDenials.inc({
      route,
      plugin: ai.denied.plugin,
      side: ai.denied.side,
      reason: ai.denied.reason,
    });
  }
  for (const check of ai.contentChecks) {
    metrics.contentCheckLatency.observe(
      { plugin: check.plugin, side: check.side, outcome: check.outcome },
      check.ms,
    );
  }
}
