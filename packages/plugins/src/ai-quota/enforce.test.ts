import http from 'node:http';
import net from 'node:net';
import { AiContext, createLogger, RequestContext, type Exit } from '@tollgate/core';
import { LocalCounterStore } from '@tollgate/limiter';
import { checkPluginConf } from '@tollgate/schema';
import { chargeQuota, enforceQuota } from './enforce';
import type { QuotaConf, QuotaFlavour } from './quota';

const log = createLogger('ai-quota-test');
const FLAVOUR: QuotaFlavour = { plugin: 'ai-rate-limiting', headerStem: 'X-AI-RateLimit' };

function resolved(conf: Record<string, unknown>): QuotaConf {
  const result = checkPluginConf('ai-rate-limiting', conf, 'route');
  if (!result.valid) throw new Error(result.message);
  return result.value as QuotaConf;
}

/** A request for instance `instance` whose body is `body` (prompt text of `promptChars`). */
function context(
  body: Record<string, unknown>,
  promptChars: number,
  instance = 'a',
): RequestContext {
  const socket = new net.Socket();
  const req = new http.IncomingMessage(socket);
  req.url = '/chat';
  req.method = 'POST';
  const ctx = new RequestContext(req, new http.ServerResponse(req));
  ctx.route = { id: 'r1', matchedUri: '/chat' };
  const ai = new AiContext();
  ai.body = body;
  ai.promptChars = promptChars;
  ai.instance = { name: instance, provider: 'openai', conf: {} };
  ctx.ai = ai;
  return ctx;
}

let store: LocalCounterStore;
beforeEach(() => {
  store = new LocalCounterStore({ sweepIntervalMs: 0 });
});

const admit = async (conf: QuotaConf, ctx: RequestContext): Promise<Exit | undefined> =>
  enforceQuota(conf, ctx, FLAVOUR, () => store, log);

/** The usage reached the gateway: settle as the proxy does when the answer is complete. */
async function finish(conf: QuotaConf, ctx: RequestContext, prompt: number, completion: number) {
  const ai = ctx.ai as AiContext;
  ai.upstreamStatus = 200;
  ai.usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
  await chargeQuota(conf, ctx, FLAVOUR, () => store, log);
}

describe('ai quota reservations (reserve_tokens)', () => {
  const conf = resolved({ limit: 1000, time_window: 60, reserve_tokens: true });

  it('reserves the prompt estimate + max_tokens, shows it, and settles to the usage', async () => {
    // 40 characters: 10 prompt tokens; max_tokens 90: 100 reserved.
    const first = context({ max_tokens: 90 }, 40);
    expect(await admit(conf, first)).toBeUndefined();
    expect(first.response.extraHeaders).toMatchObject({
      'X-AI-RateLimit-Remaining-a': '1000',
      'X-AI-RateLimit-Reserved-a': '100',
    });
    expect(first.vars.get('ai-rate-limiting_reserved_tokens')).toBe(100);
    const second = context({ max_completion_tokens: 190 }, 40);
    await admit(conf, second);
    expect(second.response.extraHeaders).toMatchObject({
      'X-AI-RateLimit-Remaining-a': '900',
      'X-AI-RateLimit-Reserved-a': '300',
    });
    await finish(conf, first, 10, 30);
    expect(first.vars.get('ai-rate-limiting_settled_tokens')).toBe(40);
    const third = context({}, 0);
    await admit(conf, third);
    // 40 consumed, 200 still reserved by the second; no max_tokens: 256 reserved for the third.
    expect(third.response.extraHeaders).toMatchObject({
      'X-AI-RateLimit-Remaining-a': '760',
      'X-AI-RateLimit-Reserved-a': '456',
    });
  });

  it('refuses once consumed + reserved reaches the limit; a refusal reserves nothing', async () => {
    const big = context({ max_tokens: 990 }, 40);
    expect(await admit(conf, big)).toBeUndefined();
    const refused = context({ max_tokens: 1 }, 4);
    expect(await admit(conf, refused)).toMatchObject({ status: 503 });
    expect(refused.response.extraHeaders['X-AI-RateLimit-Remaining-a']).toBe('0');
    await chargeQuota(conf, refused, FLAVOUR, () => store, log);
    await finish(conf, big, 10, 0);
    const next = context({ max_tokens: 1 }, 4);
    expect(await admit(conf, next)).toBeUndefined();
    expect(next.response.extraHeaders['X-AI-RateLimit-Remaining-a']).toBe('990');
  });

  it('never reserves more than the limit, whatever max_tokens asks', async () => {
    const huge = context({ max_tokens: 10_000_000 }, 4);
    await admit(conf, huge);
    expect(huge.response.extraHeaders['X-AI-RateLimit-Reserved-a']).toBe('1000');
  });

  it('releases the reservation of an instance that did not serve (fallback) and charges the one that did', async () => {
    const ctx = context({ max_tokens: 90 }, 40, 'a');
    await admit(conf, ctx);
    (ctx.ai as AiContext).instance = { name: 'b', provider: 'openai', conf: {} };
    await finish(conf, ctx, 10, 20);
    const onA = context({ max_tokens: 0 }, 0, 'a');
    await admit(conf, onA);
    expect(onA.response.extraHeaders['X-AI-RateLimit-Remaining-a']).toBe('1000');
    const onB = context({ max_tokens: 0 }, 0, 'b');
    await admit(conf, onB);
    expect(onB.response.extraHeaders['X-AI-RateLimit-Remaining-b']).toBe('970');
  });

  it('releases the reservation of a request whose LLM was never reached', async () => {
    const ctx = context({ max_tokens: 900 }, 40);
    await admit(conf, ctx);
    await chargeQuota(conf, ctx, FLAVOUR, () => store, log);
    const next = context({ max_tokens: 900 }, 40);
    expect(await admit(conf, next)).toBeUndefined();
    expect(next.response.extraHeaders['X-AI-RateLimit-Reserved-a']).toBe('910');
  });

  it('estimates as the strategy counts: completion_tokens reserves max_tokens only', async () => {
    const completion = resolved({
      limit: 1000,
      time_window: 60,
      reserve_tokens: true,
      limit_strategy: 'completion_tokens',
    });
    const ctx = context({ max_tokens: 50 }, 400);
    await admit(completion, ctx);
    expect(ctx.response.extraHeaders['X-AI-RateLimit-Reserved-a']).toBe('50');
  });

  it('without reserve_tokens (the default here) it is check-then-charge, no Reserved header', async () => {
    const plain = resolved({ limit: 100, time_window: 60 });
    const ctx = context({ max_tokens: 500 }, 40);
    expect(await admit(plain, ctx)).toBeUndefined();
    expect(ctx.response.extraHeaders['X-AI-RateLimit-Reserved-a']).toBeUndefined();
    const other = context({}, 4);
    expect(await admit(plain, other)).toBeUndefined();
    await finish(plain, ctx, 50, 60);
    expect(await admit(plain, context({}, 4))).toMatchObject({ status: 503 });
  });
});
