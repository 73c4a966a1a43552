/**
 * @module ai-aliyun-content-moderation/request-text
 * The prompt text to moderate (spec A.5/A.6, APISIX's `extract_system_content` and
 * `extract_turn_content`), per client protocol:
 * - system text (system and developer messages, Anthropic's and Bedrock's `system`, Responses
 *   `instructions` and system items) when `system` is among the roles, on every request;
 * - turn text of the `user`/`tool` roles: with `last`, only the final consecutive run of
 *   messages whose role is selected (nothing when the conversation ends with another role, such
 *   as an assistant turn); with `all`, every such message.
 * Only text counts: string contents and text parts. A Responses-API `function_call_output` item
 * is tool text; Anthropic's and Bedrock's tool results, nested inside user blocks, are not
 * extracted. The pieces are joined with a space, as the service takes one flat string.
 */
import { flattenContent } from '@tollgate/ai';
import { isPlainObject } from '@tollgate/core';

export type CheckRole = 'user' | 'tool' | 'system';

/** One message or input item: its role for turn selection (undefined: none), and its text. */
interface Turn {
  role: string | undefined;
  text: string;
}

interface Conversation {
  system: string[];
  turns: Turn[];
}

const SYSTEM_ROLES: ReadonlySet<string> = new Set(['system', 'developer']);

function roleOf(message: Record<string, unknown>): string | undefined {
  return typeof message.role === 'string' ? message.role : undefined;
}

/** OpenAI chat, Anthropic and Bedrock: `messages` with roles, plus a top-level `system`. */
function messagesConversation(body: Record<string, unknown>, topSystem: boolean): Conversation {
  const system: string[] = [];
  const turns: Turn[] = [];
  if (topSystem) {
    const text = flattenContent(body.system);
    if (text !== '') system.push(text);
  }
  const messages = Array.isArray(body.messages) ? (body.messages as unknown[]) : [];
  for (const message of messages) {
    if (!isPlainObject(message)) {
      turns.push({ role: undefined, text: '' });
      continue;
    }
    const role = roleOf(message);
    const text = flattenContent(message.content);
    if (!topSystem && role !== undefined && SYSTEM_ROLES.has(role)) system.push(text);
    turns.push({ role, text });
  }
  return { system, turns };
}

/** The text of a Responses-API input item (a message, a bare part, or a tool result). */
function itemText(item: Record<string, unknown>): string {
  if (item.content !== undefined) return flattenContent(item.content);
  if (typeof item.text === 'string') return item.text;
  if (typeof item.output === 'string') return item.output;
  if (Array.isArray(item.output)) return flattenContent(item.output);
  return '';
}

/** Responses API: `instructions`, and `input` as a string (user text) or a list of items. */
function responsesConversation(body: Record<string, unknown>): Conversation {
  const system: string[] = [];
  const turns: Turn[] = [];
  if (typeof body.instructions === 'string') system.push(body.instructions);
  if (typeof body.input === 'string') {
    turns.push({ role: 'user', text: body.input });
    return { system, turns };
  }
  const items = Array.isArray(body.input) ? (body.input as unknown[]) : [];
  for (const item of items) {
    if (typeof item === 'string') {
      turns.push({ role: 'user', text: item });
      continue;
    }
    if (!isPlainObject(item)) {
      turns.push({ role: undefined, text: '' });
      continue;
    }
    const text = itemText(item);
    const role = roleOf(item);
    if (role !== undefined && SYSTEM_ROLES.has(role)) system.push(text);
    turns.push({
      role: role ?? (item.type === 'function_call_output' ? 'tool' : undefined),
      text,
    });
  }
  return { system, turns };
}

function conversationOf(protocol: string, body: Record<string, unknown>): Conversation | undefined {
  switch (protocol) {
    case 'openai-chat':
      return messagesConversation(body, false);
    case 'anthropic-messages':
    case 'bedrock-converse':
      return messagesConversation(body, true);
    case 'openai-responses':
      return responsesConversation(body);
    default:
      return undefined;
  }
}

/** The selected turns' texts: every one (`all`), or the final run of selected roles (`last`). */
function turnTexts(turns: readonly Turn[], roles: ReadonlySet<string>, mode: 'last' | 'all') {
  const selected = (turn: Turn) => turn.role !== undefined && roles.has(turn.role);
  let start = 0;
  if (mode === 'last') {
    start = turns.length;
    while (start > 0 && selected(turns[start - 1] as Turn)) start -= 1;
  }
  return turns
    .slice(start)
    .filter(selected)
    .map((turn) => turn.text);
}

/**
 * The text to moderate for `protocol`, or undefined for a protocol that carries no conversation
 * (embeddings, passthrough), which the plugin treats as traffic it cannot inspect.
 *
 * @example
 * requestText('openai-chat', { messages: [{ role: 'user', content: 'hi' }] }, ['user'], 'last'); // 'hi'
 */
export function requestText(
  protocol: string,
  body: Record<string, unknown>,
  roles: readonly CheckRole[],
  mode: 'last' | 'all',
): string | undefined {
  const conversation = conversationOf(protocol, body);
  if (!conversation) return undefined;
  const texts: string[] = [];
  if (roles.includes('system')) texts.push(...conversation.system);
  const turnRoles = new Set<string>(roles.filter((role) => role !== 'system'));
  if (turnRoles.size > 0) texts.push(...turnTexts(conversation.turns, turnRoles, mode));
  return texts.join(' ');
}
