/**
 * @module access-log/entry
 * One access-log entry from a finished request: who asked what (method, host, uri, redacted
 * query, a few allow-listed headers), what matched (route, service, consumer), what was answered
 * (status, bytes), how long it took (total, upstream, gateway) and, for AI requests, core's
 * `addAiFields`. Field names follow APISIX's variables and http-logger where one exists.
 */
import {
  addAiFields,
  instanceAddr,
  isPlainObject as isObj,
  ms,
  quotaDecisions,
  type RequestContext,
} from '@tollgate/core';
import { redactQueryString, redactUrl } from './redact';

/** The fields of an entry; absent values are left out of the line. See docs/access-log.md. */
export interface AccessLogEntry {
  /** When the response finished (ISO 8601). */
  ts: string;
  /** When the request arrived (epoch ms), as http-logger's `start_time`. */
  start_time: number;
  request_id: string;
  client_ip: string;
  method: string;
  host: string;
  /** Path without the query string. */
  uri: string;
  /** The query string, values of credential-like arguments replaced by `[REDACTED]`. */
  query?: string;
  user_agent?: string;
  content_type?: string;
  referer?: string;
  route_id?: string;
  route_name?: string;
  service_id?: string;
  consumer?: string;
  /** Status sent; 499 when the client left before any response was sent (as nginx logs it). */
  status: number;
  /** Response body bytes sent (nginx `$body_bytes_sent`). */
  bytes_sent: number;
  /** Request line, headers and body, in bytes (the body as declared or as read). */
  request_length: number;
  latency_ms: number;
  upstream_addr?: string;
  upstream_status?: number;
  upstream_latency_ms?: number;
  apisix_latency_ms: number;
  /** `traditional_http`, `ai_chat` or `ai_stream` (APISIX's `$request_type`). */
  request_type: string;
  [ai: string]: unknown;
}

/** Argument names that carry a credential on this route: key-auth's `query`, hidden arguments. */
function secretArgs(ctx: RequestContext): Set<string> {
  const names = new Set(ctx.removedQueryArgs);
  for (const { plugin, conf } of ctx.plugins) {
    if (plugin.name === 'key-auth' && isObj(conf) && typeof conf.query === 'string') {
      names.add(conf.query);
    }
  }
  return names;
}

/** nginx's `$request_length`: request line, headers and body. */
function requestLength(ctx: RequestContext): number {
  const req = ctx.req;
  let length = (req.method ?? '').length + (req.url ?? '').length + 12; // ` `, ` HTTP/x.y\r\n`
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    length += (raw[i] ?? '').length + (raw[i + 1] ?? '').length + 4; // `: ` and `\r\n`
  }
  length += 2;
  const declared = Number(req.headers['content-length']);
  const body = ctx.ai?.rawBody?.length ?? (Number.isFinite(declared) ? declared : 0);
  return length + body;
}

function status(ctx: RequestContext): number {
  const response = ctx.response;
  return !response.headersSent && response.clientGone ? 499 : response.status;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;

/** Upstream address, status and latency: the plain proxy's variables, else the LLM call's. */
function upstream(ctx: RequestContext): { addr?: string; status?: number; latency?: number } {
  const ai = ctx.ai;
  if (ai && ai.upstreamStatus !== undefined) {
    return {
      addr: instanceAddr(ai.instance?.conf),
      status: ai.upstreamStatus,
      latency: ai.upstreamResponseTimeMs,
    };
  }
  const seconds = Number(ctx.vars.get('upstream_response_time'));
  const upstreamStatus = Number(ctx.vars.get('upstream_status'));
  return {
    addr: str(ctx.vars.get('upstream_addr')),
    status: Number.isFinite(upstreamStatus) && upstreamStatus > 0 ? upstreamStatus : undefined,
    latency:
      ctx.vars.get('upstream_response_time') === undefined || !Number.isFinite(seconds)
        ? undefined
        : seconds * 1000,
  };
}

let isoSecond = Number.NaN;
/** `YYYY-MM-DDTHH:MM:SS.` of `isoSecond`. */
let isoPrefix = '';

/**
 * `new Date(now).toISOString()` for epoch milliseconds `now`: the date and time of day are
 * formatted once per second, the milliseconds appended (toISOString costs about a microsecond).
 */
export function isoTime(now: number): string {
  const whole = Math.floor(now);
  const second = Math.floor(whole / 1000);
  if (second !== isoSecond || !Number.isFinite(second)) {
    const text = new Date(whole).toISOString();
    // Years beyond 9999 (or before 0) are written with a sign and six digits: not cached.
    if (text.length !== 24) return text;
    isoSecond = second;
    isoPrefix = text.slice(0, 20);
  }
  const millis = whole - second * 1000;
  return `${isoPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

/**
 * The entry of a finished request. `endedAt` is the monotonic time the response finished
 * (`performance.now()`), `now` the wall clock then.
 */
export function accessLogEntry(
  ctx: RequestContext,
  endedAt: number = performance.now(),
  now: number = Date.now(),
): AccessLogEntry {
  const vars = ctx.vars;
  const latency = Math.max(0, endedAt - ctx.startedAt);
  const up = upstream(ctx);
  const query = vars.queryString;
  const entry: AccessLogEntry = {
    ts: isoTime(now),
    start_time: ctx.startedAtEpochMs,
    request_id: ctx.requestId,
    client_ip: str(vars.get('remote_addr')) ?? '',
    method: ctx.req.method ?? '',
    host: str(vars.get('host')) ?? '',
    uri: vars.uri,
    query: query === '' ? undefined : redactQueryString(query, secretArgs(ctx)),
    user_agent: headerValue(ctx.req.headers['user-agent']),
    content_type: headerValue(ctx.req.headers['content-type']),
    referer: redactUrl(headerValue(ctx.req.headers.referer)),
    route_id: ctx.route?.id,
    route_name: ctx.route?.name,
    service_id: ctx.route?.serviceId,
    consumer: ctx.consumer?.username,
    status: status(ctx),
    bytes_sent: ctx.response.bytesSent,
    request_length: requestLength(ctx),
    latency_ms: ms(latency),
    upstream_addr: up.addr,
    upstream_status: up.status,
    upstream_latency_ms: up.latency === undefined ? undefined : ms(up.latency),
    apisix_latency_ms: ms(up.latency === undefined ? latency : Math.max(0, latency - up.latency)),
    request_type: ctx.ai?.requestType ?? str(vars.get('request_type')) ?? 'traditional_http',
  };
  if (ctx.ai) addAiFields(entry, ctx, ctx.ai);
  const quota = quotaDecisions(ctx);
  if (quota) entry.quota = quota;
  return entry;
}
