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
import { checkPluginConf, type AiLakeraGuardConf } from '@tollgate/schema';
import { startMockLakera, waitFor, type MockLakera } from '@tollgate/testkit';
import { PLUGINS } from '../index';
import { scan } from './client';
import { aiLakeraGuard } from './index';
import { KEEP_ALIVE, answerHook } from './response';

let lakera: MockLakera;

beforeAll(async () => {
  lakera = await startMockLakera({ apiKey: 'lk-test' });
});
afterAll(async () => {
  await aiLakeraGuard.destroy?.();
  await lakera.close();
});
beforeEach(() => lakera.reset());

function conf(overrides: Record<string, unknown> = {}): AiLakeraGuardConf {
  const r = checkPluginConf(
    'ai-lakera-guard',
    { api_key: 'lk-test', lakera_endpoint: lakera.endpoint, ...overrides },
    'route',
  );
  if (!r.valid) throw new Error(r.message);
  return r.value as AiLakeraGuardConf;
}

interface AiRequest {
  protocol?: string;
  body?: Record<string, unknown>;
  stream?: boolean;
  /** False: no ai-proxy picked an instance. */
  picked?: boolean;
}

function context(request: AiRequest = {}): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.headers = { host: 'gw.test' };
  req.url = '/v1/chat/completions';
  req.method = 'POST';
  const ctx = new RequestContext(req, new http.ServerResponse(req));
  if (request.picked === false) return ctx;
  const ai = new AiContext();
  ai.protocol = request.protocol ?? 'openai-chat';
  ai.body = request.body ?? { messages: [{ role: 'user', content: 'What is 1+1?' }] };
  ai.requestType = request.stream ? 'ai_stream' : 'ai_chat';
  ai.model = 'gpt-4';
  ai.instance = { name: 'ai-proxy-openai', provider: 'openai', conf: {} };
  ctx.ai = ai;
  return ctx;
}

async function access(c: AiLakeraGuardConf, ctx: RequestContext): Promise<Exit | undefined> {
  return (await aiLakeraGuard.access?.(c, ctx)) ?? undefined;
}

const bodyOf = (exit: Exit | undefined) => JSON.parse(String(exit?.body)) as Record<string, any>;

describe('ai-lakera-guard definition and schema', () => {
  it('runs in access at APISIX priority 1028, in the registry', () => {
    expect(aiLakeraGuard).toMatchObject({
      name: 'ai-lakera-guard',
      version: '0.1',
      priority: 1028,
    });
    expect(PLUGINS.get('ai-lakera-guard')).toBe(aiLakeraGuard);
  });

  it("fills APISIX 3.18's defaults", () => {
    expect(checkPluginConf('ai-lakera-guard', { api_key: 'k' }, 'route')).toEqual({
      valid: true,
      value: {
        api_key: 'k',
        lakera_endpoint: 'https://api.lakera.ai/v2/guard',
        direction: 'input',
        action: 'block',
        fail_open: false,
        fail_mode: 'skip',
        timeout: 5000,
        ssl_verify: true,
        reveal_failure_categories: false,
        deny_code: 200,
        request_failure_message: 'Request blocked by Lakera Guard',
        response_failure_message: 'Response blocked by Lakera Guard',
      },
    });
  });

  it.each([
    [{}, 'property "api_key" is required'],
    [{ api_key: '' }, 'property "api_key" validation failed'],
    [{ api_key: 'k', lakera_endpoint: 'ftp://x' }, 'lakera_endpoint'],
    [{ api_key: 'k', direction: 'sideways' }, 'direction'],
    [{ api_key: 'k', deny_code: 199 }, 'deny_code'],
    [{ api_key: 'k', timeout: 0 }, 'timeout'],
  ])('refuses %j', (value, message) => {
    const r = checkPluginConf('ai-lakera-guard', value, 'route');
    expect(r.valid).toBe(false);
    if (!r.valid) expect(r.message).toContain(message);
  });
});

