/**
 * ai-prompt-decorator end to end (issue 13): APISIX 3.18's t/plugin/ai-prompt-decorator.t, each
 * test named after the APISIX TEST it ports, through a real node configured via the Admin API
 * with ai-proxy to the mock LLM. APISIX's tests read the decorated body back from an echo
 * upstream; here the mock LLM's record of the body it received shows it. OpenAI chat, the
 * Responses API and (beyond APISIX's file) Anthropic messages.
 */
import { PATHS, startPromptNode, type PromptNode, type Protocol } from './support/prompt-node';
import { withClientError } from '../support/client-error';

jest.setTimeout(120_000);

let node: PromptNode;

beforeAll(async () => {
  node = await startPromptNode('ai-prompt-decorator-e2e');
});
afterAll(async () => {
  await node?.close();
});
beforeEach(() => {
  node.llm.clear();
});

let seq = 0;
async function decorated(decorator: Record<string, unknown>, protocol: Protocol = 'chat') {
  const id = `pd${++seq}`;
  return node.route(id, PATHS[protocol], {
    plugins: { 'ai-prompt-decorator': decorator, 'ai-proxy': node.aiProxy(protocol) },
  });
}

const sys = (content: string) => ({ role: 'system', content });
const user = (content: string) => ({ role: 'user', content });
const MATH = [sys('You are a mathematician'), user('What is 1+1?')];

/** POST `body` and return the body the LLM received (the request must have reached it). */
async function received(uri: string, body: unknown): Promise<unknown> {
  node.llm.clear();
  const res = await node.post(uri, body);
  expect(res.status).toBe(200);
  return node.onlyCall().json;
}

describe('ai-prompt-decorator.t: openai chat', () => {
  it('TESTs 1-2: prepend', async () => {
    const uri = await decorated({ prepend: [sys('some content')] });
    expect(await received(uri, { messages: MATH })).toEqual({
      messages: [sys('some content'), ...MATH],
    });
  });

  it('TESTs 3-4: append', async () => {
    const uri = await decorated({ append: [sys('some content')] });
    expect(await received(uri, { messages: MATH })).toEqual({
      messages: [...MATH, sys('some content')],
    });
  });

  it('TESTs 5-6: append and prepend both', async () => {
    const uri = await decorated({ append: [sys('some append')], prepend: [sys('some prepend')] });
    expect(await received(uri, { messages: MATH })).toEqual({
      messages: [sys('some prepend'), ...MATH, sys('some append')],
    });
  });

  it('TEST 7: no message accumulation across requests (the configuration is never changed)', async () => {
    const uri = await decorated({ prepend: [sys('system prompt')] });
    expect(await received(uri, { messages: [user('first message')] })).toEqual({
      messages: [sys('system prompt'), user('first message')],
    });
    expect(await received(uri, { messages: [user('second message')] })).toEqual({
      messages: [sys('system prompt'), user('second message')],
    });
    const stored = await node.admin.get(`/apisix/admin/routes/pd${seq}`);
    expect(
      (stored.json as { value: { plugins: Record<string, unknown> } }).value.plugins[
        'ai-prompt-decorator'
      ],
    ).toEqual({ prepend: [sys('system prompt')] });
  });

  it('TEST 8: neither append nor prepend is refused by the Admin API', async () => {
    const res = await node.putRoute('pd-admin', {
      uri: '/pd-admin/v1/chat/completions',
      plugins: { 'ai-prompt-decorator': {}, 'ai-proxy': node.aiProxy('chat') },
    });
    expect(res.status).toBe(400);
    expect((res.json as { error_msg: string }).error_msg).toMatch(
      /^failed to check the configuration of plugin ai-prompt-decorator err/,
    );
  });

  it('TEST 17: Chat Completions still works after Responses API support (regression)', async () => {
    const uri = await decorated({ prepend: [sys('some content')] });
    expect(await received(uri, { messages: [user('hello')] })).toEqual({
      messages: [sys('some content'), user('hello')],
    });
  });

  it('the decorated body is what the LLM streams from, other fields kept', async () => {
    const uri = await decorated({ prepend: [sys('be brief')] });
    node.llm.clear();
    const res = await node.post(uri, { model: 'gpt-4', stream: true, messages: [user('hi')] });
    expect(res.status).toBe(200);
    expect(res.text).toContain('data: [DONE]');
    expect(node.onlyCall().json).toMatchObject({
      model: 'gpt-4',
      stream: true,
      messages: [sys('be brief'), user('hi')],
    });
  });

  it('a body it cannot read is refused with APISIX texts, before the LLM', async () => {
    const uri = await decorated({ prepend: [sys('x')], max_req_body_size: 64 });
    const broken = await node.post(uri, '{"messages": [');
    expect(broken.status).toBe(400);
    expect((broken.json as { message: string }).message).toMatch(
      /^could not parse JSON request body: /,
    );
    const big = JSON.stringify({ messages: [user('y'.repeat(100))] });
    const tooBig = await node.post(uri, big);
    expect(tooBig.status).toBe(400);
    expect(tooBig.json).toEqual(
      withClientError(
        {
          message: `could not get body: request size ${big.length} is greater than the maximum size 64 allowed`,
        },
        400,
      ),
    );
    expect(node.llm.requests).toHaveLength(0);
  });
});

