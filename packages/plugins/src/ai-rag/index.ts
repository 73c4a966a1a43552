/**
 * @module ai-rag
 * APISIX's ai-rag (priority 1060, access phase, spec A.9): retrieval-augmented generation with
 * Azure OpenAI embeddings and Azure AI Search, before ai-proxy sends the request to the LLM.
 *
 * @example
 * // POST {"messages":[...],"ai_rag":{"embeddings":{"input":"which service is good for devops"},
 * //   "vector_search":{"fields":"contentVector"}}}
 * // → the LLM gets {"messages":[..., {"role":"user","content":"<Azure AI Search answer>"}]}
 */
import { definePlugin } from '@tollgate/core';
import type { AiRagConf } from '@tollgate/schema';
import { augmentRequest } from './access';

/** The ai-rag plugin definition. */
export const aiRag = definePlugin<AiRagConf>({
  name: 'ai-rag',
  version: '0.1',
  priority: 1060,
  access: augmentRequest,
});
