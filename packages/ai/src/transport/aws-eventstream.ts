/**
 * @module transport/aws-eventstream
 * AWS event-stream framing (`application/vnd.amazon.eventstream`), the binary framing of Bedrock's
 * ConverseStream: a chunk-fed decoder with the same `push`/`end` shape as the SSE parser, so a
 * stream relay can pick either by content type and feed the same protocol `StreamReader`; and an
 * encoder for tests and the mock LLM.
 *
 * A message is: total length (u32), headers length (u32), CRC32 of those 8 bytes, the headers
 * (`name length u8, name, type u8, value`), the payload, and the CRC32 of everything before it.
 * Bedrock names the event in the `:event-type` header (`messageStart`, `contentBlockDelta`,
 * `messageStop`, `metadata`, ...) and carries its JSON in the payload; an error is a message
 * whose `:message-type` is `exception` and whose `:exception-type` names it.
 */
import { crc32 } from 'node:zlib';
import { setOwn } from '@tollgate/core';
import type { SseEvent } from '../sse';

/** The content type of an AWS event stream. */
export const AWS_EVENTSTREAM_CONTENT_TYPE = 'application/vnd.amazon.eventstream';

/** Whether a `content-type` value is an AWS event stream. */
export function isAwsEventStream(contentType: string | undefined): boolean {
  return (contentType ?? '').toLowerCase().startsWith(AWS_EVENTSTREAM_CONTENT_TYPE);
}

/** A decoded header value: strings, booleans, numbers (u8..i32, timestamps in ms), bytes. */
export type EventStreamHeaderValue = string | boolean | number | bigint | Uint8Array;

/** One decoded message. */
export interface EventStreamMessage {
  headers: Record<string, EventStreamHeaderValue>;
  payload: Buffer;
}

/** A framing error: bad CRC, impossible lengths, unknown header type. The stream is unusable. */
export class EventStreamFramingError extends Error {
  constructor(message: string) {
    super(`invalid AWS event stream: ${message}`);
    this.name = 'EventStreamFramingError';
  }
}

const PRELUDE_BYTES = 12;
const MIN_MESSAGE_BYTES = PRELUDE_BYTES + 4;
/** The largest message accepted: AWS caps event-stream messages at 16 MiB. */
export const EVENTSTREAM_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

function decodeHeaders(buf: Buffer): Record<string, EventStreamHeaderValue> {
  const headers: Record<string, EventStreamHeaderValue> = {};
  let at = 0;
  const need = (n: number): void => {
    if (at + n > buf.length) throw new EventStreamFramingError('header runs past its section');
  };
  while (at < buf.length) {
    need(1);
    const nameLength = buf.readUInt8(at);
    at += 1;
    need(nameLength + 1);
    const name = buf.toString('utf8', at, at + nameLength);
    at += nameLength;
    const type = buf.readUInt8(at);
    at += 1;
    let value: EventStreamHeaderValue;
    switch (type) {
      case 0:
      case 1:
        value = type === 0;
        break;
      case 2:
        need(1);
        value = buf.readInt8(at);
        at += 1;
        break;
      case 3:
        need(2);
        value = buf.readInt16BE(at);
        at += 2;
        break;
      case 4:
        need(4);
        value = buf.readInt32BE(at);
        at += 4;
        break;
      case 5:
        need(8);
        value = buf.readBigInt64BE(at);
        at += 8;
        break;
      case 6:
      case 7: {
        need(2);
        const length = buf.readUInt16BE(at);
        at += 2;
        need(length);
        const bytes = buf.subarray(at, at + length);
        value = type === 7 ? bytes.toString('utf8') : Uint8Array.from(bytes);
        at += length;
        break;
      }
      case 8:
        need(8);
        value = Number(buf.readBigInt64BE(at));
        at += 8;
        break;
      case 9:
        need(16);
        value = Uint8Array.from(buf.subarray(at, at + 16));
        at += 16;
        break;
      default:
        throw new EventStreamFramingError(`unknown header type ${type}`);
    }
    // Own property even for a `__proto__` header name.
    setOwn(headers, name, value);
  }
  return headers;
}

/** Decode one complete message (`bytes` holds exactly one); throws {@link EventStreamFramingError}. */
export function decodeEventStreamMessage(bytes: Buffer): EventStreamMessage {
  if (bytes.length < MIN_MESSAGE_BYTES) throw new EventStreamFramingError('message too short');
  const total = bytes.readUInt32BE(0);
  const headersLength = bytes.readUInt32BE(4);
  if (total !== bytes.length) throw new EventStreamFramingError('length mismatch');
  if (crc32(bytes.subarray(0, 8)) !== bytes.readUInt32BE(8))
    throw new EventStreamFramingError('prelude CRC mismatch');
  if (crc32(bytes.subarray(0, total - 4)) !== bytes.readUInt32BE(total - 4))
    throw new EventStreamFramingError('message CRC mismatch');
  if (PRELUDE_BYTES + headersLength > total - 4)
    throw new EventStreamFramingError('headers longer than the message');
  const headersEnd = PRELUDE_BYTES + headersLength;
  return {
    headers: decodeHeaders(bytes.subarray(PRELUDE_BYTES, headersEnd)),
    payload: bytes.subarray(headersEnd, total - 4),
  };
}

