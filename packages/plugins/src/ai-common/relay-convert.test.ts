import http from 'node:http';
import net from 'node:net';
import type { AiUpstreamResponse } from '@tollgate/ai';
import { AiContext, RequestContext } from '@tollgate/core';
import { relayAnswer, type RelayResult } from './relay';
import { transportSettings } from './settings';

/** An anthropic-messages client whose instance is an OpenAI-compatible server. */
function context(protocol = 'anthropic-messages', provider = 'openai-compatible'): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.headers = {};
  req.url = '/v1/messages';
  req.method = 'POST';
  const ctx = new RequestContext(req, new http.ServerResponse(req));
  ctx.ai = new AiContext();
  ctx.ai.protocol = protocol;
  ctx.ai.body = { model: 'm', messages: [], stream: true };
  ctx.ai.instance = {
    name: 'i',
    provider,
    conf: { override: { endpoint: 'http://127.0.0.1:1' } },
  };
  return ctx;
}

function capture(ctx: RequestContext): { text: () => string } {
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
  return { text: () => written.join('') };
}

function upstream(chunks: string[], contentType: string, status = 200): AiUpstreamResponse {
  return {
    status,
    headers: { 'content-type': contentType },
    body: (async function* () {
      for (const c of chunks) {
        await Promise.resolve();
        yield Buffer.from(c);
      }
    })(),
    abort: () => undefined,
    receivedAt: Date.now(),
    ttfbMs: 1,
  };
}

const chunk = (body: Record<string, unknown>) =>
  `data: ${JSON.stringify({ id: 'c1', model: 'q', ...body })}\n\n`;

/**
 * Relay, then end the response as the proxy plugins do once settled (a whole answer's body and a
 * stream's last event are held for it).
 */
async function relayAndEnd(ctx: RequestContext, up: AiUpstreamResponse): Promise<RelayResult> {
  const result = await relayAnswer(ctx, up, transportSettings({}), performance.now());
  if (result.sent) ctx.response.end();
  return result;
}

describe('relayAnswer with protocol conversion', () => {
  it('re-frames an OpenAI stream as Anthropic events and reads usage in the client protocol', async () => {
    const ctx = context();
    const out = capture(ctx);
    const sse = [
      chunk({ choices: [{ index: 0, delta: { role: 'assistant', content: 'Hel' } }] }),
      chunk({ choices: [{ index: 0, delta: { content: 'lo' }, finish_reason: null }] }).slice(
        0,
        20,
      ),
      chunk({ choices: [{ index: 0, delta: { content: 'lo' }, finish_reason: null }] }).slice(20),
      chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
      chunk({ choices: [], usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 } }),
      'data: [DONE]\n\n',
    ];
    const result = await relayAndEnd(ctx, upstream(sse, 'text/event-stream'));
    expect(result).toEqual({ sent: true });
    const events = out
      .text()
      .split('\n\n')
      .filter(Boolean)
      .map((e) => e.split('\n')[0]);
    expect(events).toEqual([
      'event: message_start',
      'event: content_block_start',
      'event: content_block_delta',
      'event: content_block_delta',
      'event: content_block_stop',
      'event: message_delta',
      'event: message_stop',
    ]);
    expect(out.text()).not.toContain('[DONE]');
    expect(ctx.ai?.usage).toMatchObject({
      prompt_tokens: 12,
      completion_tokens: 3,
      total_tokens: 15,
    });
    expect(ctx.ai?.completionChars).toBe(5);
    expect(ctx.ai?.streamCut).toBe(false);
  });

  it('converts a whole answer and its usage', async () => {
    const ctx = context();
    const out = capture(ctx);
    const body = JSON.stringify({
      id: 'c2',
      model: 'q',
      choices: [{ index: 0, message: { content: 'Hi there' }, finish_reason: 'length' }],
      usage: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 },
    });
    await relayAndEnd(ctx, upstream([body], 'application/json'));
    expect(JSON.parse(out.text())).toMatchObject({
      type: 'message',
      content: [{ type: 'text', text: 'Hi there' }],
      stop_reason: 'max_tokens',
      usage: { input_tokens: 4, output_tokens: 2 },
    });
    expect(ctx.ai?.usage).toMatchObject({
      prompt_tokens: 4,
      completion_tokens: 2,
      total_tokens: 6,
    });
  });

  it('converts an upstream 4xx error body to the client shape', async () => {
    const ctx = context('openai-chat', 'anthropic');
    (ctx.ai?.instance?.conf as { override: { endpoint: string } }).override.endpoint =
      'http://127.0.0.1:1/v1/messages';
    const out = capture(ctx);
    const body = JSON.stringify({
      type: 'error',
      error: { type: 'not_found_error', message: 'no model' },
    });
    await relayAndEnd(ctx, upstream([body], 'application/json', 404));
    expect(JSON.parse(out.text())).toEqual({
      error: { message: 'no model', type: 'not_found_error', code: 'not_found_error', param: null },
    });
  });

  it('passes the stream through untouched when no conversion applies', async () => {
    const ctx = context('openai-chat', 'openai-compatible');
    const out = capture(ctx);
    const sse = [
      chunk({ choices: [{ index: 0, delta: { content: 'x' }, finish_reason: 'stop' }] }),
      'data: [DONE]\n\n',
    ];
    await relayAndEnd(ctx, upstream(sse, 'text/event-stream'));
    expect(out.text()).toBe(sse.join(''));
  });

  it('an OpenAI client that did not ask for usage gets no usage chunk, and usage is still read', async () => {
    const ctx = context('openai-chat', 'anthropic');
    (ctx.ai?.instance?.conf as { override: { endpoint: string } }).override.endpoint =
      'http://127.0.0.1:1/v1/messages';
    const out = capture(ctx);
    const ev = (type: string, body: Record<string, unknown>) =>
      `event: ${type}\ndata: ${JSON.stringify({ type, ...body })}\n\n`;
    const sse = [
      ev('message_start', {
        message: { id: 'm1', model: 'c', usage: { input_tokens: 7, output_tokens: 1 } },
      }),
      ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'ok' } }),
      ev('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } }),
      ev('message_stop', {}),
    ];
    await relayAndEnd(ctx, upstream(sse, 'text/event-stream'));
    const datas = out
      .text()
      .split('\n\n')
      .filter(Boolean)
      .map((e) => e.replace(/^data: /, ''));
    expect(datas.at(-1)).toBe('[DONE]');
    expect(datas.some((d) => d.includes('"choices":[]'))).toBe(false);
    expect(ctx.ai?.usage).toMatchObject({
      prompt_tokens: 7,
      completion_tokens: 2,
      total_tokens: 9,
    });
  });

  it('a converted stream cut mid-way ends with the client protocol error event', async () => {
    const ctx = context();
    const out = capture(ctx);
    const sse = [chunk({ choices: [{ index: 0, delta: { content: 'partial' } }] })];
    await relayAndEnd(ctx, upstream(sse, 'text/event-stream'));
    const text = out.text();
    expect(text).toContain('event: content_block_delta');
    expect(text).not.toContain('message_stop');
    expect(text).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"api_error"/);
    expect(ctx.ai?.streamCut).toBe(true);
  });
});
