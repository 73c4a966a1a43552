import http from 'node:http';
import net from 'node:net';
import {
  AiContext,
  RequestContext,
  type AiResponseHook,
  type AiStreamChunk,
  type Exit,
} from '@tollgate/core';
import { checkPluginConf, type AiAwsContentModerationConf } from '@tollgate/schema';
import { startMockComprehend, type MockComprehend } from '@tollgate/testkit';
import { closeComprehendAgents } from './comprehend';
import { aiAwsContentModeration } from './index';

const CREDENTIALS = { accessKeyId: 'access', secretAccessKey: 'ea+secret', region: 'us-east-1' };

let comprehend: MockComprehend;
beforeAll(async () => {
  comprehend = await startMockComprehend(CREDENTIALS);
});
afterAll(async () => {
  await closeComprehendAgents();
  await comprehend.close();
});
beforeEach(() => comprehend.reset());

function confOf(extra: Record<string, unknown> = {}, endpoint = comprehend.url) {
  const result = checkPluginConf(
    'ai-aws-content-moderation',
    {
      comprehend: {
        access_key_id: CREDENTIALS.accessKeyId,
        secret_access_key: CREDENTIALS.secretAccessKey,
        region: CREDENTIALS.region,
        endpoint,
      },
      ...extra,
    },
    'route',
  );
  if (!result.valid) throw new Error(result.message);
  return result.value as AiAwsContentModerationConf;
}

interface AiRequest {
  protocol?: string;
  stream?: boolean;
  instance?: boolean;
  headers?: http.IncomingHttpHeaders;
}

function aiRequest(body: Record<string, unknown>, opts: AiRequest = {}): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.method = 'POST';
  req.url = '/v1/chat/completions';
  req.headers = { 'content-type': 'application/json', ...opts.headers };
  const ctx = new RequestContext(req, new http.ServerResponse(req));
  const ai = new AiContext();
  ai.protocol = opts.protocol ?? 'openai-chat';
  ai.body = body;
  ai.requestType = opts.stream ? 'ai_stream' : 'ai_chat';
  ai.model = 'gpt-4o';
  if (opts.instance !== false)
    ai.instance = { name: 'ai-proxy-openai', provider: 'openai', conf: {} };
  ctx.ai = ai;
  return ctx;
}

const user = (content: string) => ({ messages: [{ role: 'user', content }] });

async function access(
  conf: AiAwsContentModerationConf,
  ctx: RequestContext,
): Promise<Exit | undefined> {
  return (await aiAwsContentModeration.access?.(conf, ctx)) ?? undefined;
}

function bodyText(exit: Exit | undefined): string {
  const body = exit?.body;
  return Buffer.isBuffer(body) ? body.toString('utf8') : String(body);
}

