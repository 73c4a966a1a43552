/**
 * @module prometheus/labels
 * Label values of one request, filled as APISIX's exporter fills them (observability spec §B.2):
 * route and service by id, or by name with `prefer_name`; `""` when no route matched; `node` is
 * the balancer's pick (the instance name on AI routes); model names cut to 128 bytes. Pure: reads
 * the request context, records nothing.
 */
import type { ServerResponse, IncomingMessage } from 'node:http';
import type { RequestContext } from '@tollgate/core';

/** APISIX caps model-name labels at 128 bytes (a cardinality guard). */
export const MODEL_LABEL_MAX_BYTES = 128;

/** A variable as label text: scalars as text, anything else `""`. */
export function textLabel(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

/**
 * A model name as a label: at most 128 bytes of UTF-8 (cut on a character boundary, so the
 * label stays valid UTF-8), `<non-scalar>` for objects, `""` when absent.
 *
 * @example
 * modelLabel('a'.repeat(200)).length; // 128
 */
export function modelLabel(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object' || typeof value === 'function') return '<non-scalar>';
  const text = textLabel(value);
  // Every UTF-16 unit is at most 3 UTF-8 bytes: short strings need no measuring.
  if (text.length * 3 <= MODEL_LABEL_MAX_BYTES) return text;
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= MODEL_LABEL_MAX_BYTES) return text;
  let end = MODEL_LABEL_MAX_BYTES;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

/** Who and what a request was, as every metric family labels it. */
export interface RequestIdentity {
  /** `route` of http_* / bandwidth and `route_id` of llm_*: the id, or the name with prefer_name. */
  route: string;
  /** `service` of http_* / bandwidth and `service_id` of llm_*: the id, or the name. */
  service: string;
  /** The route id and name whatever prefer_name says (llm_active_connections). */
  routeId: string;
  routeName: string;
  serviceId: string;
  serviceName: string;
  matchedUri: string;
  matchedHost: string;
  consumer: string;
  /** `balancer_ip`: the upstream node, or the LLM instance name on AI routes. */
  node: string;
  /** `traditional_http`, `ai_chat` or `ai_stream`. */
  requestType: string;
  requestLlmModel: string;
  llmModel: string;
}

/**
 * The identity labels of `ctx`. AI fields come from `ctx.ai` (its variables may not be
 * published yet when a global rule logs first).
 */
export function requestIdentity(ctx: RequestContext, preferName: boolean): RequestIdentity {
  const route = ctx.route;
  const vars = ctx.vars;
  const routeId = route?.id ?? '';
  const routeName = route?.name ?? '';
  const serviceId = route?.serviceId ?? '';
  // The data plane publishes the service name as `service_name` (APISIX's variable); without
  // it, a name lookup falls back to the id, as APISIX does for a service it cannot fetch.
  const serviceName = serviceId === '' ? '' : textLabel(vars.get('service_name'));
  const ai = ctx.ai;
  return {
    route: preferName && routeName !== '' ? routeName : routeId,
    service: preferName && serviceName !== '' ? serviceName : serviceId,
    routeId,
    routeName,
    serviceId,
    serviceName,
    matchedUri: route?.matchedUri ?? '',
    matchedHost: route?.matchedHost ?? '',
    consumer: ctx.consumer?.username ?? '',
    node: textLabel(vars.get('balancer_ip')),
    // Only the AI proxy plugins set the AI variables, and they create `ctx.ai` when they do.
    requestType: ai ? ai.requestType : 'traditional_http',
    requestLlmModel: ai ? modelLabel(ai.requestModel) : '',
    llmModel: ai ? modelLabel(ai.model ?? ai.requestModel) : '',
  };
}

/** True for requests the AI proxy served (`ai_chat`, `ai_stream`). */
export function isAiRequest(identity: RequestIdentity): boolean {
  return identity.requestType === 'ai_chat' || identity.requestType === 'ai_stream';
}

/** The status on the wire; 499 (nginx's "client closed request") when no head was sent. */
export function statusCode(res: ServerResponse): number {
  return res.headersSent ? res.statusCode : 499;
}

/**
 * Who produced the response (APISIX `core.response.get_response_source`): `upstream` when an
 * upstream's (or LLM's) answer was relayed, `nginx` when the proxy tried an upstream but got no
 * response head (connect error, timeout: the gateway's own 502/504 page), else `apisix`.
 */
export function responseSource(ctx: RequestContext, code: number): 'apisix' | 'nginx' | 'upstream' {
  const ai = ctx.ai;
  if (ai)
    return ai.upstreamStatus !== undefined && ai.upstreamStatus === code ? 'upstream' : 'apisix';
  const vars = ctx.vars;
  if (vars.get('upstream_header_time') !== undefined) return 'upstream';
  if (vars.get('upstream_addr') !== undefined) return 'nginx';
  return 'apisix';
}

/**
 * `$request_length`: request line, header block and body. Header names and values are counted
 * as node:http decoded them (latin1: one character per byte); the body as its Content-Length.
 */
export function requestLength(req: IncomingMessage): number {
  // "<METHOD> <url> HTTP/x.y\r\n" + headers + "\r\n"
  let bytes = (req.method?.length ?? 0) + (req.url?.length ?? 0) + 14;
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    bytes += (raw[i]?.length ?? 0) + (raw[i + 1]?.length ?? 0) + 4;
  }
  const body = Number(req.headers['content-length']);
  return bytes + (Number.isFinite(body) && body > 0 ? body : 0);
}

/** `$bytes_sent`: the response head as written plus the body bytes sent. */
export function bytesSent(ctx: RequestContext): number {
  // node:http keeps the serialised head in `_header` once it is written.
  const head = (ctx.response.res as unknown as { _header?: unknown })._header;
  return (typeof head === 'string' ? head.length : 0) + ctx.response.bytesSent;
}

/** Request, upstream and gateway latency in milliseconds (APISIX `latency_details_in_ms`). */
export interface Latencies {
  request: number;
  /** Undefined when no upstream was called. */
  upstream?: number;
  /** Request minus upstream, floored at 0. */
  apisix: number;
}

/**
 * Latencies of `ctx` at `now` (a `performance.now()` reading). The upstream part is the plain
 * proxy's `upstream_response_time` (seconds), or on AI routes the last LLM call
 * (`ctx.ai.upstreamResponseTimeMs`), so `apisix` is the time the gateway itself added.
 */
export function latencies(ctx: RequestContext, now: number): Latencies {
  const request = Math.max(0, now - ctx.startedAt);
  let upstream: number | undefined;
  if (ctx.ai) {
    upstream = ctx.ai.upstreamResponseTimeMs;
  } else {
    const seconds = ctx.vars.get('upstream_response_time');
    const value = typeof seconds === 'number' ? seconds : Number(seconds);
    if (seconds !== undefined && seconds !== '' && Number.isFinite(value)) upstream = value * 1000;
  }
  if (upstream === undefined) return { request, apisix: request };
  return { request, upstream, apisix: Math.max(0, request - upstream) };
}
