/**
 * @module ai-proxy-multi/load/prompt-prefix
 * The first characters of a request's prompt, for prefix affinity: the text of the chat
 * `messages` in order (string contents and the `text` of content parts), else the Responses
 * API's `input`, else a completion `prompt`. Reading stops as soon as enough text is collected.
 */
import { isPlainObject } from '@tollgate/core';

function textsOf(value: unknown, out: string[], budget: { left: number }): void {
  if (budget.left <= 0) return;
  if (typeof value === 'string') {
    const piece = value.slice(0, budget.left);
    out.push(piece);
    budget.left -= piece.length;
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) {
      if (budget.left <= 0) return;
      textsOf(item, out, budget);
    }
    return;
  }
  if (!isPlainObject(value)) return;
  if (Object.hasOwn(value, 'content')) textsOf(value.content, out, budget);
  else if (Object.hasOwn(value, 'text')) textsOf(value.text, out, budget);
}

/**
 * Up to `chars` leading characters of the prompt in `body`; '' when it has none.
 *
 * @example
 * promptPrefix({ messages: [{ role: 'system', content: 'You are terse.' }] }, 7); // 'You are'
 */
export function promptPrefix(
  body: Readonly<Record<string, unknown>> | undefined,
  chars: number,
): string {
  if (!body) return '';
  const source = body.messages ?? body.input ?? body.prompt;
  const out: string[] = [];
  textsOf(source, out, { left: chars });
  return out.join('');
}