describe('ai-aws-content-moderation: the request side', () => {
  it.each([
    ['toxic', 'request body exceeds toxicity threshold'],
    ['very_toxic', 'request body exceeds toxicity threshold'],
  ])('TEST 2: %s is refused with deny_code and the reason', async (content, reason) => {
    const ctx = aiRequest(user(content));
    const refused = await access(confOf({ deny_code: 400 }), ctx);
    expect(refused?.status).toBe(400);
    const json = JSON.parse(bodyText(refused)) as { choices: { message: { content: string } }[] };
    expect(json.choices[0]?.message.content).toBe(reason);
    expect(ctx.ai?.contentRiskLevel).toBe('high');
    expect(ctx.vars.get('llm_content_risk_level')).toBe('high');
    expect(ctx.ai?.denied).toEqual({
      plugin: 'ai-aws-content-moderation',
      side: 'request',
      reason: 'toxicity',
    });
  });

  it('TEST 3: a good request passes, risk level none, one signed call recorded', async () => {
    const ctx = aiRequest(user('good_request'));
    expect(await access(confOf(), ctx)).toBeUndefined();
    expect(ctx.ai?.contentRiskLevel).toBe('none');
    expect(comprehend.calls.map((c) => c.segments)).toEqual([['good_request']]);
    expect(comprehend.rejections).toEqual([]);
    expect(ctx.ai?.contentChecks).toEqual([
      {
        plugin: 'ai-aws-content-moderation',
        side: 'request',
        ms: expect.any(Number),
        outcome: 'pass',
      },
    ]);
  });

  it('TESTS 4-12: category thresholds are checked before toxicity, strictly greater', async () => {
    const verdict = async (content: string, profanity: number) =>
      bodyText(
        await access(
          confOf({ deny_code: 400, moderation_categories: { PROFANITY: profanity } }),
          aiRequest(user(content)),
        ),
      );
    expect(await verdict('profane', 0.5)).toContain('request body exceeds PROFANITY threshold');
    expect(await verdict('very_profane', 0.5)).toContain(
      'request body exceeds PROFANITY threshold',
    );
    expect(await verdict('profane', 0.7)).toContain('request body exceeds toxicity threshold');
    expect(await verdict('very_profane', 0.7)).toContain(
      'request body exceeds PROFANITY threshold',
    );
    expect(
      await access(
        confOf({ moderation_categories: { PROFANITY: 0.7 } }),
        aiRequest(user('profane_but_not_toxic')),
      ),
    ).toBeUndefined();
    // A score equal to the threshold passes.
    expect(
      await access(confOf({ moderation_threshold: 0.7215 }), aiRequest(user('toxic'))),
    ).toBeUndefined();
  });

  it('the default deny_code 200 answers a completion with deny_message', async () => {
    const refused = await access(
      confOf({ deny_message: 'not here' }),
      aiRequest(user('toxic'), { stream: true }),
    );
    expect(refused?.status).toBe(200);
    expect(refused?.headers?.['content-type']).toBe('text/event-stream');
    expect(bodyText(refused)).toContain('"content":"not here"');
    expect(bodyText(refused)).toMatch(/data: \[DONE\]\n\n$/);
  });

  it('TEST 14/16: without ai-proxy, fail_mode decides', async () => {
    const ctx = aiRequest(user('toxic'), { instance: false });
    expect(await access(confOf(), ctx)).toBeUndefined();
    expect(comprehend.calls).toHaveLength(0);
    const refused = await access(
      confOf({ fail_mode: 'error' }),
      aiRequest(user('x'), { instance: false }),
    );
    expect(refused?.status).toBe(500);
    expect(bodyText(refused)).toBe(
      'no ai instance picked, ai-aws-content-moderation plugin must be used with ai-proxy or ai-proxy-multi plugin',
    );
  });

  it('a content type other than JSON is left to fail_mode', async () => {
    const headers = { 'content-type': 'Text/Plain' };
    expect(await access(confOf(), aiRequest(user('toxic'), { headers }))).toBeUndefined();
    const refused = await access(
      confOf({ fail_mode: 'error' }),
      aiRequest(user('toxic'), { headers }),
    );
    expect(refused?.status).toBe(400);
    expect(bodyText(refused)).toBe(
      'unsupported content-type: text/plain, only application/json is supported',
    );
  });

  it('TEST 64: a protocol without a conversation is left to fail_mode', async () => {
    const refused = await access(
      confOf({ fail_mode: 'error' }),
      aiRequest({ prompt: 'I want to kill you' }, { protocol: 'passthrough' }),
    );
    expect(refused?.status).toBe(500);
    expect(bodyText(refused)).toBe(
      'protocol passthrough cannot moderate the configured request_check_roles',
    );
  });

  it('check_request false makes no call', async () => {
    expect(
      await access(confOf({ check_request: false }), aiRequest(user('toxic'))),
    ).toBeUndefined();
    expect(comprehend.calls).toHaveLength(0);
  });

  it('TEST 37/39: later calls reuse the connection, unless keepalive is off', async () => {
    const long = user('a'.repeat(1100));
    // A fresh pool, so the first call opens the connection the second reuses.
    await closeComprehendAgents();
    expect(
      await access(confOf({ request_check_length_limit: 100 }), aiRequest(long)),
    ).toBeUndefined();
    expect(comprehend.calls.map((c) => [c.segments.length, c.connectionRequest])).toEqual([
      [10, 1],
      [1, 2],
    ]);
    comprehend.reset();
    await access(confOf({ request_check_length_limit: 100, keepalive: false }), aiRequest(long));
    expect(comprehend.calls.map((c) => [c.segments.length, c.connectionRequest])).toEqual([
      [10, 1],
      [1, 1],
    ]);
  });

  it('2.2: Comprehend down fails closed with 500 and the error', async () => {
    const closed = await startMockComprehend(CREDENTIALS);
    const url = closed.url;
    await closed.close();
    const ctx = aiRequest(user('toxic'));
    const refused = await access(confOf({}, url), ctx);
    expect(refused?.status).toBe(500);
    expect(bodyText(refused)).toBe(
      `failed to send request to http://127.0.0.1: Comprehend:detectToxicContent() failed to connect to '${url}': connection refused`,
    );
    expect(ctx.ai?.contentChecks.map((c) => c.outcome)).toEqual(['error']);
  });

  it('a slow Comprehend times out after `timeout` ms and fails closed', async () => {
    comprehend.setBehaviour({ delayMs: 2000 });
    const started = performance.now();
    const refused = await access(confOf({ timeout: 200 }), aiRequest(user('good_request')));
    expect(performance.now() - started).toBeLessThan(1500);
    expect(refused?.status).toBe(500);
    expect(bodyText(refused)).toContain('timeout');
  });

  it('a Comprehend error answer or a bad signature is "failed to get moderation results"', async () => {
    comprehend.setBehaviour({ status: 500 });
    expect(bodyText(await access(confOf(), aiRequest(user('x'))))).toBe(
      'failed to get moderation results from response',
    );
    comprehend.reset();
    const wrongKey = confOf();
    wrongKey.comprehend.secret_access_key = 'not-the-key';
    expect(bodyText(await access(wrongKey, aiRequest(user('x'))))).toBe(
      'failed to get moderation results from response',
    );
    expect(comprehend.rejections).toEqual(['signature mismatch']);
  });

  it('a client that leaves during the check gets no LLM call (499) and the call is abandoned', async () => {
    comprehend.setBehaviour({ hang: true });
    const ctx = aiRequest(user('good_request'));
    const pending = access(confOf(), ctx);
    await waitUntil(() => comprehend.pending === 1);
    ctx.response.res.destroy();
    ctx.response.res.emit('close');
    expect((await pending)?.status).toBe(499);
    await waitUntil(() => comprehend.pending === 0);
    expect(comprehend.calls[0]?.aborted).toBe(true);
  });
});

