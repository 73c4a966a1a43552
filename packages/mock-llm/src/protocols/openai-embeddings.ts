/**
 * @module protocols/openai-embeddings
 * OpenAI Embeddings: `POST …/embeddings`. A `list` of `embedding` objects whose vectors are
 * derived from the input text (same text, same vector), unit length, `dimensions` long (the
 * request's, else `behaviour.embeddingDimensions`). `encoding_format: "base64"` (the OpenAI SDK's
 * default) gets little-endian float32 bytes in base64.
 */
import { estimateTokens } from '../text';
import {
  jsonReply,
  modelOf,
  openAiErrorBody,
  type Protocol,
  type ProtocolRequest,
  type Refusal,
  type Reply,
} from './common';

/** FNV-1a, 32 bits. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a tiny seeded generator in [0, 1). */
function generator(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A deterministic unit vector for `text`, with float32 precision.
 * @example
 * embeddingFor('hello', 8).length // → 8, and always the same 8 numbers
 */
export function embeddingFor(text: string, dimensions: number): number[] {
  const next = generator(hash(text));
  const raw = Array.from({ length: dimensions }, () => next() * 2 - 1);
  const norm = Math.sqrt(raw.reduce((s, v) => s + v * v, 0)) || 1;
  return raw.map((v) => Math.fround(v / norm));
}

/** `vector` as OpenAI's base64 encoding: little-endian float32 bytes. */
export function toBase64(vector: number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
  return bytes.toString('base64');
}

type Input = string | number[];

function isTokens(input: unknown): input is number[] {
  return Array.isArray(input) && input.every((i) => typeof i === 'number');
}

/** A string, a list of token ids, or a list of those. */
function inputsOf(input: unknown): Input[] | undefined {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (isTokens(input)) return [input];
  if (input.every((i) => typeof i === 'string' || isTokens(i))) return input;
  return undefined;
}

function tokensOf(input: Input): number {
  return typeof input === 'string' ? estimateTokens(input.length) : input.length;
}

/** The most `dimensions` OpenAI's embedding models produce (text-embedding-3-large). */
const MAX_DIMENSIONS = 3072;

function dimensionsOf(req: ProtocolRequest): number {
  const d = req.body.dimensions;
  return typeof d === 'number' ? d : req.behaviour.embeddingDimensions;
}

/** Why the body cannot be embedded: its `input`, or a `dimensions` no model produces. */
function invalid(body: Record<string, unknown>): Refusal | undefined {
  if (!inputsOf(body.input)) {
    return {
      message:
        "'input' must be a string, a non-empty array of strings, or token arrays (of integers).",
      param: 'input',
      code: 'invalid_type',
    };
  }
  const d = body.dimensions;
  const valid = typeof d === 'number' && Number.isInteger(d) && d >= 1 && d <= MAX_DIMENSIONS;
  if (d === undefined || d === null || valid) return undefined;
  return {
    message: `Invalid value for 'dimensions': expected an integer from 1 to ${MAX_DIMENSIONS}.`,
    param: 'dimensions',
    code: 'invalid_value',
  };
}

function reply(req: ProtocolRequest): Reply {
  const inputs = inputsOf(req.body.input) ?? [];
  const dimensions = dimensionsOf(req);
  const base64 = req.body.encoding_format === 'base64';
  const prompt = req.behaviour.usage?.prompt ?? inputs.reduce((n, i) => n + tokensOf(i), 0);
  return jsonReply({
    object: 'list',
    data: inputs.map((input, index) => {
      const vector = embeddingFor(typeof input === 'string' ? input : input.join(' '), dimensions);
      return { object: 'embedding', index, embedding: base64 ? toBase64(vector) : vector };
    }),
    model: modelOf(req, 'mock-embedding'),
    ...(req.behaviour.omitUsage ? {} : { usage: { prompt_tokens: prompt, total_tokens: prompt } }),
  });
}

/** The Embeddings protocol (never streams). */
export const openAiEmbeddings: Protocol = {
  name: 'openai-embeddings',
  matches: (path) => path.endsWith('/embeddings'),
  invalid,
  reply,
  errorBody: openAiErrorBody,
};
