/**
 * @module providers/vertex-ai
 * Google Vertex AI (APISIX `ai-providers/vertex-ai.lua`): the OpenAI-compatible chat endpoint of
 * a project and region, so openai-chat clients need no conversion, authenticated with a
 * service-account access token (`auth.gcp`, `auth/gcp.ts`); embeddings through the publisher
 * model's `:predict`. Tollgate extension: an `override.endpoint` whose path ends in
 * `:generateContent` (`…/publishers/google/models/<m>:generateContent`) gets the native
 * `generateContent` API, the body converted (`convert/openai-chat-to-gemini-generate-content.ts`).
 */
import { GENERATE_CONTENT_PATH } from '../protocols/gemini-generate-content';
import type { AiProviderConfLike } from '../types';
import { defineProvider, maxTokensFor } from './base';
import { generateContentPathFor } from './gemini';

const GENERATE_PATH =
  '/v1/projects/{project_id}/locations/{region}/publishers/google/models/{model}:generateContent';

/** `<region>-aiplatform.googleapis.com`, or undefined without a region. */
export function vertexAiHost(providerConf: AiProviderConfLike | undefined): string | undefined {
  const region = providerConf?.region;
  return region ? `${region}-aiplatform.googleapis.com` : undefined;
}

/**
 * The chat path of a project and region.
 *
 * @example
 * vertexAiChatPath('my-project', 'us-central1');
 * // '/v1beta1/projects/my-project/locations/us-central1/endpoints/openapi/chat/completions'
 */
export function vertexAiChatPath(projectId: string, region: string): string {
  // Escaped into one segment each: a conf value can never add a path segment or a query.
  return `/v1beta1/projects/${encodeURIComponent(projectId)}/locations/${encodeURIComponent(region)}/endpoints/openapi/chat/completions`;
}

/** Vertex AI. */
export const vertexAi = defineProvider({
  name: 'vertex-ai',
  host: 'aiplatform.googleapis.com',
  port: 443,
  scheme: 'https',
  capabilities: {
    'openai-chat': {
      path: '/v1beta1/projects/{project_id}/locations/{region}/endpoints/openapi/chat/completions',
    },
    // OpenAI embeddings clients are converted to it (convert/openai-embeddings-to-vertex-predict).
    'vertex-predict': {
      path: '/v1/projects/{project_id}/locations/{region}/publishers/google/models/{model}:predict',
    },
    'gemini-generate-content': {
      path: GENERATE_PATH,
      pathPattern: GENERATE_CONTENT_PATH,
    },
  },
  hostFor: vertexAiHost,
  pathFor({ protocol, providerConf, model, stream }) {
    const project = providerConf?.project_id;
    const region = providerConf?.region;
    if (!project || !region) return undefined;
    if (protocol === 'openai-chat') return vertexAiChatPath(project, region);
    if (protocol === 'vertex-predict' && model) {
      return `/v1/projects/${encodeURIComponent(project)}/locations/${encodeURIComponent(region)}/publishers/google/models/${encodeURIComponent(model)}:predict`;
    }
    if (protocol === 'gemini-generate-content') {
      return generateContentPathFor('vertex-ai', GENERATE_PATH, {
        protocol,
        providerConf,
        model,
        stream,
      });
    }
    return undefined;
  },
  endpointPath: (path, input) =>
    input.protocol === 'gemini-generate-content'
      ? generateContentPathFor('vertex-ai', path, input)
      : path,
  maxTokensField: maxTokensFor({
    'openai-chat': 'max_completion_tokens',
    'gemini-generate-content': 'max_tokens',
  }),
});
