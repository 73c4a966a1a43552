import http from 'node:http';
import net from 'node:net';
import type { AiUpstreamResponse } from '@tollgate/ai';
import { AiContext, RequestContext, type AiRequestType } from '@tollgate/core';
import { checkPluginConf, type AiRunawayGuardConf } from '@tollgate/schema';
import { finishAiRequest } from '../ai-common/finish';
import { relayAnswer } from '../ai-common/relay';
import { transportSettings } from '../ai-common/settings';
import { aiRunawayGuard } from '.';

/** A config as the gateway loads it (defaults filled by the schema). */
function conf(input: Record<string, unknown> = {}): AiRunawayGuardConf {
  const result = checkPluginConf('ai-runaway-guard', input, 'route');
  if (!result.valid) throw new Error(result.message);
  return result.value as AiRunawayGuardConf;
}

function context(protocol: string, requestType: AiRequestType = 'ai_stream'): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.headers = {};
  req.url = '/v1/chat/completions';
  req.method = 'POST';
  const ctx = new RequestContext(req, new http.ServerResponse(req));
  ctx.ai = new AiContext();
  ctx.ai.protocol = protocol;
  ctx.ai.requestType = requestType;
  ctx.ai.model = 'gpt-test';
  ctx.ai.upstreamStatus = 200;
  ctx.ai.promptChars = 40;
  return ctx;
}

/** The guard's access phase, as the runner would call it. */
async function guard(ctx: RequestContext, c: AiRunawayGuardConf): Promise<void> {
  await aiRunawayGuard.access?.(c, ctx);
}

function capture(ctx: RequestContext): string[] {
  const written: string[] = [];
  const res = ctx.response.res;
  res.write = ((chunk: Buffer) => {
    written.push(chunk.toString());
    return true;
  }) as typeof res.write;
  res.end = ((chunk?: Buffer) => {
    if (chunk) written.push(chunk.toString());
    return res;
  }) as typeof res.end;
  return written;
}

type Upstream = AiUpstreamResponse & { readonly aborted: boolean; readonly sent: number };

/** An upstream stream: `head`, then `body(i)` for i = 0, 1, ... until `count` or an abort. */
function upstream(
  head: string[],
  body: (i: number) => string,
  count = Infinity,
  tail: string[] = [],
): Upstream {
  const state = { aborted: false, sent: 0 };
  async function* chunks() {
    for (const h of head) yield Buffer.from(h);
    for (let i = 0; i < count && !state.aborted; i += 1) {
      await Promise.resolve();
      state.sent += 1;
      yield Buffer.from(body(i));
    }
    for (const t of tail) yield Buffer.from(t);
  }
  return {
    status: 200,
    headers: { 'content-type': 'text/event-stream' },
    get aborted() {
      return state.aborted;
    },
    get sent() {
      return state.sent;
    },
    body: chunks(),
    abort: () => {
      state.aborted = true;
    },
    receivedAt: Date.now(),
    ttfbMs: 1,
  };
}

const chatEvent = (content: string) =>
  `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content } }] })}\n\n`;

/** A looping phrase cut into 4-character deltas, as the mock LLM streams it. */
function loopPieces(phrase: string): (i: number) => string {
  const unit = `${phrase} `;
  return (i) => {
    const start = (i * 4) % unit.length;
    return (unit + unit).slice(start, start + 4);
  };
}

/** Relay, then end the response as the proxy plugins do (a whole answer's body is held for it). */
async function relay(ctx: RequestContext, up: AiUpstreamResponse) {
  const result = await relayAnswer(ctx, up, transportSettings({}), performance.now());
  ctx.response.end();
  return result;
}

const LOOP = 'All work and no play makes Jack a dull boy.'; // 11 tokens, 43 characters + a space

