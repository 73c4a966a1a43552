/**
 * ai-proxy: one LLM provider for a route (spec §2). The implicit instance is named
 * `ai-proxy-<provider>` (the name ai-rate-limiting counts under); it never retries.
 */
import { definePlugin, exit, ownerOf, type RequestContext } from '@tollgate/core';
import { acceptAiRequest } from '../ai-common/accept-request';
import { attemptInstance } from '../ai-common/attempt';
import {
  clientErrorBodyFilter,
  clientErrorHeaderFilter,
  shapeRefusal,
} from '../ai-common/client-errors';
import { settleAiRequest } from '../ai-common/finish';
import type { AiInstanceConf } from '../ai-common/instance';
import { answerModels, isModelsRequest } from '../ai-common/models-list';
import { closeAiRuntime, initAiRuntime } from '../ai-common/runtime';
import { transportSettings } from '../ai-common/settings';
import { setPicked } from '../ai-proxy-multi/pick';

export type AiProxyConfLike = Omit<AiInstanceConf, 'name' | 'weight'> & {
  timeout?: number;
  max_req_body_size?: number;
  /** Tollgate extension: add the client protocol's error object to refusals (default true). */
  client_protocol_errors?: boolean;
};

const instances = new WeakMap<object, AiInstanceConf>();

function instanceOf(conf: AiProxyConfLike): AiInstanceConf {
  let instance = instances.get(conf);
  if (!instance) {
    instance = { ...conf, name: `ai-proxy-${conf.provider}`, weight: 1 };
    instances.set(conf, instance);
  }
  return instance;
}

export const aiProxy = definePlugin<AiProxyConfLike>({
  name: 'ai-proxy',
  version: '0.5',
  priority: 1040,
  init: (env) => initAiRuntime(env),
  destroy: () => closeAiRuntime(),
  async access(conf, ctx: RequestContext) {
    if (isModelsRequest(ctx.req.method, ctx.vars.uri)) return answerModels([instanceOf(conf)]);
    const refused = await acceptAiRequest(ctx, transportSettings(conf).maxRequestBytes);
    if (refused) return shapeRefusal(ctx, refused);
    setPicked(ctx, instanceOf(conf));
    return undefined;
  },
  async beforeProxy(conf, ctx) {
    const instance = instanceOf(conf);
    const key = `${ownerOf(conf) ?? 'unbound'}#ai-proxy#${instance.name}`;
    const outcome = await attemptInstance(
      ctx,
      instance,
      key,
      transportSettings(conf),
      (s) => s === 429 || s >= 500,
    );
    if (outcome.kind === 'exit') return shapeRefusal(ctx, outcome.exit);
    if (outcome.kind === 'answered') {
      const settling = settleAiRequest(ctx);
      if (settling) await settling;
      ctx.response.end();
      return undefined;
    }
    const { failure } = outcome;
    return exit(
      failure.status,
      failure.body,
      failure.contentType ? { 'content-type': failure.contentType } : {},
    );
  },
  headerFilter: (conf, ctx) =>
    clientErrorHeaderFilter('ai-proxy', conf.client_protocol_errors, ctx),
  bodyFilter: (_conf, ctx, chunk) => clientErrorBodyFilter('ai-proxy', ctx, chunk),
  log: (_conf, ctx) => settleAiRequest(ctx),
});
