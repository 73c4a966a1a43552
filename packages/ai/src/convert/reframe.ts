/**
 * @module convert/reframe
 * Byte-level glue for the relay: upstream SSE bytes in, client SSE bytes out, one upstream event
 * at a time (nothing is held beyond what the converter holds, at most one event).
 */
import { createSseParser } from '../sse';
import type { ClientEvent, ConvertContext, ProtocolConverter, UpstreamEvent } from './types';
import { formatClientEvents } from './types';
import { parseObject } from './util';

/** A converting stream: feed upstream chunks, write what comes back. */
export interface StreamReframer {
  /** Upstream bytes → client bytes (empty when the chunk completed no event). */
  push(chunk: Buffer): Buffer;
  /** The upstream ended: the events still held back, as bytes (empty when none). */
  end(): Buffer;
}

/**
 * Decodes the upstream framing into {@link UpstreamEvent}s: SSE by default; a framing such as
 * AWS event-stream (Bedrock ConverseStream) passes its own decoder.
 */
export type UpstreamDecoder = (onEvent: (event: UpstreamEvent) => void) => {
  push(chunk: Buffer): void;
  end(): void;
};

/**
 * Re-frame an upstream stream into the client protocol with `converter`.
 *
 * @example
 * const reframer = createStreamReframer(converterFor('anthropic-messages', 'openai-chat')!, {});
 * for await (const chunk of upstream) client.write(reframer.push(chunk));
 * client.write(reframer.end());
 */
export function createStreamReframer(
  converter: ProtocolConverter,
  ctx: ConvertContext,
  decoder: UpstreamDecoder = createSseParser,
): StreamReframer {
  const stream = converter.createStreamConverter(ctx);
  let out: ClientEvent[] = [];
  const parser = decoder((ev) => {
    out.push(...stream.push(ev));
  });
  const take = (): Buffer => {
    if (out.length === 0) return Buffer.alloc(0);
    const bytes = Buffer.from(formatClientEvents(out), 'utf8');
    out = [];
    return bytes;
  };
  return {
    push(chunk) {
      parser.push(chunk);
      return take();
    },
    end() {
      parser.end();
      out.push(...stream.end());
      return take();
    },
  };
}

/**
 * Convert a whole non-streamed upstream answer into the client protocol: a success through
 * `response`, an error status through `error`. A success that is not a JSON object is passed on
 * as is; one the converter cannot map becomes a 502 in the client's error shape.
 */
export function convertResponseBody(
  converter: ProtocolConverter,
  status: number,
  body: Buffer,
  ctx: ConvertContext,
): { status: number; body: Buffer } {
  const text = body.toString('utf8');
  const obj = parseObject(text);
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');
  if (status >= 400) return { status, body: encode(converter.error(obj, status, text)) };
  if (!obj) return { status, body };
  try {
    return { status, body: encode(converter.response(obj, ctx)) };
  } catch (err) {
    const message = `could not convert the LLM answer: ${(err as Error).message}`;
    return { status: 502, body: encode(converter.error(undefined, 502, message)) };
  }
}
