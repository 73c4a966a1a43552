/**
 * @module text
 * The deterministic text the mock "generates", its split into tokens, and token estimates.
 * Pure: no I/O.
 */
import type { Behaviour } from './types';

/** Longest excerpt of the user's message quoted in the default answer. */
export const QUOTE_LIMIT = 40;

/**
 * The text of a message `content` in any of the providers' shapes: a string, an array of parts
 * with a `text` field (`text`, `input_text`, `output_text`…), or a single part. Other parts
 * (images, tool calls) count as empty.
 */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map(textOf).join('');
  if (typeof content === 'object' && content !== null) {
    const text = (content as { text?: unknown }).text;
    if (typeof text === 'string') return text;
  }
  return '';
}

/** Token estimate for `chars` characters: one token per 4 characters, rounded up. */
export function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

/** `text` cut into pieces of up to 4 characters (code points): one piece per "token". */
export function splitTokens(text: string): string[] {
  const chars = Array.from(text);
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; i += 4) pieces.push(chars.slice(i, i + 4).join(''));
  return pieces;
}

/**
 * The default answer: `Hello from <name>: <the user's last message, up to 40 characters>`.
 * @example
 * greeting('a', 'What is 1+1?') // → 'Hello from a: What is 1+1?'
 */
export function greeting(name: string, lastUserText: string): string {
  const flat = lastUserText.replace(/\s+/g, ' ').trim();
  if (flat === '') return `Hello from ${name}!`;
  const chars = Array.from(flat);
  const quote = chars.length > QUOTE_LIMIT ? `${chars.slice(0, QUOTE_LIMIT).join('')}...` : flat;
  return `Hello from ${name}: ${quote}`;
}

/** What one generated answer says and how many tokens it reports. */
export interface Generation {
  text: string;
  pieces: string[];
  promptTokens: number;
  completionTokens: number;
}

/**
 * `text` repeated (space-separated) or cut to exactly `tokens` pieces of 4 code points.
 * @example
 * toLength('Hi', 2) // → 'Hi Hi Hi' (8 code points: 'Hi H' and 'i Hi')
 */
export function toLength(text: string, tokens: number): string {
  const unit = Array.from(`${text} `);
  const want = tokens * 4;
  const chars: string[] = [];
  while (chars.length < want) chars.push(...unit.slice(0, want - chars.length));
  return chars.join('');
}

/**
 * The `loop` behaviour's continuation of `text`: piece `n` (4 code points) of ` text text text…`,
 * so the stream reads `text text text…` after the text itself.
 * @example
 * const next = loopPieces('Hi'); [0, 1, 2].map(next) // → [' Hi ', 'Hi H', 'i Hi']
 */
export function loopPieces(text: string): (n: number) => string {
  const unit = Array.from(` ${text}`);
  return (n) => {
    let piece = '';
    for (let i = n * 4; i < n * 4 + 4; i += 1) piece += unit[i % unit.length] ?? '';
    return piece;
  };
}

/**
 * Build the answer for a request whose prompt has `promptChars` characters and whose last user
 * message is `lastUserText`: `behaviour.content` or the greeting (repeated to `outputTokens`
 * pieces when given: the capacity model's answer length), with `behaviour.usage` or the estimate
 * (prompt = ceil(chars / 4), completion = pieces produced).
 */
export function generate(
  name: string,
  behaviour: Behaviour,
  promptChars: number,
  lastUserText: string,
  outputTokens?: number,
): Generation {
  const said = greeting(name, lastUserText);
  const text =
    behaviour.content ?? (outputTokens === undefined ? said : toLength(said, outputTokens));
  const pieces = splitTokens(text);
  return {
    text,
    pieces,
    promptTokens: behaviour.usage?.prompt ?? estimateTokens(promptChars),
    completionTokens: behaviour.usage?.completion ?? pieces.length,
  };
}
