/**
 * @module ai-aliyun-content-moderation/access
 * The prompt side (spec A.5/A.6), after ai-proxy(-multi) picked an instance: traffic the plugin
 * cannot inspect goes to `fail_mode` (no instance, a content type other than JSON, a protocol
 * without a conversation); the answer hook is registered when `check_response` is on; the text
 * of the configured roles is moderated and a hit refuses with `deny_code` and a completion of the
 * client's protocol.
 */
import { randomUUID } from 'node:crypto';
import { createLogger, exit, type Exit, type RequestContext } from '@tollgate/core';
import type { AiAliyunContentModerationConf } from '@tollgate/schema';
import { denyRequest, failMode } from '../ai-content-common';
import { denyText, moderate, PLUGIN } from './moderate';
import { requestText } from './request-text';
import { responseHook } from './response';

const log = createLogger(PLUGIN);

const NO_INSTANCE =
  'no ai instance picked, ai-aliyun-content-moderation plugin must be used with ' +
  'ai-proxy or ai-proxy-multi plugin';

export async function access(
  conf: AiAliyunContentModerationConf,
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
      () => exit(500, NO_INSTANCE),
    );
  }
  const session = { sessionId: randomUUID() };
  if (conf.check_response) ai.responseHooks.push(responseHook(conf, ctx, session));
  if (!conf.check_request) return undefined;

  const header = ctx.req.headers['content-type'];
  const contentType = header?.toLowerCase();
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
  const protocol = ai.protocol ?? 'unknown';
  const text = ai.body
    ? requestText(protocol, ai.body, conf.request_check_roles, conf.request_check_mode)
    : undefined;
  if (text === undefined) {
    return failMode(log, ctx, PLUGIN, conf.fail_mode, `unsupported protocol: ${protocol}`, () =>
      exit(500, `unsupported protocol: ${protocol}`),
    );
  }
  const outcome = await moderate(ctx, conf, session, 'request', text);
  if (!outcome.hit) return undefined;
  return denyRequest(ctx, {
    plugin: PLUGIN,
    reason: `risk_level_${outcome.riskLevel ?? 'unknown'}`,
    text: denyText(conf, outcome.advice),
    status: conf.deny_code,
  });
}
