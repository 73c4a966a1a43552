/**
 * @module convert/util
 * Mappings shared by the Anthropic ↔ OpenAI converters: stop reasons, usage, images, errors.
 */
import { type JsonObject } from '@tollgate/core';
import { asNumber, asObject } from '../json';
import type { ClientEvent } from './types';

/** OpenAI `finish_reason` → Anthropic `stop_reason` (APISIX's table). */
const TO_ANTHROPIC_STOP: Readonly<Record<string, string>> = {
  stop: 'end_turn',
  length: 'max_tokens',
  content_filter: 'end_turn',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
};

/** Anthropic `stop_reason` → OpenAI `finish_reason` (APISIX's table). */
const TO_OPENAI_FINISH: Readonly<Record<string, string>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  pause_turn: 'stop',
  refusal: 'content_filter',
};

/** `table[key]` when `key` is a string the table holds (own keys only), else `dflt`. */
export const lookup = (
  table: Readonly<Record<string, string>>,
  key: unknown,
  dflt: string,
): string =>
  (typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined) ?? dflt;

export const anthropicStopReason = (finish: unknown): string =>
  lookup(TO_ANTHROPIC_STOP, finish, 'end_turn');

export const openaiFinishReason = (stop: unknown): string => lookup(TO_OPENAI_FINISH, stop, 'stop');

/**
 * OpenAI usage → Anthropic usage, as APISIX maps it: `input_tokens` = `prompt_tokens` (cached
 * tokens included, so totals stay equal in both protocols), `cache_read_input_tokens` =
 * `prompt_tokens_details.cached_tokens` when present.
 */
export function anthropicUsageFromOpenai(usage: JsonObject): JsonObject {
  const out: JsonObject = {
    input_tokens: asNumber(usage.prompt_tokens) ?? 0,
    output_tokens: asNumber(usage.completion_tokens) ?? 0,
  };
  const cached = asNumber(asObject(usage.prompt_tokens_details)?.cached_tokens);
  if (cached !== undefined) out.cache_read_input_tokens = cached;
  return out;
}

/**
 * Anthropic usage → OpenAI usage, as APISIX maps it: Anthropic's `input_tokens` excludes cache
 * reads and writes, OpenAI's `prompt_tokens` includes them, so they are added back.
 */
export function openaiUsageFromAnthropic(usage: JsonObject): JsonObject {
  const cacheRead = asNumber(usage.cache_read_input_tokens) ?? 0;
  const cacheWrite = asNumber(usage.cache_creation_input_tokens) ?? 0;
  const prompt = (asNumber(usage.input_tokens) ?? 0) + cacheRead + cacheWrite;
  const completion = asNumber(usage.output_tokens) ?? 0;
  const out: JsonObject = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
  if (cacheRead > 0 || cacheWrite > 0) out.prompt_tokens_details = { cached_tokens: cacheRead };
  return out;
}

/** The URL of an OpenAI `image_url` part (`"image_url": url` or `{"url": url}`), or undefined. */
export function imageUrlOf(part: JsonObject): string | undefined {
  const ref = part.image_url;
  const url = typeof ref === 'string' ? ref : asObject(ref)?.url;
  return typeof url === 'string' ? url : undefined;
}

const DATA_URL = /^data:([^;,]+);base64,(.+)$/s;

/** The media type and base64 data of a `data:…;base64,` URL, or undefined. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const m = DATA_URL.exec(url);
  return m ? { mediaType: m[1] as string, data: m[2] as string } : undefined;
}

/** An Anthropic image block from an OpenAI `image_url` part (data URL → base64 source). */
export function anthropicImage(part: JsonObject): JsonObject | undefined {
  const url = imageUrlOf(part);
  if (url === undefined || url === '') return undefined;
  const inline = parseDataUrl(url);
  if (inline) {
    return {
      type: 'image',
      source: { type: 'base64', media_type: inline.mediaType, data: inline.data },
    };
  }
  return { type: 'image', source: { type: 'url', url } };
}

