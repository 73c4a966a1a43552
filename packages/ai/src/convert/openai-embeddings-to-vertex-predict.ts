/**
 * @module convert/openai-embeddings-to-vertex-predict
 * OpenAI embeddings client → Vertex AI `:predict` (APISIX 3.18's pair): each input text becomes
 * an instance `{content}` (a token-id list is joined with spaces, as APISIX does), and the
 * predictions come back as an OpenAI `list` of `embedding`s with the summed `token_count` as
 * usage, as base64 float32 when the client asked for `encoding_format: "base64"` (the OpenAI
 * SDKs' default). The model is in the path (`provider_conf` and `options.model` or the client's
 * `model`).
 */
import { type JsonObject } from '@tollgate/core';
import { asObject } from '../json';
import { vertexPredictTokens } from '../protocols/vertex-predict';
import { ProtocolConversionError, type ConvertContext, type ProtocolConverter } from './types';
import { errorParts } from './util';

function contents(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input)) {
    throw new ProtocolConversionError('`input` must be a string or an array');
  }
  return input.map((item, i) => {
    if (typeof item === 'string') return item;
    if (Array.isArray(item)) return item.join(' ');
    throw new ProtocolConversionError(`unsupported input type at index ${i}`);
  });
}

function request(body: JsonObject): JsonObject {
  if (body.input === undefined) {
    throw new ProtocolConversionError('`input` is required for embeddings');
  }
  return { instances: contents(body.input).map((content) => ({ content })) };
}

/** `vector` as OpenAI's base64 encoding: little-endian float32 bytes. */
function base64Of(vector: unknown[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((v, i) => bytes.writeFloatLE(typeof v === 'number' ? v : 0, i * 4));
  return bytes.toString('base64');
}

function response(json: JsonObject, ctx: ConvertContext): JsonObject {
  // The OpenAI SDKs ask for base64 by default and decode it; Vertex answers floats.
  const base64 = ctx.clientBody?.encoding_format === 'base64';
  const predictions = json.predictions;
  if (!Array.isArray(predictions)) {
    throw new ProtocolConversionError('vertex response missing predictions');
  }
  const data = predictions.map((prediction, index) => {
    const values = asObject(asObject(prediction)?.embeddings)?.values;
    if (!Array.isArray(values)) {
      throw new ProtocolConversionError(`invalid embedding at index ${index}`);
    }
    return { object: 'embedding', index, embedding: base64 ? base64Of(values) : values };
  });
  const tokens = vertexPredictTokens(json);
  return {
    object: 'list',
    data,
    model: ctx.model ?? 'unknown',
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

/** openai-embeddings client → vertex-predict provider. */
export const openaiEmbeddingsToVertexPredict: ProtocolConverter = {
  from: 'openai-embeddings',
  to: 'vertex-predict',
  request,
  response,
  error(json, _status, text) {
    // Google's `{"error": {code, message, status}}`, as OpenAI's error object.
    const { message } = errorParts(asObject(json?.error) ?? json, text);
    return { error: { message, type: 'upstream_error', code: null } };
  },
  // Embeddings never stream.
  createStreamConverter: () => ({ push: () => [], end: () => [] }),
};
