/** @module providers/aimlapi — api.aimlapi.com, OpenAI-compatible chat. */
import { defineProvider, maxTokensFor } from './base';

/** AI/ML API. */
export const aimlapi = defineProvider({
  name: 'aimlapi',
  host: 'api.aimlapi.com',
  port: 443,
  scheme: 'https',
  capabilities: { 'openai-chat': { path: '/chat/completions' } },
  maxTokensField: maxTokensFor({ 'openai-chat': 'max_tokens' }),
});
