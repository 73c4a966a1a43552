/** @module providers/anthropic — api.anthropic.com: OpenAI-compatible chat and native messages. */
import { defineProvider, maxTokensFor } from './base';

/** Anthropic. */
export const anthropic = defineProvider({
  name: 'anthropic',
  host: 'api.anthropic.com',
  port: 443,
  scheme: 'https',
  capabilities: {
    'openai-chat': { path: '/v1/chat/completions' },
    'anthropic-messages': { path: '/v1/messages' },
  },
  maxTokensField: maxTokensFor({ 'openai-chat': 'max_tokens', 'anthropic-messages': 'max_tokens' }),
});
