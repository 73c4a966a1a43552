/**
 * @module ai-rag/azure
 * The two Azure calls of ai-rag (spec A.9), each a JSON POST with the `api-key` header to the
 * configured URL (whose query carries `api-version`), sent through the worker's AI transport:
 * - Azure OpenAI embeddings: the client's `ai_rag.embeddings` object as the body; the vector is
 *   `data[0].embedding` of the answer;
 * - Azure AI Search: `{"vectorQueries": [{"kind": "vector", "vector": ..., "fields": ...}]}`;
 *   the answer's body, as text, is the search result.
 * A failed call says what the client gets, as APISIX's drivers do: the service's own status and
 * body when it answered with another status than 200, else 500 and the error text.
 */
import { ExchangeCancel, isUpstreamTransportError } from '@tollgate/ai';
import type { AiRagAzureAiSearch, AiRagAzureOpenai } from '@tollgate/schema';
import { aiRuntime } from '../ai-common/runtime';

export type CallResult<T> =
  { ok: true; value: T } | { ok: false; status: number; body: string; clientGone?: boolean };

/** lua-resty-http's default socket timeouts (60 s each for connect, send and read). */
const TIMEOUT_MS = 60_000;
/** Most bytes of a service answer read (a search result with its documents). */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

interface Endpoint {
  origin: string;
  hostHeader: string;
  path: string;
  query: URLSearchParams;
  tlsServername: string;
}

function endpointOf(url: string): Endpoint | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
  const port = u.port === '' ? (u.protocol === 'https:' ? 443 : 80) : Number(u.port);
  return {
    origin: `${u.protocol}//${u.hostname}:${port}`,
    hostHeader: u.host,
    path: u.pathname,
    query: u.searchParams,
    tlsServername: u.hostname.replace(/^\[(.*)\]$/, '$1'),
  };
}

const failure = (status: number, body: string): CallResult<never> => ({ ok: false, status, body });

/** POST `body` as JSON to `url`; the answer's status and text, or a 500 failure. */
async function postJson(
  url: string,
  apiKey: string,
  body: unknown,
  poolKey: string,
  signal: AbortSignal,
): Promise<CallResult<{ status: number; text: string }>> {
  const endpoint = endpointOf(url);
  if (!endpoint) return failure(500, `invalid endpoint: ${url}`);
  try {
    const res = await aiRuntime().transport.send({
      key: poolKey,
      origin: endpoint.origin,
      path: endpoint.path,
      query: endpoint.query,
      headers: { 'content-type': 'application/json', 'api-key': apiKey },
      hostHeader: endpoint.hostHeader,
      body: Buffer.from(JSON.stringify(body)),
      timeoutMs: TIMEOUT_MS,
      keepalive: true,
      keepaliveTimeoutMs: TIMEOUT_MS,
      keepalivePool: 30,
      sslVerify: true,
      tlsServername: endpoint.tlsServername,
      cancel: ExchangeCancel.following(signal),
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += chunk.length;
      if (size > MAX_ANSWER_BYTES) {
        res.abort();
        return failure(500, `answer is greater than the maximum size ${MAX_ANSWER_BYTES} allowed`);
      }
      chunks.push(chunk);
    }
    return {
      ok: true,
      value: { status: res.status, text: Buffer.concat(chunks).toString('utf8') },
    };
  } catch (err) {
    if (signal.aborted)
      return { ok: false, status: 500, body: 'client went away', clientGone: true };
    if (isUpstreamTransportError(err)) return failure(500, err.message);
    throw err;
  }
}

/** The embedding of the client's `ai_rag.embeddings` request. */
export async function getEmbedding(
  conf: AiRagAzureOpenai,
  request: Record<string, unknown>,
  poolKey: string,
  signal: AbortSignal,
): Promise<CallResult<unknown>> {
  const answer = await postJson(conf.endpoint, conf.api_key, request, poolKey, signal);
  if (!answer.ok) return answer;
  const { status, text } = answer.value;
  if (status !== 200) return failure(status, text);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return failure(500, (err as Error).message);
  }
  const data = (json as { data?: unknown } | null)?.data;
  const first: unknown = Array.isArray(data) ? data[0] : undefined;
  const embedding = (first as { embedding?: unknown } | null | undefined)?.embedding;
  if (embedding === undefined) return failure(500, text);
  return { ok: true, value: embedding };
}

/** Azure AI Search's answer to a vector query on `fields`. */
export async function vectorSearch(
  conf: AiRagAzureAiSearch,
  vector: unknown,
  fields: string,
  poolKey: string,
  signal: AbortSignal,
): Promise<CallResult<string>> {
  const body = { vectorQueries: [{ kind: 'vector', vector, fields }] };
  const answer = await postJson(conf.endpoint, conf.api_key, body, poolKey, signal);
  if (!answer.ok) return answer;
  const { status, text } = answer.value;
  if (status !== 200) return failure(status, text);
  return { ok: true, value: text };
}
