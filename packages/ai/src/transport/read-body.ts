/**
 * @module transport/read-body
 * A whole non-streamed answer, bounded: what the relay and the gateway's own LLM calls read.
 */
import type { AiUpstreamResponse } from './http';
import { ResponseSink } from './response-sink';

/**
 * The body of `res`, or undefined when it is longer than `limit` bytes (no limit when undefined);
 * the exchange is then aborted. A body from {@link AiTransport.send} is collected without
 * iterating it: one promise for the body instead of several per chunk (issue 14).
 *
 * @example
 * const body = await readBodyUpTo(res, 10 * 1024 * 1024);
 * if (!body) return { status: 502, message: 'max_response_bytes exceeded' };
 */
export async function readBodyUpTo(
  res: AiUpstreamResponse,
  limit: number | undefined,
): Promise<Buffer | undefined> {
  const body =
    res.body instanceof ResponseSink ? await res.body.collect(limit) : await iterate(res, limit);
  if (!body) res.abort();
  return body;
}

async function iterate(
  res: AiUpstreamResponse,
  limit: number | undefined,
): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.length;
    if (limit !== undefined && size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
