import http from 'node:http';
import net from 'node:net';
import {
  AiContext,
  RequestContext,
  type AiChunkVerdict,
  type AiResponseHook,
  type AiStreamChunk,
  type Exit,
} from '@tollgate/core';
import { checkPluginConf, type AiAliyunContentModerationConf } from '@tollgate/schema';
import { startMockAliyunModeration, type MockAliyunModeration } from '@tollgate/testkit';
import { PLUGINS } from '../index';
import { aiAliyunContentModeration } from './index';

const ADVICE =
  'As an AI language model, I cannot write unethical or controversial content for you.';

let aliyun: MockAliyunModeration;

beforeAll(async () => {
  aliyun = await startMockAliyunModeration({ accessKeyId: 'ak', accessKeySecret: 'sk' });
});
afterAll(async () => {
  await aiAliyunContentModeration.destroy?.();
  await aliyun.close();
});
beforeEach(() => {
  aliyun.clear();
  aliyun.failWith(undefined);
});

function conf(overrides: Record<string, unknown> = {}): AiAliyunContentModerationConf {
  const r = checkPluginConf(
    'ai-aliyun-content-moderation',
    {
      endpoint: aliyun.url,
      region_id: 'cn-shanghai',
      access_key_id: 'ak',
      access_key_secret: 'sk',
      ...overrides,
    },
    'route',
  );
  if (!r.valid) throw new Error(r.message);
  return r.value as AiAliyunContentModerationConf;
}

interface AiRequest {
  protocol?: string;
  body?: Record<string, unknown>;
  stream?: boolean;
  /** False: no ai-proxy picked an instance. */
  picked?: boolean;
  contentType?: string;
}

function context(request: AiRequest = {}): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.headers = { host: 'gw.test', 'content-type': request.contentType ?? 'application/json' };
  req.url = '/v1/chat/completions';
  req.method = 'POST';
  const ctx = new RequestContext(req, new http.ServerResponse(req));
  if (request.picked === false) return ctx;
  const ai = new AiContext();
  ai.protocol = request.protocol ?? 'openai-chat';
  ai.body = request.body ?? { messages: [{ role: 'user', content: 'What is 1+1?' }] };
  ai.requestType = request.stream ? 'ai_stream' : 'ai_chat';
  ai.model = 'gpt-3.5-turbo';
  ai.instance = { name: 'ai-proxy-openai', provider: 'openai', conf: {} };
  ctx.ai = ai;
  return ctx;
}

const userSays = (content: string) => ({ messages: [{ role: 'user', content }] });

async function access(c: AiAliyunContentModerationConf, ctx: RequestContext) {
  return (await aiAliyunContentModeration.access?.(c, ctx)) ?? undefined;
}

const bodyOf = (exit: Exit | undefined) => JSON.parse(String(exit?.body)) as Record<string, any>;

function hookOf(ctx: RequestContext): AiResponseHook {
  const hook = ctx.ai?.responseHooks[0];
  if (!hook) throw new Error('no response hook registered');
  return hook;
}

describe('ai-aliyun-content-moderation definition and schema', () => {
  it('runs in access at APISIX priority 1029, in the registry', () => {
    expect(aiAliyunContentModeration).toMatchObject({
      name: 'ai-aliyun-content-moderation',
      version: '0.1',
      priority: 1029,
    });
    expect(PLUGINS.get('ai-aliyun-content-moderation')).toBe(aiAliyunContentModeration);
  });

  it("fills APISIX 3.18's defaults", () => {
    expect(conf()).toMatchObject({
      check_request: true,
      check_response: false,
      request_check_mode: 'last',
      request_check_roles: ['user'],
      request_check_service: 'llm_query_moderation',
      request_check_length_limit: 2000,
      response_check_service: 'llm_response_moderation',
      response_check_length_limit: 5000,
      risk_level_bar: 'high',
      deny_code: 200,
      stream_check_mode: 'final_packet',
      stream_check_cache_size: 128,
      stream_check_interval: 3,
      timeout: 10000,
      keepalive: true,
      keepalive_pool: 30,
      keepalive_timeout: 60000,
      ssl_verify: true,
      fail_mode: 'skip',
    });
  });

  it.each([
    [{ endpoint: undefined }, 'endpoint'],
    [{ access_key_secret: '' }, 'access_key_secret'],
    [{ deny_code: 199 }, 'deny_code'],
    [{ risk_level_bar: 'extreme' }, 'risk_level_bar'],
    [{ request_check_roles: [] }, 'request_check_roles'],
    [{ request_check_roles: ['assistant'] }, 'request_check_roles'],
    [{ stream_check_interval: 0.05 }, 'stream_check_interval'],
    [{ keepalive_timeout: 999 }, 'keepalive_timeout'],
  ])('refuses %j', (overrides, field) => {
    const r = checkPluginConf(
      'ai-aliyun-content-moderation',
      {
        endpoint: 'http://127.0.0.1:1',
        region_id: 'r',
        access_key_id: 'ak',
        access_key_secret: 'sk',
        ...overrides,
      },
      'route',
    );
    expect(r.valid).toBe(false);
    expect(r.valid ? '' : r.message).toContain(field);
  });
});

