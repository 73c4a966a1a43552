/**
 * @module ai-rag/access
 * The access phase (spec A.9): read the JSON body, check its `ai_rag` field, embed
 * `ai_rag.embeddings`, search with the vector on `ai_rag.vector_search.fields`, then drop `ai_rag`
 * and append the search result (the service's answer, as text) as one `user` message.
 */
import {
  BodyTooLargeError,
  createLogger,
  exit,
  isPlainObject,
  ownerOf,
  type Exit,
  type RequestContext,
} from '@tollgate/core';
import type { AiRagConf } from '@tollgate/schema';
import { errorPage } from '../fault-injection/page';
import { getEmbedding, vectorSearch } from './azure';
import { checkAiRag } from './request';

const log = createLogger('ai-rag');

/** APISIX reads the body with no plugin limit; Tollgate bounds it like the other AI plugins. */
export const MAX_BODY_BYTES = 67_108_864;

/** nginx's page for a status APISIX answers without a body. */
function bare(status: number): Exit {
  return exit(status, errorPage(status), { 'content-type': 'text/html' });
}

async function readJson(ctx: RequestContext): Promise<{ body: unknown } | { refused: Exit }> {
  let raw: Buffer;
  try {
    raw = await ctx.readBody(MAX_BODY_BYTES);
  } catch (err) {
    if (!(err instanceof BodyTooLargeError)) throw err;
    return { refused: exit(400, { message: `could not get body: ${err.message}` }) };
  }
  if (raw.length === 0) {
    return { refused: exit(400, { message: 'could not get body: request body is empty' }) };
  }
  try {
    return { body: JSON.parse(raw.toString('utf8')) };
  } catch (err) {
    const message = `could not parse JSON request body: ${(err as Error).message}`;
    return { refused: exit(400, { message }) };
  }
}

/** Augment the request with the search result; an Exit when it cannot go on. */
export async function augmentRequest(
  conf: AiRagConf,
  ctx: RequestContext,
): Promise<Exit | undefined> {
  const read = await readJson(ctx);
  if ('refused' in read) return read.refused;
  const body = read.body;
  const route = { route_id: ctx.route?.id };
  const aiRag: unknown = isPlainObject(body) ? body.ai_rag : undefined;
  if (aiRag === undefined || aiRag === null || aiRag === false || !isPlainObject(body)) {
    log.error('request body must have "ai-rag" field', route);
    return bare(400);
  }
  const checked = checkAiRag(aiRag);
  if (!checked.ok) {
    log.error(`request body fails schema check: ${checked.message}`, route);
    return bare(400);
  }
  const owner = ownerOf(conf) ?? 'unbound';
  const signal = ctx.clientSignal;
  const embedding = await getEmbedding(
    conf.embeddings_provider.azure_openai,
    checked.value.embeddings,
    `${owner}#ai-rag#embeddings`,
    signal,
  );
  if (!embedding.ok) {
    if (!embedding.clientGone) log.error(`could not get embeddings: ${embedding.body}`, route);
    return exit(embedding.status, embedding.body);
  }
  const found = await vectorSearch(
    conf.vector_search_provider.azure_ai_search,
    embedding.value,
    checked.value.vector_search.fields,
    `${owner}#ai-rag#search`,
    signal,
  );
  if (!found.ok) {
    if (!found.clientGone) log.error(`could not get vector_search result: ${found.body}`, route);
    return exit(found.status, found.body);
  }

  delete body.ai_rag;
  const messages = body.messages ?? [];
  if (!Array.isArray(messages)) {
    log.error('request body "messages" is not an array', route);
    return bare(500);
  }
  messages.push({ role: 'user', content: found.value });
  body.messages = messages;
  ctx.replaceBody(Buffer.from(JSON.stringify(body)));
  return undefined;
}
