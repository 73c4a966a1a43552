/**
 * @module protocols/bedrock-converse
 * Amazon Bedrock Converse (`/model/<id>/converse`): matched by a URI ending in `/converse` with
 * a `messages` array. Responses are JSON; ConverseStream (`/converse-stream`) answers in AWS
 * event-stream framing, which `transport/aws-eventstream.ts` decodes into events named by their
 * `:event-type` (`contentBlockDelta`, `messageStop`, `metadata`, ...) for this module's stream
 * reader.
 */
import { type JsonObject } from '@tollgate/core';
import { asNumber, asObject } from '../json';
import type { SseEvent } from '../sse';
import type { ProtocolModule, StreamEventResult, StreamReader } from './types';
import { joinText, parseEventData } from './util';

/** The bedrock-converse protocol module. */
export const bedrockConverse: ProtocolModule = {
  name: 'bedrock-converse',
  matches: (uri, body) =>
    (uri.endsWith('/converse') || uri.endsWith('/converse-stream')) && Array.isArray(body.messages),
  isStream: (_body, uri) => uri.endsWith('/converse-stream'),
  prepareTarget: () => undefined,
  usageFromResponse(json) {
    const raw = asObject(asObject(json)?.usage);
    if (!raw) return {};
    return { usage: usageOf(raw), raw };
  },
  responseText(json) {
    const content = asObject(asObject(asObject(json)?.output)?.message)?.content;
    if (!Array.isArray(content)) return '';
    const parts: string[] = [];
    for (const block of content) {
      const text = asObject(block)?.text;
      if (typeof text === 'string') parts.push(text);
    }
    return joinText(parts);
  },
  createStreamReader: createConverseStreamReader,
};

function usageOf(raw: JsonObject) {
  const prompt = asNumber(raw.inputTokens) ?? 0;
  const completion = asNumber(raw.outputTokens) ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: asNumber(raw.totalTokens) ?? prompt + completion,
  };
}

/**
 * Reader of a decoded ConverseStream: text from `contentBlockDelta` (`delta.text`), tool calls
 * from a `contentBlockStart` with `start.toolUse`, usage from `metadata` (`usage.inputTokens`,
 * `outputTokens`, `totalTokens`), which is the stream's last event and so its terminator.
 */
function createConverseStreamReader(): StreamReader {
  return {
    onEvent(ev: SseEvent): StreamEventResult {
      const payload = parseEventData(ev.data);
      if (!payload) return {};
      switch (ev.event) {
        case 'contentBlockDelta': {
          const text = asObject(payload.delta)?.text;
          return typeof text === 'string' ? { text } : {};
        }
        case 'contentBlockStart':
          return asObject(asObject(payload.start)?.toolUse) ? { toolCalls: 1 } : {};
        case 'metadata': {
          const raw = asObject(payload.usage);
          return raw ? { usage: usageOf(raw), raw, done: true } : { done: true };
        }
        default:
          return {};
      }
    },
  };
}
