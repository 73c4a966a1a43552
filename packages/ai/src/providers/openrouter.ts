/** @module providers/openrouter — openrouter.ai, OpenAI-compatible chat. */
import { defineProvider, maxTokensFor } from './base';

/** OpenRouter. */
export const openrouter = defineProvider({
  name: 'openrouter',
  host: 'openrouter.ai',
  port: 443,
  scheme: 'https',
  capabilities: { 'openai-chat': { path: '/api/v1/chat/completions' } },
  maxTokensField: maxTokensFor({ 'openai-chat': 'max_tokens' }),
});
