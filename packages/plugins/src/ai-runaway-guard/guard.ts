/**
 * @module ai-runaway-guard/guard
 * One request's guard: the response hook that feeds each chunk's text deltas to the loop
 * detector and the output-token count, and a timer for `max_duration_ms` that ends a stream
 * through `ai.endStream` even while the upstream sends nothing.
 *
 * When a limit trips: the stream ends with the protocol's error event (error-shapes), the
 * upstream is aborted by the relay, `ai.streamCut` is set so the tokens produced are charged
 * (at least the text relayed: ai-common/finish.ts), and the denial is noted for the
 * access log and `tollgate_ai_content_denials_total{plugin,side="response",reason}`.
 */
import { CHARS_PER_TOKEN, type ProtocolName } from '@tollgate/ai';
import {
  createLogger,
  type AiAnswerBody,
  type AiAnswerVerdict,
  type AiChunkVerdict,
  type AiContext,
  type AiResponseHook,
  type AiStreamChunk,
  type RequestContext,
} from '@tollgate/core';
import { noteContentCheck, noteDenial } from '../ai-content-common';
import {
  ANSWER_STATUS,
  answerBody,
  streamEnding,
  type RunawayReason,
  type StreamMarks,
} from './error-shapes';
import { RepetitionDetector, type RepetitionLimits } from './repetition';

export const PLUGIN = 'ai-runaway-guard';

const log = createLogger(PLUGIN);

/** A config, resolved for the hot path (built once per config object). */
export interface GuardSettings {
  /** Unset: no loop detection. */
  repetition?: RepetitionLimits;
  maxOutputTokens?: number;
  maxDurationMs?: number;
}

function estimateTokens(chars: number): number {
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

/** What the client reads about a trip. */
function messageFor(reason: RunawayReason, settings: GuardSettings): string {
  const r = settings.repetition;
  switch (reason) {
    case 'repetition':
      return `${PLUGIN}: the answer repeats itself (a ${r?.ngramTokens}-token sequence occurred more than ${r?.maxRepeats} times within ${r?.windowTokens} tokens)`;
    case 'max_output_tokens':
      return `${PLUGIN}: the answer exceeded ${settings.maxOutputTokens} output tokens`;
    case 'max_duration':
      return `${PLUGIN}: the answer took longer than ${settings.maxDurationMs} ms`;
  }
}

/** The guard of one request; register it with `ctx.ai.responseHooks.push(guard)`. */
export class RunawayGuard implements AiResponseHook {
  readonly plugin = PLUGIN;
  private readonly detector?: RepetitionDetector;
  /** Characters of answer text seen (UTF-16 units, as the relay counts them for usage). */
  private chars = 0;
  /** The answer ended, on its own or by this guard: nothing more to do. */
  private done = false;
  /** max_duration_ms passed before the stream could be ended: end it at its first chunk. */
  private expired = false;
  private timer?: NodeJS.Timeout;
  /** Time spent checking, for the content-check latency. */
  private busyMs = 0;
  private readonly marks: StreamMarks = {};

  constructor(
    private readonly ctx: RequestContext,
    private readonly ai: AiContext,
    private readonly settings: GuardSettings,
  ) {
    if (settings.repetition) this.detector = new RepetitionDetector(settings.repetition);
    this.marks.model = ai.model ?? ai.requestModel;
    if (settings.maxDurationMs !== undefined && ai.requestType === 'ai_stream') {
      this.timer = setTimeout(this.expire, settings.maxDurationMs);
      this.timer.unref();
    }
  }

  /** The request is over (log phase): drop the timer if the answer never came. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The tokens of the answer so far: the estimate, or the upstream's count when higher. */
  private outputTokens(): number {
    return Math.max(estimateTokens(this.chars), this.ai.usage?.completion_tokens ?? 0);
  }

  /** Which limit the text seen so far breaks, if any. */
  private overLimit(): RunawayReason | undefined {
    if (this.detector?.tripped) return 'repetition';
    const max = this.settings.maxOutputTokens;
    if (max !== undefined && this.outputTokens() > max) return 'max_output_tokens';
    return undefined;
  }

  private finish(outcome: 'pass' | 'deny'): void {
    this.done = true;
    this.stop();
    noteContentCheck(this.ctx, { plugin: PLUGIN, side: 'response', ms: this.busyMs, outcome });
  }

  /** Note the trip and return the bytes that end the stream. */
  private trip(reason: RunawayReason): Buffer {
    this.finish('deny');
    noteDenial(this.ctx, { plugin: PLUGIN, side: 'response', reason });
    this.ai.streamCut = true;
    log.warn('ended a runaway stream', {
      reason,
      tokens: this.detector?.tokens,
      chars: this.chars,
      request_id: this.ctx.requestId,
    });
    const message = messageFor(reason, this.settings);
    return streamEnding(this.ai.protocol as ProtocolName | undefined, reason, message, this.marks);
  }

  /** The timer: end the stream now if it is being relayed, else at its first chunk. */
  private readonly expire = (): void => {
    this.timer = undefined;
    if (this.done) return;
    const end = this.ai.endStream;
    if (end) end(this.trip('max_duration'));
    else this.expired = true;
  };

  readonly onChunk = (chunk: AiStreamChunk): AiChunkVerdict => {
    if (this.done) return undefined;
    const started = performance.now();
    this.marks.first ??= chunk.bytes;
    let reason: RunawayReason | undefined = this.expired ? 'max_duration' : undefined;
    if (!reason) {
      const detector = this.detector;
      for (const text of chunk.texts) {
        this.chars += text.length;
        if (detector?.push(text)) break;
      }
      if (chunk.last) detector?.end();
      reason = this.overLimit();
    }
    this.busyMs += performance.now() - started;
    if (reason) return { end: this.trip(reason) };
    // The client gets this chunk (a tripping one is withheld): the next event follows it.
    this.marks.latest = chunk.bytes;
    if (chunk.last) this.finish('pass');
    return undefined;
  };

  readonly onAnswer = (answer: AiAnswerBody): AiAnswerVerdict => {
    if (this.done || answer.status >= 300) return undefined;
    const started = performance.now();
    this.chars = answer.text.length;
    this.detector?.push(answer.text);
    this.detector?.end();
    const reason = this.overLimit();
    this.busyMs += performance.now() - started;
    if (!reason) {
      this.finish('pass');
      return undefined;
    }
    this.finish('deny');
    noteDenial(this.ctx, { plugin: PLUGIN, side: 'response', reason });
    log.warn('refused a runaway answer', {
      reason,
      chars: this.chars,
      request_id: this.ctx.requestId,
    });
    const protocol = this.ai.protocol as ProtocolName | undefined;
    return {
      deny: {
        status: ANSWER_STATUS,
        contentType: 'application/json',
        body: answerBody(protocol, reason, messageFor(reason, this.settings)),
      },
    };
  };
}
