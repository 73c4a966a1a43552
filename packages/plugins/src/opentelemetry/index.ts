/**
 * @module opentelemetry
 * APISIX's opentelemetry (priority 12009; rewrite and log): one SERVER span per request, sampled
 * by the route's `sampler`, continuing an incoming W3C `traceparent` and passing its own on to
 * the upstream (the plain proxy and the LLM calls alike), exported over OTLP/HTTP protobuf to
 * the collector of `plugin_metadata/opentelemetry` (else config.yaml `plugin_attr.opentelemetry`).
 * On AI routes the request span gets one CLIENT child per LLM call, failed tries included.
 *
 * @example
 * // plugin_metadata/opentelemetry: { "collector": { "address": "127.0.0.1:4318" } }
 * // route: { "plugins": { "opentelemetry": { "sampler": { "name": "always_on" } } } }
 * // GET /anything → span "GET /anything" {http.method: GET, http.status_code: 200, ...}
 */
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { definePlugin, type RequestContext } from '@tollgate/core';
import type { OpentelemetryConf } from '@tollgate/schema';
import { recordAttempts } from './attempts';
import { requestAttributes, spanName, varText } from './attributes';
import { pipelineFor, shutdownPipelines, type Pipeline } from './pipeline';
import { samplerFor } from './sampler';
import { isSettingsError, parseSettings, type OtelSettings } from './settings';

const NAME = 'opentelemetry';

/** Settings from config.yaml `plugin_attr.opentelemetry`, checked at init. */
let attrSettings: OtelSettings | undefined;
/**
 * Settings of each plugin metadata object (validated by its schema; parsed once). `null` marks
 * metadata the pipeline cannot use (a zero timeout or queue size, which the schema allows):
 * nothing is traced, as APISIX does when it cannot build its tracer.
 */
const metadataSettings = new WeakMap<object, OtelSettings | null>();

function settingsOf(ctx: RequestContext): OtelSettings | undefined {
  const metadata = ctx.pluginMetadata.get(NAME);
  if (metadata === undefined || metadata === null || typeof metadata !== 'object')
    return attrSettings;
  let settings = metadataSettings.get(metadata);
  if (settings === undefined) {
    try {
      settings = parseSettings(metadata, 'plugin_metadata/opentelemetry');
    } catch (err) {
      if (!isSettingsError(err)) throw err;
      settings = null;
    }
    metadataSettings.set(metadata, settings);
  }
  return settings ?? undefined;
}

interface RequestSpan {
  span: Span;
  pipeline: Pipeline;
}

const propagator = new W3CTraceContextPropagator();
const headerGetter = {
  keys: (carrier: RequestContext['req']['headers']) => Object.keys(carrier),
  get: (carrier: RequestContext['req']['headers'], key: string) =>
    Object.hasOwn(carrier, key) ? carrier[key] : undefined,
};

/** The incoming trace context, when the client sent a `traceparent`. */
function incoming(ctx: RequestContext): Context {
  if (ctx.req.headers.traceparent === undefined) return ROOT_CONTEXT;
  return propagator.extract(ROOT_CONTEXT, ctx.req.headers, headerGetter);
}

const HEX32 = /^[0-9a-f]{32}$/;

/** `trace_id_source: x-request-id`: the request's ID as a trace ID, when it can be one. */
export function requestTraceId(ctx: RequestContext): string | undefined {
  const header = ctx.req.headers['x-request-id'];
  const raw = (typeof header === 'string' ? header : (varText(ctx.vars.get('request_id')) ?? ''))
    .slice(0, 64)
    .toLowerCase();
  const hex = raw.length === 36 ? raw.replace(/-/g, '') : raw;
  return HEX32.test(hex) && !/^0+$/.test(hex) ? hex : undefined;
}

function rewrite(conf: OpentelemetryConf, ctx: RequestContext): void {
  const settings = settingsOf(ctx);
  // APISIX 3.18 without plugin metadata: nothing is traced (it logs a warning).
  if (!settings) return;
  // Once per request, even when a global rule and the route both enable it.
  if (ctx.pluginState<RequestSpan | undefined>(NAME, () => undefined)) return;
  const pipeline = pipelineFor(settings);
  const span = pipeline.startSpan(
    spanName(ctx),
    { kind: SpanKind.SERVER },
    incoming(ctx),
    samplerFor(conf),
    settings.traceIdSource === 'x-request-id' ? requestTraceId(ctx) : undefined,
  );
  // The samplers do not read attributes: a span that is not sampled never computes them.
  if (span.isRecording()) span.setAttributes(requestAttributes(conf, ctx));
  const state: RequestSpan = { span, pipeline };
  ctx.pluginState(NAME, () => state);
  const sc = span.spanContext();
  const traceparent = `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & TraceFlags.SAMPLED) === 0 ? '00' : '01'}`;
  ctx.upstreamHeaders.set('traceparent', traceparent);
  const tracestate = sc.traceState?.serialize();
  if (tracestate) ctx.upstreamHeaders.set('tracestate', tracestate);
  if (settings.setNgxVar) {
    ctx.vars.set('opentelemetry_context_traceparent', traceparent);
    ctx.vars.set('opentelemetry_trace_id', sc.traceId);
    ctx.vars.set('opentelemetry_span_id', sc.spanId);
  }
}

/** The upstream's status: the LLM's (last call) on AI routes, else `$upstream_status`. */
function upstreamStatus(ctx: RequestContext): number | undefined {
  const ai = ctx.ai?.upstreamStatus;
  if (ai !== undefined) return ai;
  const text = varText(ctx.vars.get('upstream_status')) ?? '';
  const status = Number(text.slice(-3));
  return text !== '' && Number.isInteger(status) && status > 0 ? status : undefined;
}

function log(_conf: OpentelemetryConf, ctx: RequestContext): void {
  const state = ctx.pluginState<RequestSpan | undefined>(NAME, () => undefined);
  if (!state) return;
  const { span, pipeline } = state;
  if (!span.isRecording()) return;
  const status = upstreamStatus(ctx);
  if (status !== undefined && status >= 500)
    span.setStatus({ code: SpanStatusCode.ERROR, message: `upstream response status: ${status}` });
  recordAttempts(ctx, pipeline, span);
  if (status !== undefined) {
    span.setAttribute('http.status_code', status);
    span.setAttribute('http.response.status_code', status);
  }
  span.end();
}

/** The opentelemetry plugin definition. */
export const opentelemetry = definePlugin<OpentelemetryConf>({
  name: NAME,
  version: '0.1',
  priority: 12009,
  init(env) {
    const block = env.pluginAttr?.(NAME);
    attrSettings =
      block === undefined ? undefined : parseSettings(block, 'plugin_attr.opentelemetry');
  },
  destroy: () => shutdownPipelines(),
  rewrite,
  log,
});