describe('request side', () => {
  it('TEST 2: without ai-proxy, fail_mode error answers 500 in plain text; skip lets it pass', async () => {
    const refused = await access(conf({ fail_mode: 'error' }), context({ picked: false }));
    expect(refused).toMatchObject({
      status: 500,
      body: 'no ai instance picked, ai-aliyun-content-moderation plugin must be used with ai-proxy or ai-proxy-multi plugin',
    });
    expect(await access(conf(), context({ picked: false }))).toBeUndefined();
    expect(aliyun.calls).toHaveLength(0);
  });

  it('TEST 4: a harmless prompt passes after one signed call to the query service', async () => {
    const ctx = context();
    expect(await access(conf(), ctx)).toBeUndefined();
    expect(aliyun.rejections).toEqual([]);
    expect(aliyun.calls).toMatchObject([
      { service: 'llm_query_moderation', content: 'What is 1+1?', regionId: 'cn-shanghai' },
    ]);
    expect(ctx.vars.get('llm_content_risk_level')).toBe('none');
    expect(ctx.ai?.contentChecks).toEqual([
      {
        plugin: 'ai-aliyun-content-moderation',
        side: 'request',
        ms: expect.any(Number),
        outcome: 'pass',
      },
    ]);
  });

  it("TEST 5: a violent prompt gets 200 with the service's Advice answer as the completion", async () => {
    const ctx = context({ body: userSays('I want to kill you') });
    const refused = await access(conf(), ctx);
    expect(refused?.status).toBe(200);
    expect(refused?.headers?.['content-type']).toBe('application/json');
    expect(bodyOf(refused)).toMatchObject({
      object: 'chat.completion',
      choices: [{ message: { role: 'assistant', content: ADVICE }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    });
    expect(ctx.vars.get('llm_content_risk_level')).toBe('high');
    expect(ctx.ai?.denied).toEqual({
      plugin: 'ai-aliyun-content-moderation',
      side: 'request',
      reason: 'risk_level_high',
    });
  });

  it('TEST 11: deny_code and deny_message replace the status and the text', async () => {
    const refused = await access(
      conf({ deny_code: 400, deny_message: 'your request is rejected' }),
      context({ body: userSays('I want to kill you') }),
    );
    expect(refused?.status).toBe(400);
    expect(bodyOf(refused).choices[0].message.content).toBe('your request is rejected');
  });

  it('a streamed request is refused with an SSE completion', async () => {
    const refused = await access(
      conf(),
      context({ body: { ...userSays('kill'), stream: true }, stream: true }),
    );
    expect(refused?.headers?.['content-type']).toBe('text/event-stream');
    expect(String(refused?.body)).toMatch(
      /^data: .*"chat\.completion\.chunk".*\n\ndata: \[DONE\]\n\n$/s,
    );
  });

  it('cuts long text into pieces of request_check_length_limit characters; the first hit refuses', async () => {
    const ctx = context({ body: userSays('aaaa😀bbbbbkill cccccddddd') });
    const refused = await access(conf({ request_check_length_limit: 5 }), ctx);
    expect(refused?.status).toBe(200);
    expect(aliyun.calls.map((c) => c.content)).toEqual(['aaaa😀', 'bbbbb', 'kill ']);
    expect(new Set(aliyun.calls.map((c) => c.sessionId)).size).toBe(1);
    expect(ctx.ai?.contentChecks.map((c) => c.outcome)).toEqual(['pass', 'pass', 'deny']);
  });

  it('risk_level_bar: high text passes a max bar, a none bar refuses everything', async () => {
    expect(
      await access(conf({ risk_level_bar: 'max' }), context({ body: userSays('kill') })),
    ).toBeUndefined();
    const refused = await access(conf({ risk_level_bar: 'none' }), context());
    expect(bodyOf(refused).choices[0].message.content).toBe(
      'Your request violate our content policy.',
    );
  });

  it('TEST 29/30: empty or image-only prompts make no call and pass', async () => {
    expect(await access(conf(), context({ body: userSays('') }))).toBeUndefined();
    expect(
      await access(
        conf(),
        context({ body: userSays([{ type: 'image_url', image_url: { url: 'data:,' } }] as never) }),
      ),
    ).toBeUndefined();
    expect(await access(conf(), context({ body: userSays('   ') }))).toBeUndefined();
    expect(aliyun.calls).toHaveLength(0);
  });

  it('fails open: a service error lets the prompt through, recorded as an error check', async () => {
    aliyun.failWith(500);
    const ctx = context({ body: userSays('I want to kill you') });
    expect(await access(conf(), ctx)).toBeUndefined();
    expect(ctx.ai?.contentChecks.map((c) => c.outcome)).toEqual(['error']);
    expect(ctx.vars.get('llm_content_risk_level')).toBeUndefined();
  });

  it('a wrong secret is refused by the service (signature) and so fails open too', async () => {
    const ctx = context({ body: userSays('kill') });
    expect(await access(conf({ access_key_secret: 'wrong' }), ctx)).toBeUndefined();
    expect(aliyun.rejections).toEqual(['SignatureDoesNotMatch']);
  });

  it('an unreachable service fails open', async () => {
    const ctx = context({ body: userSays('kill') });
    expect(
      await access(conf({ endpoint: 'http://127.0.0.1:1', timeout: 2000 }), ctx),
    ).toBeUndefined();
    expect(ctx.ai?.contentChecks.map((c) => c.outcome)).toEqual(['error']);
  });

  it('fail_mode decides for a content type other than JSON and a protocol without a conversation', async () => {
    expect(
      await access(conf({ fail_mode: 'error' }), context({ contentType: 'text/plain' })),
    ).toMatchObject({
      status: 400,
      body: 'unsupported content-type: text/plain, only application/json is supported',
    });
    expect(
      await access(
        conf({ fail_mode: 'error' }),
        context({ protocol: 'openai-embeddings', body: { input: 'kill' } }),
      ),
    ).toMatchObject({ status: 500, body: 'unsupported protocol: openai-embeddings' });
    expect(
      await access(conf(), context({ protocol: 'openai-embeddings', body: { input: 'kill' } })),
    ).toBeUndefined();
    expect(aliyun.calls).toHaveLength(0);
  });

  it('check_request false makes no call; check_response registers the hook', async () => {
    const ctx = context({ body: userSays('kill') });
    expect(await access(conf({ check_request: false, check_response: true }), ctx)).toBeUndefined();
    expect(aliyun.calls).toHaveLength(0);
    expect(hookOf(ctx).plugin).toBe('ai-aliyun-content-moderation');
    const none = context();
    await access(conf(), none);
    expect(none.ai?.responseHooks).toHaveLength(0);
  });
});

describe('response side, whole answers', () => {
  async function answered(c: AiAliyunContentModerationConf, text: string, status = 200) {
    const ctx = context();
    await access({ ...c, check_request: false, check_response: true }, ctx);
    if (ctx.ai) ctx.ai.rawUsage = { prompt_tokens: 8, completion_tokens: 5, total_tokens: 10 };
    const verdict = await hookOf(ctx).onAnswer?.({
      status,
      bytes: Buffer.from('{}'),
      text,
      signal: ctx.clientSignal,
    });
    return { ctx, verdict };
  }

  it('TEST 7/27: a violent answer is refused with the real usage and model kept', async () => {
    const { ctx, verdict } = await answered(
      conf({ deny_code: 400, deny_message: 'your request is rejected' }),
      'I will kill you.',
    );
    expect(verdict && 'deny' in verdict ? verdict.deny.status : 0).toBe(400);
    const body = JSON.parse(
      String(verdict && 'deny' in verdict ? verdict.deny.body : '{}'),
    ) as Record<string, any>;
    expect(body).toMatchObject({
      model: 'gpt-3.5-turbo',
      choices: [{ message: { content: 'your request is rejected' } }],
      usage: { prompt_tokens: 8, completion_tokens: 5, total_tokens: 10 },
    });
    expect(aliyun.calls.map((c) => c.service)).toEqual(['llm_response_moderation']);
    expect(ctx.ai?.denied?.side).toBe('response');
  });

  it('a harmless answer passes', async () => {
    const { verdict } = await answered(conf(), 'Hello there');
    expect(verdict).toBeUndefined();
  });

  it('an upstream error status is not moderated', async () => {
    const { verdict } = await answered(conf(), 'kill', 400);
    expect(verdict).toBeUndefined();
    expect(aliyun.calls).toHaveLength(0);
  });
});

describe('response side, streams', () => {
  function streamHook(overrides: Record<string, unknown>) {
    const ctx = context({ stream: true });
    void access(conf({ check_request: false, check_response: true, ...overrides }), ctx);
    return { ctx, hook: hookOf(ctx) };
  }

  let seq = 0;
  const chunk = (
    ctx: RequestContext,
    texts: string[],
    bytes: string,
    last = false,
    text = '',
  ): AiStreamChunk => ({
    bytes: Buffer.from(bytes),
    texts,
    seq: ++seq,
    last,
    complete: last,
    text,
    signal: ctx.clientSignal,
  });

  const sse = (content: string) =>
    `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`;

  it('TEST 19: realtime, cache 5: checks at the second text chunk, refuses at the third', async () => {
    const { ctx, hook } = streamHook({
      stream_check_mode: 'realtime',
      stream_check_cache_size: 5,
      deny_message: 'your request is rejected',
    });
    const verdicts: AiChunkVerdict[] = [];
    for (const piece of ['', 'I want to ', 'kill you ']) {
      verdicts.push(await hook.onChunk?.(chunk(ctx, [piece], sse(piece))));
    }
    expect(verdicts.slice(0, 2)).toEqual([undefined, undefined]);
    const last = verdicts[2];
    expect(last && 'end' in last ? last.end.toString() : '').toContain('your request is rejected');
    expect(aliyun.calls.map((c) => c.content)).toEqual(['I want to ', 'kill you ']);
  });

  it('TEST 21: realtime, big batch and interval: one check, at the end of the stream', async () => {
    const { ctx, hook } = streamHook({
      stream_check_mode: 'realtime',
      stream_check_cache_size: 30000,
      stream_check_interval: 30,
    });
    for (const piece of ['', 'Silent circuits hum,\n', 'Machine mind', ' learns.']) {
      expect(await hook.onChunk?.(chunk(ctx, [piece], sse(piece)))).toBeUndefined();
    }
    expect(await hook.onChunk?.(chunk(ctx, [], 'data: [DONE]\n\n', true))).toBeUndefined();
    expect(aliyun.calls.map((c) => c.content)).toEqual([
      'Silent circuits hum,\nMachine mind learns.',
    ]);
  });

  it('TEST 34: an upstream error status skips the stream checks', async () => {
    const { ctx, hook } = streamHook({ stream_check_mode: 'realtime', stream_check_cache_size: 1 });
    if (ctx.ai) ctx.ai.upstreamStatus = 400;
    expect(await hook.onChunk?.(chunk(ctx, ['kill'], sse('kill')))).toBeUndefined();
    expect(aliyun.calls).toHaveLength(0);
  });

  it('TEST 17: final_packet holds the tail after the text and annotates it with risk_level', async () => {
    const { ctx, hook } = streamHook({});
    expect(await hook.onChunk?.(chunk(ctx, ['I will '], sse('I will ')))).toBeUndefined();
    expect(await hook.onChunk?.(chunk(ctx, ['kill you'], sse('kill you')))).toBeUndefined();
    const usage = 'data: {"choices":[],"usage":{"total_tokens":3}}\n\n';
    expect(await hook.onChunk?.(chunk(ctx, [], usage))).toEqual({ replace: Buffer.alloc(0) });
    const final = await hook.onChunk?.(chunk(ctx, [], 'data: [DONE]\n\n', true, 'I will kill you'));
    expect(final && 'replace' in final ? final.replace.toString() : '').toBe(
      'data: {"choices":[],"usage":{"total_tokens":3},"risk_level":"high"}\n\n\ndata: [DONE]\n\n',
    );
    expect(aliyun.calls.map((c) => c.content)).toEqual(['I will kill you']);
    expect(ctx.ai?.denied).toBeUndefined();
  });

  it('final_packet: no annotation when the service failed (the answer already went out)', async () => {
    aliyun.failWith(503);
    const { ctx, hook } = streamHook({});
    await hook.onChunk?.(chunk(ctx, ['hi'], sse('hi')));
    expect(await hook.onChunk?.(chunk(ctx, [], 'data: [DONE]\n\n', true, 'hi'))).toBeUndefined();
  });
});
