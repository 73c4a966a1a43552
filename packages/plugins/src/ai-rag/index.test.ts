import http from 'node:http';
import net from 'node:net';
import { RequestContext, type Exit } from '@tollgate/core';
import { checkPluginConf, type AiRagConf } from '@tollgate/schema';
import {
  embedText,
  startMockAzureAiSearch,
  startMockAzureOpenai,
  type MockAzureAiSearch,
  type MockAzureOpenai,
} from '@tollgate/testkit';
import { PLUGINS } from '../index';
import { aiRag } from './index';

let openai: MockAzureOpenai;
let search: MockAzureAiSearch;

const DOCS = [
  { id: '1', content: 'Azure DevOps is a good service for devops pipelines' },
  { id: '2', content: 'Azure Cosmos DB stores documents' },
];

beforeAll(async () => {
  openai = await startMockAzureOpenai({ apiKey: 'key' });
  search = await startMockAzureAiSearch({
    apiKey: 'key',
    indexes: { docs: { vectorField: 'contentVector', dimensions: 8, documents: DOCS } },
  });
});
afterAll(async () => {
  await openai.close();
  await search.close();
});
beforeEach(() => {
  openai.requests.length = 0;
  search.requests.length = 0;
});

function conf(embeddingsKey = 'key', searchKey = 'key'): AiRagConf {
  const checked = checkPluginConf(
    'ai-rag',
    {
      embeddings_provider: {
        azure_openai: { endpoint: openai.endpoint(), api_key: embeddingsKey },
      },
      vector_search_provider: {
        azure_ai_search: { endpoint: search.endpoint('docs'), api_key: searchKey },
      },
    },
    'route',
  );
  if (!checked.valid) throw new Error(checked.message);
  return checked.value as AiRagConf;
}

function context(body?: string): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.headers = { 'content-type': 'application/json' };
  req.url = '/v1/chat/completions';
  req.method = 'POST';
  if (body !== undefined) req.push(body);
  req.push(null);
  return new RequestContext(req, new http.ServerResponse(req));
}

async function run(c: AiRagConf, ctx: RequestContext): Promise<Exit | undefined> {
  return (await aiRag.access?.(c, ctx)) ?? undefined;
}

const RAG = {
  vector_search: { fields: 'contentVector' },
  embeddings: { input: 'which service is good for devops', dimensions: 8 },
};

describe('ai-rag definition', () => {
  it('is APISIX priority 1060, access phase, in the registry', () => {
    expect(aiRag).toMatchObject({ name: 'ai-rag', priority: 1060 });
    expect(PLUGINS.get('ai-rag')).toBe(aiRag);
  });
});

describe('ai-rag schema (ai-rag.t TEST 1-3)', () => {
  const provider = { api_key: 'k', endpoint: 'http://a.b.com' };
  const check = (c: unknown) => checkPluginConf('ai-rag', c, 'route');

  it('accepts one provider of each kind', () => {
    const ok = {
      embeddings_provider: { azure_openai: provider },
      vector_search_provider: { azure_ai_search: provider },
    };
    expect(check(ok).valid).toBe(true);
  });

  it.each([
    [
      { embeddings_provider: { azure_openai: provider } },
      'property "vector_search_provider" is required',
    ],
    [
      { vector_search_provider: { azure_ai_search: provider } },
      'property "embeddings_provider" is required',
    ],
  ])('refuses %j', (c, message) => {
    expect(check(c)).toEqual({ valid: false, message });
  });

  it('refuses a second provider and a provider without api_key', () => {
    const two = {
      embeddings_provider: { azure_openai: provider, other: {} },
      vector_search_provider: { azure_ai_search: provider },
    };
    expect(check(two).valid).toBe(false);
    const noKey = {
      embeddings_provider: { azure_openai: { endpoint: 'http://a' } },
      vector_search_provider: { azure_ai_search: provider },
    };
    expect(check(noKey).valid).toBe(false);
  });
});

