import http from 'node:http';
import net from 'node:net';
import { AiContext, RequestContext } from '@tollgate/core';
import type { AiCacheRuntimeConf } from './conf';
import { AnswerCapture } from './capture';
import { cacheState } from './state';
import { storeAnswer } from './store';

const conf = { exact: { ttl: 60 } } as AiCacheRuntimeConf;
const signal = new AbortController().signal;
const ANSWER = '{"choices":[{"message":{"content":"hi"}}]}';

/** A request that was a MISS on instance `a`, answered 200 with ANSWER, all of it sent. */
async function missed(answer = ANSWER) {
  const req = new http.IncomingMessage(new net.Socket());
  const ctx = new RequestContext(req, new http.ServerResponse(req));
  const ai = (ctx.ai = new AiContext());
  ai.instance = { name: 'a', provider: 'openai', conf: {} };
  ai.cacheStatus = 'MISS';
  ai.upstreamStatus = 200;
  const state = cacheState(ctx);
  state.key = 'ai-cache:l1:route=1:abc';
  state.instance = 'a';
  state.capture = new AnswerCapture(1024);
  await state.capture
    .hook()
    .onAnswer?.({ status: 200, bytes: Buffer.from(answer), text: '', signal });
  ctx.response.status = 200;
  ctx.response.bytesSent = Buffer.byteLength(answer);
  return ctx;
}

async function written(ctx: RequestContext): Promise<unknown[][]> {
  const calls: unknown[][] = [];
  const store = { set: (...args: unknown[]) => Promise.resolve(void calls.push(args)) };
  await storeAnswer(
    conf,
    ctx,
    () => undefined,
    () => store,
  );
  return calls;
}

describe('ai-cache store decision', () => {
  it('stores a 200 answer of the first-picked instance, as sent, with exact.ttl', async () => {
    const calls = await written(await missed());
    expect(calls).toHaveLength(1);
    const [key, value, ttl] = calls[0] as [string, string, number];
    expect([key, ttl]).toEqual(['ai-cache:l1:route=1:abc', 60]);
    expect(JSON.parse(value)).toMatchObject({ body: ANSWER, format: 'json' });
  });

  it('stores nothing for a fallback instance, another status, a denial, a cut or changed answer', async () => {
    const cases: ((ctx: RequestContext) => void)[] = [
      (ctx) => {
        if (ctx.ai) ctx.ai.instance = { name: 'b', provider: 'openai', conf: {} };
      },
      (ctx) => {
        if (ctx.ai) ctx.ai.upstreamStatus = 201;
      },
      (ctx) => {
        ctx.response.status = 500;
      },
      (ctx) => {
        if (ctx.ai)
          ctx.ai.denied = { plugin: 'ai-lakera-guard', side: 'response', reason: 'flagged' };
      },
      (ctx) => {
        if (ctx.ai) ctx.ai.streamCut = true;
      },
      (ctx) => {
        ctx.response.bytesSent += 1;
      },
      (ctx) => {
        if (ctx.ai) ctx.ai.cacheStatus = 'BYPASS';
      },
    ];
    for (const spoil of cases) {
      const ctx = await missed();
      spoil(ctx);
      expect(await written(ctx)).toEqual([]);
    }
  });

  it('a failed write is logged, never thrown', async () => {
    const ctx = await missed();
    const warnings: string[] = [];
    const failing = { set: () => Promise.reject(new Error('connection reset')) };
    await storeAnswer(
      conf,
      ctx,
      (msg) => void warnings.push(msg),
      () => failing,
    );
    expect(warnings).toEqual(['ai-cache: cache write failed']);
  });
});