describe('ai-runaway-guard on streams', () => {
  it('ends an OpenAI chat stream that loops with an error event, and charges what was produced', async () => {
    const ctx = context('openai-chat');
    await guard(ctx, conf());
    const piece = loopPieces(LOOP);
    const up = upstream([], (i) => chatEvent(piece(i)));
    const written = capture(ctx);
    expect(await relay(ctx, up)).toEqual({ sent: true });
    const out = written.join('');
    const last = written.at(-1) ?? '';
    expect(JSON.parse(last.slice('data: '.length))).toEqual({
      error: {
        message:
          'ai-runaway-guard: the answer repeats itself (a 8-token sequence occurred more than 10 times within 1000 tokens)',
        type: 'runaway_generation',
        code: 'repetition',
      },
    });
    expect(out).not.toContain('[DONE]');
    expect(up.aborted).toBe(true);
    // 11 tokens a loop: the first 8-gram recurs 10 more times by token 8 + 110; each token is
    // about 4 characters, each piece 4 characters.
    expect(up.sent).toBeLessThan(((8 + 11 * 11) * 45) / 11 / 4 + 2);
    const ai = ctx.ai as AiContext;
    expect(ai.denied).toEqual({
      plugin: 'ai-runaway-guard',
      side: 'response',
      reason: 'repetition',
    });
    expect(ai.contentChecks).toEqual([
      { plugin: 'ai-runaway-guard', side: 'response', ms: expect.any(Number), outcome: 'deny' },
    ]);
    expect(ai.streamCut).toBe(true);
    finishAiRequest(ctx);
    expect(ai.usageEstimated).toBe(true);
    expect(ai.usage?.completion_tokens).toBe(Math.ceil(ai.completionChars / 4));
    expect(ai.usage?.completion_tokens).toBeGreaterThanOrEqual(up.sent - 1);
  });

  it('leaves a normal stream byte for byte as the upstream sent it', async () => {
    const ctx = context('openai-chat');
    await guard(ctx, conf({ max_output_tokens: 1000, max_duration_ms: 60_000 }));
    const text = 'Rate limits protect shared services; start with a sliding window, then measure.';
    const events = text.match(/.{1,4}/gs)?.map(chatEvent) ?? [];
    const up = upstream([], (i) => events[i] ?? '', events.length, ['data: [DONE]\n\n']);
    const written = capture(ctx);
    await relay(ctx, up);
    expect(written.join('')).toBe(`${events.join('')}data: [DONE]\n\n`);
    const ai = ctx.ai as AiContext;
    expect(ai.denied).toBeUndefined();
    expect(ai.streamCut).toBe(false);
    expect(ai.contentChecks).toEqual([
      { plugin: 'ai-runaway-guard', side: 'response', ms: expect.any(Number), outcome: 'pass' },
    ]);
  });

  it('ends an Anthropic stream with event: error, and charges at least the relayed text', async () => {
    const ctx = context('anthropic-messages');
    await guard(ctx, conf());
    const start = `event: message_start\ndata: ${JSON.stringify({
      type: 'message_start',
      message: { id: 'msg_1', usage: { input_tokens: 12, output_tokens: 1 } },
    })}\n\n`;
    const piece = loopPieces('the the');
    const delta = (i: number) =>
      `event: content_block_delta\ndata: ${JSON.stringify({
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: piece(i) },
      })}\n\n`;
    const up = upstream([start], delta);
    const written = capture(ctx);
    await relay(ctx, up);
    const last = written.at(-1) ?? '';
    expect(last.startsWith('event: error\ndata: ')).toBe(true);
    expect(JSON.parse(last.slice('event: error\ndata: '.length))).toEqual({
      type: 'error',
      error: { type: 'api_error', message: expect.stringContaining('repeats itself') },
    });
    const ai = ctx.ai as AiContext;
    finishAiRequest(ctx);
    // message_start said 1 output token; the cut stream is charged its text instead.
    expect(ai.usage?.prompt_tokens).toBe(12);
    expect(ai.usage?.completion_tokens).toBe(Math.ceil(ai.completionChars / 4));
    expect(ai.usage?.completion_tokens).toBeGreaterThan(10);
    expect(ai.usage?.total_tokens).toBe(12 + (ai.usage?.completion_tokens ?? 0));
  });

  it('ends a Responses stream with response.failed continuing its id and sequence numbers', async () => {
    const ctx = context('openai-responses');
    await guard(ctx, conf({ max_output_tokens: 20 }));
    const created = `event: response.created\ndata: ${JSON.stringify({
      type: 'response.created',
      sequence_number: 0,
      response: { id: 'resp_abc', object: 'response', status: 'in_progress' },
    })}\n\n`;
    const delta = (i: number) =>
      `event: response.output_text.delta\ndata: ${JSON.stringify({
        type: 'response.output_text.delta',
        sequence_number: i + 1,
        delta: `w${i} `.padEnd(4, 'x'),
      })}\n\n`;
    const up = upstream([created], delta);
    const written = capture(ctx);
    await relay(ctx, up);
    const last = written.at(-1) ?? '';
    expect(last.startsWith('event: response.failed\ndata: ')).toBe(true);
    const failed = JSON.parse(last.slice('event: response.failed\ndata: '.length)) as {
      sequence_number: number;
      response: Record<string, unknown>;
    };
    // 21 tokens of 4 characters is over 20: the 21st delta (sequence 21) trips and is withheld,
    // so the failure takes its number.
    expect(up.sent).toBe(21);
    expect(failed).toEqual({
      type: 'response.failed',
      sequence_number: 21,
      response: {
        id: 'resp_abc',
        object: 'response',
        status: 'failed',
        error: {
          code: 'server_error',
          message: 'ai-runaway-guard: the answer exceeded 20 output tokens',
        },
        incomplete_details: null,
        model: 'gpt-test',
        output: [],
        usage: null,
      },
    });
    expect(ctx.ai?.denied?.reason).toBe('max_output_tokens');
  });

  it('counts the upstream usage toward max_output_tokens when it reports more', async () => {
    const ctx = context('anthropic-messages');
    await guard(ctx, conf({ max_output_tokens: 50, repetition: { enabled: false } }));
    const delta = `event: message_delta\ndata: ${JSON.stringify({
      type: 'message_delta',
      usage: { output_tokens: 51 },
    })}\n\n`;
    const up = upstream([delta], () => '', 0);
    const written = capture(ctx);
    await relay(ctx, up);
    expect(written.join('')).toContain('event: error');
    expect(ctx.ai?.denied?.reason).toBe('max_output_tokens');
  });

  it('ends a stream that stalls past max_duration_ms, with no chunk arriving', async () => {
    const ctx = context('openai-chat');
    await guard(ctx, conf({ max_duration_ms: 100 }));
    let release: () => void = () => undefined;
    const stalled = new Promise<void>((resolve) => {
      release = resolve;
    });
    const up: AiUpstreamResponse & { aborted: boolean } = {
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      aborted: false,
      body: (async function* () {
        yield Buffer.from(chatEvent('Hi'));
        await stalled;
        throw new Error('aborted');
      })(),
      abort: () => {
        up.aborted = true;
        release();
      },
      receivedAt: Date.now(),
      ttfbMs: 1,
    };
    const written = capture(ctx);
    const began = performance.now();
    await relay(ctx, up);
    expect(performance.now() - began).toBeGreaterThanOrEqual(90);
    expect(up.aborted).toBe(true);
    expect(written.join('')).toBe(
      `${chatEvent('Hi')}data: ${JSON.stringify({
        error: {
          message: 'ai-runaway-guard: the answer took longer than 100 ms',
          type: 'runaway_generation',
          code: 'max_duration',
        },
      })}\n\n`,
    );
    expect(ctx.ai?.denied?.reason).toBe('max_duration');
    expect(ctx.ai?.streamCut).toBe(true);
  });

  it('ends at the first chunk a stream whose duration ran out before it began', async () => {
    jest.useFakeTimers();
    try {
      const ctx = context('openai-chat');
      await guard(ctx, conf({ max_duration_ms: 100 }));
      jest.advanceTimersByTime(150);
      const up = upstream([chatEvent('late')], () => '', 0, ['data: [DONE]\n\n']);
      const written = capture(ctx);
      jest.useRealTimers();
      await relay(ctx, up);
      expect(written.join('')).not.toContain('late');
      expect(written.join('')).toContain('"code":"max_duration"');
    } finally {
      jest.useRealTimers();
    }
  });

  it('drops its timer in the log phase when no answer came', async () => {
    const ctx = context('openai-chat');
    const c = conf({ max_duration_ms: 100 });
    await guard(ctx, c);
    const state = ctx.pluginState<{ timer?: unknown } | null>('ai-runaway-guard', () => null);
    expect(state?.timer).toBeDefined();
    await aiRunawayGuard.log?.(c, ctx);
    expect(state?.timer).toBeUndefined();
  });

  it('registers no hook for embeddings or requests ai-proxy did not take', async () => {
    const embeddings = context('openai-embeddings', 'ai_chat');
    await guard(embeddings, conf());
    expect(embeddings.ai?.responseHooks).toHaveLength(0);
    const plain = context('openai-chat');
    plain.ai = undefined;
    await guard(plain, conf());
    expect(plain.ai).toBeUndefined();
  });
});