describe('ai-rag access', () => {
  it('embeds, searches, drops ai_rag and appends the search answer as a user message', async () => {
    const ctx = context(
      JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], ai_rag: RAG }),
    );
    expect(await run(conf(), ctx)).toBeUndefined();

    const embedCall = openai.requests[0];
    expect(embedCall?.headers['api-key']).toBe('key');
    expect(embedCall?.query.get('api-version')).toBeTruthy();
    expect(embedCall?.json).toEqual(RAG.embeddings);
    const searchCall = search.requests[0];
    expect(searchCall?.headers['api-key']).toBe('key');
    expect(searchCall?.json).toEqual({
      vectorQueries: [
        { kind: 'vector', vector: embedText(RAG.embeddings.input, 8), fields: 'contentVector' },
      ],
    });

    const sent = JSON.parse((await ctx.readBody(1e6)).toString()) as {
      messages: { role: string; content: string }[];
    };
    expect(sent).not.toHaveProperty('ai_rag');
    expect(sent.messages[0]).toEqual({ role: 'user', content: 'hi' });
    const added = sent.messages[1];
    expect(added?.role).toBe('user');
    const result = JSON.parse(added?.content ?? '') as { value: { id: string }[] };
    expect(result.value[0]?.id).toBe('1');
  });

  it('creates messages when the body has none (ai-rag.t TEST 12)', async () => {
    const ctx = context(JSON.stringify({ ai_rag: RAG }));
    expect(await run(conf(), ctx)).toBeUndefined();
    const sent = JSON.parse((await ctx.readBody(1e6)).toString()) as { messages: unknown[] };
    expect(Object.keys(sent)).toEqual(['messages']);
    expect(sent.messages).toHaveLength(1);
  });

  it('relays the embeddings service status and body (ai-rag.t TEST 4-5)', async () => {
    const out = await run(conf('wrongkey'), context(JSON.stringify({ ai_rag: RAG })));
    expect(out?.status).toBe(401);
    expect(String(out?.body)).toContain('Access denied');
    expect(search.requests).toHaveLength(0);
  });

  it('relays the search service status and body (ai-rag.t TEST 6-7)', async () => {
    const out = await run(conf('key', 'wrongkey'), context(JSON.stringify({ ai_rag: RAG })));
    expect(out).toEqual({ status: 403, body: '', headers: undefined });
  });

  it('answers 500 with the error when a service cannot be reached', async () => {
    const c = conf();
    c.embeddings_provider.azure_openai.endpoint = 'http://127.0.0.1:1/embeddings';
    const out = await run(c, context(JSON.stringify({ ai_rag: RAG })));
    expect(out?.status).toBe(500);
    expect(String(out?.body)).toContain('cannot connect');
  });

  it('answers 400 with a message for an empty or invalid body (ai-rag.t TEST 8)', async () => {
    expect(await run(conf(), context())).toEqual({
      status: 400,
      body: { message: 'could not get body: request body is empty' },
      headers: undefined,
    });
    const invalid = await run(conf(), context('{"ai_rag":'));
    expect(invalid?.status).toBe(400);
    expect(invalid?.body).toMatchObject({
      message: expect.stringMatching(/^could not parse JSON request body: /) as string,
    });
  });

  it.each([
    ['no ai_rag', { messages: [] }],
    ['ai_rag null', { ai_rag: null }],
    ['a body that is not an object', [1]],
    ['vector_search.fields missing (TEST 9)', { ai_rag: { ...RAG, vector_search: { x: 1 } } }],
    [
      'embeddings.input missing (TEST 10)',
      { ai_rag: { ...RAG, embeddings: { missinginput: 'x' } } },
    ],
    ['ai_rag not an object', { ai_rag: 1 }],
  ])('answers a bare 400 for %s', async (_what, body) => {
    const out = await run(conf(), context(JSON.stringify(body)));
    expect(out?.status).toBe(400);
    expect(out?.body).toContain('<h1>400 Bad Request</h1>');
    expect(openai.requests).toHaveLength(0);
  });

  it('answers a bare 500 when messages is not an array', async () => {
    const out = await run(conf(), context(JSON.stringify({ messages: 'x', ai_rag: RAG })));
    expect(out?.status).toBe(500);
  });
});
