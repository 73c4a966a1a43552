/**
 * @module opentelemetry/attempts
 * One CLIENT span per LLM call of an AI request (ai-proxy's call, every try of ai-proxy-multi,
 * failed ones that fell back included), children of the request span, built at log time from
 * `ctx.ai.attempts` with the calls' own start and end times.
 */
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';
import type { AiAttempt, RequestContext } from '@tollgate/core';
import { AlwaysOnSampler } from '@opentelemetry/sdk-trace-base';
import type { Pipeline } from './pipeline';

const ALWAYS_ON = new AlwaysOnSampler();

/** `performance.now()` ms of this request → epoch ms. */
function epochMs(ctx: RequestContext, monotonicMs: number): number {
  return ctx.startedAtEpochMs + (monotonicMs - ctx.startedAt);
}

function operation(ctx: RequestContext): string {
  return ctx.ai?.protocol?.includes('embeddings') ? 'embeddings' : 'chat';
}

function attemptAttributes(ctx: RequestContext, attempt: AiAttempt): Attributes {
  const attributes: Attributes = {
    'gen_ai.operation.name': operation(ctx),
    'gen_ai.provider.name': attempt.provider,
    'tollgate.llm.instance': attempt.instance,
  };
  if (attempt.model !== undefined) attributes['gen_ai.request.model'] = attempt.model;
  if (attempt.status !== undefined) attributes['http.response.status_code'] = attempt.status;
  if (attempt.error !== undefined) attributes['error.type'] = attempt.error;
  if (attempt.fallbackReason !== undefined)
    attributes['tollgate.llm.fallback_reason'] = attempt.fallbackReason;
  if (attempt.endMs !== undefined)
    attributes['tollgate.llm.duration_ms'] = Math.round(attempt.endMs - attempt.startMs);
  const ai = ctx.ai;
  if (attempt.answered && ai) {
    if (ai.usage) {
      attributes['gen_ai.usage.input_tokens'] = ai.usage.prompt_tokens;
      attributes['gen_ai.usage.output_tokens'] = ai.usage.completion_tokens;
      attributes['tollgate.llm.total_tokens'] = ai.usage.total_tokens;
      attributes['tollgate.llm.usage_estimated'] = ai.usageEstimated;
    }
    if (ai.ttftMs !== undefined) attributes['tollgate.llm.ttft_ms'] = Math.round(ai.ttftMs);
  }
  return attributes;
}

/** Record a child span of `parent` for every LLM call of the request. */
export function recordAttempts(ctx: RequestContext, pipeline: Pipeline, parent: Span): void {
  const attempts = ctx.ai?.attempts;
  if (!attempts || attempts.length === 0) return;
  const parentContext = trace.setSpan(ROOT_CONTEXT, parent);
  const now = performance.now();
  for (const attempt of attempts) {
    const span = pipeline.startSpan(
      `${operation(ctx)} ${attempt.model ?? attempt.instance}`,
      {
        kind: SpanKind.CLIENT,
        attributes: attemptAttributes(ctx, attempt),
        startTime: epochMs(ctx, attempt.startMs),
      },
      parentContext,
      ALWAYS_ON,
    );
    const failed =
      !attempt.answered &&
      (attempt.error !== undefined || (attempt.status !== undefined && attempt.status >= 400));
    if (failed) {
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message:
          attempt.status !== undefined
            ? `llm response status: ${attempt.status}`
            : `llm call failed: ${attempt.error ?? 'unknown'}`,
      });
    }
    span.end(epochMs(ctx, attempt.endMs ?? now));
  }
}
