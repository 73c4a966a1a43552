/**
 * @module proxy/request-body
 * How the request body reaches the nodes. nginx buffers the whole body before connecting, so it
 * can replay it on every retry; we buffer only what is cheap and stream the rest:
 * - a body a plugin already read (`ctx.bodyRead`) is sent from memory;
 * - no body, or a declared `Content-Length` up to {@link BUFFER_LIMIT}, is read into memory;
 * - anything larger or chunked is streamed from the client. A streamed body can be given to a
 *   second node only when the first failed before the request was written (connect failures),
 *   since undici reads the stream only after the connection is up.
 */
import { Readable } from 'node:stream';
import type { RequestContext } from '@tollgate/core';

/** Bodies up to this size are buffered so any retry can resend them. */
export const BUFFER_LIMIT = 64 * 1024;

/** The body plan: bytes in memory (null: no body) or the client's stream. */
export type RequestBody =
  { kind: 'buffer'; data: Buffer | null } | { kind: 'stream'; contentLength: string | undefined };

/** Decides, and for buffered bodies reads, the body to send. */
export async function prepareBody(ctx: RequestContext): Promise<RequestBody> {
  if (ctx.bodyRead) return { kind: 'buffer', data: await ctx.readBody(Number.MAX_SAFE_INTEGER) };
  const headers = ctx.req.headers;
  const declared = headers['content-length'];
  if (headers['transfer-encoding'] === undefined) {
    const length = declared === undefined ? 0 : Number(declared);
    if (length === 0) return { kind: 'buffer', data: null };
    if (length <= BUFFER_LIMIT) return { kind: 'buffer', data: await ctx.readBody(BUFFER_LIMIT) };
  }
  return { kind: 'stream', contentLength: headers['transfer-encoding'] ? undefined : declared };
}

/**
 * A fresh readable over the client's body for one attempt. Destroying it (undici does when an
 * attempt fails) detaches from the client request without destroying it, which would close the
 * client connection before we can answer.
 */
export function bodySource(ctx: RequestContext): Readable {
  return Readable.from(ctx.req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>, {
    objectMode: false,
  });
}
