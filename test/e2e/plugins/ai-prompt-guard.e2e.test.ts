/**
 * ai-prompt-guard end to end (issue 13): APISIX 3.18's t/plugin/ai-prompt-guard.t, each test
 * named after the APISIX TEST it ports, through a real node configured via the Admin API with
 * ai-proxy to the mock LLM. A request the guard lets through reaches the LLM (one call, 200); a
 * refused one gets APISIX's 400 body and the LLM is never called. OpenAI chat, the Responses API
 * and (beyond APISIX's file) Anthropic messages.
 *
 * One deliberate difference: TEST 9 (nothing left to check after narrowing) passes the request on
 * to the LLM, where APISIX answers an empty 200 (docs/plugins/ai-prompt-guard.md).
 */
import type { HttpReply } from '@tollgate/testkit';
import { waitFor } from '@tollgate/testkit';
import { withClientError } from '../support/client-error';
import { PATHS, startPromptNode, type PromptNode, type Protocol } from './support/prompt-node';

jest.setTimeout(120_000);

let node: PromptNode;

beforeAll(async () => {
  node = await startPromptNode('ai-prompt-guard-e2e');
});
afterAll(async () => {
  await node?.close();
});
beforeEach(() => {
  node.llm.clear();
});

const DENIED = { message: 'Request contains prohibited content' };
const NOT_ALLOWED = { message: "Request doesn't match allow patterns" };

let seq = 0;
/** A route with the guard and ai-proxy for `protocol`; its URI. */
async function guarded(guard: Record<string, unknown>, protocol: Protocol = 'chat') {
  const id = `pg${++seq}`;
  return node.route(id, PATHS[protocol], {
    plugins: { 'ai-prompt-guard': guard, 'ai-proxy': node.aiProxy(protocol) },
  });
}

const chat = (...messages: [string, unknown][]) => ({
  model: 'gpt-4',
  messages: messages.map(([role, content]) => ({ role, content })),
});
const responses = (input: unknown, instructions?: string) => ({
  model: 'gpt-4o',
  input,
  ...(instructions === undefined ? {} : { instructions }),
});
const anthropic = (messages: [string, unknown][], system?: string) => ({
  model: 'claude-3-5-sonnet',
  max_tokens: 64,
  ...(system === undefined ? {} : { system }),
  messages: messages.map(([role, content]) => ({ role, content })),
});

/** The request went through the guard to the LLM and back. */
function passed(res: HttpReply): void {
  expect(res.status).toBe(200);
  expect(node.llm.requests).toHaveLength(1);
}

/**
 * The guard refused the request with APISIX's `body` (plus the client protocol's error object,
 * Tollgate's extension on AI routes, issue 16); the LLM was never called.
 */
function refused(
  res: HttpReply,
  body: { message: string },
  dialect: 'openai' | 'anthropic' = 'openai',
): void {
  expect(res.status).toBe(400);
  expect(res.json).toEqual(withClientError(body, 400, dialect));
  expect(node.llm.requests).toHaveLength(0);
}

describe('ai-prompt-guard.t: patterns checked through the Admin API', () => {
  const put = (conf: unknown) =>
    node.putRoute('pg-admin', {
      uri: '/pg-admin/v1/chat/completions',
      plugins: { 'ai-prompt-guard': conf, 'ai-proxy': node.aiProxy('chat') },
    });

  it('TEST 1: a pattern that does not compile is refused, in APISIX words', async () => {
    const res = await put({ match_all_roles: true, deny_patterns: ['(abc'] });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error_msg:
        'failed to check the configuration of plugin ai-prompt-guard err: invalid deny_pattern: (abc',
    });
  });

  it('PCRE that cannot run as JavaScript is refused naming the construct; translatable PCRE is accepted', async () => {
    const inline = await put({ allow_patterns: ['good(?i)word'] });
    expect(inline.status).toBe(400);
    expect((inline.json as { error_msg: string }).error_msg).toMatch(
      /^failed to check the configuration of plugin ai-prompt-guard err: invalid allow_pattern: good\(\?i\)word \(not supported: the inline option setting \(\?i\)/,
    );
    const recursion = await put({ deny_patterns: ['\\((?R)?\\)'] });
    expect(recursion.status).toBe(400);
    expect((recursion.json as { error_msg: string }).error_msg).toMatch(/recursion/);
    const ok = await put({
      deny_patterns: ['(?i)bad\\s*+word', '(?>x|xy)z', '\\Qa.b\\E', 'x\\Ky'],
    });
    expect(ok.status).toBeLessThan(300);
  });

  it('bounds the pattern lists: at most 100 patterns of 4096 characters', async () => {
    const many = Array.from({ length: 101 }, (_, i) => `w${i}`);
    expect((await put({ deny_patterns: many })).status).toBe(400);
    expect((await put({ deny_patterns: ['x'.repeat(4097)] })).status).toBe(400);
  });
});

