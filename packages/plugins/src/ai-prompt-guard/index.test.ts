import http from 'node:http';
import net from 'node:net';
import { Readable } from 'node:stream';
import { RequestContext, type Exit } from '@tollgate/core';
import { checkPluginConf, type AiPromptGuardConf } from '@tollgate/schema';
import { PLUGINS } from '../index';
import { conversationOf, messagesToCheck, textToCheck } from './conversation';
import { aiPromptGuard } from './index';

function context(
  url: string,
  body: string,
  headers: http.IncomingHttpHeaders = {},
): RequestContext {
  const req = Object.assign(Readable.from([Buffer.from(body)]), {
    headers: { 'content-length': String(Buffer.byteLength(body)), ...headers },
    rawHeaders: [],
    url,
    method: 'POST',
    httpVersion: '1.1',
    socket: new net.Socket(),
  }) as unknown as http.IncomingMessage;
  return new RequestContext(req, new http.ServerResponse(req));
}

function conf(over: Partial<AiPromptGuardConf> = {}): AiPromptGuardConf {
  const checked = checkPluginConf('ai-prompt-guard', over, 'route');
  if (!checked.valid) throw new Error(checked.message);
  return checked.value as AiPromptGuardConf;
}

async function run(c: AiPromptGuardConf, ctx: RequestContext): Promise<Exit | undefined> {
  return (await aiPromptGuard.access?.(c, ctx)) ?? undefined;
}

const chat = (...messages: [string, string][]) =>
  JSON.stringify({ messages: messages.map(([role, content]) => ({ role, content })) });

