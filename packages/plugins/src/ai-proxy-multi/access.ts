/**
 * @module ai-proxy-multi/access
 * Access phase: accept the client request (content type, size, JSON, protocol) and pick the
 * first instance, so the quota plugins that run after know which instance is asked.
 */
import { exit, type Exit, type RequestContext } from '@tollgate/core';
import { acceptAiRequest } from '../ai-common/accept-request';
import { shapeRefusal } from '../ai-common/client-errors';
import { answerModels, isModelsRequest } from '../ai-common/models-list';
import { transportSettings } from '../ai-common/settings';
import { pickInstance, setPicked } from './pick';
import { configState, requestState, type AiProxyMultiConfLike } from './route-state';

export async function access(
  conf: AiProxyMultiConfLike,
  ctx: RequestContext,
): Promise<Exit | undefined> {
  if (isModelsRequest(ctx.req.method, ctx.vars.uri)) return answerModels(conf.instances);
  const refused = await acceptAiRequest(ctx, transportSettings(conf).maxRequestBytes);
  if (refused) return shapeRefusal(ctx, refused);
  const state = configState(conf);
  let instance = pickInstance(conf, ctx, state, requestState(ctx));
  if (instance instanceof Promise) instance = await instance;
  // APISIX answers a failed pick with the plain error text, no JSON, no newline.
  if (!instance) return exit(503, 'all servers tried');
  setPicked(ctx, instance);
  return undefined;
}
