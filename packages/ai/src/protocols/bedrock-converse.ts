/**
 * @module protocols/bedrock-converse
 * Amazon Bedrock Converse (`/model/<id>/converse`): matched by a URI ending in `/converse` with
 * a `messages` array. Responses are JSON (streams use AWS event streams, not SSE, and are not
 * read here). The bedrock provider itself is not implemented yet.
 */
import { asNumber, asObject } from '../json';
import type { ProtocolModule } from './types';
import { joinText } from './util';

/** The bedrock-converse protocol module. */
export const bedrockConverse: ProtocolModule = {
  name: 'bedrock-converse',
  matches: (uri, body) => uri.endsWith('/converse') && Array.isArray(body.messages),
  isStream: () => false,
  prepareTarget: () => undefined,
  usageFromResponse(json) {
    const raw = asObject(asObject(json)?.usage);
    if (!raw) return {};
    const prompt = asNumber(raw.inputTokens) ?? 0;
    const completion = asNumber(raw.outputTokens) ?? 0;
    const total = asNumber(raw.totalTokens) ?? prompt + completion;
    return {
      usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: total },
      raw,
    };
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
  createStreamReader: () => ({ onEvent: () => ({}) }),
};
