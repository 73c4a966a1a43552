/** @module providers/deepseek — api.deepseek.com, OpenAI-compatible chat. */
import { defineProvider, maxTokensFor } from './base';

/** DeepSeek. */
export const deepseek = defineProvider({
  name: 'deepseek',
  host: 'api.deepseek.com',
  port: 443,
  scheme: 'https',
  capabilities: { 'openai-chat': { path: '/chat/completions' } },
  maxTokensField: maxTokensFor({ 'openai-chat': 'max_tokens' }),
});
