/** @module providers/openai-compatible — any OpenAI-shaped API; needs `override.endpoint`. */
import { defineProvider, maxTokensFor } from './base';

/** OpenAI-compatible: no default host, OpenAI's default paths. */
export const openaiCompatible = defineProvider({
  name: 'openai-compatible',
  port: 443,
  scheme: 'https',
  capabilities: {
    'openai-chat': { path: '/v1/chat/completions' },
    'openai-responses': { path: '/v1/responses' },
    'openai-embeddings': { path: '/v1/embeddings' },
  },
  maxTokensField: maxTokensFor({
    'openai-chat': 'max_tokens',
    'openai-responses': 'max_output_tokens',
  }),
});