/** An OpenAI `image_url` part from an Anthropic image block. */
export function openaiImage(block: JsonObject): JsonObject | undefined {
  const source = asObject(block.source);
  if (source?.type === 'base64' && typeof source.data === 'string') {
    const mediaType = typeof source.media_type === 'string' ? source.media_type : 'image/png';
    return { type: 'image_url', image_url: { url: `data:${mediaType};base64,${source.data}` } };
  }
  if (source?.type === 'url' && typeof source.url === 'string') {
    return { type: 'image_url', image_url: { url: source.url } };
  }
  return undefined;
}

/** Anthropic's error `type` for an HTTP status. */
function anthropicErrorType(status: number): string {
  if (status === 400) return 'invalid_request_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status === 529 || status === 503) return 'overloaded_error';
  return 'api_error';
}

/** The message and type of an error body in either shape (`{error:{...}}` or a plain string). */
export function errorParts(
  json: JsonObject | undefined,
  text: string,
): { message: string; type?: string } {
  const err = json?.error;
  if (typeof err === 'string') return { message: err };
  const obj = asObject(err);
  if (obj) {
    const message = typeof obj.message === 'string' ? obj.message : text;
    return typeof obj.type === 'string' ? { message, type: obj.type } : { message };
  }
  if (typeof json?.message === 'string') return { message: json.message };
  return { message: text };
}

/** An upstream error body (either shape) as Anthropic's `{"type":"error","error":{...}}`. */
export function anthropicError(
  json: JsonObject | undefined,
  status: number,
  text: string,
): JsonObject {
  const { message } = errorParts(json, text);
  return { type: 'error', error: { type: anthropicErrorType(status), message } };
}

/** An Anthropic stream event: the `event:` line and the payload's `type` are both `type`. */
export const anthropicEvent = (type: string, payload: JsonObject): ClientEvent => ({
  event: type,
  data: JSON.stringify({ type, ...payload }),
});

/**
 * An upstream error body (either shape) as OpenAI's `{"error":{message,type,code,param}}`, its
 * `type` kept when it has one (the Responses API and chat completions share this shape).
 */
export function openaiError(
  json: JsonObject | undefined,
  status: number,
  text: string,
): JsonObject {
  const { message, type } = errorParts(json, text);
  const kind = type ?? (status >= 500 ? 'server_error' : 'invalid_request_error');
  return { error: { message, type: kind, code: null, param: null } };
}

/**
 * The `chat.completion.chunk` events of one stream converted for an OpenAI chat client: every
 * chunk carries the same `id`, `created` and `model`, which the upstream's first event may set.
 */
export class ChatChunks {
  created = Math.floor(Date.now() / 1000);
  id: string;
  model: string;

  constructor(id: string, model: string) {
    this.id = id;
    this.model = model;
  }

  /** A chunk of one choice: `delta`, with `finish` as its `finish_reason`. */
  delta(delta: JsonObject, finish: string | null = null): ClientEvent {
    return this.frame({ choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
  }

  /** The stream's close: the usage chunk (no choices), then `[DONE]`. */
  done(usage: JsonObject): ClientEvent[] {
    return [this.frame({ choices: [], usage }), { data: '[DONE]' }];
  }

  private frame(body: JsonObject): ClientEvent {
    const { id, created, model } = this;
    return {
      data: JSON.stringify({ id, object: 'chat.completion.chunk', created, model, ...body }),
    };
  }
}

/** The OpenAI-shaped SSE error event sent when an upstream stream fails (no `event:` line). */
export function openaiStreamError(message: string, type = 'api_error'): ClientEvent {
  return { data: JSON.stringify({ error: { message, type, code: null } }) };
}

/** Parse a JSON object, or undefined. */
export function parseObject(text: string): JsonObject | undefined {
  try {
    return asObject(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** Text of an OpenAI content value (string, or the text parts of an array). */
export function openaiText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let out = '';
  for (const part of content) {
    const p = asObject(part);
    if (p?.type === 'text' && typeof p.text === 'string') out += p.text;
  }
  return out;
}

/**
 * An upstream event whose type is its `event:` line, else its JSON's `type` (Anthropic and the
 * Responses API send both), with its JSON object; undefined when it has neither.
 */
export function typedEvent(ev: {
  event: string;
  data: string;
}): { type: string; payload: JsonObject } | undefined {
  const payload = parseObject(ev.data);
  if (!payload) return undefined;
  const type = ev.event !== 'message' ? ev.event : payload.type;
  return typeof type === 'string' ? { type, payload } : undefined;
}
