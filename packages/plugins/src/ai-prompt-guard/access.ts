/**
 * @module ai-prompt-guard/access
 * The access phase (spec A.1): read the body, recognise the protocol (`fail_mode` for traffic
 * that has none), narrow the conversation, run the patterns. Refusals are APISIX's 400
 * `{"message": ...}` bodies; each check is noted on `ctx.ai` for metrics and the access log.
 */
import { detectProtocol } from '@tollgate/ai';
import { createLogger, exit, isPlainObject, type Exit, type RequestContext } from '@tollgate/core';
import type { AiPromptGuardConf } from '@tollgate/schema';
import {
  failMode,
  noteContentCheck,
  noteDenial,
  parseJsonBody,
  readRequestBody,
} from '../ai-content-common';
import { conversationOf, messagesToCheck, textToCheck } from './conversation';
import { patternsOf, verdict } from './patterns';

export const PLUGIN = 'ai-prompt-guard';

const log = createLogger(PLUGIN);

const REFUSALS = {
  allow_pattern_miss: "Request doesn't match allow patterns",
  deny_pattern: 'Request contains prohibited content',
} as const;

export async function promptGuardAccess(
  conf: AiPromptGuardConf,
  ctx: RequestContext,
): Promise<Exit | undefined> {
  const read = await readRequestBody(ctx, conf.max_req_body_size);
  // APISIX drops get_body's error: no body and a body over the limit get the same answer.
  if (!('raw' in read)) return exit(400, { message: 'Empty request body' });
  const parsed = parseJsonBody(read.raw);
  if ('error' in parsed) {
    return failMode(
      log,
      ctx,
      PLUGIN,
      conf.fail_mode,
      `request body is not valid JSON: ${parsed.error}`,
      () => exit(400, { message: parsed.error }),
    );
  }
  const body = parsed.value;
  const protocol = isPlainObject(body) ? detectProtocol(ctx.vars.uri, body) : undefined;
  if (!isPlainObject(body) || protocol === undefined || protocol === 'passthrough') {
    return failMode(
      log,
      ctx,
      PLUGIN,
      conf.fail_mode,
      'request body does not match any supported AI protocol',
      () => exit(400, { message: 'Request format not recognized by ai-prompt-guard' }),
    );
  }
  const messages = messagesToCheck(conf, protocol, conversationOf(protocol, body));
  if (messages.length === 0) {
    // APISIX answers an empty 200 here (its access phase `return 200`), which drops legitimate
    // turns that end with a tool result or an assistant message; Tollgate lets them through.
    log.info(`${PLUGIN} skipped: no message left to check after narrowing by history and role`, {
      request_id: ctx.requestId,
    });
    noteContentCheck(ctx, { plugin: PLUGIN, side: 'request', ms: 0, outcome: 'skip' });
    return undefined;
  }
  const started = performance.now();
  const refused = verdict(patternsOf(conf), textToCheck(messages));
  const ms = performance.now() - started;
  noteContentCheck(ctx, {
    plugin: PLUGIN,
    side: 'request',
    ms,
    outcome: refused ? 'deny' : 'pass',
  });
  if (!refused) return undefined;
  noteDenial(ctx, { plugin: PLUGIN, side: 'request', reason: refused });
  return exit(400, { message: REFUSALS[refused] });
}
