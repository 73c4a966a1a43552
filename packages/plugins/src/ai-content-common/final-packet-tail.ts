/**
 * @module ai-content-common/final-packet-tail
 * `stream_check_mode: final_packet` annotates the data events of a stream's final chunk with the
 * verdict. The relay cuts chunks where the upstream's reads end, so the final chunk of a paced
 * stream may hold nothing but the terminator: text-less chunks (the finish reason, usage,
 * `message_delta`, `response.output_text.done`... after the text; a whole empty answer) are held
 * back here and released with the next chunk that has text, or with the final chunk, where they
 * are annotated. Text never waits.
 */
import type { AiStreamChunk } from '@tollgate/core';

/** Most bytes held back before they are let through un-annotated (a long tool-call tail). */
export const MAX_HELD_BYTES = 64 * 1024;

/** The tail of one stream; create one per request. */
export class FinalPacketTail {
  private held: Buffer[] = [];
  private heldBytes = 0;

  /**
   * A chunk before the last: the bytes to send now (empty while they are held), or undefined
   * to send the chunk as it is.
   */
  hold(chunk: AiStreamChunk): Buffer | undefined {
    const text = chunk.texts.some((t) => t !== '');
    if (!text && this.heldBytes + chunk.bytes.length <= MAX_HELD_BYTES) {
      this.held.push(chunk.bytes);
      this.heldBytes += chunk.bytes.length;
      return Buffer.alloc(0);
    }
    return this.held.length === 0 ? undefined : this.release(chunk);
  }

  /** `chunk`'s bytes after everything held before it (the final chunk, or one that frees it). */
  release(chunk: AiStreamChunk): Buffer {
    if (this.held.length === 0) return chunk.bytes;
    const out = Buffer.concat([...this.held, chunk.bytes]);
    this.held = [];
    this.heldBytes = 0;
    return out;
  }
}
