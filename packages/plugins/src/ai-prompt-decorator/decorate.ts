/**
 * @module ai-prompt-decorator/decorate
 * How each protocol takes the configured messages (APISIX's `prepend_messages` /
 * `append_messages` of `ai-protocols/*`, spec A.2). The body is the request's own parsed copy and
 * is changed in place; the configured messages are copied, never shared, so a request never
 * changes the configuration (APISIX test 7).
 */
import type { ProtocolName } from '@tollgate/ai';
import type { JsonObject } from '@tollgate/core';

/** A configured message. */
export interface Prompt {
  role: string;
  content: string;
}

const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** OpenAI chat (and a body no protocol recognises, as APISIX falls back to it): whole messages. */
function chat(body: JsonObject, prepend: readonly Prompt[], append: readonly Prompt[]): void {
  const copy = (p: Prompt) => ({ ...p });
  if (prepend.length > 0) body.messages = [...prepend.map(copy), ...listOf(body.messages)];
  if (append.length > 0) body.messages = [...listOf(body.messages), ...append.map(copy)];
}

/**
 * Anthropic messages: `{role, content}` into `messages`, a `system` role included (APISIX puts it
 * there, not into the top-level `system` field, although Anthropic's API accepts only `user` and
 * `assistant` roles in `messages`).
 */
function anthropic(body: JsonObject, prepend: readonly Prompt[], append: readonly Prompt[]): void {
  const copy = (p: Prompt) => ({ role: p.role, content: p.content });
  if (prepend.length > 0) body.messages = [...prepend.map(copy), ...listOf(body.messages)];
  if (append.length > 0) body.messages = [...listOf(body.messages), ...append.map(copy)];
}

/** Bedrock Converse: `system` roles into `system` blocks, others into `messages` as text blocks. */
function bedrock(body: JsonObject, prepend: readonly Prompt[], append: readonly Prompt[]): void {
  const block = (p: Prompt) => ({ text: p.content });
  const message = (p: Prompt) => ({ role: p.role, content: [{ text: p.content }] });
  const isSystem = (p: Prompt) => p.role === 'system';
  const system = prepend.filter(isSystem);
  const chatPrepend = prepend.filter((p) => !isSystem(p));
  if (system.length > 0) body.system = [...system.map(block), ...listOf(body.system)];
  if (chatPrepend.length > 0)
    body.messages = [...chatPrepend.map(message), ...listOf(body.messages)];
  for (const p of append) {
    if (isSystem(p)) body.system = [...listOf(body.system), block(p)];
    else body.messages = [...listOf(body.messages), message(p)];
  }
}

/**
 * Responses API: roles are ignored. Prepended contents, joined with newlines, go before
 * `instructions`; appended ones after a string `input`, as a user message at the end of an array
 * `input`, or as the whole `input` when it is neither.
 */
function responses(body: JsonObject, prepend: readonly Prompt[], append: readonly Prompt[]): void {
  if (prepend.length > 0) {
    const text = prepend.map((p) => p.content).join('\n');
    body.instructions =
      typeof body.instructions === 'string' ? `${text}\n${body.instructions}` : text;
  }
  if (append.length > 0) {
    const text = append.map((p) => p.content).join('\n');
    if (typeof body.input === 'string') body.input = `${body.input}\n${text}`;
    else if (Array.isArray(body.input)) {
      body.input = [...listOf(body.input), { type: 'message', role: 'user', content: text }];
    } else body.input = text;
  }
}

/**
 * Add `prepend` and `append` to `body` for `protocol` (undefined: none recognised, treated as
 * OpenAI chat). Returns false when the protocol takes no messages (embeddings, passthrough) or
 * there are none to add, and the body is unchanged.
 */
export function decorate(
  protocol: ProtocolName | undefined,
  body: JsonObject,
  prepend: readonly Prompt[] = [],
  append: readonly Prompt[] = [],
): boolean {
  if (prepend.length === 0 && append.length === 0) return false;
  switch (protocol) {
    case undefined:
    case 'openai-chat':
      chat(body, prepend, append);
      return true;
    case 'anthropic-messages':
      anthropic(body, prepend, append);
      return true;
    case 'bedrock-converse':
      bedrock(body, prepend, append);
      return true;
    case 'openai-responses':
      responses(body, prepend, append);
      return true;
    default:
      return false;
  }
}
