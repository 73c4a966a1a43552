/**
 * @module ai-request-rewrite
 * APISIX's ai-request-rewrite (priority 1073, access phase, spec A.4): before the request goes on
 * (to ai-proxy or a plain upstream), an LLM rewrites its body with the configured prompt.
 *
 * @example
 * // route: { "plugins": { "ai-request-rewrite": { "prompt": "Mask card numbers.",
 * //   "provider": "openai", "auth": { "header": { "Authorization": "Bearer sk-..." } } } } }
 * // POST body "card 4111 1111 1111 1111" → upstream gets the LLM's answer, e.g. "card ****"
 */
import { definePlugin } from '@tollgate/core';
import type { AiRequestRewriteConf } from '@tollgate/schema';
import { rewriteRequest } from './access';

/** The ai-request-rewrite plugin definition. */
export const aiRequestRewrite = definePlugin<AiRequestRewriteConf>({
  name: 'ai-request-rewrite',
  version: '0.1',
  priority: 1073,
  access: rewriteRequest,
});
