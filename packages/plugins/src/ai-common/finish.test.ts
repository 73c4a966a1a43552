import http from 'node:http';
import net from 'node:net';
import { AiContext, RequestContext } from '@tollgate/core';
import { finishAiRequest, settleAiRequest } from './finish';

/** An Anthropic stream that relayed 400 characters of text and read `message_start`'s usage. */
function relayedStream(cut: boolean): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.headers = {};
  req.url = '/v1/messages';
  const ctx = new RequestContext(req, new http.ServerResponse(req));
  const ai = new AiContext();
  ai.protocol = 'anthropic-messages';
  ai.requestType = 'ai_stream';
  ai.upstreamStatus = 200;
  ai.promptChars = 80;
  ai.completionChars = 400;
  ai.usage = { prompt_tokens: 12, completion_tokens: 1, total_tokens: 13 };
  ai.streamCut = cut;
  ctx.ai = ai;
  return ctx;
}

describe('finishAiRequest', () => {
  it("charges a cut stream at least its relayed text over a partial usage (message_start's 1 output token)", () => {
    const ctx = relayedStream(true);
    finishAiRequest(ctx);
    expect(ctx.ai?.usage).toEqual({ prompt_tokens: 12, completion_tokens: 100, total_tokens: 112 });
    expect(ctx.ai?.usageEstimated).toBe(true);
    expect(ctx.vars.get('llm_completion_tokens')).toBe(100);
    expect(ctx.vars.get('llm_usage_estimated')).toBe('true');
  });

  it('keeps the upstream count of a finished stream, even below the estimate', () => {
    const ctx = relayedStream(false);
    finishAiRequest(ctx);
    expect(ctx.ai?.usage).toEqual({ prompt_tokens: 12, completion_tokens: 1, total_tokens: 13 });
    expect(ctx.ai?.usageEstimated).toBe(false);
  });

  it('keeps a cut stream usage that is already above the estimate', () => {
    const ctx = relayedStream(true);
    const ai = ctx.ai as AiContext;
    ai.usage = { prompt_tokens: 12, completion_tokens: 150, total_tokens: 162 };
    finishAiRequest(ctx);
    expect(ai.usage).toEqual({ prompt_tokens: 12, completion_tokens: 150, total_tokens: 162 });
    expect(ai.usageEstimated).toBe(false);
  });

  it('estimates prompt and completion when an answer came without usage', () => {
    const ctx = relayedStream(true);
    const ai = ctx.ai as AiContext;
    ai.usage = undefined;
    finishAiRequest(ctx);
    expect(ai.usage).toEqual({ prompt_tokens: 20, completion_tokens: 100, total_tokens: 120 });
    expect(ai.usageEstimated).toBe(true);
  });
});

describe('settleAiRequest', () => {
  it('settles once, without a promise while the settlers are synchronous', () => {
    const ctx = relayedStream(false);
    const ran: string[] = [];
    ctx.ai?.settlers.push(() => void ran.push('quota'));
    expect(settleAiRequest(ctx)).toBeUndefined();
    expect(ran).toEqual(['quota']);
    expect(ctx.ai?.settled).toBe(true);
    expect(settleAiRequest(ctx)).toBeUndefined();
    expect(ran).toEqual(['quota']);
  });

  it('runs the settlers in order, waiting for asynchronous ones, past a failing one', async () => {
    const ctx = relayedStream(false);
    const ran: string[] = [];
    ctx.ai?.settlers.push(
      async () => {
        await new Promise((r) => setImmediate(r));
        ran.push('slow');
      },
      () => Promise.reject(new Error('counters down')),
      () => {
        throw new Error('sync failure');
      },
      () => void ran.push('last'),
    );
    const settling = settleAiRequest(ctx);
    expect(settling).toBeInstanceOf(Promise);
    expect(ran).toEqual([]);
    await settling;
    expect(ran).toEqual(['slow', 'last']);
  });
});
