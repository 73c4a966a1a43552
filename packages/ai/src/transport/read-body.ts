/**
 * @module transport/read-body
 * A whole non-streamed answer, bounded: what the relay and the gateway's own LLM calls read.
 */
import type { AiUpstreamResponse } from './http';
import { ResponseSink } from './response-sink';

/**
 * The body of `res`, or undefined when it is longer than `limit` bytes (no limit when undefined);
 * the exchange is then aborted. A body from {@link AiTransport.send} is collected without
 * iterating it, and without any promise when it had arrived whole (issue 14).
 *
 * @example
 * const body = await readBodyUpTo(res, 10 * 1024 * 1024);
 * if (!body) return { status: 502, message: 'max_response_bytes exceeded' };
 */
export function readBodyUpTo(
  res: AiUpstreamResponse,
  limit: number | undefined,
): Buffer | undefined | Promise<Buffer | undefined> {
  // The sink aborts the exchange itself past the limit, and answers at once when it can.
  return res.body instanceof ResponseSink ? res.body.collect(limit) : iterate(res, limit);
}

async function iterate(
  res: AiUpstreamResponse,
  limit: number | undefined,
): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.length;
    if (limit !== undefined && size > limit) {
      res.abort();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
