/**
 * ai-consumer-rate-limiting (decision D3): a consumer's token quotas per LLM instance, checked
 * before the route's ai-rate-limiting (higher priority), charged with the same usage.
 * Configured on consumers (or their groups); its own headers `X-AI-Consumer-RateLimit-*`.
 */
import { createLogger, definePlugin } from '@tollgate/core';
import { admitsInstance, chargeQuota, enforceQuota } from '../ai-quota/enforce';
import type { QuotaConf, QuotaFlavour } from '../ai-quota/quota';
import { closeQuotaStores, initQuotaStores, storeFor } from '../ai-quota/stores';

const FLAVOUR: QuotaFlavour = {
  // One counter per consumer, also when the quota is set on its consumer group (D3).
  counterOwner: (_conf, ctx) => `consumers/${ctx.consumer?.username ?? 'anonymous'}`,
  plugin: 'ai-consumer-rate-limiting',
  headerStem: 'X-AI-Consumer-RateLimit',
};
const log = createLogger('ai-consumer-rate-limiting');

export const aiConsumerRateLimiting = definePlugin<QuotaConf>({
  name: 'ai-consumer-rate-limiting',
  version: '0.1',
  priority: 1035,
  init: (env) => initQuotaStores(env),
  destroy: () => closeQuotaStores(),
  access: (conf, ctx) => enforceQuota(conf, ctx, FLAVOUR, storeFor, log),
  instanceGate: (conf, ctx, instance) => admitsInstance(conf, ctx, instance, FLAVOUR, storeFor),
  log: (conf, ctx) => chargeQuota(conf, ctx, FLAVOUR, storeFor, log),
});