describe('ai-prompt-guard', () => {
  it('is registered under APISIX name and priority, in the access phase', () => {
    expect(PLUGINS.get('ai-prompt-guard')).toBe(aiPromptGuard);
    expect(aiPromptGuard.priority).toBe(1072);
    expect(aiPromptGuard.access).toBeDefined();
    expect(conf()).toEqual({
      max_req_body_size: 67108864,
      match_all_roles: false,
      match_all_conversation_history: false,
      allow_patterns: [],
      deny_patterns: [],
      fail_mode: 'skip',
    });
  });

  it('check_schema: patterns must compile, in APISIX words (TEST 1)', () => {
    expect(checkPluginConf('ai-prompt-guard', { deny_patterns: ['(abc'] }, 'route')).toEqual({
      valid: false,
      message: 'invalid deny_pattern: (abc',
    });
    expect(checkPluginConf('ai-prompt-guard', { allow_patterns: ['ok', '[x'] }, 'route')).toEqual({
      valid: false,
      message: 'invalid allow_pattern: [x',
    });
    const inline = checkPluginConf('ai-prompt-guard', { deny_patterns: ['a(?i)b'] }, 'route');
    expect(inline.valid).toBe(false);
    expect(!inline.valid && inline.message).toMatch(
      /^invalid deny_pattern: a\(\?i\)b \(not supported: the inline option setting \(\?i\)/,
    );
    for (const ok of [
      'a++b',
      '(?i)badword',
      '\\Kx',
      '(?>a|b)c',
      '\\Qa.b\\E',
      '^[A-Za-z0-9_]+badword$',
    ]) {
      expect(checkPluginConf('ai-prompt-guard', { deny_patterns: [ok] }, 'route').valid).toBe(true);
    }
  });

  it('bounds the patterns: at most 100 of each, 4096 characters each', () => {
    const many = Array.from({ length: 101 }, (_, i) => `w${i}`);
    expect(checkPluginConf('ai-prompt-guard', { deny_patterns: many }, 'route').valid).toBe(false);
    expect(
      checkPluginConf('ai-prompt-guard', { allow_patterns: ['a'.repeat(4097)] }, 'route').valid,
    ).toBe(false);
  });

  it('narrows to the last message with text, then to user messages (Responses: no history cut)', () => {
    const body = JSON.parse(
      chat(['system', 's'], ['user', 'u1'], ['assistant', 'a'], ['user', 'u2']),
    ) as Record<string, unknown>;
    const all = conversationOf('openai-chat', body);
    const narrow = { match_all_roles: false, match_all_conversation_history: false };
    expect(messagesToCheck(narrow, 'openai-chat', all)).toEqual([{ role: 'user', content: 'u2' }]);
    expect(
      messagesToCheck({ ...narrow, match_all_conversation_history: true }, 'openai-chat', all),
    ).toEqual([
      { role: 'user', content: 'u1' },
      { role: 'user', content: 'u2' },
    ]);
    const toolTurn = conversationOf('openai-chat', {
      messages: [
        { role: 'user', content: 'call it' },
        { role: 'assistant', content: null, tool_calls: [{ id: 't' }] },
      ],
    });
    expect(messagesToCheck(narrow, 'openai-chat', toolTurn)).toEqual([
      { role: 'user', content: 'call it' },
    ]);
    const responses = conversationOf('openai-responses', { instructions: 'sys', input: 'hi' });
    expect(
      messagesToCheck({ ...narrow, match_all_roles: true }, 'openai-responses', responses),
    ).toEqual([
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'hi' },
    ]);
    expect(conversationOf('openai-embeddings', { input: 'embed me' })).toEqual([
      { role: 'user', content: 'embed me' },
    ]);
    expect(
      textToCheck([
        { role: 'user', content: 'a' },
        { role: 'system', content: 'b' },
      ]),
    ).toBe('a b');
  });

  it('checks allow before deny, with APISIX bodies, and notes the verdict', async () => {
    const c = conf({
      match_all_roles: true,
      allow_patterns: ['goodword'],
      deny_patterns: ['badword'],
    });
    expect(
      await run(c, context('/v1/chat/completions', chat(['system', 'goodword']))),
    ).toBeUndefined();
    const miss = context('/v1/chat/completions', chat(['system', 'badword']));
    expect(await run(c, miss)).toEqual(
      expect.objectContaining({
        status: 400,
        body: { message: "Request doesn't match allow patterns" },
      }),
    );
    expect(miss.ai?.denied).toEqual({
      plugin: 'ai-prompt-guard',
      side: 'request',
      reason: 'allow_pattern_miss',
    });
    const both = context('/v1/chat/completions', chat(['user', 'goodword badword']));
    expect(await run(c, both)).toEqual(
      expect.objectContaining({
        status: 400,
        body: { message: 'Request contains prohibited content' },
      }),
    );
    expect(both.ai?.contentChecks).toEqual([
      expect.objectContaining({ plugin: 'ai-prompt-guard', side: 'request', outcome: 'deny' }),
    ]);
  });

  it('lets a request with nothing left to check through (Tollgate decision, not the empty 200)', async () => {
    const ctx = context('/v1/chat/completions', chat(['user', 'badword'], ['tool', 'result']));
    expect(await run(conf({ deny_patterns: ['badword'] }), ctx)).toBeUndefined();
    expect(ctx.ai?.contentChecks).toEqual([expect.objectContaining({ outcome: 'skip' })]);
  });

  it('answers an empty or oversized body with 400 Empty request body', async () => {
    const empty = await run(conf(), context('/v1/chat/completions', ''));
    expect(empty).toEqual(
      expect.objectContaining({ status: 400, body: { message: 'Empty request body' } }),
    );
    const big = await run(
      conf({ max_req_body_size: 10 }),
      context('/x', chat(['user', 'long text'])),
    );
    expect(big).toEqual(
      expect.objectContaining({ status: 400, body: { message: 'Empty request body' } }),
    );
  });

  it('fail_mode decides for bodies that are not JSON or match no AI protocol', async () => {
    expect(await run(conf(), context('/hello', 'name=alice'))).toBeUndefined();
    expect(
      await run(conf({ fail_mode: 'warn' }), context('/hello', '{"foo":"bar"}')),
    ).toBeUndefined();
    const notJson = await run(conf({ fail_mode: 'error' }), context('/hello', 'name=alice'));
    expect(notJson?.status).toBe(400);
    expect((notJson?.body as { message: string }).message).toMatch(/JSON/);
    expect(await run(conf({ fail_mode: 'error' }), context('/hello', '{"foo":"bar"}'))).toEqual(
      expect.objectContaining({
        status: 400,
        body: { message: 'Request format not recognized by ai-prompt-guard' },
      }),
    );
    expect(await run(conf({ fail_mode: 'error' }), context('/hello', '[1,2]'))).toEqual(
      expect.objectContaining({ status: 400 }),
    );
  });

  it('reads the body once: later readers get the same bytes', async () => {
    const body = chat(['user', 'fine']);
    const ctx = context('/v1/chat/completions', body);
    expect(await run(conf({ deny_patterns: ['bad'] }), ctx)).toBeUndefined();
    expect((await ctx.readBody(1024)).toString()).toBe(body);
  });
});
