/**
 * @module protocols
 * The protocols the mock speaks, in detection order (first match wins).
 */
import { anthropicMessages } from './anthropic-messages';
import { bedrockConverse } from './bedrock-converse';
import type { Protocol } from './common';
import { geminiGenerateContent } from './gemini-generate-content';
import { openAiChat } from './openai-chat';
import { openAiEmbeddings } from './openai-embeddings';
import { openAiResponses } from './openai-responses';
import { vertexPredict } from './vertex-predict';

export type { Protocol, ProtocolRequest, Refusal, Reply, SseEvent } from './common';
export { malformedReply, openAiErrorBody } from './common';
export { embeddingFor, toBase64 } from './openai-embeddings';
export { googleErrorBody } from './gemini-generate-content';

/** Every protocol, in detection order. */
export const PROTOCOLS: readonly Protocol[] = [
  openAiChat,
  anthropicMessages,
  openAiResponses,
  openAiEmbeddings,
  bedrockConverse,
  geminiGenerateContent,
  vertexPredict,
];

/** The protocol a `POST` to `path` speaks, if any. */
export function protocolFor(method: string, path: string): Protocol | undefined {
  if (method !== 'POST') return undefined;
  return PROTOCOLS.find((p) => p.matches(path));
}
