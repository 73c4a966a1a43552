/**
 * ai-proxy-multi: one route in front of several LLM instances, with priorities, weights, health
 * checks and fallback (spec §1, decision D4).
 */
import { definePlugin } from '@tollgate/core';
import { clientErrorBodyFilter, clientErrorHeaderFilter } from '../ai-common/client-errors';
import { settleAiRequest } from '../ai-common/finish';
import { closeAiRuntime, initAiRuntime } from '../ai-common/runtime';
import { access } from './access';
import { beforeProxy } from './before-proxy';
import type { AiProxyMultiConfLike } from './route-state';

export const aiProxyMulti = definePlugin<AiProxyMultiConfLike>({
  name: 'ai-proxy-multi',
  version: '0.5',
  priority: 1041,
  init: (env) => initAiRuntime(env),
  destroy: () => closeAiRuntime(),
  access,
  beforeProxy,
  headerFilter: (conf, ctx) =>
    clientErrorHeaderFilter('ai-proxy-multi', conf.client_protocol_errors, ctx),
  bodyFilter: (_conf, ctx, chunk) => clientErrorBodyFilter('ai-proxy-multi', ctx, chunk),
  log: (_conf, ctx) => settleAiRequest(ctx),
});
