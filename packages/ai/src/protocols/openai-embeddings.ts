/**
 * @module protocols/openai-embeddings
 * OpenAI Embeddings (`/v1/embeddings`): matched by a body with `input` (after chat). Never
 * streams.
 */
import { asNumber, asObject } from '../json';
import type { ProtocolModule } from './types';

/** The openai-embeddings protocol module. */
export const openaiEmbeddings: ProtocolModule = {
  name: 'openai-embeddings',
  matches: (_uri, body) => body.input !== undefined,
  isStream: () => false,
  prepareTarget: () => undefined,
  usageFromResponse(json) {
    const raw = asObject(asObject(json)?.usage);
    if (!raw) return {};
    const prompt = asNumber(raw.prompt_tokens) ?? 0;
    const completion = asNumber(raw.completion_tokens) ?? 0;
    const total = asNumber(raw.total_tokens) ?? prompt + completion;
    return {
      usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: total },
      raw,
    };
  },
  responseText: () => '',
  createStreamReader: () => ({ onEvent: () => ({}) }),
};
