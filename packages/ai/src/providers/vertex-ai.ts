/**
 * @module providers/vertex-ai
 * Google Vertex AI. Declared only: calling it needs GCP service-account token exchange and a
 * region/project-specific host and path, which Tollgate does not implement yet, so resolving a
 * target throws `TOLLGATE_ERR_PROVIDER_NOT_IMPLEMENTED` (501).
 */
import { defineProvider, maxTokensFor } from './base';

/**
 * Vertex AI (not implemented yet). In APISIX the host is `<region>-aiplatform.googleapis.com`
 * (else `aiplatform.googleapis.com`) and the chat path
 * `/v1beta1/projects/<project>/locations/<region>/endpoints/openapi/chat/completions`.
 */
export const vertexAi = defineProvider({
  name: 'vertex-ai',
  host: 'aiplatform.googleapis.com',
  port: 443,
  scheme: 'https',
  capabilities: {
    'openai-chat': {
      path: '/v1beta1/projects/{project_id}/locations/{region}/endpoints/openapi/chat/completions',
    },
    'openai-embeddings': {
      path: '/v1/projects/{project_id}/locations/{region}/publishers/google/models/{model}:predict',
    },
  },
  maxTokensField: maxTokensFor({ 'openai-chat': 'max_completion_tokens' }),
  notImplemented: true,
});
