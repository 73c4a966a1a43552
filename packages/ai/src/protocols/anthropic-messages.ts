/**
 * @module protocols/anthropic-messages
 * Anthropic Messages (`/v1/messages`): matched by the URI alone (any non-empty JSON body).
 * Streams split usage across events: `message_start` carries input and cache tokens,
 * `message_delta` the output tokens; the reader merges them. `message_start`'s `output_tokens` is
 * a placeholder (1): a stream cut before `message_delta` is charged the text relayed instead
 * (`finishAiRequest`, decision D5). A cut stream ends with Anthropic's `event: error` (D4).
 */
import { isPlainObject, setOwn, type JsonObject } from '@tollgate/core';
import type { TokenUsage } from '@tollgate/core';
import { asNumber, asObject } from '../json';
import { formatAnthropicSseError } from '../sse';
import type { ProtocolModule, StreamEventResult, StreamReader } from './types';
import { eventType, joinText, parseEventData, withExtras } from './util';

/**
 * Normalise an Anthropic `usage` object: prompt = `input_tokens`, completion = `output_tokens`,
 * total = their sum; `cache_read_input_tokens` / `cache_creation_input_tokens` kept as extras.
 */
export function anthropicUsage(raw: JsonObject): TokenUsage {
  const prompt = asNumber(raw.input_tokens) ?? 0;
  const completion = asNumber(raw.output_tokens) ?? 0;
  return withExtras(
    { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
    {
      cache_read_input_tokens: asNumber(raw.cache_read_input_tokens),
      cache_creation_input_tokens: asNumber(raw.cache_creation_input_tokens),
    },
  );
}

/**
 * Overlay `next` on `into` as APISIX merges stream usage: the first object is taken whole; later
 * numbers only overwrite when > 0 (so `message_delta`'s zeros never erase `message_start`'s
 * input tokens), other values only fill missing keys.
 */
function mergePositive(into: JsonObject | undefined, next: JsonObject): JsonObject {
  if (!into) return { ...next };
  for (const [key, value] of Object.entries(next)) {
    if (typeof value === 'number' ? value > 0 : !Object.hasOwn(into, key)) setOwn(into, key, value);
  }
  return into;
}

function createReader(): StreamReader {
  let raw: JsonObject | undefined;

  // Usage is recomputed from the merged raw object, so the total is always prompt+completion.
  function addUsage(part: JsonObject): StreamEventResult {
    raw = mergePositive(raw, part);
    return { usage: anthropicUsage(raw), raw: { ...raw } };
  }

  return {
    onEvent(ev) {
      const payload = parseEventData(ev.data);
      switch (eventType(ev.event, payload)) {
        case 'content_block_delta': {
          const delta = asObject(payload?.delta);
          return delta?.type === 'text_delta' && typeof delta.text === 'string'
            ? { text: delta.text }
            : {};
        }
        case 'content_block_start': {
          const type = asObject(payload?.content_block)?.type;
          return type === 'tool_use' ? { toolCalls: 1 } : {};
        }
        case 'message_start': {
          const usage = asObject(asObject(payload?.message)?.usage);
          return usage ? addUsage(usage) : {};
        }
        case 'message_delta':
          return payload && isPlainObject(payload.usage) ? addUsage(payload.usage) : {};
        case 'message_stop':
        case 'error': // APISIX ends the stream on an error event too
          return { done: true };
        default:
          return {};
      }
    },
    errorEvent: formatAnthropicSseError,
  };
}

/** The anthropic-messages protocol module. */
export const anthropicMessages: ProtocolModule = {
  name: 'anthropic-messages',
  matches: (uri) => uri.endsWith('/v1/messages'),
  isStream: (body) => body.stream === true,
  prepareTarget(body) {
    // OpenAI's stream_options means nothing to the Messages API, which refuses unknown fields
    // (APISIX drops it too).
    delete body.stream_options;
  },
  usageFromResponse(json) {
    const raw = asObject(asObject(json)?.usage);
    return raw ? { usage: anthropicUsage(raw), raw } : {};
  },
  responseText(json) {
    const content = asObject(json)?.content;
    if (!Array.isArray(content)) return '';
    const parts: string[] = [];
    for (const block of content) {
      const b = asObject(block);
      if (b?.type === 'text' && typeof b.text === 'string') parts.push(b.text);
    }
    return joinText(parts);
  },
  createStreamReader: createReader,
};
