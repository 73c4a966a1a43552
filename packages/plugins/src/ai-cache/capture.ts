/**
 * @module ai-cache/capture
 * What the cache sees of a MISS's answer, through the AI response hook (core's
 * ai-response-hooks): the whole body of a non-streamed answer, or the chunks of a stream and
 * whether it ended with the protocol's terminator. It only watches: every verdict is "pass".
 * The decision to store is taken after the response (see store.ts), when it is known whether a
 * later plugin denied or changed what the client got.
 */
import type { AiAnswerBody, AiResponseHook, AiStreamChunk } from '@tollgate/core';
import { looksLikeSse, type EntryFormat } from './entry';

/** A captured answer that may be stored. */
export interface CapturedAnswer {
  bytes: Buffer;
  format: EntryFormat;
}

export class AnswerCapture {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private oversized = false;
  private kind: 'none' | 'answer' | 'stream' = 'none';
  private status = 0;
  private complete = false;

  /** `maxBytes`: `max_cache_body_size`; a larger answer is dropped as it grows. */
  constructor(private readonly maxBytes: number) {}

  /** The hook to register on `ctx.ai.responseHooks`. */
  hook(): AiResponseHook {
    return {
      plugin: 'ai-cache',
      onAnswer: (answer) => this.onAnswer(answer),
      onChunk: (chunk) => this.onChunk(chunk),
    };
  }

  /** True when the answer outgrew `max_cache_body_size`. */
  get tooLarge(): boolean {
    return this.oversized;
  }

  /**
   * The answer to store, or undefined: nothing seen, too large, a status other than 200, a
   * stream that did not end with its terminator, or a non-streamed body that looks like SSE.
   */
  result(): CapturedAnswer | undefined {
    if (this.kind === 'none' || this.oversized || this.size === 0) return undefined;
    const bytes =
      this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
    if (this.kind === 'stream') return this.complete ? { bytes, format: 'sse' } : undefined;
    if (this.status !== 200 || looksLikeSse(bytes)) return undefined;
    return { bytes, format: 'json' };
  }

  private onAnswer(answer: AiAnswerBody): undefined {
    this.kind = 'answer';
    this.status = answer.status;
    this.add(answer.bytes);
    return undefined;
  }

  private onChunk(chunk: AiStreamChunk): undefined {
    this.kind = 'stream';
    this.add(chunk.bytes);
    if (chunk.last) this.complete = chunk.complete;
    return undefined;
  }

  private add(bytes: Buffer): void {
    if (this.oversized || bytes.length === 0) return;
    this.size += bytes.length;
    if (this.size > this.maxBytes) {
      this.oversized = true;
      this.chunks.length = 0;
      return;
    }
    this.chunks.push(bytes);
  }
}
