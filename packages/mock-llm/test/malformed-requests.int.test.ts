/**
 * Issue 9 (found by the gateway fuzz tier): the mock answered `{"messages":[null]}` with a 500
 * ("Cannot read properties of null"). Any JSON body on any of its LLM endpoints now gets the
 * answer the real API gives: a 200, or a 400 with the provider's error body naming the
 * parameter. Explicit cases, then a seeded property over valid bodies with one field replaced by
 * arbitrary JSON (`TOLLGATE_FUZZ_SEED` replays another seed).
 */
import fc from 'fast-check';
import { startMockLlm, type MockLlm } from '../src';
import { MAX_BODY_BYTES } from '../src/exchange';
import { send, type Answer } from './client';

jest.setTimeout(60_000);

const CHAT = '/v1/chat/completions';
const MESSAGES = '/v1/messages';
const RESPONSES = '/v1/responses';
const EMBEDDINGS = '/v1/embeddings';

/** A valid body per endpoint: the base the property breaks one field of. */
const VALID: Record<string, Record<string, unknown>> = {
  [CHAT]: {
    model: 'gpt-4',
    messages: [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: [{ type: 'text', text: 'hi' }] },
    ],
    tools: [{ type: 'function', function: { name: 'f', parameters: {} } }],
  },
  [MESSAGES]: {
    model: 'claude-x',
    max_tokens: 16,
    system: [{ type: 'text', text: 'be brief' }],
    messages: [{ role: 'user', content: 'hi' }],
  },
  [RESPONSES]: {
    model: 'gpt-4.1',
    instructions: 'be brief',
    input: [{ role: 'user', content: 'hi' }],
  },
  [EMBEDDINGS]: { model: 'text-embedding-3-small', input: ['hi', [1, 2]], dimensions: 4 },
};

/** The fields the mock reads, and one it never does (tools). */
const FIELDS = [
  'messages',
  'system',
  'input',
  'instructions',
  'tools',
  'stream',
  'stream_options',
  'model',
  'dimensions',
  'encoding_format',
];

let llm: MockLlm;

beforeAll(async () => {
  llm = await startMockLlm({ name: 'strict' });
});
afterAll(() => llm.close());

function post(path: string, body: unknown): Promise<Answer> {
  return send(`${llm.url}${path}`, {
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The error message of a 400 in the provider's envelope, or why the answer is not one. */
function refusalMessage(path: string, answer: Answer): string {
  expect(answer.headers['content-type']).toBe('application/json');
  const body = JSON.parse(answer.body);
  if (path === MESSAGES) {
    expect(body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  } else {
    expect(body).toMatchObject({ error: { type: 'invalid_request_error' } });
  }
  expect(typeof body.error.message).toBe('string');
  return body.error.message;
}

describe('malformed request bodies', () => {
  it('answers {"messages":[null]} with 400 and an OpenAI error naming messages[0]', async () => {
    const answer = await post(CHAT, { messages: [null] });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({
      error: {
        message: "Invalid type for 'messages[0]': expected an object, but got null instead.",
        type: 'invalid_request_error',
        param: 'messages[0]',
        code: 'invalid_type',
      },
    });
  });

  it.each([
    [CHAT, { messages: [{ role: 'user', content: 7 }] }],
    [CHAT, { messages: [{ role: 'user', content: [null] }] }],
    [CHAT, { messages: [{ content: 'no role' }] }],
    [MESSAGES, { messages: [null] }],
    [MESSAGES, { messages: [{ role: 'user', content: 'hi' }], system: [1] }],
    [RESPONSES, { input: [null] }],
    [RESPONSES, { input: [{ role: 'user', content: {} }] }],
    [EMBEDDINGS, { input: [[[1]]] }],
    [EMBEDDINGS, { input: 'hi', dimensions: 2 ** 31 }],
  ])("answers %s %j with 400 in the provider's error shape", async (path, body) => {
    const answer = await post(path, body);
    expect(answer.status).toBe(400);
    expect(refusalMessage(path, answer)).not.toBe('');
  });

  it('refuses a body nested 10,000 deep, and still lists the recorded requests', async () => {
    const depth = 10_000;
    const deep = `{"messages":[{"role":"user","content":${'['.repeat(depth)}${']'.repeat(depth)}}]}`;
    expect((await post(CHAT, deep)).status).toBe(400);
    const listed = await send(`${llm.url}/__mock/requests`);
    expect(listed.status).toBe(200);
  });

  it('answers a body over MAX_BODY_BYTES with 413, without keeping it, and goes on serving', async () => {
    const big = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).padEnd(
      MAX_BODY_BYTES + 1,
      ' ',
    );
    llm.clear();
    const answer = await post(CHAT, big);
    expect(answer.status).toBe(413);
    expect(answer.body).toBe(`request body over ${MAX_BODY_BYTES} bytes`);
    expect(llm.requests.map((r) => r.body)).toEqual(['']);
    expect((await post(CHAT, VALID[CHAT])).status).toBe(200);
  });

  it("answers any JSON in any field with a 200 or a 400 in the provider's shape", async () => {
    const seed = Number(process.env.TOLLGATE_FUZZ_SEED ?? 9_2025);
    const breakage = fc.oneof(
      // A whole body that is any JSON value.
      fc.record({ path: fc.constantFrom(...Object.keys(VALID)), body: fc.jsonValue() }),
      // A valid body with one field, one message, or one message's part replaced.
      fc
        .record({
          path: fc.constantFrom(...Object.keys(VALID)),
          field: fc.constantFrom(...FIELDS),
          where: fc.constantFrom('field', 'item', 'role', 'content'),
          value: fc.jsonValue({ maxDepth: 4 }),
        })
        .map(({ path, field, where, value }) => {
          const body = structuredClone(VALID[path] ?? {});
          const list = body[field];
          if (where === 'field' || !Array.isArray(list) || list.length === 0) body[field] = value;
          else if (where === 'item') list[0] = value;
          else list[0] = { ...(list[0] as object), [where]: value };
          return { path, body };
        }),
    );
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(breakage, async ({ path, body }) => {
        const answer = await post(path, body);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.status === 400) refusalMessage(path, answer);
        else if (answer.status !== 200) {
          const sent = JSON.stringify(body).slice(0, 500);
          throw new Error(`${path} ${sent} → ${answer.status} ${answer.body.slice(0, 200)}`);
        }
      }),
      { seed, numRuns: 600, plugins: [fc.interruptAfterTimeLimit(30_000)] },
    );
    // Both outcomes occur: the property did not only ever see valid or only broken bodies.
    expect([...statuses.keys()].sort()).toEqual([200, 400]);
  });
});
