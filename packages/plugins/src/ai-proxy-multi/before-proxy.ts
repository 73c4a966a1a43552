/**
 * @module ai-proxy-multi/before-proxy
 * The attempt loop (spec §1.7, decision D4): try the picked instance; on a failure that the
 * fallback policy retries, mark it tried and move to the next pick; answer 502 with the last
 * upstream body when nothing is left, or the failure itself when it is not retried. Every
 * attempt counts as in flight to its instance, node-wide, until it ends however it ends, and
 * teaches least_latency what it measured (issue 12).
 */
import { exit, type Exit, type RequestContext } from '@tollgate/core';
import { attemptInstance, type AttemptOutcome, type FailedAttempt } from '../ai-common/attempt';
import { shapeRefusal } from '../ai-common/client-errors';
import type { AiInstanceConf } from '../ai-common/instance';
import type { AiTransportSettings } from '../ai-common/settings';
import { workerLatencyTable } from './load/latency-table';
import { recordAttemptLatency, type AttemptResult } from './load/latency-feedback';
import { settleAiRequest } from '../ai-common/finish';
import { aiRuntime } from '../ai-common/runtime';
import { transportSettings } from '../ai-common/settings';
import { noteFallback } from '../prometheus/fallbacks';
import { pickInstance, setPicked } from './pick';
import {
  configState,
  instanceKey,
  requestState,
  type AiProxyMultiConfLike,
  type ConfigState,
} from './route-state';
import { shouldRetry } from './selection';

function answerFailure(failure: FailedAttempt, status = failure.status): Exit {
  return exit(
    status,
    failure.body,
    failure.contentType ? { 'content-type': failure.contentType } : {},
  );
}

function fallbackReason(failure: FailedAttempt): string {
  if (failure.transport) return `${failure.transport}_error`;
  return failure.status === 429
    ? 'http_429'
    : failure.status >= 500
      ? 'http_5xx'
      : `http_${failure.status}`;
}

function resultOf(outcome: AttemptOutcome, ctx: RequestContext): AttemptResult {
  if (outcome.kind === 'answered') {
    return { kind: 'answered', clientGone: ctx.response.clientGone };
  }
  if (outcome.kind === 'failed' && outcome.failure.transport === 'timeout') {
    return { kind: 'timeout', elapsedMs: outcome.failure.elapsedMs };
  }
  return { kind: 'other' };
}

/** One attempt, counted in flight to its instance from start to end (whatever the end). */
async function trackedAttempt(
  ctx: RequestContext,
  state: ConfigState,
  instance: AiInstanceConf,
  settings: AiTransportSettings,
  isFailure: (status: number) => boolean,
): Promise<AttemptOutcome> {
  const load = aiRuntime().instanceLoad;
  const loadKey = state.load.loadKey(instance.name);
  load.begin(loadKey);
  try {
    return await attemptInstance(
      ctx,
      instance,
      instanceKey(state, instance.name),
      settings,
      isFailure,
    );
  } finally {
    load.end(loadKey);
  }
}

function recordLatency(
  ctx: RequestContext,
  state: ConfigState,
  instance: AiInstanceConf,
  outcome: AttemptOutcome,
): void {
  if (!ctx.ai) return;
  const loadKey = state.load.loadKey(instance.name);
  const result = resultOf(outcome, ctx);
  recordAttemptLatency(
    workerLatencyTable(),
    loadKey,
    state.balancer.latencyDecayMs,
    ctx.ai,
    result,
  );
}

export async function beforeProxy(
  conf: AiProxyMultiConfLike,
  ctx: RequestContext,
): Promise<Exit | undefined> {
  const ai = ctx.ai;
  if (!ai?.instance) return undefined;
  const state = configState(conf);
  const request = requestState(ctx);
  const settings = transportSettings(conf);
  const { passive } = aiRuntime();
  const isFailure = (status: number) =>
    status === 429 || status >= 500 || state.policy.retryOnStatus(status);
  let instance = state.picker.get(ai.instance.name);
  for (;;) {
    if (!instance) return exit(503, 'all servers tried');
    const key = instanceKey(state, instance.name);
    const outcome = await trackedAttempt(ctx, state, instance, settings, isFailure);
    if (outcome.kind === 'exit') return shapeRefusal(ctx, outcome.exit);
    if (outcome.kind === 'answered') {
      passive.recordSuccess(key);
      const settling = settleAiRequest(ctx);
      if (settling) await settling;
      recordLatency(ctx, state, instance, outcome);
      ctx.response.end();
      return undefined;
    }
    const { failure } = outcome;
    recordLatency(ctx, state, instance, outcome);
    passive.recordFailure(key, {
      status: failure.transport ? undefined : failure.status,
      retryAfterMs: failure.retryAfterMs,
      kind: failure.transport,
    });
    if (state.picker.single) return answerFailure(failure);
    request.tried.add(instance.name);
    const retry = shouldRetry(state.policy, state.transportRetry, {
      status: failure.transport ? undefined : failure.status,
      elapsedMs: failure.elapsedMs,
      retriesDone: request.retries,
    });
    if (!retry) return answerFailure(failure);
    request.retries++;
    const next = await pickInstance(conf, ctx, state, request);
    if (!next) return answerFailure(failure, 502);
    ai.fallbackReason = fallbackReason(failure);
    const tried = ai.attempts?.at(-1);
    if (tried) tried.fallbackReason = ai.fallbackReason;
    ctx.vars.set('llm_fallback_reason', ai.fallbackReason);
    noteFallback(ctx, instance.name, next.name, ai.fallbackReason);
    setPicked(ctx, next);
    instance = next;
  }
}
