/**
 * @module context/ai-log-fields
 * The AI part of a log entry (the access log's and the logger plugins') (spec §1.10): models, token counts, time to first token,
 * instances tried and served, fallback reason, quota decisions, and — when the route's AI plugin
 * asks for them with `logging.summaries` / `logging.payloads` — `llm_summary`, `llm_request` and
 * `llm_response_text`.
 */
import { isPlainObject as isObj, setOwn } from '../json';
import { redact } from '../logger';
import type { AiContext } from './ai-context';
import type { RequestContext } from './request-context';

/** The AI proxy plugins whose `logging` options shape the entry. */
const AI_PROXY_PLUGINS = new Set(['ai-proxy', 'ai-proxy-multi']);

/** `ai-proxy(-multi)`'s `logging` options (schemas/common/ai-logging.json). */
export interface AiLogging {
  summaries: boolean;
  payloads: boolean;
}

type Obj = Record<string, unknown>;

/** Milliseconds rounded to the microsecond. */
export const ms = (value: number): number => Math.round(value * 1000) / 1000;

/** The `logging` options of the route's AI proxy plugin (after consumer merge); off when absent. */
export function aiLogging(ctx: RequestContext): AiLogging {
  const instance = ctx.plugins.find((p) => AI_PROXY_PLUGINS.has(p.plugin.name));
  const logging = isObj(instance?.conf) ? instance.conf.logging : undefined;
  return {
    summaries: isObj(logging) && logging.summaries === true,
    payloads: isObj(logging) && logging.payloads === true,
  };
}

/** The quota plugins and the variable each publishes its decision as (`<name>_decision`). */
const QUOTA_DECISIONS = ['ai-rate-limiting', 'ai-consumer-rate-limiting'].map(
  (name) => [name, `${name}_decision`] as const,
);

/**
 * `{ "<plugin>": "allowed" | "rejected" | "degraded" }` for every quota plugin that decided
 * (the `<plugin>_decision` variables), undefined when none did.
 */
export function quotaDecisions(ctx: RequestContext): Record<string, string> | undefined {
  let decisions: Record<string, string> | undefined;
  for (const [name, variable] of QUOTA_DECISIONS) {
    const decision = ctx.vars.get(variable);
    if (typeof decision !== 'string') continue;
    decisions ??= {};
    setOwn(decisions, name, decision);
  }
  return decisions;
}

const endpointAddrs = new Map<string, string | undefined>();
const MAX_ENDPOINT_ADDRS = 1024;

/** `host:port` of an instance's `override.endpoint`; undefined without one (never its query). */
export function instanceAddr(conf: Obj | undefined): string | undefined {
  const override = isObj(conf?.override) ? conf.override : undefined;
  const endpoint = override?.endpoint;
  if (typeof endpoint !== 'string') return undefined;
  // Parsed once per endpoint string, not once per logged request.
  if (endpointAddrs.has(endpoint)) return endpointAddrs.get(endpoint);
  let addr: string | undefined;
  try {
    const url = new URL(endpoint);
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    addr = `${url.hostname}:${port}`;
  } catch {
    addr = undefined;
  }
  if (endpointAddrs.size >= MAX_ENDPOINT_ADDRS) endpointAddrs.clear();
  endpointAddrs.set(endpoint, addr);
  return addr;
}

/** The instance whose answer the client got: the last one tried, if it answered at all. */
export function servedInstance(ai: AiContext): string | undefined {
  return ai.upstreamStatus === undefined ? undefined : ai.instance?.name;
}

/** APISIX's `llm_summary` (spec §1.10). */
function summary(ctx: RequestContext, ai: AiContext): Obj {
  const usage = ai.usage;
  const risk = ctx.vars.get('llm_content_risk_level');
  return {
    request_model: ai.requestModel ?? '',
    model: ai.model ?? ai.requestModel ?? '',
    duration: ai.ttftMs === undefined ? 0 : ms(ai.ttftMs),
    prompt_tokens: usage?.prompt_tokens ?? 0,
    completion_tokens: usage?.completion_tokens ?? 0,
    total_tokens: usage?.total_tokens ?? 0,
    upstream_response_time:
      ai.upstreamResponseTimeMs === undefined ? 0 : ms(ai.upstreamResponseTimeMs),
    stream: ai.requestType === 'ai_stream',
    tool_count: ai.toolCount,
    has_tool_calls: ai.hasToolCalls,
    end_user_id: ai.endUserId ?? '',
    cache_read_input_tokens: usage?.cache_read_input_tokens ?? 0,
    cache_creation_input_tokens: usage?.cache_creation_input_tokens ?? 0,
    reasoning_tokens: usage?.reasoning_tokens ?? 0,
    content_risk_level: typeof risk === 'string' ? risk : '',
  };
}

/**
 * APISIX's `llm_request` (`{messages, stream}`): only the conversation, never headers or other
 * body fields. Clients of the Responses API send `input` rather than `messages`. The messages
 * go through the log redaction (secret-looking keys in structured content lose their values).
 */
function llmRequest(ai: AiContext): Obj {
  const body = ai.body ?? {};
  return {
    messages: redact(body.messages ?? body.input ?? []),
    stream: body.stream === true,
  };
}

/**
 * Adds the AI fields of an entry to `entry` (in place: the access log builds one object per
 * request, not two merged); `ai` is the request's AI slot.
 */
export function addAiFields(entry: Obj, ctx: RequestContext, ai: AiContext): void {
  const usage = ai.usage;
  entry.request_llm_model = ai.requestModel ?? '';
  entry.llm_model = ai.model ?? ai.requestModel ?? '';
  entry.llm_prompt_tokens = usage?.prompt_tokens ?? 0;
  entry.llm_completion_tokens = usage?.completion_tokens ?? 0;
  entry.llm_total_tokens = usage?.total_tokens ?? 0;
  entry.llm_time_to_first_token = ai.ttftMs === undefined ? 0 : ms(ai.ttftMs);
  entry.llm_stream = ai.requestType === 'ai_stream';
  entry.instances_tried = ai.tried.slice();
  entry.instance = servedInstance(ai);
  entry.fallback_reason = ai.fallbackReason;
  entry.balancer = ai.balancer;
  entry.usage_estimated = ai.usageEstimated;
  entry.stream_cut = ai.streamCut;
  // The content plugins' verdicts (issue 13); absent for requests none of them saw.
  entry.llm_content_risk_level = ai.contentRiskLevel;
  entry.ai_cache_status = ai.cacheStatus;
  entry.content_denied = ai.denied;
  entry.content_checks = ai.contentChecks.length > 0 ? ai.contentChecks : undefined;
  addAiLoggingFields(entry, ctx, ai);
}

/**
 * Adds `llm_summary` (with `logging.summaries`) and `llm_request` / `llm_response_text` (with
 * `logging.payloads`) of the route's AI proxy plugin to `entry`; nothing when neither is on.
 */
function addAiLoggingFields(entry: Obj, ctx: RequestContext, ai: AiContext): void {
  const logging = aiLogging(ctx);
  if (logging.summaries) entry.llm_summary = summary(ctx, ai);
  if (logging.payloads) {
    entry.llm_request = llmRequest(ai);
    entry.llm_response_text = { content: ai.responseText ?? '' };
  }
}

/**
 * The logging fields of {@link addAiLoggingFields} as a new object; empty when neither option
 * is on. The logger plugins add these to their entries.
 */
export function aiLoggingFields(ctx: RequestContext, ai: AiContext): Obj {
  const fields: Obj = {};
  addAiLoggingFields(fields, ctx, ai);
  return fields;
}
