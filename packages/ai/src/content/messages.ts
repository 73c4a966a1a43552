/**
 * @module content/messages
 * The conversation of a request as `{role, content}` pairs of plain text, whatever the client
 * protocol (APISIX's `get_messages`, spec A.1 step 4): what the content plugins (prompt guard,
 * moderation, Lakera, the cache) inspect. Only text is kept: string contents and text parts,
 * joined with a space; images, audio and tool blocks are left out.
 */
import { type JsonObject } from '@tollgate/core';
import { asObject } from '../json';
import type { ProtocolName } from '../types';

/** One message of the conversation, flattened to text. */
export interface ChatMessage {
  role: string;
  content: string;
}

/** Part types that carry text, in every protocol's content arrays. */
const TEXT_PARTS: ReadonlySet<string> = new Set(['text', 'input_text', 'output_text']);

/**
 * The text of a content value: a string as is, an array's text parts joined with a space
 * (Bedrock's `{text}` blocks have no type), anything else ''.
 */
export function flattenContent(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const texts: string[] = [];
  for (const part of content) {
    const block = asObject(part);
    if (!block || typeof block.text !== 'string') continue;
    if (
      block.type === undefined ||
      (typeof block.type === 'string' && TEXT_PARTS.has(block.type))
    ) {
      texts.push(block.text);
    }
  }
  return texts.join(' ');
}

function roleMessages(items: unknown): ChatMessage[] {
  if (!Array.isArray(items)) return [];
  const out: ChatMessage[] = [];
  for (const item of items) {
    const message = asObject(item);
    if (!message || typeof message.role !== 'string') continue;
    out.push({ role: message.role, content: flattenContent(message.content) });
  }
  return out;
}

/** Anthropic's and Bedrock's top-level `system`: a string or text blocks. */
function systemMessage(system: unknown): ChatMessage[] {
  const content = flattenContent(system);
  return content === '' ? [] : [{ role: 'system', content }];
}

/**
 * Responses API: `instructions` is the system message; a string `input` is one user message,
 * an array's message items keep their roles (items without a role, such as
 * `function_call_output`, carry no conversation text and are left out).
 */
function responsesMessages(body: JsonObject): ChatMessage[] {
  const out: ChatMessage[] = [];
  if (typeof body.instructions === 'string' && body.instructions !== '') {
    out.push({ role: 'system', content: body.instructions });
  }
  if (typeof body.input === 'string') out.push({ role: 'user', content: body.input });
  else out.push(...roleMessages(body.input));
  return out;
}

/**
 * The conversation of `body` for `protocol`, in order; undefined for protocols that carry none
 * (embeddings, passthrough), which the content plugins treat as traffic they cannot inspect
 * (`fail_mode`).
 *
 * @example
 * extractMessages('anthropic-messages', { system: 'be brief', messages: [{ role: 'user', content: 'hi' }] });
 * // [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }]
 */
export function extractMessages(
  protocol: ProtocolName,
  body: JsonObject,
): ChatMessage[] | undefined {
  switch (protocol) {
    case 'openai-chat':
      return roleMessages(body.messages);
    case 'anthropic-messages':
    case 'bedrock-converse':
      return [...systemMessage(body.system), ...roleMessages(body.messages)];
    case 'openai-responses':
      return responsesMessages(body);
    default:
      return undefined;
  }
}
