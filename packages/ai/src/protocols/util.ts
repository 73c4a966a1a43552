/**
 * @module protocols/util
 * Helpers shared by the protocol modules.
 */
import { ownValue, type TokenUsage, type JsonObject } from '@tollgate/core';
import { asNumber, asObject } from '../json';

/** Parse an SSE `data` payload as a JSON object; undefined for blanks, `[DONE]`, bad JSON. */
export function parseEventData(data: string): JsonObject | undefined {
  if (data.trim() === '') return undefined;
  try {
    return asObject(JSON.parse(data));
  } catch {
    return undefined;
  }
}

/** The event type: the SSE `event:` field, else the payload's `type` (both are sent by most). */
export function eventType(sseEvent: string, payload: JsonObject | undefined): string {
  if (sseEvent !== 'message') return sseEvent;
  const t = payload?.type;
  return typeof t === 'string' ? t : sseEvent;
}

/** `obj[a][b]` as a number, or undefined. */
export function nestedNumber(obj: JsonObject, a: string, b: string): number | undefined {
  const inner = asObject(ownValue(obj, a));
  return asNumber(inner && ownValue(inner, b));
}

/** Copy the optional extras that are present (numbers) onto `usage`. */
export function withExtras(
  usage: TokenUsage,
  extras: {
    cache_read_input_tokens?: number | undefined;
    cache_creation_input_tokens?: number | undefined;
    reasoning_tokens?: number | undefined;
  },
): TokenUsage {
  if (extras.cache_read_input_tokens !== undefined) {
    usage.cache_read_input_tokens = extras.cache_read_input_tokens;
  }
  if (extras.cache_creation_input_tokens !== undefined) {
    usage.cache_creation_input_tokens = extras.cache_creation_input_tokens;
  }
  if (extras.reasoning_tokens !== undefined) usage.reasoning_tokens = extras.reasoning_tokens;
  return usage;
}

/** Join the strings found with a space (APISIX's `table.concat(contents, " ")`). */
export function joinText(parts: string[]): string {
  return parts.join(' ');
}