describe('ai-runaway-guard on non-streamed answers', () => {
  function answer(body: unknown): AiUpstreamResponse {
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: (async function* () {
        await Promise.resolve();
        yield Buffer.from(JSON.stringify(body));
      })(),
      abort: () => undefined,
      receivedAt: Date.now(),
      ttfbMs: 1,
    };
  }

  it('refuses a looping OpenAI answer with 502 and keeps its usage charged', async () => {
    const ctx = context('openai-chat', 'ai_chat');
    await guard(ctx, conf());
    const usage = { prompt_tokens: 9, completion_tokens: 300, total_tokens: 309 };
    const written = capture(ctx);
    await relay(ctx, answer({ choices: [{ message: { content: `${LOOP} `.repeat(30) } }], usage }));
    expect(ctx.response.status).toBe(502);
    expect(JSON.parse(written.join(''))).toEqual({
      error: {
        message: expect.stringContaining('repeats itself'),
        type: 'runaway_generation',
        code: 'repetition',
      },
    });
    expect(ctx.ai?.usage).toEqual(usage);
    expect(ctx.ai?.denied).toEqual({
      plugin: 'ai-runaway-guard',
      side: 'response',
      reason: 'repetition',
    });
  });

  it('refuses an Anthropic answer over max_output_tokens (by its usage) with its error shape', async () => {
    const ctx = context('anthropic-messages', 'ai_chat');
    await guard(ctx, conf({ max_output_tokens: 100 }));
    const written = capture(ctx);
    await relay(
      ctx,
      answer({
        type: 'message',
        content: [{ type: 'text', text: 'short' }],
        usage: { input_tokens: 3, output_tokens: 101 },
      }),
    );
    expect(ctx.response.status).toBe(502);
    expect(JSON.parse(written.join(''))).toEqual({
      type: 'error',
      error: {
        type: 'api_error',
        message: 'ai-runaway-guard: the answer exceeded 100 output tokens',
      },
    });
  });

  it('passes a normal answer unchanged', async () => {
    const ctx = context('openai-responses', 'ai_chat');
    await guard(ctx, conf({ max_output_tokens: 100 }));
    const body = {
      object: 'response',
      output: [{ type: 'message', content: [{ type: 'output_text', text: 'Fine, thanks.' }] }],
      usage: { input_tokens: 3, output_tokens: 4, total_tokens: 7 },
    };
    const written = capture(ctx);
    await relay(ctx, answer(body));
    expect(ctx.response.status).toBe(200);
    expect(written.join('')).toBe(JSON.stringify(body));
    expect(ctx.ai?.contentChecks.map((c) => c.outcome)).toEqual(['pass']);
  });
});

