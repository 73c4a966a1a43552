/**
 * @module protocols/openai-chat
 * OpenAI Chat Completions (`/v1/chat/completions`): the default protocol, matched by any body
 * with a `messages` array. Streams always ask for usage upstream (`include_usage`, as APISIX
 * does); the reader marks the usage-only chunk so the relay can keep it from a client that did
 * not ask for it ({@link clientAskedUsage}).
 */
import { isPlainObject, type JsonObject } from '@tollgate/core';
import type { TokenUsage } from '@tollgate/core';
import { asNumber, asObject } from '../json';
import type { ProtocolModule, StreamEventResult, UsageResult } from './types';
import { chunkContentLength } from './content-length';
import { joinText, nestedNumber, parseEventData, withExtras } from './util';

/**
 * Normalise an OpenAI chat `usage` object. `streamed` selects the total rule of spec §1.9:
 * non-streamed responses fall back to prompt+completion, stream chunks to 0.
 * Extras: `prompt_tokens_details.cached_tokens` (deepseek: `prompt_cache_hit_tokens`) →
 * `cache_read_input_tokens`; `completion_tokens_details.reasoning_tokens` → `reasoning_tokens`.
 */
export function openaiChatUsage(raw: JsonObject, streamed: boolean): TokenUsage {
  const prompt = asNumber(raw.prompt_tokens) ?? 0;
  const completion = asNumber(raw.completion_tokens) ?? 0;
  const total = asNumber(raw.total_tokens) ?? (streamed ? 0 : prompt + completion);
  return withExtras(
    { prompt_tokens: prompt, completion_tokens: completion, total_tokens: total },
    {
      cache_read_input_tokens:
        nestedNumber(raw, 'prompt_tokens_details', 'cached_tokens') ??
        asNumber(raw.prompt_cache_hit_tokens),
      reasoning_tokens: nestedNumber(raw, 'completion_tokens_details', 'reasoning_tokens'),
    },
  );
}

function choicesOf(json: unknown): unknown[] {
  const choices = asObject(json)?.choices;
  return Array.isArray(choices) ? choices : [];
}

function readChunk(data: string): StreamEventResult {
  if (data === '[DONE]') return { done: true };
  const chunk = parseEventData(data);
  if (!chunk) return {};
  // An error chunk (`data: {"error": ...}`, an upstream's or a converted Anthropic `error`
  // event) ends the stream, as APISIX's parse_sse_event does: nothing is appended after it.
  if (isPlainObject(chunk.error)) return { done: true };
  const result: StreamEventResult = {};
  // Concatenated as found: a chunk has one choice, rarely more.
  let text: string | undefined;
  for (const choice of choicesOf(chunk)) {
    const delta = asObject(asObject(choice)?.delta);
    if (!delta) continue;
    if (typeof delta.content === 'string') {
      text = text === undefined ? delta.content : text + delta.content;
    }
    if (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) {
      // Each tool call's first delta carries its id; later deltas only extend the arguments.
      const started = delta.tool_calls.filter((c) => typeof asObject(c)?.id === 'string').length;
      result.toolCalls = (result.toolCalls ?? 0) + started;
    }
  }
  if (text !== undefined) result.text = text;
  if (isPlainObject(chunk.usage)) {
    result.usage = openaiChatUsage(chunk.usage, true);
    result.raw = chunk.usage;
    // The chunk `stream_options.include_usage` adds: usage with an empty `choices` array.
    if (Array.isArray(chunk.choices) && chunk.choices.length === 0) result.usageOnly = true;
  }
  return result;
}

/**
 * Whether the client's own body asked for the usage chunk (`stream_options.include_usage: true`);
 * when not, the chunk the gateway asked for is recorded but not forwarded (issue 16 item 7).
 */
export function clientAskedUsage(body: JsonObject | undefined): boolean {
  return asObject(body?.stream_options)?.include_usage === true;
}

/** True for `{"include_usage": true}` and nothing else: what the gateway would set anyway. */
function asksUsageOnly(options: unknown): boolean {
  if (!isPlainObject(options)) return false;
  const keys = Object.keys(options);
  return keys.length === 1 && keys[0] === 'include_usage' && options.include_usage === true;
}

/** The openai-chat protocol module. */
export const openaiChat: ProtocolModule = {
  name: 'openai-chat',
  matches: (_uri, body) => Array.isArray(body.messages),
  isStream: (body) => body.stream === true,
  prepareTarget(body) {
    // Replaces any client stream_options: usage must arrive in the final chunk (decision D5).
    // One that already says exactly that is kept, so the body stays the client's bytes.
    if (body.stream && !asksUsageOnly(body.stream_options)) {
      body.stream_options = { include_usage: true };
    }
  },
  usageFromResponse(json): UsageResult {
    const raw = asObject(asObject(json)?.usage);
    return raw ? { usage: openaiChatUsage(raw, false), raw } : {};
  },
  responseText(json) {
    const parts: string[] = [];
    for (const choice of choicesOf(json)) {
      const content = asObject(asObject(choice)?.message)?.content;
      if (typeof content === 'string') parts.push(content);
    }
    return joinText(parts);
  },
  createStreamReader: () => ({
    onEvent: (ev) => (ev.event === 'message' ? readChunk(ev.data) : {}),
    // `[DONE]` and events of other types go through onEvent.
    textLength: (ev) =>
      ev.event === 'message' && ev.data !== '[DONE]' ? chunkContentLength(ev.data) : undefined,
  }),
};
