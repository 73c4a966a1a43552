/**
 * @module protocols/gemini-generate-content
 * Google's native `generateContent` API (Gemini API `/v1beta/models/<m>:generateContent`, Vertex
 * AI `…/publishers/google/models/<m>:generateContent`): a target protocol only, reached through
 * conversion (`convert/openai-chat-to-gemini-generate-content.ts`); clients are never detected as
 * speaking it, as in APISIX 3.18. The stream is `:streamGenerateContent?alt=sse`, chosen by the
 * path, so the body carries no `stream` flag; the model is in the path too.
 */
import { setOwn, type JsonObject } from '@tollgate/core';
import type { TokenUsage } from '@tollgate/core';
import { ownValue } from '@tollgate/core';
import { asNumber, asObject } from '../json';
import type { ProtocolModule, StreamReader } from './types';
import { joinText, parseEventData, withExtras } from './util';

/**
 * Normalise Gemini `usageMetadata`: `promptTokenCount` (cached tokens included, as OpenAI's
 * `prompt_tokens`), `candidatesTokenCount` + `thoughtsTokenCount` as completion, so that the
 * total equals `totalTokenCount`; `cachedContentTokenCount` → `cache_read_input_tokens`.
 */
export function geminiUsage(raw: JsonObject): TokenUsage {
  const prompt = asNumber(raw.promptTokenCount) ?? 0;
  const thoughts = asNumber(raw.thoughtsTokenCount);
  const completion = (asNumber(raw.candidatesTokenCount) ?? 0) + (thoughts ?? 0);
  return withExtras(
    {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: asNumber(raw.totalTokenCount) ?? prompt + completion,
    },
    { cache_read_input_tokens: asNumber(raw.cachedContentTokenCount), reasoning_tokens: thoughts },
  );
}

/** The text parts of a Gemini answer's first candidate (thoughts excluded). */
function geminiText(json: unknown): string[] {
  const candidates = asObject(json)?.candidates;
  const first = Array.isArray(candidates) ? asObject(candidates[0]) : undefined;
  const parts = asObject(first?.content)?.parts;
  const texts: string[] = [];
  for (const item of Array.isArray(parts) ? parts : []) {
    const part = asObject(item);
    if (typeof part?.text === 'string' && part.thought !== true) texts.push(part.text);
  }
  return texts;
}

/** A `generateContent` method path (Gemini API or Vertex AI): `…:generateContent` or the stream. */
export const GENERATE_CONTENT_PATH = /:(?:stream)?[gG]enerateContent$/;

/**
 * The path of an attempt at a `generateContent` endpoint: `{model}`, `{project_id}` and
 * `{region}` replaced (each escaped into one segment), and the method chosen by `stream`
 * (`:streamGenerateContent`, sent with `alt=sse`, or `:generateContent`). Undefined when a
 * placeholder has no value.
 *
 * @example
 * generateContentPath('/v1beta/models/{model}:generateContent', { model: 'gemini-2.0-flash' }, true);
 * // '/v1beta/models/gemini-2.0-flash:streamGenerateContent'
 */
export function generateContentPath(
  path: string,
  values: { model?: string; project_id?: string; region?: string },
  stream: boolean,
): string | undefined {
  let missing = false;
  const filled = path.replace(/\{(model|project_id|region)\}/g, (_m, key: keyof typeof values) => {
    const value = values[key];
    if (!value) missing = true;
    return encodeURIComponent(value ?? '');
  });
  if (missing) return undefined;
  return filled.replace(
    GENERATE_CONTENT_PATH,
    stream ? ':streamGenerateContent' : ':generateContent',
  );
}

/** OpenAI-style top-level fields (from `options`, `override.*`) → `generationConfig` keys. */
const GENERATION_FIELDS: Readonly<Record<string, string>> = {
  max_tokens: 'maxOutputTokens',
  max_completion_tokens: 'maxOutputTokens',
  temperature: 'temperature',
  top_p: 'topP',
  top_k: 'topK',
  n: 'candidateCount',
  seed: 'seed',
  presence_penalty: 'presencePenalty',
  frequency_penalty: 'frequencyPenalty',
};

/** Fields the Gemini API rejects at the top level and that carry nothing it needs. */
const DROPPED = ['model', 'stream', 'stream_options', 'user'];

function finishTarget(body: JsonObject): void {
  for (const key of DROPPED) delete body[key];
  // A copy: the nested config may be shared with an earlier step's object.
  const config: JsonObject = { ...(asObject(body.generationConfig) ?? {}) };
  let moved = false;
  for (const [key, target] of Object.entries(GENERATION_FIELDS)) {
    if (!Object.hasOwn(body, key)) continue;
    setOwn(config, target, ownValue(body, key));
    delete body[key];
    moved = true;
  }
  if (Object.hasOwn(body, 'stop')) {
    const stop = body.stop;
    config.stopSequences = typeof stop === 'string' ? [stop] : stop;
    delete body.stop;
    moved = true;
  }
  if (moved) body.generationConfig = config;
}

function createGeminiStreamReader(): StreamReader {
  return {
    onEvent(ev) {
      const payload = parseEventData(ev.data);
      if (!payload) return {};
      const texts = geminiText(payload);
      const raw = asObject(payload.usageMetadata);
      const out: ReturnType<StreamReader['onEvent']> = {};
      if (texts.length > 0) out.text = texts.join('');
      if (raw) {
        out.usage = geminiUsage(raw);
        out.raw = raw;
      }
      return out;
    },
  };
}

/** The gemini-generate-content protocol module (a conversion target only). */
export const geminiGenerateContent: ProtocolModule = {
  name: 'gemini-generate-content',
  matches: () => false,
  isStream: (_body, uri) => uri.includes(':streamGenerateContent'),
  prepareTarget: () => undefined,
  finishTarget,
  usageFromResponse(json) {
    const raw = asObject(asObject(json)?.usageMetadata);
    return raw ? { usage: geminiUsage(raw), raw } : {};
  },
  responseText: (json) => joinText(geminiText(json)),
  createStreamReader: createGeminiStreamReader,
};
