/** @module providers/openai — api.openai.com: chat, responses and embeddings. */
import { defineProvider, maxTokensFor } from './base';

/** OpenAI. `max_tokens` overrides go to `max_completion_tokens` / `max_output_tokens`. */
export const openai = defineProvider({
  name: 'openai',
  host: 'api.openai.com',
  port: 443,
  scheme: 'https',
  capabilities: {
    'openai-chat': { path: '/v1/chat/completions' },
    'openai-responses': { path: '/v1/responses' },
    'openai-embeddings': { path: '/v1/embeddings' },
  },
  maxTokensField: maxTokensFor({
    'openai-chat': 'max_completion_tokens',
    'openai-responses': 'max_output_tokens',
  }),
});
