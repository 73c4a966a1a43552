/**
 * @module prometheus/record
 * What the prometheus plugin records for one finished request (observability spec §B.2), into
 * the worker's metrics: status, latencies and bandwidth of every request; latency and tokens of
 * AI requests; the AI content plugins' verdicts; Tollgate's fallback and quota metrics.
 */
import type { RequestContext } from '@tollgate/core';
import type { RequestMetrics } from './definitions';
import { disabledLabels, seriesOf, type DisabledLabels } from './disabled-labels';
import { recordContent } from './content';
import { fallbackHops } from './fallbacks';
import { scoresOf, spillsOf } from './spills';
import {
  bytesSent,
  isAiRequest,
  latencies,
  requestIdentity,
  requestLength,
  responseSource,
  statusCode,
  type RequestIdentity,
} from './labels';
import { quotaRejections, quotaTokens, type QuotaRemainingTable } from './quota';
import { seriesKeysOf } from './series-keys';

/** The plugin configuration the recording reads. */
export interface RecordConf {
  prefer_name?: boolean;
}

function commonLabels(type: string, id: RequestIdentity) {
  return {
    type,
    route: id.route,
    service: id.service,
    consumer: id.consumer,
    node: id.node,
    request_type: id.requestType,
    request_llm_model: id.requestLlmModel,
    llm_model: id.llmModel,
  };
}

function llmLabels(id: RequestIdentity) {
  return {
    route_id: id.route,
    service_id: id.service,
    consumer: id.consumer,
    node: id.node,
    request_type: id.requestType,
    request_llm_model: id.requestLlmModel,
    llm_model: id.llmModel,
  };
}

/**
 * A short key standing for the identity labels of a request, interned per metrics set, so the
 * series keys of one request are this plus the few labels that vary (type, code).
 */
function identityKey(metrics: RequestMetrics, id: RequestIdentity): string {
  return seriesKeysOf(metrics).keyOf([
    id.route,
    id.service,
    id.matchedUri,
    id.matchedHost,
    id.consumer,
    id.node,
    id.requestType,
    id.requestLlmModel,
    id.llmModel,
  ]);
}

function recordLlm(
  metrics: RequestMetrics,
  ctx: RequestContext,
  id: RequestIdentity,
  key: string,
  code: number,
  off: DisabledLabels | undefined,
) {
  const ai = ctx.ai;
  const labels = () => llmLabels(id);
  const usage = ai?.usage;
  // Every AI request counts tokens, whatever its status (0 when the LLM produced none).
  metrics.llmPromptTokens.add(
    ...seriesOf(off, 'llm_prompt_tokens', key, labels),
    usage?.prompt_tokens ?? 0,
  );
  metrics.llmCompletionTokens.add(
    ...seriesOf(off, 'llm_completion_tokens', key, labels),
    usage?.completion_tokens ?? 0,
  );
  if (usage) {
    metrics.llmPromptTokensDist.record(
      ...seriesOf(off, 'llm_prompt_tokens_dist', key, labels),
      usage.prompt_tokens,
    );
    metrics.llmCompletionTokensDist.record(
      ...seriesOf(off, 'llm_completion_tokens_dist', key, labels),
      usage.completion_tokens,
    );
  }
  // APISIX: only when the LLM answered (time to first token known) with a status below 400.
  if (!ai || ai.ttftMs === undefined || code >= 400) return;
  if (ai.upstreamResponseTimeMs !== undefined) {
    metrics.llmLatency.record(
      ...seriesOf(off, 'llm_latency', `${key}total`, () => ({ type: 'total', ...llmLabels(id) })),
      ai.upstreamResponseTimeMs,
    );
  }
  if (id.requestType === 'ai_stream') {
    metrics.llmLatency.record(
      ...seriesOf(off, 'llm_latency', `${key}ttft`, () => ({ type: 'ttft', ...llmLabels(id) })),
      ai.ttftMs,
    );
  }
}

/**
 * Record `ctx` (finished: its response is complete or the client left) at `now`, a
 * `performance.now()` reading.
 */
export function recordRequest(
  metrics: RequestMetrics,
  conf: RecordConf,
  ctx: RequestContext,
  quotaTable?: QuotaRemainingTable,
  now = performance.now(),
): void {
  const id = requestIdentity(ctx, conf.prefer_name === true);
  const key = identityKey(metrics, id);
  const code = statusCode(ctx.response.res);
  const source = responseSource(ctx, code);
  const off = disabledLabels(ctx);
  const common = (type: string) => () => commonLabels(type, id);
  metrics.httpStatus.add(
    ...seriesOf(off, 'http_status', `${key}${code}|${source}`, () => ({
      code: String(code),
      route: id.route,
      matched_uri: id.matchedUri,
      matched_host: id.matchedHost,
      service: id.service,
      consumer: id.consumer,
      node: id.node,
      request_type: id.requestType,
      request_llm_model: id.requestLlmModel,
      llm_model: id.llmModel,
      response_source: source,
    })),
  );
  const latency = latencies(ctx, now);
  const http = (type: string) => seriesOf(off, 'http_latency', `${key}${type}`, common(type));
  metrics.httpLatency.record(...http('request'), latency.request);
  if (latency.upstream !== undefined)
    metrics.httpLatency.record(...http('upstream'), latency.upstream);
  metrics.httpLatency.record(...http('apisix'), latency.apisix);
  const bandwidth = (type: string) => seriesOf(off, 'bandwidth', `${key}${type}`, common(type));
  metrics.bandwidth.add(...bandwidth('ingress'), requestLength(ctx.req));
  metrics.bandwidth.add(...bandwidth('egress'), bytesSent(ctx));

  if (isAiRequest(id)) recordLlm(metrics, ctx, id, key, code, off);
  recordContent(metrics, ctx, id.route, off);
  for (const hop of fallbackHops(ctx)) {
    metrics.fallbacks.inc({
      route: id.route,
      from_instance: hop.from,
      to_instance: hop.to,
      reason: hop.reason,
    });
  }
  for (const spill of spillsOf(ctx)) {
    metrics.spills.inc({
      route: id.route,
      from_priority: String(spill.fromPriority),
      to_priority: String(spill.toPriority),
    });
  }
  for (const [instance, score] of scoresOf(ctx) ?? []) {
    metrics.instanceScore.set({ route: id.route, instance }, score);
  }
  for (const refusal of quotaRejections(ctx)) metrics.quotaRejections.inc({ ...refusal });
  for (const { labels, reserved, settled } of quotaTokens(ctx)) {
    if (reserved > 0) metrics.quotaReserved.inc({ ...labels }, reserved);
    if (settled > 0) metrics.quotaSettled.inc({ ...labels }, settled);
  }
  quotaTable?.observe(ctx);
}
