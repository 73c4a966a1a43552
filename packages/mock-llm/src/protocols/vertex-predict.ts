/**
 * @module protocols/vertex-predict
 * Vertex AI's text embeddings: `POST …/publishers/google/models/<m>:predict` with
 * `{"instances": [{"content": "..."}]}`, answered with one prediction per instance:
 * `{"embeddings": {"values": [...], "statistics": {"token_count", "truncated"}}}`. The vectors are
 * the OpenAI embeddings endpoint's for the same text; the token counts split `behaviour.usage.prompt`
 * when set, else estimate each text. Google's error shape.
 */
import { estimateTokens } from '../text';
import { jsonReply, type Protocol, type ProtocolRequest, type Reply } from './common';
import { googleErrorBody } from './gemini-generate-content';
import { embeddingFor } from './openai-embeddings';

function contentsOf(body: Record<string, unknown>): string[] | undefined {
  const instances = body.instances;
  if (!Array.isArray(instances) || instances.length === 0) return undefined;
  const texts: string[] = [];
  for (const instance of instances) {
    const content = (instance as { content?: unknown } | null)?.content;
    if (typeof content !== 'string') return undefined;
    texts.push(content);
  }
  return texts;
}

function reply(req: ProtocolRequest): Reply {
  const texts = contentsOf(req.body) ?? [];
  const given = req.behaviour.usage?.prompt;
  return jsonReply({
    predictions: texts.map((text, i) => {
      // A given prompt count is spread over the instances (the first takes the remainder).
      const share =
        given === undefined
          ? estimateTokens(text.length)
          : Math.floor(given / texts.length) + (i === 0 ? given % texts.length : 0);
      return {
        embeddings: {
          values: embeddingFor(text, req.behaviour.embeddingDimensions),
          statistics: { token_count: share, truncated: false },
        },
      };
    }),
    metadata: { billableCharacterCount: texts.reduce((n, t) => n + t.length, 0) },
  });
}

/** The Vertex AI predict protocol (never streams). */
export const vertexPredict: Protocol = {
  name: 'vertex-predict',
  matches: (path) => path.endsWith(':predict'),
  invalid: (body) =>
    contentsOf(body)
      ? undefined
      : { message: 'instances must be a non-empty list of {"content": string}' },
  reply,
  errorBody: googleErrorBody,
};