describe('ai-runaway-guard schema', () => {
  it('fills the documented defaults', () => {
    expect(conf()).toEqual({
      repetition: { enabled: true, ngram_tokens: 8, window_tokens: 1000, max_repeats: 10 },
    });
  });

  it('refuses out-of-range values, unknown fields and a window that cannot trip', () => {
    const message = (input: unknown) => {
      const r = checkPluginConf('ai-runaway-guard', input, 'route');
      return r.valid ? null : r.message;
    };
    expect(message({ max_output_tokens: 0 })).toContain('max_output_tokens');
    expect(message({ max_duration_ms: 50 })).toContain('max_duration_ms');
    expect(message({ repetition: { ngram_tokens: 1 } })).toContain('ngram_tokens');
    expect(message({ repetition: { ngram: 3 } })).toContain('ngram');
    expect(message({ max_tokens: 5 })).toContain('max_tokens');
    expect(message({ repetition: { window_tokens: 20, max_repeats: 20 } })).toBe(
      'repetition.window_tokens (20) must be greater than repetition.max_repeats (20)',
    );
    expect(message({ repetition: { enabled: false, window_tokens: 20, max_repeats: 20 } })).toBe(
      null,
    );
    expect(
      message({
        repetition: { ngram_tokens: 4, window_tokens: 200, max_repeats: 5 },
        max_output_tokens: 4000,
        max_duration_ms: 120_000,
      }),
    ).toBe(null);
  });
});
