/**
 * @module protocols/vertex-predict
 * Vertex AI's `:predict` for text embeddings (`{"instances": [{"content": ...}]}` →
 * `{"predictions": [{"embeddings": {"values", "statistics": {"token_count"}}}]}`): a target
 * protocol only, reached from OpenAI embeddings clients through conversion
 * (`convert/openai-embeddings-to-vertex-predict.ts`), as APISIX 3.18's `vertex-predict`.
 */
import { asNumber, asObject } from '../json';
import type { ProtocolModule } from './types';

/** Sum of the predictions' `statistics.token_count`. */
export function vertexPredictTokens(json: unknown): number {
  const predictions = asObject(json)?.predictions;
  let tokens = 0;
  for (const prediction of Array.isArray(predictions) ? predictions : []) {
    const statistics = asObject(asObject(asObject(prediction)?.embeddings)?.statistics);
    tokens += asNumber(statistics?.token_count) ?? 0;
  }
  return tokens;
}

/** The vertex-predict protocol module (never detected, never streams). */
export const vertexPredict: ProtocolModule = {
  name: 'vertex-predict',
  matches: () => false,
  isStream: () => false,
  prepareTarget: () => undefined,
  // The model is in the path; :predict refuses fields it does not know (instance options add it).
  finishTarget(body) {
    delete body.model;
  },
  usageFromResponse(json) {
    if (!Array.isArray(asObject(json)?.predictions)) return {};
    const tokens = vertexPredictTokens(json);
    return { usage: { prompt_tokens: tokens, completion_tokens: 0, total_tokens: tokens } };
  },
  responseText: () => '',
  createStreamReader: () => ({ onEvent: () => ({}) }),
};
