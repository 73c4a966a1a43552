/**
 * @module protocols/openai-responses
 * OpenAI Responses (`/v1/responses`): matched by the URI plus an `input` field. Streams carry
 * text in `response.output_text.delta` and usage in `response.completed`, which also ends them;
 * a stream the gateway cuts ends with `response.failed` (decision D4).
 */
import { type JsonObject } from '@tollgate/core';
import type { TokenUsage } from '@tollgate/core';
import { asNumber, asObject } from '../json';
import { formatResponsesFailed, type ResponsesStreamMarks } from '../sse';
import type { ProtocolModule, StreamEventResult, StreamReader } from './types';
import { eventType, joinText, nestedNumber, parseEventData, withExtras } from './util';

/**
 * Normalise a Responses `usage` object: `input_tokens`, `output_tokens`, `total_tokens` (else
 * their sum); extras from `input_tokens_details.cached_tokens` and
 * `output_tokens_details.reasoning_tokens`.
 */
export function responsesUsage(raw: JsonObject): TokenUsage {
  const prompt = asNumber(raw.input_tokens) ?? 0;
  const completion = asNumber(raw.output_tokens) ?? 0;
  return withExtras(
    {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: asNumber(raw.total_tokens) ?? prompt + completion,
    },
    {
      cache_read_input_tokens: nestedNumber(raw, 'input_tokens_details', 'cached_tokens'),
      reasoning_tokens: nestedNumber(raw, 'output_tokens_details', 'reasoning_tokens'),
    },
  );
}

function functionCalls(response: JsonObject | undefined): number {
  const output = response?.output;
  if (!Array.isArray(output)) return 0;
  return output.filter((item) => asObject(item)?.type === 'function_call').length;
}

function completed(payload: JsonObject | undefined): StreamEventResult {
  const result: StreamEventResult = { done: true };
  const response = asObject(payload?.response);
  const raw = asObject(response?.usage);
  if (raw) {
    result.usage = responsesUsage(raw);
    result.raw = raw;
  }
  const calls = functionCalls(response);
  if (calls > 0) result.toolCalls = calls;
  return result;
}

/** Remember the response's id, model and latest sequence number, for `response.failed`. */
function mark(marks: ResponsesStreamMarks, payload: JsonObject | undefined): void {
  const sequence = asNumber(payload?.sequence_number);
  if (sequence !== undefined) marks.sequenceNumber = sequence;
  const response = asObject(payload?.response);
  if (!response) return;
  if (typeof response.id === 'string') marks.id = response.id;
  if (typeof response.model === 'string') marks.model = response.model;
  const createdAt = asNumber(response.created_at);
  if (createdAt !== undefined) marks.createdAt = createdAt;
}

function createReader(): StreamReader {
  const marks: ResponsesStreamMarks = {};
  return {
    onEvent(ev) {
      const payload = parseEventData(ev.data);
      mark(marks, payload);
      switch (eventType(ev.event, payload)) {
        case 'response.output_text.delta':
          return typeof payload?.delta === 'string' ? { text: payload.delta } : {};
        case 'response.completed':
          return completed(payload);
        case 'response.failed':
        case 'response.incomplete':
        case 'error':
          return { done: true };
        default:
          return {};
      }
    },
    // A cut stream ends with `response.failed`, continuing the stream's id and sequence (D4).
    errorEvent: (message) => formatResponsesFailed(message, marks),
  };
}

/** The openai-responses protocol module. */
export const openaiResponses: ProtocolModule = {
  name: 'openai-responses',
  matches: (uri, body) => uri.endsWith('/v1/responses') && body.input !== undefined,
  isStream: (body) => body.stream === true,
  prepareTarget: () => undefined,
  usageFromResponse(json) {
    const raw = asObject(asObject(json)?.usage);
    return raw ? { usage: responsesUsage(raw), raw } : {};
  },
  responseText(json) {
    const output = asObject(json)?.output;
    if (!Array.isArray(output)) return '';
    const parts: string[] = [];
    for (const item of output) {
      const it = asObject(item);
      if (it?.type !== 'message' || !Array.isArray(it.content)) continue;
      for (const part of it.content) {
        const p = asObject(part);
        if (p?.type === 'output_text' && typeof p.text === 'string') parts.push(p.text);
      }
    }
    return joinText(parts);
  },
  createStreamReader: createReader,
};