describe('ai-prompt-guard.t: openai chat', () => {
  it('TESTs 2-4: allow and deny with match_all_roles: a good word passes, a bad word fails the allow check', async () => {
    const uri = await guarded({
      match_all_roles: true,
      allow_patterns: ['goodword'],
      deny_patterns: ['badword'],
    });
    passed(await node.post(uri, chat(['system', 'goodword'])));
    node.llm.clear();
    refused(await node.post(uri, chat(['system', 'badword'])), NOT_ALLOWED);
  });

  it('TESTs 5-7, 28-29: deny only with match_all_roles', async () => {
    const uri = await guarded({ match_all_roles: true, deny_patterns: ['badword'] });
    passed(await node.post(uri, chat(['system', 'goodword'])));
    node.llm.clear();
    refused(await node.post(uri, chat(['system', 'badword'])), DENIED);
  });

  it('TESTs 8-10: allow only, user messages: a system bad word passes on (TEST 9, Tollgate: to the LLM), a user one is refused', async () => {
    const uri = await guarded({ allow_patterns: ['goodword'] });
    passed(await node.post(uri, chat(['system', 'badword'])));
    await waitFor('the skip log line', () =>
      node.output().includes('ai-prompt-guard skipped: no message left to check'),
    );
    node.llm.clear();
    refused(await node.post(uri, chat(['user', 'badword'])), NOT_ALLOWED);
  });

  it('TESTs 11-12: match_all_conversation_history finds a bad word earlier in the history', async () => {
    const uri = await guarded({
      match_all_conversation_history: true,
      match_all_roles: true,
      deny_patterns: ['badword'],
    });
    const body = chat(['system', 'goodword'], ['system', 'badword'], ['system', 'goodword']);
    refused(await node.post(uri, body), DENIED);
  });

  it('TESTs 13-14: without it, only the last message is checked', async () => {
    const uri = await guarded({
      match_all_conversation_history: false,
      match_all_roles: true,
      deny_patterns: ['badword'],
    });
    const body = chat(['system', 'goodword'], ['system', 'badword'], ['system', 'goodword']);
    passed(await node.post(uri, body));
  });

  it('TESTs 15-16: an anchored pattern', async () => {
    const uri = await guarded({ match_all_roles: true, deny_patterns: ['^[A-Za-z0-9_]+badword$'] });
    refused(await node.post(uri, chat(['system', 'anaapsanaapbadword'])), DENIED);
  });

  it('TESTs 36-39: structured content in the history: text parts are scanned, others are not', async () => {
    const uri = await guarded({
      match_all_roles: true,
      match_all_conversation_history: true,
      deny_patterns: ['badword'],
    });
    const history = (word: string) =>
      chat(
        ['system', 'You are a test assistant.'],
        ['assistant', [{ type: 'text', text: word }]],
        ['user', 'hello'],
      );
    refused(await node.post(uri, history('badword')), DENIED);
    passed(await node.post(uri, history('goodword')));
    node.llm.clear();
    const mixed = chat([
      'user',
      [
        { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
        { type: 'text', text: 'badword' },
      ],
    ]);
    refused(await node.post(uri, mixed), DENIED);
  });

  it('TESTs 40-42: default modes: the latest user message, its text parts only', async () => {
    const uri = await guarded({ deny_patterns: ['badword'] });
    refused(await node.post(uri, chat(['user', [{ type: 'text', text: 'badword' }]])), DENIED);
    const image = chat([
      'user',
      [
        { type: 'image_url', image_url: { url: 'https://example.com/badword.png' } },
        { type: 'text', text: 'safe text' },
      ],
    ]);
    passed(await node.post(uri, image));
  });

  it('PCRE semantics: a leading (?i) applies to the whole pattern, patterns are otherwise case-sensitive', async () => {
    const uri = await guarded({ deny_patterns: ['(?i)bad\\s*+word', 'Secret'] });
    refused(await node.post(uri, chat(['user', 'a BAD   WORD here'])), DENIED);
    passed(await node.post(uri, chat(['user', 'a secret'])));
  });

  it('a turn ending with a tool result goes to the LLM unchecked (Tollgate decision)', async () => {
    const uri = await guarded({ deny_patterns: ['badword'] });
    const body = {
      model: 'gpt-4',
      messages: [
        { role: 'user', content: 'look up badword' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'result' },
      ],
    };
    passed(await node.post(uri, body));
  });

  it('max_req_body_size: a larger body gets 400 Empty request body, as APISIX', async () => {
    const uri = await guarded({ deny_patterns: ['badword'], max_req_body_size: 64 });
    refused(await node.post(uri, chat(['user', 'x'.repeat(100)])), {
      message: 'Empty request body',
    });
  });
});

describe('ai-prompt-guard.t: the Responses API', () => {
  it('TESTs 17-21: deny with match_all_roles: string input, instructions, array input', async () => {
    const uri = await guarded({ match_all_roles: true, deny_patterns: ['badword'] }, 'responses');
    refused(await node.post(uri, responses('this contains badword in it')), DENIED);
    refused(await node.post(uri, responses('hello there', 'you must say badword')), DENIED);
    passed(await node.post(uri, responses('hello there', 'be helpful')));
    node.llm.clear();
    const items = [{ type: 'message', role: 'user', content: 'badword here' }];
    refused(await node.post(uri, responses(items)), DENIED);
  });

  it('TESTs 22-24: allow patterns', async () => {
    const uri = await guarded({ match_all_roles: true, allow_patterns: ['goodword'] }, 'responses');
    passed(await node.post(uri, responses('this has goodword')));
    node.llm.clear();
    refused(await node.post(uri, responses('no matching word')), NOT_ALLOWED);
  });

  it('TESTs 25-27: match_all_roles=false: instructions are not checked, input is', async () => {
    const uri = await guarded({ match_all_roles: false, deny_patterns: ['badword'] }, 'responses');
    passed(await node.post(uri, responses('hello there', 'you must say badword')));
    node.llm.clear();
    refused(await node.post(uri, responses('this contains badword')), DENIED);
  });

  it('TESTs 43-44: structured input parts are flattened and scanned', async () => {
    const uri = await guarded({ match_all_roles: true, deny_patterns: ['badword'] }, 'responses');
    const items = [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'badword here' }] },
    ];
    refused(await node.post(uri, responses(items)), DENIED);
  });
});

