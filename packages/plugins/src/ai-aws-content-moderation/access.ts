/**
 * @module ai-aws-content-moderation/access
 * The request side (spec A.5): after ai-proxy picked an instance (priority 1031 < 1040), register
 * the answer hook when `check_response` is on, then score the prompt before the LLM is called.
 * Traffic the plugin cannot inspect (no AI instance, a non-JSON content type, a protocol without
 * a conversation) is left to `fail_mode`. A hit is refused with `deny_code` and a
 * completion-shaped body; a Comprehend failure is a 500 with its error (fail closed).
 */
import { createLogger, exit, type Exit, type RequestContext } from '@tollgate/core';
import type { ProtocolName } from '@tollgate/ai';
import type { AiAwsContentModerationConf } from '@tollgate/schema';
import { denyRequest, failMode } from '../ai-content-common';
import { moderate, PLUGIN } from './moderate';
import { requestText } from './request-text';
import { responseHook } from './response-hook';

const log = createLogger(PLUGIN);

/** What the client gets when it left during the check: nothing is sent, no LLM call is made. */
const CLIENT_GONE: Exit = exit(499);

export async function moderateRequest(
  conf: AiAwsContentModerationConf,
  ctx: RequestContext,
): Promise<Exit | undefined> {
  const ai = ctx.ai;
  if (!ai?.instance) {
    return failMode(
      log,
      ctx,
      PLUGIN,
      conf.fail_mode,
      'no ai instance picked (request did not pass through ai-proxy/ai-proxy-multi)',
      () =>
        exit(
          500,
          `no ai instance picked, ${PLUGIN} plugin must be used with ai-proxy or ai-proxy-multi plugin`,
        ),
    );
  }
  if (conf.check_response) ai.responseHooks.push(responseHook(conf, ctx));
  if (!conf.check_request) {
    log.info('skip request check for this request', { request_id: ctx.requestId });
    return undefined;
  }
  // Media types are case-insensitive.
  const contentType = ctx.req.headers['content-type']?.toLowerCase();
  if (contentType !== undefined && !contentType.startsWith('application/json')) {
    return failMode(
      log,
      ctx,
      PLUGIN,
      conf.fail_mode,
      `unsupported content-type: ${contentType}`,
      () =>
        exit(400, `unsupported content-type: ${contentType}, only application/json is supported`),
    );
  }
  if (!ai.body) return exit(400, 'request body is not JSON');
  const protocol = (ai.protocol ?? 'passthrough') as ProtocolName;
  const text = requestText(protocol, ai.body, conf.request_check_roles, conf.request_check_mode);
  if (text === undefined) {
    return failMode(
      log,
      ctx,
      PLUGIN,
      conf.fail_mode,
      'protocol cannot extract configured request_check_roles',
      () => exit(500, `protocol ${protocol} cannot moderate the configured request_check_roles`),
    );
  }
  if (text === '') return undefined;
  const verdict = await moderate(conf, ctx, text, 'request', ctx.clientSignal);
  switch (verdict.kind) {
    case 'gone':
      return CLIENT_GONE;
    case 'error':
      log.error(verdict.message, { request_id: ctx.requestId, detail: verdict.detail });
      return exit(500, verdict.message);
    case 'flagged':
      return denyRequest(ctx, {
        plugin: PLUGIN,
        reason: verdict.label,
        text: conf.deny_message ?? verdict.reason,
        status: conf.deny_code,
      });
    default:
      return undefined;
  }
}
