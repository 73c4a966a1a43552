/**
 * @module convert/anthropic-messages-to-gemini-generate-content
 * An Anthropic Messages client (`@anthropic-ai/sdk`, coding agents) served by Google's native
 * `generateContent` (Tollgate extension): the Anthropic ↔ OpenAI chat converter chained with the
 * OpenAI chat ↔ Gemini one, so every mapping (system, tools, tool use and results, images, stop
 * reasons, usage, errors, streams event by event) is the one documented for each half.
 */
import { anthropicMessagesToOpenaiChat } from './anthropic-messages-to-openai-chat';
import { chainConverters } from './chain';
import { openaiChatToGeminiGenerateContent } from './openai-chat-to-gemini-generate-content';
import type { ProtocolConverter } from './types';

/** anthropic-messages client → Gemini `generateContent` (Gemini API or Vertex AI). */
export const anthropicMessagesToGeminiGenerateContent: ProtocolConverter = chainConverters(
  anthropicMessagesToOpenaiChat,
  openaiChatToGeminiGenerateContent,
  (headers) => {
    // Google reads neither Anthropic's version headers nor its key header: not forwarded.
    for (const name of Object.keys(headers)) {
      if (name.startsWith('anthropic-') || name === 'x-api-key') delete headers[name];
    }
  },
);
