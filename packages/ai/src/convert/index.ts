/**
 * @module convert
 * The converter registry (APISIX `ai-protocols/converters/init.lua`): one line per pair.
 */
import type { ProtocolName } from '../types';
import { anthropicMessagesToBedrockConverse } from './anthropic-messages-to-bedrock-converse';
import { anthropicMessagesToGeminiGenerateContent } from './anthropic-messages-to-gemini-generate-content';
import { anthropicMessagesToOpenaiChat } from './anthropic-messages-to-openai-chat';
import { openaiChatToAnthropicMessages } from './openai-chat-to-anthropic-messages';
import { openaiChatToBedrockConverse } from './openai-chat-to-bedrock-converse';
import { openaiChatToGeminiGenerateContent } from './openai-chat-to-gemini-generate-content';
import { openaiChatToOpenaiResponses } from './openai-chat-to-openai-responses';
import { openaiEmbeddingsToVertexPredict } from './openai-embeddings-to-vertex-predict';
import { openaiResponsesToOpenaiChat } from './openai-responses-to-openai-chat';
import { chainConverters } from './chain';
import type { ProtocolConverter } from './types';

export * from './types';
export {
  anthropicMessagesToOpenaiChat,
  openaiChatToAnthropicMessages,
  openaiResponsesToOpenaiChat,
  openaiChatToOpenaiResponses,
  openaiChatToBedrockConverse,
  anthropicMessagesToBedrockConverse,
};
export { DEFAULT_ANTHROPIC_MAX_TOKENS } from './openai-chat-to-anthropic-messages';
export { openaiChatToGeminiGenerateContent, anthropicMessagesToGeminiGenerateContent };
export * from './reframe';

/** Every converter (a provider's own protocol order decides between several targets). */
const CONVERTERS: readonly ProtocolConverter[] = [
  anthropicMessagesToOpenaiChat,
  openaiChatToAnthropicMessages,
  openaiResponsesToOpenaiChat,
  openaiChatToOpenaiResponses,
  openaiChatToBedrockConverse,
  anthropicMessagesToBedrockConverse,
  openaiChatToGeminiGenerateContent,
  anthropicMessagesToGeminiGenerateContent,
  openaiEmbeddingsToVertexPredict,
  // The Responses API reaches every provider that OpenAI chat reaches, through chat.
  chainConverters(openaiResponsesToOpenaiChat, openaiChatToAnthropicMessages),
  chainConverters(openaiResponsesToOpenaiChat, openaiChatToBedrockConverse),
  chainConverters(openaiResponsesToOpenaiChat, openaiChatToGeminiGenerateContent),
];

const BY_PAIR = new Map<string, ProtocolConverter>(CONVERTERS.map((c) => [`${c.from}>${c.to}`, c]));

/**
 * The converter from the client protocol to the provider protocol, or undefined when the pair is
 * not converted.
 *
 * @example
 * converterFor('anthropic-messages', 'openai-chat')?.request(body);
 */
export function converterFor(
  client: ProtocolName,
  target: ProtocolName,
): ProtocolConverter | undefined {
  return BY_PAIR.get(`${client}>${target}`);
}
