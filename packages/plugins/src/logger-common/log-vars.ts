/**
 * @module logger-common/log-vars
 * The variables a logger's `log_format` reads: the request's (`ctx.vars`), plus the nginx
 * variables that only exist once the response is done (`$status`, `$bytes_sent`,
 * `$request_time`, `$time_iso8601`, ...) and the AI variables with the initial values
 * APISIX declares for them (`$llm_prompt_tokens` is `'0'` on a request that never reached an
 * LLM, spec B.5).
 *
 * @example
 * const lookup = logVarLookup(ctx, performance.now(), Date.now());
 * lookup('status'); // 200
 */
import os from 'node:os';
import type { RequestContext, VarLookup } from '@tollgate/core';

/** APISIX's initial values of the AI variables (apisix/cli/ngx_tpl.lua). */
const AI_VAR_DEFAULTS: ReadonlyMap<string, string> = new Map([
  ['request_type', 'traditional_http'],
  ['request_llm_model', ''],
  ['llm_model', ''],
  ['llm_time_to_first_token', '0'],
  ['llm_prompt_tokens', '0'],
  ['llm_completion_tokens', '0'],
  ['llm_total_tokens', '0'],
  ['llm_stream', 'false'],
  ['llm_has_tool_calls', 'false'],
  ['llm_tool_count', '0'],
  ['llm_end_user_id', ''],
  ['llm_cache_read_input_tokens', '0'],
  ['llm_cache_creation_input_tokens', '0'],
  ['llm_reasoning_tokens', '0'],
  ['llm_content_risk_level', ''],
]);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

/** nginx's `$time_iso8601` in UTC: `2026-01-02T03:04:05+00:00`. */
export function timeIso8601(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19)}+00:00`;
}

/** nginx's `$time_local` in UTC: `02/Jan/2026:03:04:05 +0000`. */
export function timeLocal(epochMs: number): string {
  const d = new Date(epochMs);
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()] ?? ''}/${d.getUTCFullYear()}:${time} +0000`;
}

/** The status the client got: 499 when it left before any response was sent (as nginx logs). */
export function responseStatus(ctx: RequestContext): number {
  const response = ctx.response;
  return !response.headersSent && response.clientGone ? 499 : response.status;
}

/** The hostname, once (APISIX's `core.utils.gethostname`). */
export const HOSTNAME = os.hostname();

/**
 * A variable lookup for log entries of `ctx`, finished at `endedAt` (`performance.now()`) and
 * `now` (epoch ms). `requestBody` is the logged request body, when captured (`$request_body`).
 */
export function logVarLookup(
  ctx: RequestContext,
  endedAt: number,
  now: number,
  requestBody?: string,
): VarLookup {
  return (name: string): unknown => {
    const value = ctx.vars.get(name);
    if (value !== undefined) return value;
    switch (name) {
      case 'status':
        // A number, as APISIX's ctx.var gives it (file-logger.t compares it with 200).
        return responseStatus(ctx);
      case 'bytes_sent':
      case 'body_bytes_sent':
        return String(ctx.response.bytesSent);
      case 'request_time':
        return (Math.max(0, endedAt - ctx.startedAt) / 1000).toFixed(3);
      case 'msec':
        return (now / 1000).toFixed(3);
      case 'time_iso8601':
        return timeIso8601(now);
      case 'time_local':
        return timeLocal(now);
      case 'request':
        return `${ctx.req.method ?? ''} ${ctx.req.url ?? ''} HTTP/${ctx.req.httpVersion}`;
      case 'hostname':
        return HOSTNAME;
      case 'request_body':
        return requestBody;
      case 'apisix_upstream_response_time':
        return ctx.vars.get('upstream_response_time');
      case 'apisix_request_id':
        return ctx.requestId;
    }
    return AI_VAR_DEFAULTS.get(name);
  };
}
