/**
 * @module ai-lakera-guard
 * APISIX 3.18's ai-lakera-guard (priority 1028, access phase plus a response hook; spec A.7):
 * Lakera Guard v2 scans the prompt (`direction` `input`), the answer (`output`), or both, and a
 * flag is refused with a completion of the client's protocol (`action: block`) or only logged
 * (`alert`). Lakera failing is settled by `fail_open` (default: refuse); traffic that did not go
 * through ai-proxy(-multi) by `fail_mode` (default: pass).
 *
 * @example
 * // route: { "plugins": { "ai-proxy": {...}, "ai-lakera-guard": { "api_key": "$env://LAKERA_KEY", "direction": "both" } } }
 */
import { definePlugin, type RequestContext } from '@tollgate/core';
import type { AiLakeraGuardConf } from '@tollgate/schema';
import { closeGuardClients } from './client';
import { checkPrompt, notAiTraffic } from './request';
import { answerHook } from './response';

async function access(conf: AiLakeraGuardConf, ctx: RequestContext) {
  const ai = ctx.ai;
  if (!ai?.instance) return notAiTraffic(conf, ctx);
  if (conf.direction !== 'output') {
    const refused = await checkPrompt(conf, ctx);
    if (refused) return refused;
  }
  if (conf.direction !== 'input') ai.responseHooks.push(answerHook(conf, ctx));
  return undefined;
}

/** The ai-lakera-guard plugin definition. */
export const aiLakeraGuard = definePlugin<AiLakeraGuardConf>({
  name: 'ai-lakera-guard',
  version: '0.1',
  priority: 1028,
  destroy: () => closeGuardClients(),
  access,
});