/**
 * Encode one message with string headers (all Bedrock sends), for tests and the mock LLM.
 *
 * @example
 * encodeEventStreamMessage({ ':event-type': 'metadata', ':message-type': 'event' },
 *   JSON.stringify({ usage: { inputTokens: 3, outputTokens: 5, totalTokens: 8 } }));
 */
export function encodeEventStreamMessage(
  headers: Record<string, string>,
  payload: string | Uint8Array,
): Buffer {
  const headerParts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const nameBytes = Buffer.from(name, 'utf8');
    const valueBytes = Buffer.from(value, 'utf8');
    const head = Buffer.alloc(1 + nameBytes.length + 3);
    head.writeUInt8(nameBytes.length, 0);
    nameBytes.copy(head, 1);
    head.writeUInt8(7, 1 + nameBytes.length);
    head.writeUInt16BE(valueBytes.length, 2 + nameBytes.length);
    headerParts.push(head, valueBytes);
  }
  const headerBytes = Buffer.concat(headerParts);
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
  const total = PRELUDE_BYTES + headerBytes.length + body.length + 4;
  const out = Buffer.alloc(total);
  out.writeUInt32BE(total, 0);
  out.writeUInt32BE(headerBytes.length, 4);
  out.writeUInt32BE(crc32(out.subarray(0, 8)), 8);
  headerBytes.copy(out, PRELUDE_BYTES);
  body.copy(out, PRELUDE_BYTES + headerBytes.length);
  out.writeUInt32BE(crc32(out.subarray(0, total - 4)), total - 4);
  return out;
}

/**
 * The event a message stands for, in the SSE parser's shape so one protocol stream reader serves
 * both framings: `event` = the `:event-type` header (for an exception, `exception:` + its
 * `:exception-type`), `data` = the payload as UTF-8 (Bedrock's JSON).
 */
export function eventStreamMessageToEvent(message: EventStreamMessage): SseEvent {
  const h = message.headers;
  const type = h[':message-type'];
  const name =
    type === 'exception' || type === 'error'
      ? `exception:${String(h[':exception-type'] ?? h[':error-code'] ?? 'unknown')}`
      : String(h[':event-type'] ?? 'message');
  return { event: name, data: message.payload.toString('utf8') };
}

/** The decoder returned by {@link createAwsEventStreamParser}; same shape as `SseParser`. */
export interface AwsEventStreamParser {
  /** Feed the next chunk; complete messages are dispatched at once. */
  push(chunk: Buffer | Uint8Array): void;
  /** The stream ended; an incomplete trailing message is dropped (a cut stream). */
  end(): void;
  /** Bytes held for an incomplete message. */
  readonly pending: number;
}

/**
 * A chunk-fed decoder: messages may be split across chunks at any byte, and one chunk may hold
 * several. Each message is dispatched as an {@link SseEvent} (see
 * {@link eventStreamMessageToEvent}). A framing error (CRC, lengths over
 * {@link EVENTSTREAM_MAX_MESSAGE_BYTES}) throws {@link EventStreamFramingError} from `push`, and
 * the parser then ignores further input.
 *
 * @example
 * const parser = createAwsEventStreamParser((ev) => reader.onEvent(ev));
 * for await (const chunk of upstream.body) { client.write(chunk); parser.push(chunk); }
 * parser.end();
 */
export function createAwsEventStreamParser(
  onEvent: (e: SseEvent) => void,
  opts: { maxMessageBytes?: number } = {},
): AwsEventStreamParser {
  const maxBytes = opts.maxMessageBytes ?? EVENTSTREAM_MAX_MESSAGE_BYTES;
  // The bytes of an incomplete message, copied so the caller's chunks (often pooled buffers) are
  // not retained; joined once the message is complete, so a large message split into many
  // chunks is copied once, not once per chunk.
  let parts: Buffer[] = [];
  let held = 0;
  /** Bytes to hold before decoding is worth trying: the message length once its prelude is in. */
  let needed = 0;
  let broken = false;
  /** The stream is unusable: drop what is held, ignore further input, and return `err`. */
  const breakOn = (err: unknown): unknown => {
    broken = true;
    parts = [];
    held = 0;
    return err;
  };
  return {
    push(chunk) {
      if (broken) return;
      const bytes = Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      if (held + bytes.length < needed) {
        parts.push(Buffer.from(bytes));
        held += bytes.length;
        return;
      }
      let buf = held === 0 ? bytes : Buffer.concat([...parts, bytes], held + bytes.length);
      parts = [];
      held = 0;
      needed = 0;
      while (buf.length >= 4) {
        const total = buf.readUInt32BE(0);
        if (total < MIN_MESSAGE_BYTES || total > maxBytes) {
          throw breakOn(new EventStreamFramingError(`message length ${total}`));
        }
        if (buf.length < total) {
          needed = total;
          break;
        }
        let message: EventStreamMessage;
        try {
          message = decodeEventStreamMessage(buf.subarray(0, total));
        } catch (err) {
          throw breakOn(err);
        }
        buf = buf.subarray(total);
        onEvent(eventStreamMessageToEvent(message));
      }
      if (buf.length > 0) {
        parts.push(Buffer.from(buf));
        held = buf.length;
        needed ||= 4;
      }
    },
    end() {
      parts = [];
      held = 0;
      needed = 0;
    },
    get pending() {
      return held;
    },
  };
}
