/**
 * @module ai-content-common/deny
 * Refusals of the content plugins, shaped as a completion of the client's protocol (spec A.0):
 * on the request (before the LLM is called: zero usage) or on the answer (the LLM's real usage
 * kept). Both record the refusal for the access log and metrics.
 */
import { buildDenyResponse } from '@tollgate/ai';
import { exit, type AiDeny, type Exit, type RequestContext } from '@tollgate/core';
import { aiSlot, noteDenial } from './notes';

export interface DenyRequest {
  plugin: string;
  /** Short machine reason for metrics (`toxicity`, `flagged`, ...). */
  reason: string;
  /** The refusal text the client reads as the assistant's answer. */
  text: string;
  /** `deny_code` (APISIX's default is 200, so SDKs parse the refusal as an answer). */
  status: number;
}

function modelOf(ctx: RequestContext): string | undefined {
  const ai = ctx.ai;
  return ai?.model ?? ai?.requestModel;
}

/** Refuse the prompt: the Exit to return from the access phase. */
export function denyRequest(ctx: RequestContext, deny: DenyRequest): Exit {
  const ai = aiSlot(ctx);
  noteDenial(ctx, { plugin: deny.plugin, side: 'request', reason: deny.reason });
  const built = buildDenyResponse(ai.protocol ?? 'openai-chat', {
    text: deny.text,
    model: modelOf(ctx),
    stream: ai.requestType === 'ai_stream',
  });
  return exit(deny.status, built.body, { 'content-type': built.contentType });
}

/**
 * Refuse the LLM's answer: what a response hook returns (`{deny}` for a whole body; for a stream,
 * its `body` is the SSE sequence to end with, `{end: body}`). The LLM's usage is kept.
 */
export function denyAnswer(ctx: RequestContext, deny: DenyRequest): AiDeny {
  const ai = aiSlot(ctx);
  noteDenial(ctx, { plugin: deny.plugin, side: 'response', reason: deny.reason });
  const built = buildDenyResponse(ai.protocol ?? 'openai-chat', {
    text: deny.text,
    model: modelOf(ctx),
    usage: ai.rawUsage,
    stream: ai.requestType === 'ai_stream',
  });
  return { status: deny.status, contentType: built.contentType, body: built.body };
}