describe('ai-prompt-decorator.t: the Responses API', () => {
  const input = (content: string) => ({ type: 'message', role: 'user', content });

  it('TESTs 9-11: prepend sets instructions, or goes before existing ones', async () => {
    const uri = await decorated({ prepend: [sys('Be helpful')] }, 'responses');
    expect(await received(uri, { model: 'gpt-4o', input: 'What is 1+1?' })).toEqual({
      model: 'gpt-4o',
      input: 'What is 1+1?',
      instructions: 'Be helpful',
    });
    const existing = {
      model: 'gpt-4o',
      input: 'What is 1+1?',
      instructions: 'You are a math tutor',
    };
    expect(await received(uri, existing)).toEqual({
      ...existing,
      instructions: 'Be helpful\nYou are a math tutor',
    });
  });

  it('TESTs 12-14: append to a string input, or as a user message to an array input', async () => {
    const uri = await decorated({ append: [user('Please be concise')] }, 'responses');
    expect(await received(uri, { model: 'gpt-4o', input: 'What is 1+1?' })).toEqual({
      model: 'gpt-4o',
      input: 'What is 1+1?\nPlease be concise',
    });
    expect(await received(uri, { model: 'gpt-4o', input: [input('What is 1+1?')] })).toEqual({
      model: 'gpt-4o',
      input: [input('What is 1+1?'), input('Please be concise')],
    });
  });

  it('TESTs 15-16: prepend and append together', async () => {
    const uri = await decorated(
      { prepend: [sys('Be helpful')], append: [user('Please be concise')] },
      'responses',
    );
    expect(await received(uri, { model: 'gpt-4o', input: 'What is 1+1?' })).toEqual({
      model: 'gpt-4o',
      input: 'What is 1+1?\nPlease be concise',
      instructions: 'Be helpful',
    });
  });
});

describe('ai-prompt-decorator: anthropic messages (APISIX behaviour)', () => {
  it('prepend and append go into messages as {role, content}, a system role included', async () => {
    const uri = await decorated(
      { prepend: [sys('Answer briefly.')], append: [user('End with an analogy.')] },
      'messages',
    );
    const body = {
      model: 'claude-3-5-sonnet',
      max_tokens: 64,
      system: 'You are kind.',
      messages: [user('What is TLS?')],
    };
    expect(await received(uri, body)).toEqual({
      ...body,
      messages: [sys('Answer briefly.'), user('What is TLS?'), user('End with an analogy.')],
    });
  });
});
