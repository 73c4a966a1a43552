/**
 * @module logger-common/body-capture
 * The request and response bodies a logger puts in its entries (`include_req_body`,
 * `include_resp_body` and their `_expr` conditions, cut to `max_req_body_bytes` /
 * `max_resp_body_bytes`), captured per logger per request.
 */
import { compileExpr, type ExprMatcher, type RequestContext } from '@tollgate/core';
import { logVarLookup } from './log-vars';
import type { CapturedBodies } from './log-entry';
import type { LogBodyConf } from './types';

/**
 * The largest request body read for logging. A body declared larger is not read (nor logged),
 * so the proxy still streams it.
 */
export const MAX_LOGGED_REQUEST_READ = 64 * 1024 * 1024;

interface Capture {
  request?: string;
  /** Response chunks kept so far, their size, and whether the response is captured at all. */
  chunks: Buffer[];
  size: number;
  response?: boolean;
}

const compiled = new WeakMap<object, ExprMatcher>();

/** `rules` compiled once per configuration array. */
function matcher(rules: unknown[][]): ExprMatcher {
  let m = compiled.get(rules);
  if (!m) {
    m = compileExpr(rules);
    compiled.set(rules, m);
  }
  return m;
}

/** Whether `rules` (absent: always) match `ctx` now. */
function conditionHolds(
  rules: unknown[][] | undefined,
  ctx: RequestContext,
  body?: string,
): boolean {
  if (!rules) return true;
  return matcher(rules)(logVarLookup(ctx, performance.now(), Date.now(), body));
}

/** Per-request capture state of logger `plugin`. */
function state(plugin: string, ctx: RequestContext): Capture {
  return ctx.pluginState(`${plugin}:body`, (): Capture => ({ chunks: [], size: 0 }));
}

/** Access phase: read the request body when `include_req_body` is on (it is logged later). */
export async function captureRequestBody(
  plugin: string,
  conf: LogBodyConf,
  ctx: RequestContext,
): Promise<void> {
  if (!conf.include_req_body) return;
  const declared = Number(ctx.req.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_LOGGED_REQUEST_READ) return;
  if (
    !ctx.bodyRead &&
    !Number.isFinite(declared) &&
    ctx.req.headers['transfer-encoding'] === undefined
  ) {
    return;
  }
  try {
    const body = await ctx.readBody(MAX_LOGGED_REQUEST_READ);
    state(plugin, ctx).request = body.subarray(0, conf.max_req_body_bytes).toString('utf8');
  } catch {
    // Too large to log; whoever reads it next gets the same answer under its own limit.
  }
}

/** Body filter: keep the response body's first `max_resp_body_bytes` when it is to be logged. */
export function captureResponseChunk(
  plugin: string,
  conf: LogBodyConf,
  ctx: RequestContext,
  chunk: Buffer,
): Buffer {
  if (!conf.include_resp_body) return chunk;
  const s = state(plugin, ctx);
  s.response ??= conditionHolds(conf.include_resp_body_expr, ctx);
  if (!s.response || s.size >= conf.max_resp_body_bytes) return chunk;
  const part = chunk.subarray(0, conf.max_resp_body_bytes - s.size);
  s.chunks.push(Buffer.from(part));
  s.size += part.length;
  return chunk;
}

/** Log phase: the bodies to put in this logger's entry. */
export function capturedBodies(
  plugin: string,
  conf: LogBodyConf,
  ctx: RequestContext,
): CapturedBodies {
  if (!conf.include_req_body && !conf.include_resp_body) return {};
  const s = state(plugin, ctx);
  const out: CapturedBodies = {};
  if (
    conf.include_req_body &&
    s.request !== undefined &&
    conditionHolds(conf.include_req_body_expr, ctx, s.request)
  ) {
    out.request = s.request;
  }
  if (s.response) out.response = Buffer.concat(s.chunks, s.size).toString('utf8');
  return out;
}
