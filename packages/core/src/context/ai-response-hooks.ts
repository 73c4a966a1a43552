/**
 * @module context/ai-response-hooks
 * The response hook of AI routes (APISIX's `lua_body_filter` contract, spec A.0): plugins that
 * inspect or replace what the LLM answered (content moderation, guards, the response cache)
 * register a hook on `ctx.ai` in their access phase, and ai-proxy's relay calls it:
 * - once with the assembled body of a non-streamed answer, before anything is sent;
 * - for a stream, once per chunk of whole SSE events as it goes to the client, then a last time
 *   (`last: true`) on the chunk that carries the protocol's terminator, or on an empty chunk when
 *   the upstream ended without one.
 * Hooks run in registration order (the access phase's priority order); each one sees the bytes
 * the previous one left. A hook may be async (a moderation call): the relay waits, with
 * back-pressure on the upstream, and aborts `signal` when the client leaves meanwhile.
 */

/** A non-streamed answer, as the LLM sent it (after the previous hooks). */
export interface AiAnswerBody {
  /** The upstream status (only answers relayed to the client reach hooks: 2xx, or a final error). */
  readonly status: number;
  readonly bytes: Buffer;
  /** The body parsed as JSON, when it is. */
  readonly json?: unknown;
  /** The answer's text (`llm_response_text`), parts joined with a space; '' when none. */
  readonly text: string;
  /** Aborted when the client leaves before the answer is sent. */
  readonly signal: AbortSignal;
}

/** What a hook decides about a non-streamed answer. */
export type AiAnswerVerdict =
  | undefined
  /** Send these bytes instead (same status and content type). */
  | { readonly replace: Buffer }
  /** Answer this instead and stop (a deny: `deny_code` and a completion-shaped body). */
  | { readonly deny: AiDeny };

/** A response decided by a hook. */
export interface AiDeny {
  readonly status: number;
  readonly contentType: string;
  readonly body: Buffer;
}

/** One chunk of a stream: whole SSE events, as they would reach the client. */
export interface AiStreamChunk {
  readonly bytes: Buffer;
  /** Text deltas of the events in this chunk, in order (`llm_response_contents_in_chunk`). */
  readonly texts: readonly string[];
  /** 1-based number of this chunk in the stream (`llm_response_chunk_seq`). */
  readonly seq: number;
  /** The last chunk (`llm_request_done`): the terminator was in it, or the upstream ended. */
  readonly last: boolean;
  /** True on the last chunk when the protocol's terminator was seen (not a cut stream). */
  readonly complete: boolean;
  /** On the last chunk: the whole answer's text (`llm_response_text`); '' before. */
  readonly text: string;
  readonly signal: AbortSignal;
}

/** What a hook decides about a chunk. */
export type AiChunkVerdict =
  | undefined
  /** Send these bytes instead of the chunk (empty: send nothing now). */
  | { readonly replace: Buffer }
  /**
   * Send these bytes and end the stream here: the upstream is aborted and no later chunk or
   * hook runs (a deny SSE sequence, or a protocol error event).
   */
  | { readonly end: Buffer };

/** A plugin's view of the answer. Either method may be left out. */
export interface AiResponseHook {
  /** The plugin's name, for logs. */
  readonly plugin: string;
  onAnswer?(this: void, answer: AiAnswerBody): AiAnswerVerdict | Promise<AiAnswerVerdict>;
  onChunk?(this: void, chunk: AiStreamChunk): AiChunkVerdict | Promise<AiChunkVerdict>;
}
