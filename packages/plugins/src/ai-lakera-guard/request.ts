/**
 * @module ai-lakera-guard/request
 * The prompt side (access phase, spec A.7): the whole conversation goes to Lakera with its roles
 * kept (APISIX test 5), turns without text dropped; a refusal answers before the LLM is called,
 * with `deny_code` and a completion of the client's protocol (`request_failure_message`).
 * Traffic that cannot be inspected follows `fail_mode` with APISIX's 500 texts.
 */
import { extractMessages, type ProtocolName } from '@tollgate/ai';
import { exit, type Exit, type RequestContext } from '@tollgate/core';
import type { AiLakeraGuardConf } from '@tollgate/schema';
import { denyRequest, failMode } from '../ai-content-common';
import type { GuardMessage } from './client';
import { log, moderate, PLUGIN } from './moderate';

const NO_INSTANCE =
  'no ai instance picked, ai-lakera-guard plugin must be used with ai-proxy or ai-proxy-multi plugin';

/**
 * An embeddings request has no conversation: its `input` text (a string, or the strings of an
 * array; token arrays carry no text) is scanned as one user message, as APISIX's flat
 * extraction does.
 */
function embeddingsMessages(body: Record<string, unknown>): GuardMessage[] {
  const input = body.input;
  const texts = typeof input === 'string' ? [input] : Array.isArray(input) ? input : [];
  const text = texts.filter((t): t is string => typeof t === 'string' && t !== '').join(' ');
  return text === '' ? [] : [{ role: 'user', content: text }];
}

/**
 * The conversation Lakera scans, or undefined for a protocol that carries none (passthrough).
 * Turns with no text are dropped: Lakera has nothing to scan in them.
 */
export function conversationOf(
  protocol: ProtocolName,
  body: Record<string, unknown>,
): GuardMessage[] | undefined {
  if (protocol === 'openai-embeddings') return embeddingsMessages(body);
  return extractMessages(protocol, body)?.filter((m) => m.content !== '');
}

/** A request no ai-proxy(-multi) picked an instance for: `fail_mode` decides. */
export function notAiTraffic(conf: AiLakeraGuardConf, ctx: RequestContext): Exit | undefined {
  return failMode(
    log,
    ctx,
    PLUGIN,
    conf.fail_mode,
    'no ai instance picked (request did not pass through ai-proxy/ai-proxy-multi)',
    () => exit(500, NO_INSTANCE),
  );
}

/** Scan the prompt; the refusal when it must not reach the LLM. */
export async function checkPrompt(
  conf: AiLakeraGuardConf,
  ctx: RequestContext,
): Promise<Exit | undefined> {
  const ai = ctx.ai;
  const protocol = (ai?.protocol ?? 'passthrough') as ProtocolName;
  const messages = ai?.body ? conversationOf(protocol, ai.body) : undefined;
  if (messages === undefined) {
    const reason = `unsupported protocol: ${protocol}`;
    return failMode(log, ctx, PLUGIN, conf.fail_mode, reason, () => exit(500, reason));
  }
  const verdict = await moderate(conf, ctx, messages, 'request', ctx.clientSignal);
  if (!verdict.deny) return undefined;
  return denyRequest(ctx, {
    plugin: PLUGIN,
    reason: verdict.reason,
    text: verdict.text,
    status: conf.deny_code,
  });
}
