/** @module providers/gemini — Google AI Studio's OpenAI-compatible chat endpoint. */
import { defineProvider, maxTokensFor } from './base';

/** Gemini (generativelanguage.googleapis.com). */
export const gemini = defineProvider({
  name: 'gemini',
  host: 'generativelanguage.googleapis.com',
  port: 443,
  scheme: 'https',
  capabilities: { 'openai-chat': { path: '/v1beta/openai/chat/completions' } },
  maxTokensField: maxTokensFor({ 'openai-chat': 'max_completion_tokens' }),
});
