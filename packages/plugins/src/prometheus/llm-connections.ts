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
import { requestIdentity, type RequestIdentity } from './labels';
import { seriesKeysOf } from './series-keys';

type ActiveLabels = LabelsOf<'llmActive'>;

interface CallSeries {
  key: string;
  labels: () => ActiveLabels;
}

interface CallState {
  /** The series the call was counted in, until it ends. */
  series: CallSeries | undefined;
}

const STATE = 'prometheus:llm-call';

/** The labels of an LLM call, from its request's identity (names, ids, whatever prefer_name says). */
function labelsOf(id: RequestIdentity): ActiveLabels {
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

/** The labels of an LLM call: route name and id, service name and id, whatever prefer_name says. */
export function activeConnectionLabels(ctx: RequestContext): ActiveLabels {
  return labelsOf(requestIdentity(ctx, false));
}

/** The series of `id` in `gauge`: an interned key, the labels built only for a new series. */
function seriesOfCall(gauge: object, id: RequestIdentity): CallSeries {
  const key = seriesKeysOf(gauge).keyOf([
    id.routeName,
    id.routeId,
    id.matchedUri,
    id.matchedHost,
    id.serviceName,
    id.serviceId,
    id.consumer,
    id.node,
    id.requestType,
    id.requestLlmModel,
    id.llmModel,
  ]);
  return { key, labels: () => labelsOf(id) };
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
  const state = ctx.pluginState<CallState>(STATE, () => ({ series: undefined }));
  if (state.series) return;
  const gauge = metrics.llmActiveConnections;
  const id = requestIdentity(ctx, false);
  const off = disabledLabels(ctx);
  let series: CallSeries;
  if (off?.has('llm_active_connections')) {
    const labels = withoutDisabled(off, 'llm_active_connections', labelsOf(id));
    series = { key: gauge.keyFor(labels), labels: () => labels };
  } else series = seriesOfCall(gauge, id);
  state.series = series;
  gauge.add(series.key, series.labels, 1);
}

/** The LLM call of `ctx` is over; a no-op when none was started. */
export function llmCallEnded(ctx: RequestContext, metrics = requestMetrics()): void {
  const state = ctx.pluginState<CallState>(STATE, () => ({ series: undefined }));
  const series = state.series;
  if (!series) return;
  metrics.llmActiveConnections.add(series.key, series.labels, -1);
  state.series = undefined;
}
