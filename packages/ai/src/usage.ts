/**
 * @module usage
 * Normalised token usage helpers: the empty value, the estimate charged when a provider reports
 * nothing (decision D5), prompt size, and the access-log variables of spec §1.10.
 */
import { ownValue, type TokenUsage, type JsonObject } from '@tollgate/core';
import { asObject } from './json';
import type { ProtocolName } from './types';

/** Characters per token assumed by {@link estimateUsage}. */
export const CHARS_PER_TOKEN = 4;

/** `{ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 }`. */
export function emptyUsage(): TokenUsage {
  return { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
}

/**
 * Estimated usage from text sizes (decision D5): about 4 characters a token, rounded up, for
 * prompt and completion separately; total = their sum. Used when the client left mid-stream or
 * the upstream sent no usage; the caller marks the usage as estimated.
 *
 * @example
 * estimateUsage(10, 3); // { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 }
 */
export function estimateUsage(promptChars: number, completionChars: number): TokenUsage {
  const prompt = Math.ceil(Math.max(0, promptChars) / CHARS_PER_TOKEN);
  const completion = Math.ceil(Math.max(0, completionChars) / CHARS_PER_TOKEN);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
}

/** Body fields holding prompt text, per client protocol. */
const PROMPT_FIELDS: Record<ProtocolName, readonly string[]> = {
  'openai-chat': ['messages'],
  'anthropic-messages': ['system', 'messages'],
  'openai-responses': ['instructions', 'input'],
  'openai-embeddings': ['input'],
  'bedrock-converse': ['system', 'messages'],
  'gemini-generate-content': ['systemInstruction', 'contents'],
  'vertex-predict': ['instances'],
  passthrough: ['system', 'instructions', 'messages', 'input', 'prompt'],
};

/** Characters of text in a content value: strings, arrays of parts, `{text}` / `{content}`. */
function textChars(value: unknown, depth = 0): number {
  if (typeof value === 'string') return value.length;
  if (depth > 8) return 0;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + textChars(v, depth + 1), 0);
  const obj = asObject(value);
  if (!obj) return 0;
  let n = typeof obj.text === 'string' ? obj.text.length : 0;
  if (obj.content !== undefined) n += textChars(obj.content, depth + 1);
  else if (typeof obj.output === 'string') n += obj.output.length; // responses tool results
  return n;
}

/**
 * Characters of prompt text in a client body: the message contents (string content, text parts)
 * and system/instructions text of the protocol; for passthrough, any of `system`,
 * `instructions`, `messages`, `input`, `prompt`. Roles, images and tool schemas are not counted.
 */
export function promptCharsOf(body: JsonObject, protocol: ProtocolName): number {
  return PROMPT_FIELDS[protocol].reduce((n, field) => n + textChars(ownValue(body, field)), 0);
}

/** The token variables of spec §1.10, each defaulting to 0. */
export interface UsageVars {
  llm_prompt_tokens: number;
  llm_completion_tokens: number;
  llm_total_tokens: number;
  llm_cache_read_input_tokens: number;
  llm_cache_creation_input_tokens: number;
  llm_reasoning_tokens: number;
}

/**
 * Map usage to the APISIX variable names (0 for anything missing, including no usage at all).
 *
 * @example
 * usageVars({ prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 }).llm_total_tokens; // 7
 */
export function usageVars(usage: Partial<TokenUsage> | undefined): UsageVars {
  return {
    llm_prompt_tokens: usage?.prompt_tokens ?? 0,
    llm_completion_tokens: usage?.completion_tokens ?? 0,
    llm_total_tokens: usage?.total_tokens ?? 0,
    llm_cache_read_input_tokens: usage?.cache_read_input_tokens ?? 0,
    llm_cache_creation_input_tokens: usage?.cache_creation_input_tokens ?? 0,
    llm_reasoning_tokens: usage?.reasoning_tokens ?? 0,
  };
}
