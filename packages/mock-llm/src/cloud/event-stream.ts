/**
 * @module cloud/event-stream
 * AWS event-stream framing (`application/vnd.amazon.eventstream`) for the Bedrock ConverseStream
 * the mock sends: one message per event, string headers only. Dependency-free on purpose: the
 * gateway's decoder is tested against bytes it did not produce itself.
 */
import { crc32 } from 'node:zlib';

/** One event-stream message with string headers. */
export function encodeEventStreamMessage(headers: Record<string, string>, payload: string): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const n = Buffer.from(name);
    const v = Buffer.from(value);
    const head = Buffer.alloc(n.length + 4);
    head.writeUInt8(n.length, 0);
    n.copy(head, 1);
    head.writeUInt8(7, n.length + 1); // type 7: string
    head.writeUInt16BE(v.length, n.length + 2);
    parts.push(head, v);
  }
  const headerBytes = Buffer.concat(parts);
  const body = Buffer.from(payload);
  const total = 12 + headerBytes.length + body.length + 4;
  const out = Buffer.alloc(total);
  out.writeUInt32BE(total, 0);
  out.writeUInt32BE(headerBytes.length, 4);
  out.writeUInt32BE(crc32(out.subarray(0, 8)), 8);
  headerBytes.copy(out, 12);
  body.copy(out, 12 + headerBytes.length);
  out.writeUInt32BE(crc32(out.subarray(0, total - 4)), total - 4);
  return out;
}

/** A Bedrock stream event: `:event-type` names it, its JSON is the payload. */
export function bedrockEvent(type: string, payload: unknown): Buffer {
  return encodeEventStreamMessage(
    { ':event-type': type, ':content-type': 'application/json', ':message-type': 'event' },
    JSON.stringify(payload),
  );
}
