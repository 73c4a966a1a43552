/**
 * @module ai-prompt-guard/conversation
 * Which text ai-prompt-guard checks (spec A.1 steps 4-8): the request's messages as the protocol
 * layer gives them, narrowed to the last message (except for the Responses API, whose
 * `instructions` and `input` are parallel fields, not history) and to the `user` role, then
 * joined with a space.
 */
import { extractMessages, type ChatMessage, type ProtocolName } from '@tollgate/ai';
import type { JsonObject } from '@tollgate/core';

export interface NarrowingConf {
  match_all_roles: boolean;
  match_all_conversation_history: boolean;
}

/**
 * The messages with text, in order. Messages without any (an assistant turn of tool calls, an
 * image-only message) are left out as APISIX's `get_messages` leaves them out, so the "last
 * message" is the last one with text. Embeddings carry one user message when `input` is a string.
 */
export function conversationOf(protocol: ProtocolName, body: JsonObject): ChatMessage[] {
  if (protocol === 'openai-embeddings') {
    return typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : [];
  }
  return (extractMessages(protocol, body) ?? []).filter((m) => m.content !== '');
}

/** The messages to check, after narrowing by history and role. */
export function messagesToCheck(
  conf: NarrowingConf,
  protocol: ProtocolName,
  messages: readonly ChatMessage[],
): ChatMessage[] {
  let out = [...messages];
  if (protocol !== 'openai-responses' && !conf.match_all_conversation_history) {
    out = out.slice(-1);
  }
  if (!conf.match_all_roles) out = out.filter((m) => m.role === 'user');
  return out;
}

/** The text the patterns run on. */
export function textToCheck(messages: readonly ChatMessage[]): string {
  return messages.map((m) => m.content).join(' ');
}
