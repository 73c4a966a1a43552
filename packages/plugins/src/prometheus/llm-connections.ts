/**
 * @module prometheus/llm-connections
 * `apisix_llm_active_connections`: the LLM calls in flight, incremented when an attempt's request
 * goes out and decremented when it is over (answered, failed, or the client left), as APISIX's
 * ai-proxy does around its LLM call. The labels are taken when the call starts and the same ones
 * are decremented, so the gauge always returns to 0.
 */
import type { RequestContext } from '@tollgate/core';
import { requestMetrics, type LabelsOf } from './definitions';
import { disabledLabels, withoutDisabled } from './disabled-labels';
import { requestIdentity } from './labels';

type ActiveLabels = LabelsOf<'llmActive'>;

interface CallState {
  labels: ActiveLabels | undefined;
}

const STATE = 'prometheus:llm-call';

/** The labels of an LLM call: route name and id, service name and id, whatever prefer_name says. */
export function activeConnectionLabels(ctx: RequestContext): ActiveLabels {
  const id = requestIdentity(ctx, false);
  return {
    route: id.routeName,
    route_id: id.routeId,
    matched_uri: id.matchedUri,
    matched_host: id.matchedHost,
    service: id.serviceName,
    service_id: id.serviceId,
    consumer: id.consumer,
    node: id.node,
    request_type: id.requestType,
    request_llm_model: id.requestLlmModel,
    llm_model: id.llmModel,
  };
}

/**
 * An LLM call of `ctx` starts (after the instance is picked and the upstream model is known).
 * A second start without an end is ignored.
 *
 * @example
 * llmCallStarted(ctx);
 * try { await send(); } finally { llmCallEnded(ctx); }
 */
export function llmCallStarted(ctx: RequestContext, metrics = requestMetrics()): void {
  const state = ctx.pluginState<CallState>(STATE, () => ({ labels: undefined }));
  if (state.labels) return;
  state.labels = withoutDisabled(
    disabledLabels(ctx),
    'llm_active_connections',
    activeConnectionLabels(ctx),
  );
  metrics.llmActiveConnections.inc(state.labels);
}

/** The LLM call of `ctx` is over; a no-op when none was started. */
export function llmCallEnded(ctx: RequestContext, metrics = requestMetrics()): void {
  const state = ctx.pluginState<CallState>(STATE, () => ({ labels: undefined }));
  if (!state.labels) return;
  metrics.llmActiveConnections.dec(state.labels);
  state.labels = undefined;
}