async function waitUntil(ok: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('condition not met in 5 s');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The hook a route with `extra` registers for `ctx`. */
async function hookOf(
  ctx: RequestContext,
  extra: Record<string, unknown>,
): Promise<AiResponseHook> {
  await access(confOf({ check_request: false, check_response: true, ...extra }), ctx);
  const hook = ctx.ai?.responseHooks[0];
  if (!hook) throw new Error('no hook registered');
  return hook;
}

function chunk(bytes: string, over: Partial<AiStreamChunk> = {}): AiStreamChunk {
  return {
    bytes: Buffer.from(bytes),
    texts: [],
    seq: 1,
    last: false,
    complete: false,
    text: '',
    signal: new AbortController().signal,
    ...over,
  };
}

describe('ai-aws-content-moderation: the answer side', () => {
  const answer = (text: string, status = 200) => ({
    status,
    bytes: Buffer.from('{}'),
    text,
    signal: new AbortController().signal,
  });

  it('TEST 19/22: a toxic answer is refused, keeping the LLM usage', async () => {
    const ctx = aiRequest(user('good_request'));
    if (ctx.ai) ctx.ai.rawUsage = { prompt_tokens: 8, completion_tokens: 5, total_tokens: 13 };
    const hook = await hookOf(ctx, { deny_message: 'the response was withheld' });
    const verdict = await hook.onAnswer?.(answer('I will kill you'));
    expect(verdict && 'deny' in verdict).toBe(true);
    const deny = verdict && 'deny' in verdict ? verdict.deny : undefined;
    expect(deny?.status).toBe(200);
    const json = JSON.parse(deny?.body.toString() ?? '{}') as Record<string, unknown>;
    expect(json).toMatchObject({
      object: 'chat.completion',
      choices: [{ message: { content: 'the response was withheld' } }],
      usage: { prompt_tokens: 8, completion_tokens: 5 },
    });
    expect(ctx.ai?.denied?.side).toBe('response');
  });

  it('TEST 20: a clean answer passes; TEST 29: an upstream error is not checked', async () => {
    const hook = await hookOf(aiRequest(user('x')), {});
    expect(await hook.onAnswer?.(answer('How can I assist you today?'))).toBeUndefined();
    expect(await hook.onAnswer?.(answer('I will kill you', 400))).toBeUndefined();
    expect(comprehend.calls).toHaveLength(1);
  });

  it('a whole answer fails closed when Comprehend fails', async () => {
    comprehend.setBehaviour({ status: 503 });
    const hook = await hookOf(aiRequest(user('x')), {});
    const verdict = await hook.onAnswer?.(answer('hello'));
    const deny = verdict && 'deny' in verdict ? verdict.deny : undefined;
    expect(deny?.status).toBe(500);
    expect(deny?.body.toString()).toBe('failed to get moderation results from response');
  });

  it('TEST 41: an answer over 1 KB is scored in two segments', async () => {
    const hook = await hookOf(aiRequest(user('x')), { deny_code: 400 });
    const verdict = await hook.onAnswer?.(answer(`${'a'.repeat(1500)} kill`));
    expect(verdict && 'deny' in verdict ? verdict.deny.status : 0).toBe(400);
    expect(comprehend.calls.map((c) => c.segments.length)).toEqual([2]);
  });

  it('TEST 26/31: final_packet annotates the last chunk only', async () => {
    const ctx = aiRequest(user('x'), { stream: true });
    const hook = await hookOf(ctx, {});
    expect(
      await hook.onChunk?.(chunk('data: {"choices":[]}\n\n', { texts: ['I will kill'] })),
    ).toBeUndefined();
    const verdict = await hook.onChunk?.(
      chunk('data: {"choices":[]}\n\ndata: [DONE]\n\n', {
        seq: 2,
        last: true,
        complete: true,
        text: 'I will kill you',
      }),
    );
    expect(verdict && 'replace' in verdict ? verdict.replace.toString() : '').toBe(
      'data: {"choices":[],"risk_level":"high"}\n\ndata: [DONE]\n\n',
    );
    expect(comprehend.calls.map((c) => c.segments)).toEqual([['I will kill you']]);
  });

  it('TEST 44: final_packet leaves the risk level out when Comprehend failed', async () => {
    comprehend.setBehaviour({ status: 500 });
    const hook = await hookOf(aiRequest(user('x'), { stream: true }), {});
    const verdict = await hook.onChunk?.(
      chunk('data: {"choices":[]}\n\n', { last: true, complete: true, text: 'hello there' }),
    );
    expect(verdict && 'replace' in verdict ? verdict.replace.toString() : '').toBe(
      'data: {"choices":[]}\n\ndata: [DONE]\n\n',
    );
  });

  it('TEST 28: realtime checks batches and ends the stream on a hit', async () => {
    const ctx = aiRequest(user('x'), { stream: true });
    const hook = await hookOf(ctx, {
      stream_check_mode: 'realtime',
      stream_check_cache_size: 5,
      deny_message: 'the response was withheld',
    });
    expect(await hook.onChunk?.(chunk('data: {}\n\n', { texts: ['I'] }))).toBeUndefined();
    expect(comprehend.calls).toHaveLength(0);
    expect(
      await hook.onChunk?.(chunk('data: {}\n\n', { texts: [' will'], seq: 2 })),
    ).toBeUndefined();
    expect(comprehend.calls.map((c) => c.segments)).toEqual([['I will']]);
    const verdict = await hook.onChunk?.(chunk('data: {}\n\n', { texts: [' kill you'], seq: 3 }));
    const ended = verdict && 'end' in verdict ? verdict.end.toString() : '';
    expect(ended).toContain('the response was withheld');
    expect(ended).toMatch(/data: \[DONE\]\n\n$/);
    expect(comprehend.calls.map((c) => c.segments)).toEqual([['I will'], [' kill you']]);
  });

  it('realtime checks the rest on the last chunk, and fails open', async () => {
    const hook = await hookOf(aiRequest(user('x'), { stream: true }), {
      stream_check_mode: 'realtime',
    });
    expect(await hook.onChunk?.(chunk('data: {}\n\n', { texts: ['hi'] }))).toBeUndefined();
    comprehend.setBehaviour({ status: 500 });
    expect(
      await hook.onChunk?.(
        chunk('data: [DONE]\n\n', { texts: [' kill'], last: true, complete: true }),
      ),
    ).toBeUndefined();
    expect(comprehend.calls.map((c) => c.segments)).toEqual([['hi kill']]);
  });

  it('realtime checks a small batch once stream_check_interval has passed', async () => {
    const hook = await hookOf(aiRequest(user('x'), { stream: true }), {
      stream_check_mode: 'realtime',
      stream_check_interval: 0.1,
    });
    await hook.onChunk?.(chunk('data: {}\n\n', { texts: ['a'] }));
    expect(comprehend.calls).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 120));
    await hook.onChunk?.(chunk('data: {}\n\n', { texts: ['b'], seq: 2 }));
    expect(comprehend.calls.map((c) => c.segments)).toEqual([['ab']]);
  });
});
