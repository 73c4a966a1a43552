/**
 * @module logger-common/log-entry
 * One log entry of a finished request, as APISIX's log-util builds it: a custom `log_format`
 * (the route's, else the plugin metadata's) with `$variables` resolved, or the default
 * `get_full_log` entry (request, response, server, upstream, route, consumer, latencies) plus
 * `log_format_extra`, the captured bodies, and the AI fields (`llm_summary`, `llm_request`,
 * `llm_response_text`) when ai-proxy's `logging` asks for them.
 *
 * @example
 * buildLogEntry({ log_format: { host: '$host', client_ip: '$remote_addr' } }, ctx, undefined);
 * // { host: 'example.com', client_ip: '127.0.0.1', route_id: '1' }
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  aiLoggingFields,
  isPlainObject,
  setOwn,
  varToText,
  type RequestContext,
  type VarLookup,
} from '@tollgate/core';
import { HOSTNAME, logVarLookup, responseStatus } from './log-vars';
import type { LogEntryConf } from './types';

type Entry = Record<string, unknown>;

/** The bodies captured for a request (already cut to the configured maximum). */
export interface CapturedBodies {
  request?: string;
  response?: string;
}

/** How deep `log_format` objects are resolved; deeper values are left out (APISIX: five). */
const MAX_FORMAT_DEPTH = 5;

function readVersion(): string {
  try {
    const file = path.join(__dirname, '..', '..', 'package.json');
    const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** The gateway version in `server.version`. */
const VERSION = readVersion();

/**
 * `format` resolved: a string starting with `$` is that variable's value (left out when
 * absent), an object is resolved in turn, anything else is kept as written. Objects nest at
 * most five levels below the entry; deeper ones are left out (the fifth level stays, empty).
 */
export function resolveLogFormat(format: Entry, lookup: VarLookup, depth = 0): Entry {
  const out: Entry = {};
  for (const [key, spec] of Object.entries(format)) {
    let value: unknown;
    if (typeof spec === 'string' && spec.startsWith('$')) {
      value = lookup(spec.slice(1));
    } else if (isPlainObject(spec)) {
      if (depth + 1 > MAX_FORMAT_DEPTH) continue;
      value = resolveLogFormat(spec, lookup, depth + 1);
    } else {
      value = spec;
    }
    if (value !== undefined) setOwn(out, key, value);
  }
  return out;
}

/** `?a=1&a=2&b` → `{a: ['1', '2'], b: true}`, as `ngx.req.get_uri_args`. */
function queryArgs(query: string): Entry {
  const out: Entry = {};
  if (query === '') return out;
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const decode = (s: string): string => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
      } catch {
        return s;
      }
    };
    const name = decode(eq === -1 ? part : part.slice(0, eq));
    const value: string | true = eq === -1 ? true : decode(part.slice(eq + 1));
    const prior = Object.hasOwn(out, name) ? out[name] : undefined;
    if (prior === undefined) setOwn(out, name, value);
    else if (Array.isArray(prior)) prior.push(value);
    else setOwn(out, name, [prior, value]);
  }
  return out;
}

function number(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : Number(value);
  return value === undefined || value === '' || !Number.isFinite(n) ? undefined : n;
}

function upstreamLatencyMs(ctx: RequestContext): number | undefined {
  const ai = ctx.ai;
  if (ai?.upstreamResponseTimeMs !== undefined) return ai.upstreamResponseTimeMs;
  const seconds = number(ctx.vars.get('upstream_response_time'));
  return seconds === undefined ? undefined : seconds * 1000;
}

/** APISIX's `get_full_log`: the default entry. */
function fullLog(ctx: RequestContext, endedAt: number, bodies: CapturedBodies): Entry {
  const vars = ctx.vars;
  const host = varToText(vars.get('host'));
  const latency = Math.max(0, endedAt - ctx.startedAt);
  const upstreamLatency = upstreamLatencyMs(ctx);
  const request: Entry = {
    url: `${varToText(vars.get('scheme'))}://${host}:${varToText(vars.get('server_port'))}${ctx.req.url ?? ''}`,
    uri: ctx.req.url ?? '',
    method: ctx.req.method ?? '',
    headers: { ...ctx.req.headers },
    querystring: queryArgs(vars.queryString),
    size: number(vars.get('request_length')) ?? 0,
  };
  if (bodies.request !== undefined) request.body = bodies.request;
  const response: Entry = {
    status: responseStatus(ctx),
    headers: { ...ctx.response.headers },
    size: ctx.response.bytesSent,
  };
  if (bodies.response !== undefined) response.body = bodies.response;
  const entry: Entry = {
    request,
    response,
    server: { hostname: HOSTNAME, version: VERSION },
    upstream: vars.get('upstream_addr'),
    service_id: ctx.route ? (ctx.route.serviceId ?? '') : host,
    route_id: ctx.route?.id,
    client_ip: vars.get('remote_addr'),
    start_time: ctx.startedAtEpochMs,
    latency,
    upstream_latency: upstreamLatency,
    apisix_latency:
      upstreamLatency === undefined ? latency : Math.max(0, latency - upstreamLatency),
  };
  if (ctx.consumer) entry.consumer = { username: ctx.consumer.username };
  return entry;
}

/**
 * The entry for `ctx` under `conf` and the plugin's `metadata` (validated, or undefined).
 * `bodies` are the request and response bodies captured for this logger, if any.
 */
export function buildLogEntry(
  conf: LogEntryConf,
  ctx: RequestContext,
  metadata: unknown,
  bodies: CapturedBodies = {},
  endedAt: number = performance.now(),
  now: number = Date.now(),
): Record<string, unknown> {
  const meta = isPlainObject(metadata) ? metadata : undefined;
  const metaFormat = isPlainObject(meta?.log_format) ? meta.log_format : undefined;
  const format =
    conf.log_format ?? (metaFormat && Object.keys(metaFormat).length > 0 ? metaFormat : undefined);
  const lookup = logVarLookup(ctx, endedAt, now, bodies.request);
  let entry: Entry;
  if (format) {
    entry = resolveLogFormat(format, lookup);
    if (ctx.route) {
      entry.service_id = ctx.route.serviceId;
      entry.route_id = ctx.route.id;
    }
  } else {
    entry = fullLog(ctx, endedAt, bodies);
    const metaExtra = isPlainObject(meta?.log_format_extra) ? meta.log_format_extra : undefined;
    const extra = conf.log_format_extra ?? metaExtra;
    if (extra) {
      for (const [key, value] of Object.entries(resolveLogFormat(extra, lookup))) {
        if (!Object.hasOwn(entry, key)) setOwn(entry, key, value);
      }
    }
  }
  if (ctx.ai) Object.assign(entry, aiLoggingFields(ctx, ctx.ai));
  return entry;
}
