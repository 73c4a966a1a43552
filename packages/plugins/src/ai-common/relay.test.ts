import http from 'node:http';
import net from 'node:net';
import type { AiUpstreamResponse } from '@tollgate/ai';
import { AiContext, RequestContext } from '@tollgate/core';
import { relayAnswer } from './relay';
import { transportSettings } from './settings';

function context(): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.headers = {};
  req.url = '/v1/chat/completions';
  req.method = 'POST';
  const ctx = new RequestContext(req, new http.ServerResponse(req));
  ctx.ai = new AiContext();
  ctx.ai.protocol = 'openai-chat';
  return ctx;
}

function upstream(chunks: string[]): AiUpstreamResponse & { aborted: boolean } {
  const res = {
    status: 200,
    headers: { 'content-type': 'text/event-stream' },
    aborted: false,
    body: (async function* () {
      for (const c of chunks) {
        await Promise.resolve();
        yield Buffer.from(c);
      }
    })(),
    abort: () => {
      res.aborted = true;
    },
    receivedAt: Date.now(),
    ttfbMs: 1,
  };
  return res;
}

const event = (content: string) =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`;

describe('relayAnswer, streams over max_response_bytes', () => {
  it('answers 502 without sending a head when the first chunk is already over the limit', async () => {
    const ctx = context();
    const up = upstream([event('a long first chunk'), 'data: [DONE]\n\n']);
    const result = await relayAnswer(
      ctx,
      up,
      transportSettings({ max_response_bytes: 10 }),
      performance.now(),
    );
    expect(result).toEqual({ sent: false, status: 502, message: 'max_response_bytes exceeded' });
    expect(ctx.response.headersSent).toBe(false);
    expect(up.aborted).toBe(true);
  });

  it('truncates with an SSE error event once some bytes went out', async () => {
    const ctx = context();
    const first = event('ok');
    const up = upstream([first, event('x'.repeat(100)), 'data: [DONE]\n\n']);
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
    const result = await relayAnswer(
      ctx,
      up,
      transportSettings({ max_response_bytes: first.length + 10 }),
      performance.now(),
    );
    expect(result).toEqual({ sent: true });
    expect(ctx.response.status).toBe(200);
    expect(written[0]).toBe(first);
    expect(written.join('')).toContain('max_response_bytes exceeded');
    expect(written.join('')).not.toContain('[DONE]');
    expect(ctx.ai?.streamCut).toBe(true);
  });
});