describe('ai-prompt-guard: anthropic messages (the same rules through the protocol layer)', () => {
  it('the last user message, string or text blocks, is checked', async () => {
    const uri = await guarded({ deny_patterns: ['badword'] }, 'messages');
    refused(await node.post(uri, anthropic([['user', 'a badword']])), DENIED, 'anthropic');
    refused(
      await node.post(uri, anthropic([['user', [{ type: 'text', text: 'badword' }]]])),
      DENIED,
      'anthropic',
    );
    passed(await node.post(uri, anthropic([['user', 'fine']])));
  });

  it('the top-level system is a system message: checked only with match_all_roles and history', async () => {
    const loose = await guarded({ deny_patterns: ['badword'] }, 'messages');
    passed(await node.post(loose, anthropic([['user', 'hi']], 'say badword')));
    node.llm.clear();
    const strict = await guarded(
      { match_all_roles: true, match_all_conversation_history: true, deny_patterns: ['badword'] },
      'messages',
    );
    refused(
      await node.post(strict, anthropic([['user', 'hi']], 'say badword')),
      DENIED,
      'anthropic',
    );
  });
});

describe('ai-prompt-guard.t: fail_mode (APISIX runs these without ai-proxy)', () => {
  async function plainRoute(guard: Record<string, unknown>) {
    const id = `pg${++seq}`;
    return node.route(id, '/hello', {
      plugins: { 'ai-prompt-guard': guard },
      upstream: node.upstream(),
    });
  }

  it('TESTs 30-31: a body of no AI protocol passes through by default (skip)', async () => {
    const uri = await plainRoute({ match_all_roles: true, deny_patterns: ['badword'] });
    const res = await node.post(uri, { foo: 'badword' });
    expect(res.status).toBe(200);
    expect(res.text).toBe('hello world\n');
  });

  it('TESTs 32-33: fail_mode error refuses it', async () => {
    const uri = await plainRoute({
      match_all_roles: true,
      deny_patterns: ['badword'],
      fail_mode: 'error',
    });
    const res = await node.post(uri, { foo: 'bar' });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ message: 'Request format not recognized by ai-prompt-guard' });
  });

  it('TESTs 34-35: a body that is not JSON passes through by default, logged as skipped', async () => {
    const uri = await plainRoute({ match_all_roles: true, deny_patterns: ['badword'] });
    const res = await node.post(uri, 'name=alice&action=upload', {
      'content-type': 'multipart/form-data',
    });
    expect(res.status).toBe(200);
    expect(res.text).toBe('hello world\n');
    await waitFor('the skip log line', () =>
      node.output().includes('ai-prompt-guard skipped: request body is not valid JSON'),
    );
  });
});
