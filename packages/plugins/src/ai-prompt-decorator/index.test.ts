import http from 'node:http';
import net from 'node:net';
import { Readable } from 'node:stream';
import { RequestContext, type Exit } from '@tollgate/core';
import { checkPluginConf, type AiPromptDecoratorConf } from '@tollgate/schema';
import { PLUGINS } from '../index';
import { decorate } from './decorate';
import { aiPromptDecorator } from './index';

function context(url: string, body: string): RequestContext {
  const req = Object.assign(Readable.from(body === '' ? [] : [Buffer.from(body)]), {
    headers: { 'content-length': String(Buffer.byteLength(body)) },
    rawHeaders: [],
    url,
    method: 'POST',
    httpVersion: '1.1',
    socket: new net.Socket(),
  }) as unknown as http.IncomingMessage;
  return new RequestContext(req, new http.ServerResponse(req));
}

function conf(over: Record<string, unknown>): AiPromptDecoratorConf {
  const checked = checkPluginConf('ai-prompt-decorator', over, 'route');
  if (!checked.valid) throw new Error(checked.message);
  return checked.value as AiPromptDecoratorConf;
}

async function decorated(c: AiPromptDecoratorConf, url: string, body: unknown) {
  const ctx = context(url, typeof body === 'string' ? body : JSON.stringify(body));
  const result = (await aiPromptDecorator.rewrite?.(c, ctx)) as Exit | undefined;
  return { result, sent: JSON.parse((await ctx.readBody(1 << 20)).toString()) as unknown };
}

const sys = (content: string) => ({ role: 'system', content });
const user = (content: string) => ({ role: 'user', content });

describe('ai-prompt-decorator', () => {
  it('is registered under APISIX name and priority, in the rewrite phase', () => {
    expect(PLUGINS.get('ai-prompt-decorator')).toBe(aiPromptDecorator);
    expect(aiPromptDecorator.priority).toBe(1070);
    expect(aiPromptDecorator.rewrite).toBeDefined();
  });

  it('check_schema: prepend or append is required, roles and contents are checked', () => {
    expect(checkPluginConf('ai-prompt-decorator', {}, 'route').valid).toBe(false);
    expect(checkPluginConf('ai-prompt-decorator', { append: [sys('x')] }, 'route').valid).toBe(
      true,
    );
    expect(
      checkPluginConf('ai-prompt-decorator', { prepend: [{ role: 'tool', content: 'x' }] }, 'route')
        .valid,
    ).toBe(false);
    expect(checkPluginConf('ai-prompt-decorator', { prepend: [sys('')] }, 'route').valid).toBe(
      false,
    );
  });

  it('openai chat: prepend before and append after the messages (TESTs 2, 4, 6)', async () => {
    const c = conf({ prepend: [sys('some prepend')], append: [sys('some append')] });
    const { sent } = await decorated(c, '/v1/chat/completions', {
      messages: [sys('You are a mathematician'), user('What is 1+1?')],
    });
    expect(sent).toEqual({
      messages: [
        sys('some prepend'),
        sys('You are a mathematician'),
        user('What is 1+1?'),
        sys('some append'),
      ],
    });
  });

  it('never changes the configuration (TEST 7)', async () => {
    const c = conf({ prepend: [sys('system prompt')] });
    const snapshot = JSON.stringify(c);
    for (const text of ['first message', 'second message']) {
      const { sent } = await decorated(c, '/v1/chat/completions', { messages: [user(text)] });
      expect(sent).toEqual({ messages: [sys('system prompt'), user(text)] });
    }
    expect(JSON.stringify(c)).toBe(snapshot);
  });

  it('Responses API: prepend into instructions, append onto input (TESTs 10-16)', () => {
    const p = [sys('Be helpful')];
    const a = [user('Please be concise')];
    const cases: [Record<string, unknown>, Record<string, unknown>][] = [
      [
        { input: 'What is 1+1?' },
        { input: 'What is 1+1?\nPlease be concise', instructions: 'Be helpful' },
      ],
      [
        { input: 'q', instructions: 'You are a math tutor' },
        { input: 'q\nPlease be concise', instructions: 'Be helpful\nYou are a math tutor' },
      ],
      [
        { input: [{ type: 'message', role: 'user', content: 'q' }] },
        {
          instructions: 'Be helpful',
          input: [
            { type: 'message', role: 'user', content: 'q' },
            { type: 'message', role: 'user', content: 'Please be concise' },
          ],
        },
      ],
      [{ input: null }, { input: 'Please be concise', instructions: 'Be helpful' }],
    ];
    for (const [body, want] of cases) {
      expect(decorate('openai-responses', body, p, a)).toBe(true);
      expect(body).toEqual(want);
    }
  });

  it('anthropic: {role, content} into messages, a system role included (APISIX behaviour)', () => {
    const body: Record<string, unknown> = { system: 'top', messages: [user('hi')] };
    decorate('anthropic-messages', body, [sys('be brief')], [user('end with a joke')]);
    expect(body).toEqual({
      system: 'top',
      messages: [sys('be brief'), user('hi'), user('end with a joke')],
    });
  });

  it('bedrock converse: system roles into system blocks, others as text blocks', () => {
    const body: Record<string, unknown> = {
      messages: [{ role: 'user', content: [{ text: 'hi' }] }],
    };
    decorate('bedrock-converse', body, [sys('s1'), user('u0')], [sys('s2')]);
    expect(body).toEqual({
      system: [{ text: 's1' }, { text: 's2' }],
      messages: [
        { role: 'user', content: [{ text: 'u0' }] },
        { role: 'user', content: [{ text: 'hi' }] },
      ],
    });
  });

  it('leaves protocols without a conversation alone; a body of no protocol is treated as chat', async () => {
    const c = conf({ prepend: [sys('x')] });
    expect((await decorated(c, '/v1/embeddings', { input: 'a', model: 'e' })).sent).toEqual({
      input: 'a',
      model: 'e',
    });
    expect((await decorated(c, '/anything', { foo: 'bar' })).sent).toEqual({ foo: 'bar' });
    expect((await decorated(c, '/anything', {})).sent).toEqual({ messages: [sys('x')] });
    expect((await decorated(c, '/anything', [1, 2])).sent).toEqual([1, 2]);
  });

  it('refuses a body it cannot read, with APISIX texts', async () => {
    const c = conf({ prepend: [sys('x')] });
    const run = async (body: string, over: Record<string, unknown> = {}) =>
      (await aiPromptDecorator.rewrite?.(
        { ...c, ...over },
        context('/v1/chat/completions', body),
      )) as Exit | undefined;
    expect(await run('')).toEqual(
      expect.objectContaining({
        status: 400,
        body: { message: 'could not get body: request body is empty' },
      }),
    );
    expect(await run('{"messages": [}')).toEqual(
      expect.objectContaining({
        status: 400,
        body: { message: expect.stringMatching(/^could not parse JSON request body: /) as unknown },
      }),
    );
    const big = JSON.stringify({ messages: [user('x'.repeat(40))] });
    expect(await run(big, { max_req_body_size: 16 })).toEqual(
      expect.objectContaining({
        status: 400,
        body: {
          message: `could not get body: request size ${big.length} is greater than the maximum size 16 allowed`,
        },
      }),
    );
  });
});
