/**
 * @module ai-aws-content-moderation/request-text
 * The prompt text to moderate (spec A.5, APISIX's `request_check_roles`/`request_check_mode`):
 * the system messages (system and developer, Anthropic's top-level `system`, Responses'
 * `instructions`) when `system` is selected, on every request; then the selected turn roles
 * (`user`, `tool`), either all of them or only the last consecutive block of them. Assistant
 * turns are never moderated. Only text counts (string contents and text parts); tool results
 * nested in Anthropic user blocks are not text parts, so they are not sent.
 */
import { extractMessages, type ChatMessage, type ProtocolName } from '@tollgate/ai';

export type CheckRole = 'user' | 'tool' | 'system';

const SYSTEM_ROLES: ReadonlySet<string> = new Set(['system', 'developer']);

/** The texts of the last consecutive block of messages whose role is in `roles`. */
function lastBlock(messages: readonly ChatMessage[], roles: ReadonlySet<string>): string[] {
  let start = messages.length;
  while (start > 0 && roles.has(messages[start - 1]?.role ?? '')) start -= 1;
  return messages.slice(start).map((m) => m.content);
}

/**
 * The text to send to Comprehend, parts joined with a space (`''` when there is none), or
 * undefined when the protocol carries no conversation (embeddings, passthrough).
 *
 * @example
 * requestText('openai-chat', { messages: [{ role: 'system', content: 'be helpful' },
 *   { role: 'user', content: 'hi' }, { role: 'assistant', content: 'ok' },
 *   { role: 'user', content: 'bye' }] }, ['user', 'system'], 'last'); // 'be helpful bye'
 */
export function requestText(
  protocol: ProtocolName,
  body: Record<string, unknown>,
  roles: readonly CheckRole[],
  mode: 'last' | 'all',
): string | undefined {
  const messages = extractMessages(protocol, body);
  if (!messages) return undefined;
  const parts: string[] = [];
  if (roles.includes('system')) {
    for (const m of messages) if (SYSTEM_ROLES.has(m.role)) parts.push(m.content);
  }
  const turnRoles = new Set<string>(roles.filter((role) => role !== 'system'));
  if (turnRoles.size > 0) {
    if (mode === 'last') parts.push(...lastBlock(messages, turnRoles));
    else for (const m of messages) if (turnRoles.has(m.role)) parts.push(m.content);
  }
  return parts.filter((part) => part !== '').join(' ');
}
