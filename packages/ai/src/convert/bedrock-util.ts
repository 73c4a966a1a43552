/**
 * @module convert/bedrock-util
 * Mappings shared by the converters whose target is Amazon Bedrock Converse (from openai-chat and
 * from anthropic-messages): images, tool configuration, role alternation, stop reasons, usage and
 * the decoded ConverseStream events (`transport/aws-eventstream.ts`: `event` = `:event-type`,
 * `exception:<type>` for an exception frame).
 */
import { type JsonObject } from '@tollgate/core';
import { asNumber, asObject } from '../json';
import { ProtocolConversionError } from './types';
import { lookup } from './util';

/** The image formats Converse takes (`image.format`), by media type. */
const IMAGE_FORMATS: Readonly<Record<string, string>> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

/**
 * A Converse image block from a media type and base64 data. Converse takes image bytes only (or
 * S3 locations): a URL cannot be fetched by the gateway, so it is refused (400).
 */
export function bedrockImage(mediaType: string, data: string): JsonObject {
  const format = Object.hasOwn(IMAGE_FORMATS, mediaType) ? IMAGE_FORMATS[mediaType] : undefined;
  if (!format) throw new ProtocolConversionError(`unsupported image type ${mediaType}`);
  return { image: { format, source: { bytes: data } } };
}

/** Refusal of an image given by URL (Converse has no URL source). */
export function imageUrlUnsupported(): never {
  throw new ProtocolConversionError(
    'bedrock-converse takes images as base64 data only, not by URL',
  );
}

/** A `toolSpec` entry of `toolConfig.tools`. */
export function bedrockToolSpec(
  name: string,
  description: unknown,
  schema: unknown,
): { toolSpec: JsonObject } {
  const spec: JsonObject = { name };
  if (typeof description === 'string' && description !== '') spec.description = description;
  spec.inputSchema = { json: asObject(schema) ?? { type: 'object' } };
  return { toolSpec: spec };
}

/**
 * Messages with consecutive turns of the same role merged into one (Converse requires user and
 * assistant turns to alternate; OpenAI tool results followed by a user message, or two user
 * messages in a row, would otherwise be refused).
 */
export function alternateRoles(messages: readonly JsonObject[]): JsonObject[] {
  const out: JsonObject[] = [];
  for (const msg of messages) {
    const last = out.at(-1);
    const content = msg.content as JsonObject[];
    if (content.length === 0) continue;
    if (last && last.role === msg.role) {
      // `last.content` is this function's own copy: appended to, not copied again per merge.
      for (const block of content) (last.content as JsonObject[]).push(block);
    } else out.push({ role: msg.role, content: [...content] });
  }
  return out;
}

/** Converse `stopReason` → OpenAI `finish_reason`. */
const TO_OPENAI_FINISH: Readonly<Record<string, string>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
};

/** Converse `stopReason` → Anthropic `stop_reason`. */
const TO_ANTHROPIC_STOP: Readonly<Record<string, string>> = {
  end_turn: 'end_turn',
  stop_sequence: 'stop_sequence',
  max_tokens: 'max_tokens',
  tool_use: 'tool_use',
  guardrail_intervened: 'refusal',
  content_filtered: 'refusal',
};

export const finishFromBedrock = (stop: unknown): string => lookup(TO_OPENAI_FINISH, stop, 'stop');
export const anthropicStopFromBedrock = (stop: unknown): string =>
  lookup(TO_ANTHROPIC_STOP, stop, 'end_turn');

/**
 * Converse usage → Anthropic usage. Both count input tokens without the cache reads and writes,
 * so the numbers map one to one: `inputTokens` → `input_tokens`, `cacheReadInputTokens` →
 * `cache_read_input_tokens`, `cacheWriteInputTokens` → `cache_creation_input_tokens`.
 */
export function anthropicUsageFromBedrock(usage: JsonObject | undefined): JsonObject {
  const out: JsonObject = {
    input_tokens: asNumber(usage?.inputTokens) ?? 0,
    output_tokens: asNumber(usage?.outputTokens) ?? 0,
  };
  const read = asNumber(usage?.cacheReadInputTokens);
  const write = asNumber(usage?.cacheWriteInputTokens);
  if (read !== undefined) out.cache_read_input_tokens = read;
  if (write !== undefined) out.cache_creation_input_tokens = write;
  return out;
}

/** Text of an exception frame's payload (`{"message": ...}`), for the client's error event. */
export function bedrockExceptionMessage(event: string, payload: JsonObject | undefined): string {
  const type = event.slice('exception:'.length);
  const message = typeof payload?.message === 'string' ? payload.message : 'upstream error';
  return `${type}: ${message}`;
}
