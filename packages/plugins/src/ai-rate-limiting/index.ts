/**
 * ai-rate-limiting: token quotas per LLM instance of a route (spec §3): checked in access,
 * charged after the response, and consulted by ai-proxy-multi's rate-limit-aware pick.
 */
import { createLogger, definePlugin } from '@tollgate/core';
import { admitsInstance, chargeQuota, enforceQuota } from '../ai-quota/enforce';
import type { QuotaConf, QuotaFlavour } from '../ai-quota/quota';
import { closeQuotaStores, initQuotaStores, storeFor } from '../ai-quota/stores';

const FLAVOUR: QuotaFlavour = { plugin: 'ai-rate-limiting', headerStem: 'X-AI-RateLimit' };
const log = createLogger('ai-rate-limiting');

export const aiRateLimiting = definePlugin<QuotaConf>({
  name: 'ai-rate-limiting',
  version: '0.1',
  priority: 1030,
  init: (env) => initQuotaStores(env),
  destroy: () => closeQuotaStores(),
  access: (conf, ctx) => enforceQuota(conf, ctx, FLAVOUR, storeFor, log),
  instanceGate: (conf, ctx, instance) => admitsInstance(conf, ctx, instance, FLAVOUR, storeFor),
  log: (conf, ctx) => chargeQuota(conf, ctx, FLAVOUR, storeFor, log),
});
