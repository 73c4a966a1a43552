/**
 * @module ai-prompt-decorator
 * APISIX's ai-prompt-decorator (priority 1070, rewrite phase, before ai-proxy): adds the
 * configured `prepend` and `append` messages to an AI request through its protocol, and replaces
 * the body ai-proxy will read (`ctx.replaceBody`).
 *
 * @example
 * // { "ai-prompt-decorator": { "prepend": [{ "role": "system", "content": "Answer briefly." }] } }
 * // {"messages":[{"role":"user","content":"hi"}]} goes on as
 * // {"messages":[{"role":"system","content":"Answer briefly."},{"role":"user","content":"hi"}]}
 */
import { detectProtocol } from '@tollgate/ai';
import { definePlugin, exit, isPlainObject, type Exit, type RequestContext } from '@tollgate/core';
import type { AiPromptDecoratorConf } from '@tollgate/schema';
import { parseJsonBody, readRequestBody } from '../ai-content-common';
import { decorate } from './decorate';

async function rewrite(
  conf: AiPromptDecoratorConf,
  ctx: RequestContext,
): Promise<Exit | undefined> {
  const read = await readRequestBody(ctx, conf.max_req_body_size);
  if (!('raw' in read)) return exit(400, { message: `could not get body: ${read.reason}` });
  const parsed = parseJsonBody(read.raw);
  if ('error' in parsed) {
    return exit(400, { message: `could not parse JSON request body: ${parsed.error}` });
  }
  const body = parsed.value;
  // A JSON array or scalar has no conversation: it goes on as sent, for ai-proxy to judge.
  if (!isPlainObject(body)) return undefined;
  if (decorate(detectProtocol(ctx.vars.uri, body), body, conf.prepend, conf.append)) {
    ctx.replaceBody(Buffer.from(JSON.stringify(body)));
  }
  return undefined;
}

/** The ai-prompt-decorator plugin definition. */
export const aiPromptDecorator = definePlugin<AiPromptDecoratorConf>({
  name: 'ai-prompt-decorator',
  version: '0.1',
  priority: 1070,
  rewrite,
});
