/**
 * @module ai-common/finish
 * After the response: settle token usage (estimated when it is missing, decision D5) and publish
 * the AI variables of spec §1.10 for logging.
 */
import { estimateUsage, usageVars, type UsageVars } from '@tollgate/ai';
import {
  createLogger,
  eachInOrder,
  type AiContext,
  type RequestContext,
  type TokenUsage,
} from '@tollgate/core';

const log = createLogger('ai-proxy');

/** The names of the usage variables (`llm_prompt_tokens`, ...), listed once. */
const USAGE_VARS = Object.keys(usageVars(undefined)) as (keyof UsageVars)[];

/**
 * A cut stream's usage is partial (Anthropic's `message_start` reports 1 output token before the
 * text comes, its real count arrives in `message_delta`): charge at least the text relayed, so a
 * client that aborts its streams cannot escape its quota (D5).
 */
function chargeRelayedText(ai: AiContext, usage: TokenUsage): void {
  const floor = estimateUsage(0, ai.completionChars).completion_tokens;
  if (usage.completion_tokens >= floor) return;
  ai.usage = { ...usage, completion_tokens: floor, total_tokens: usage.prompt_tokens + floor };
  ai.usageEstimated = true;
}

/**
 * Fill in usage and variables. Usage is estimated (about 4 characters a token) when an answer
 * was relayed without usage: the client left, the stream was cut, or the LLM omitted it; a cut
 * stream's partial usage is raised to the text relayed. Failed requests that reached nobody
 * (upstream errors) are not estimated.
 */
export function finishAiRequest(ctx: RequestContext): void {
  const ai = ctx.ai;
  if (!ai) return;
  const answered = ai.upstreamStatus !== undefined && ai.upstreamStatus < 300;
  if (!ai.usage && answered) {
    ai.usage = estimateUsage(ai.promptChars, ai.completionChars);
    ai.usageEstimated = true;
  } else if (ai.usage && ai.streamCut) chargeRelayedText(ai, ai.usage);
  const vars = ctx.vars;
  vars.set('request_type', ai.requestType);
  vars.set('request_llm_model', ai.requestModel);
  vars.set('llm_model', ai.model ?? ai.requestModel);
  vars.set('llm_stream', ai.requestType === 'ai_stream' ? 'true' : 'false');
  vars.set('llm_time_to_first_token', ai.ttftMs === undefined ? 0 : Math.round(ai.ttftMs));
  vars.set(
    'apisix_upstream_response_time',
    ai.upstreamResponseTimeMs === undefined ? undefined : Math.round(ai.upstreamResponseTimeMs),
  );
  vars.set('llm_tool_count', ai.toolCount);
  vars.set('llm_has_tool_calls', ai.hasToolCalls ? 'true' : 'false');
  vars.set('llm_end_user_id', ai.endUserId);
  vars.set('llm_usage_estimated', ai.usageEstimated ? 'true' : 'false');
  if (ai.instance) vars.set('picked_ai_instance_name', ai.instance.name);
  const usage = usageVars(ai.usage);
  for (const name of USAGE_VARS) vars.set(name, usage[name]);
}

/**
 * Settle an AI request once: usage and variables (`finishAiRequest`), then the registered
 * settlers (quota charges). Called before the response ends, and again (a no-op) in the log phase.
 * A promise only while a settler is asynchronous: the no-op call, and a request without
 * settlers, cost no promise (issue 14).
 */
export function settleAiRequest(ctx: RequestContext): Promise<void> | undefined {
  const ai = ctx.ai;
  if (!ai || ai.settled) return undefined;
  ai.settled = true;
  finishAiRequest(ctx);
  return eachInOrder(
    ai.settlers,
    (settle) => settle(),
    (_settle, err) =>
      log.error('settling the AI request failed', { err, request_id: ctx.requestId }),
  );
}
