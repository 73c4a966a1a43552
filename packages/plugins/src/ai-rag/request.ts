/**
 * @module ai-rag/request
 * What the client must send (APISIX's `request_schema` with its drivers' parts):
 * `ai_rag: {vector_search: {fields: string}, embeddings: {input: string}}`, other keys allowed
 * (they go to the embeddings request as they are, e.g. `dimensions`).
 */
import { validateAgainst } from '@tollgate/schema';

const REQUEST_SCHEMA = {
  type: 'object',
  properties: {
    ai_rag: {
      type: 'object',
      properties: {
        vector_search: {
          type: 'object',
          properties: { fields: { type: 'string' } },
          required: ['fields'],
        },
        embeddings: {
          type: 'object',
          properties: { input: { type: 'string' } },
          required: ['input'],
        },
      },
      required: ['vector_search', 'embeddings'],
    },
  },
};

/** The client's `ai_rag` once it passed the schema. */
export interface AiRagRequest {
  vector_search: { fields: string; [key: string]: unknown };
  embeddings: { input: string; [key: string]: unknown };
}

/** `ai_rag` checked; the failure in APISIX's words (`property "ai_rag" validation failed: ...`). */
export function checkAiRag(
  aiRag: unknown,
): { ok: true; value: AiRagRequest } | { ok: false; message: string } {
  const result = validateAgainst(REQUEST_SCHEMA, { ai_rag: aiRag });
  return result.valid
    ? { ok: true, value: aiRag as AiRagRequest }
    : { ok: false, message: result.message };
}