describe('the prompt (access phase)', () => {
  it('sends the whole conversation with its roles, breakdown and project_id, with the Bearer key', async () => {
    const ctx = context({
      body: {
        messages: [
          { role: 'system', content: 'you are a helpful assistant' },
          { role: 'assistant', content: '' },
          { role: 'assistant', content: [{ type: 'text', text: 'an earlier turn' }] },
          { role: 'user', content: 'thanks' },
        ],
      },
    });
    expect(await access(conf({ project_id: 'project-42' }), ctx)).toBeUndefined();
    expect(lakera.requests).toHaveLength(1);
    const [call] = lakera.requests;
    expect(call?.headers.authorization).toBe('Bearer lk-test');
    expect(call?.body).toEqual({
      messages: [
        { role: 'system', content: 'you are a helpful assistant' },
        { role: 'assistant', content: 'an earlier turn' },
        { role: 'user', content: 'thanks' },
      ],
      breakdown: true,
      project_id: 'project-42',
    });
    expect(ctx.ai?.contentChecks).toEqual([
      { plugin: 'ai-lakera-guard', side: 'request', ms: expect.any(Number), outcome: 'pass' },
    ]);
    expect(ctx.ai?.contentRiskLevel).toBe('none');
    expect(ctx.ai?.responseHooks).toHaveLength(0);
  });

  it('refuses a flagged prompt with a chat completion, status 200 and zero usage', async () => {
    const ctx = context({
      body: { messages: [{ role: 'user', content: 'an injection attempt' }] },
    });
    const refused = await access(conf(), ctx);
    expect(refused?.status).toBe(200);
    expect(refused?.headers).toEqual({ 'content-type': 'application/json' });
    expect(bodyOf(refused)).toMatchObject({
      object: 'chat.completion',
      choices: [{ message: { role: 'assistant', content: 'Request blocked by Lakera Guard' } }],
      usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    });
    expect(ctx.ai?.denied).toEqual({
      plugin: 'ai-lakera-guard',
      side: 'request',
      reason: 'flagged',
    });
    expect(ctx.ai?.contentRiskLevel).toBe('high');
    expect(ctx.ai?.contentChecks[0]?.outcome).toBe('deny');
  });

  it('refuses a streamed request with a complete SSE sequence', async () => {
    const ctx = context({
      stream: true,
      body: { stream: true, messages: [{ role: 'user', content: 'injection' }] },
    });
    const refused = await access(conf(), ctx);
    expect(refused?.headers).toEqual({ 'content-type': 'text/event-stream' });
    const text = String(refused?.body);
    expect(text).toContain('"content":"Request blocked by Lakera Guard"');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('reveals the detectors that fired, with their result, and honours deny_code', async () => {
    const ctx = context({ body: { messages: [{ role: 'user', content: 'injection' }] } });
    const refused = await access(conf({ reveal_failure_categories: true, deny_code: 403 }), ctx);
    expect(refused?.status).toBe(403);
    expect(bodyOf(refused).choices[0].message.content).toBe(
      'Request blocked by Lakera Guard. Flagged categories: prompt_attack (l1_confident)',
    );
  });

  it('lets a flagged prompt through in alert mode', async () => {
    const ctx = context({ body: { messages: [{ role: 'user', content: 'injection' }] } });
    expect(await access(conf({ action: 'alert' }), ctx)).toBeUndefined();
    expect(ctx.ai?.denied).toBeUndefined();
    expect(ctx.ai?.contentRiskLevel).toBe('high');
  });

  it.each([
    ['an error status', 'lakera-error', {}],
    ['a timeout', 'lakera-timeout', { timeout: 50 }],
  ])('fails closed on %s, open with fail_open', async (_what, word, extra) => {
    const body = { messages: [{ role: 'user', content: `trigger ${word}` }] };
    const closed = context({ body });
    const refused = await access(conf(extra), closed);
    expect(bodyOf(refused).choices[0].message.content).toBe('Request blocked by Lakera Guard');
    expect(closed.ai?.denied?.reason).toBe('guard_error');
    expect(closed.ai?.contentChecks[0]?.outcome).toBe('error');
    const open = context({ body });
    expect(await access(conf({ ...extra, fail_open: true }), open)).toBeUndefined();
  });

  it('fails closed on a wrong key (401) and on an answer that is not JSON', async () => {
    const ctx = context();
    expect((await access(conf({ api_key: 'wrong' }), ctx))?.status).toBe(200);
    expect(ctx.ai?.denied?.reason).toBe('guard_error');
    lakera.setBehaviour({ malformed: true });
    const other = context();
    expect((await access(conf(), other))?.status).toBe(200);
    expect(other.ai?.denied?.reason).toBe('guard_error');
  });

  it('stops the Lakera call when the caller aborts (the client left)', async () => {
    lakera.setBehaviour({ delayMs: 5_000 });
    const leaving = new AbortController();
    const pending = scan([{ role: 'user', content: 'hi' }], {
      endpoint: lakera.endpoint,
      apiKey: 'lk-test',
      timeoutMs: 10_000,
      sslVerify: true,
      signal: leaving.signal,
    });
    await waitFor('the call to reach Lakera', () => lakera.requests.length === 1);
    leaving.abort();
    expect(await pending).toEqual({
      ok: false,
      error: expect.stringContaining('failed to request'),
    });
    await waitFor('Lakera to see the caller leave', () => lakera.requests[0]?.aborted === true);
  });

  it('scans Responses API instructions and input, Anthropic system and blocks, embeddings input', async () => {
    await access(
      conf(),
      context({ protocol: 'openai-responses', body: { instructions: 'be brief', input: 'hi' } }),
    );
    await access(
      conf(),
      context({
        protocol: 'anthropic-messages',
        body: {
          system: 'sys',
          messages: [{ role: 'user', content: [{ type: 'text', text: 'yo' }] }],
        },
      }),
    );
    await access(
      conf(),
      context({ protocol: 'openai-embeddings', body: { input: ['one', 'two'] } }),
    );
    expect(lakera.requests.map((r) => r.messages)).toEqual([
      [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hi' },
      ],
      [
        { role: 'system', content: 'sys' },
        { role: 'user', content: 'yo' },
      ],
      [{ role: 'user', content: 'one two' }],
    ]);
  });

  it('does not call Lakera for an empty conversation, nor with direction output', async () => {
    expect(await access(conf(), context({ body: { messages: [] } }))).toBeUndefined();
    const ctx = context();
    expect(await access(conf({ direction: 'output' }), ctx)).toBeUndefined();
    expect(lakera.requests).toHaveLength(0);
    expect(ctx.ai?.responseHooks.map((h) => h.plugin)).toEqual(['ai-lakera-guard']);
  });

  it('fail_mode: skip passes traffic no ai-proxy picked, error refuses it with 500', async () => {
    expect(await access(conf(), context({ picked: false }))).toBeUndefined();
    const refused = await access(conf({ fail_mode: 'error' }), context({ picked: false }));
    expect(refused).toMatchObject({
      status: 500,
      body: 'no ai instance picked, ai-lakera-guard plugin must be used with ai-proxy or ai-proxy-multi plugin',
    });
    const passthrough = await access(
      conf({ fail_mode: 'error' }),
      context({ protocol: 'passthrough', body: {} }),
    );
    expect(passthrough).toMatchObject({ status: 500, body: 'unsupported protocol: passthrough' });
    expect(lakera.requests).toHaveLength(0);
  });
});

describe('the answer (response hook)', () => {
  const signal = new AbortController().signal;

  function hookFor(overrides: Record<string, unknown>, request: AiRequest = {}, maxHeld?: number) {
    const ctx = context(request);
    if (ctx.ai) ctx.ai.rawUsage = { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 };
    const hook: AiResponseHook = answerHook(conf(overrides), ctx, maxHeld);
    return { ctx, hook };
  }

  const answer = (text: string, status = 200) => ({
    status,
    bytes: Buffer.from('{}'),
    text,
    signal,
  });

  it('refuses a flagged answer with deny_code and the LLM usage kept; passes a clean one', async () => {
    const { ctx, hook } = hookFor({ direction: 'output', deny_code: 451 });
    expect(await hook.onAnswer?.(answer('Hello there'))).toBeUndefined();
    const verdict = await hook.onAnswer?.(answer('Here is an injection payload'));
    expect(verdict && 'deny' in verdict ? verdict.deny.status : 0).toBe(451);
    const body = JSON.parse(
      String(verdict && 'deny' in verdict ? verdict.deny.body : '{}'),
    ) as Record<string, any>;
    expect(body.choices[0].message.content).toBe('Response blocked by Lakera Guard');
    expect(body.usage).toEqual({ prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 });
    expect(lakera.requests.map((r) => r.messages)).toEqual([
      [{ role: 'assistant', content: 'Hello there' }],
      [{ role: 'assistant', content: 'Here is an injection payload' }],
    ]);
    expect(ctx.ai?.denied).toEqual({
      plugin: 'ai-lakera-guard',
      side: 'response',
      reason: 'flagged',
    });
  });

  it('leaves an error answer and an answer without text unscanned', async () => {
    const { hook } = hookFor({ direction: 'output' });
    expect(await hook.onAnswer?.(answer('injection', 500))).toBeUndefined();
    expect(await hook.onAnswer?.(answer(''))).toBeUndefined();
    expect(lakera.requests).toHaveLength(0);
  });

  function chunk(
    bytes: string,
    seq: number,
    last = false,
    text = '',
    complete = last,
  ): AiStreamChunk {
    return { bytes: Buffer.from(bytes), texts: [], seq, last, complete, text, signal };
  }

  async function feed(hook: AiResponseHook, chunks: AiStreamChunk[]): Promise<AiChunkVerdict[]> {
    const out: AiChunkVerdict[] = [];
    for (const c of chunks) out.push(await hook.onChunk?.(c));
    return out;
  }

  const replaced = (v: AiChunkVerdict) => (v && 'replace' in v ? v.replace.toString() : undefined);
  const ended = (v: AiChunkVerdict) => (v && 'end' in v ? v.end.toString() : undefined);

  it('holds a stream behind keep-alives and releases it verbatim when clean', async () => {
    const { hook } = hookFor({ direction: 'output' }, { stream: true });
    const out = await feed(hook, [
      chunk('data: a\n\n', 1),
      chunk('data: b\n\n', 2),
      chunk('data: [DONE]\n\n', 3, true, 'Hello'),
    ]);
    expect(out.slice(0, 2).map(replaced)).toEqual([KEEP_ALIVE.toString(), KEEP_ALIVE.toString()]);
    expect(replaced(out[2])).toBe('data: a\n\ndata: b\n\ndata: [DONE]\n\n');
    expect(lakera.requests).toHaveLength(1);
  });

  it('ends a flagged stream with the deny SSE instead of the held bytes', async () => {
    const { ctx, hook } = hookFor({ direction: 'both' }, { stream: true });
    const out = await feed(hook, [
      chunk('data: injection payload\n\n', 1),
      chunk('data: [DONE]\n\n', 2, true, 'Here is an injection payload'),
    ]);
    const end = ended(out[1]) ?? '';
    expect(end).not.toContain('payload');
    expect(end).toContain('"content":"Response blocked by Lakera Guard"');
    expect(end.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(ctx.ai?.denied?.reason).toBe('flagged');
  });

  it('alert mode without fail_open holds the stream too, and releases a flagged one', async () => {
    const { hook } = hookFor({ direction: 'output', action: 'alert' }, { stream: true });
    const out = await feed(hook, [
      chunk('data: x\n\n', 1),
      chunk('data: [DONE]\n\n', 2, true, 'injection'),
    ]);
    expect(replaced(out[0])).toBe(':\n\n');
    expect(replaced(out[1])).toBe('data: x\n\ndata: [DONE]\n\n');
  });

  it('alert mode with fail_open lets the stream flow and scans it as a settler', async () => {
    const { ctx, hook } = hookFor(
      { direction: 'output', action: 'alert', fail_open: true },
      { stream: true },
    );
    const out = await feed(hook, [
      chunk('data: x\n\n', 1),
      chunk('data: [DONE]\n\n', 2, true, 'injection'),
    ]);
    expect(out).toEqual([undefined, undefined]);
    expect(ctx.ai?.settlers).toHaveLength(1);
    await ctx.ai?.settlers[0]?.();
    expect(lakera.requests[0]?.flagged).toBe(true);
    expect(ctx.ai?.contentRiskLevel).toBe('high');
    expect(ctx.ai?.denied).toBeUndefined();
  });

  it('a stream that ended without its terminator follows fail_open', async () => {
    const closed = hookFor({ direction: 'output' }, { stream: true });
    const cut = [chunk('data: a\n\n', 1), chunk('', 2, true, 'a', false)];
    const out = await feed(closed.hook, cut);
    expect(ended(out[1])).toContain('Response blocked by Lakera Guard');
    expect(closed.ctx.ai?.denied?.reason).toBe('unscannable');
    const open = hookFor({ direction: 'output', fail_open: true }, { stream: true });
    expect(replaced((await feed(open.hook, cut))[1])).toBe('data: a\n\n');
    expect(lakera.requests).toHaveLength(0);
  });

  it('releases a completed stream without text (tool calls only) unscanned', async () => {
    const { hook } = hookFor({ direction: 'output' }, { stream: true });
    const out = await feed(hook, [
      chunk('data: tool\n\n', 1),
      chunk('data: [DONE]\n\n', 2, true, ''),
    ]);
    expect(replaced(out[1])).toBe('data: tool\n\ndata: [DONE]\n\n');
    expect(lakera.requests).toHaveLength(0);
  });

  it('caps the held bytes: refused without fail_open, released then flowing with it', async () => {
    const closed = hookFor({ direction: 'output' }, { stream: true }, 16);
    const out = await feed(closed.hook, [chunk('data: 0123456789\n\n', 1)]);
    expect(ended(out[0])).toContain('Response blocked by Lakera Guard');
    const open = hookFor({ direction: 'output', fail_open: true }, { stream: true }, 16);
    const flowing = await feed(open.hook, [
      chunk('data: 01234\n\n', 1),
      chunk('data: 56789\n\n', 2),
      chunk('data: more\n\n', 3),
      chunk('data: [DONE]\n\n', 4, true, 'x'),
    ]);
    expect(flowing.map(replaced)).toEqual([
      ':\n\n',
      'data: 01234\n\ndata: 56789\n\n',
      undefined,
      undefined,
    ]);
    expect(lakera.requests).toHaveLength(0);
  });

  it('a Lakera error on the answer fails closed even in alert mode (fail_open false)', async () => {
    const { hook } = hookFor({ direction: 'output', action: 'alert' }, { stream: true });
    const out = await feed(hook, [chunk('data: [DONE]\n\n', 1, true, 'lakera-error here')]);
    expect(ended(out[0])).toContain('Response blocked by Lakera Guard');
  });
});
