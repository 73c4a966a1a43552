/**
 * @module protocols
 * The protocol registry and detection (spec §1.8): first match wins, in this order:
 * bedrock-converse → anthropic-messages → openai-responses → openai-chat → openai-embeddings →
 * passthrough.
 */
import { isPlainObject } from '@tollgate/core';
import { anthropicMessages } from './anthropic-messages';
import { bedrockConverse } from './bedrock-converse';
import { geminiGenerateContent } from './gemini-generate-content';
import { vertexPredict } from './vertex-predict';
import { openaiChat } from './openai-chat';
import { openaiEmbeddings } from './openai-embeddings';
import { openaiResponses } from './openai-responses';
import { passthrough } from './passthrough';
import type { ProtocolModule, ProtocolName } from './types';

export * from './types';
export { clientAskedUsage, openaiChatUsage } from './openai-chat';
export { anthropicUsage } from './anthropic-messages';
export { responsesUsage } from './openai-responses';
export { geminiUsage } from './gemini-generate-content';
export {
  anthropicMessages,
  bedrockConverse,
  geminiGenerateContent,
  openaiChat,
  openaiEmbeddings,
  openaiResponses,
  passthrough,
};

/** Detection order; also the registry. */
const DETECTION_ORDER: readonly ProtocolModule[] = [
  bedrockConverse,
  anthropicMessages,
  openaiResponses,
  openaiChat,
  openaiEmbeddings,
  passthrough,
];

/** Target-only protocols (reached by conversion, never detected), as in APISIX 3.18. */
const TARGET_ONLY: readonly ProtocolModule[] = [geminiGenerateContent, vertexPredict];

const BY_NAME = new Map<string, ProtocolModule>(
  [...DETECTION_ORDER, ...TARGET_ONLY].map((m) => [m.name, m]),
);

/** Every protocol name, in detection order. */
export const PROTOCOL_NAMES: readonly ProtocolName[] = DETECTION_ORDER.map((m) => m.name);

/**
 * Detect the client protocol from the request path and parsed body (spec §1.8). `uri` is the
 * request path; a query string, if any, is ignored. A body that is not a JSON object (array,
 * scalar, null) or is an empty object matches nothing: the caller answers 400
 * `no matching AI protocol for the request`.
 *
 * @example
 * detectProtocol('/v1/messages', { model: 'claude', messages: [] }); // 'anthropic-messages'
 * detectProtocol('/anything', { messages: [] }); // 'openai-chat'
 * detectProtocol('/anything', {}); // undefined
 */
export function detectProtocol(uri: string, body: unknown): ProtocolName | undefined {
  if (!isPlainObject(body) || Object.keys(body).length === 0) return undefined;
  const q = uri.indexOf('?');
  const path = q === -1 ? uri : uri.slice(0, q);
  return DETECTION_ORDER.find((m) => m.matches(path, body))?.name;
}

/** The module of a protocol. Throws on an unknown name (a programming error). */
export function getProtocol(name: ProtocolName): ProtocolModule {
  const module = BY_NAME.get(name);
  if (!module) throw new Error(`unknown AI protocol ${String(name)}`);
  return module;
}
