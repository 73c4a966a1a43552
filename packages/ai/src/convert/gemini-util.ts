/**
 * @module convert/gemini-util
 * Mappings shared by the converters whose target is Gemini `generateContent`: finish reasons,
 * usage, errors, images and tool-parameter schemas.
 */
import { setOwn, type JsonObject } from '@tollgate/core';
import { asNumber, asObject } from '../json';
import { imageUrlOf, parseDataUrl } from './util';

/** Gemini `finishReason` → OpenAI `finish_reason` (Google's OpenAI-compatible endpoint's table). */
const TO_OPENAI_FINISH: Readonly<Record<string, string>> = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content_filter',
  RECITATION: 'content_filter',
  BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  SPII: 'content_filter',
  IMAGE_SAFETY: 'content_filter',
};

/**
 * The OpenAI `finish_reason` of a Gemini candidate: `tool_calls` when it called a function and
 * stopped normally; `stop` for reasons without an equivalent (`OTHER`, `LANGUAGE`, ...).
 */
export function finishFromGemini(reason: unknown, calledTools: boolean): string {
  const mapped =
    typeof reason === 'string' && Object.hasOwn(TO_OPENAI_FINISH, reason)
      ? TO_OPENAI_FINISH[reason]
      : undefined;
  if (calledTools && (mapped === undefined || mapped === 'stop')) return 'tool_calls';
  return mapped ?? 'stop';
}

/**
 * Gemini `usageMetadata` → OpenAI `usage`: `promptTokenCount` already includes
 * `cachedContentTokenCount` (→ `prompt_tokens_details.cached_tokens`), and thinking tokens
 * (`thoughtsTokenCount`) count as completion (→ `completion_tokens_details.reasoning_tokens`),
 * so `total_tokens` = `totalTokenCount`.
 */
export function openaiUsageFromGemini(meta: JsonObject | undefined): JsonObject {
  const prompt = asNumber(meta?.promptTokenCount) ?? 0;
  const thoughts = asNumber(meta?.thoughtsTokenCount);
  const completion = (asNumber(meta?.candidatesTokenCount) ?? 0) + (thoughts ?? 0);
  const out: JsonObject = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: asNumber(meta?.totalTokenCount) ?? prompt + completion,
  };
  const cached = asNumber(meta?.cachedContentTokenCount);
  if (cached !== undefined) out.prompt_tokens_details = { cached_tokens: cached };
  if (thoughts !== undefined) out.completion_tokens_details = { reasoning_tokens: thoughts };
  return out;
}

/** OpenAI's error `type` for an HTTP status. */
function openaiErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

/**
 * A Google error (`{"error":{"code","message","status"}}`, possibly inside a one-element array)
 * → OpenAI's `{"error":{"message","type","code","param"}}`; `code` is Google's `status`
 * (`INVALID_ARGUMENT`, `RESOURCE_EXHAUSTED`, ...).
 */
export function openaiErrorFromGemini(
  json: JsonObject | undefined,
  status: number,
  text: string,
): JsonObject {
  const err = asObject(json?.error) ?? asObject(json);
  const message = typeof err?.message === 'string' ? err.message : text;
  const code = typeof err?.status === 'string' ? err.status : null;
  return { error: { message, type: openaiErrorType(status), code, param: null } };
}

/** An OpenAI `image_url` part → a Gemini part (`inlineData` for a data URL, else `fileData`). */
export function geminiImagePart(part: JsonObject): JsonObject | undefined {
  const url = imageUrlOf(part);
  if (url === undefined || url === '') return undefined;
  const inline = parseDataUrl(url);
  if (inline) return { inlineData: { mimeType: inline.mediaType, data: inline.data } };
  return { fileData: { mimeType: mimeOf(url), fileUri: url } };
}

const MIME_BY_EXT: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  pdf: 'application/pdf',
};

function mimeOf(url: string): string {
  const ext = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase();
  return (ext && Object.hasOwn(MIME_BY_EXT, ext) ? MIME_BY_EXT[ext] : undefined) ?? 'image/jpeg';
}

/** JSON Schema keywords Gemini's `parameters` (an OpenAPI subset) refuses. */
const UNSUPPORTED_SCHEMA_KEYS = new Set(['$schema', 'additionalProperties', 'strict', '$id']);

/** A tool's JSON Schema without the keywords Gemini refuses, at every depth (a copy). */
export function geminiSchema(value: unknown, depth = 0): unknown {
  if (depth > 32) return value;
  if (Array.isArray(value)) return value.map((v) => geminiSchema(v, depth + 1));
  const obj = asObject(value);
  if (!obj) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(obj)) {
    if (UNSUPPORTED_SCHEMA_KEYS.has(k)) continue;
    if (k === 'properties' && asObject(v)) {
      // Property names are the user's, never keywords: only their schemas are cleaned.
      const props: JsonObject = {};
      for (const [name, schema] of Object.entries(v as JsonObject)) {
        setOwn(props, name, geminiSchema(schema, depth + 1));
      }
      out.properties = props;
    } else setOwn(out, k, geminiSchema(v, depth + 1));
  }
  return out;
}
