/**
 * ai-rag through a real node configured by the Admin API: APISIX's t/plugin/ai-rag.t against
 * mocks of Azure OpenAI embeddings and Azure AI Search on their wire format (`api-key` header,
 * `api-version` query), the upstream an echo server (APISIX's /echo), then ai-rag in front of
 * ai-proxy with the mock LLM, for openai chat and anthropic messages.
 */
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import {
  startMockAzureAiSearch,
  startMockAzureOpenai,
  type Echo,
  type MockAzureAiSearch,
  type MockAzureOpenai,
} from '@tollgate/testkit';
import { startLoggedNode, type LoggedNode } from './support/logged-node';

jest.setTimeout(60_000);

let node: LoggedNode;
let openai: MockAzureOpenai;
let search: MockAzureAiSearch;

const DOCS = [
  { id: 'devops', content: 'Azure DevOps is the service that is good for devops pipelines' },
  { id: 'cosmos', content: 'Azure Cosmos DB is a database for documents' },
  { id: 'functions', content: 'Azure Functions runs code without servers' },
];

beforeAll(async () => {
  openai = await startMockAzureOpenai({ apiKey: 'key' });
  search = await startMockAzureAiSearch({
    apiKey: 'key',
    indexes: { docs: { vectorField: 'contentVector', dimensions: 1024, documents: DOCS } },
  });
  node = await startLoggedNode('ai-rag-e2e');
});
afterAll(async () => {
  await node?.close();
  await openai?.close();
  await search?.close();
});
beforeEach(() => {
  openai.requests.length = 0;
  search.requests.length = 0;
});

const PLUGIN_ERR = 'failed to check the configuration of plugin ai-rag err: ';

function ragConf(embeddingsKey = 'key', searchKey = 'key', embeddingsUrl = openai.endpoint()) {
  return {
    embeddings_provider: { azure_openai: { endpoint: embeddingsUrl, api_key: embeddingsKey } },
    vector_search_provider: {
      azure_ai_search: { endpoint: search.endpoint('docs'), api_key: searchKey },
    },
  };
}

let routes = 0;
async function route(conf: Record<string, unknown>): Promise<string> {
  const uri = `/echo-${++routes}`;
  await node.putRoute(`rag-${routes}`, {
    uri,
    plugins: { 'ai-rag': conf },
    upstream: node.upstream,
  });
  return uri;
}

const post = (uri: string, body?: unknown) =>
  node.request('POST', uri, {
    ...(body === undefined ? {} : { raw: typeof body === 'string' ? body : JSON.stringify(body) }),
    headers: { 'content-type': 'application/json' },
  });

const QUERY = {
  ai_rag: {
    vector_search: { fields: 'contentVector' },
    embeddings: { input: 'which service is good for devops', dimensions: 1024 },
  },
};

describe('ai-rag.t: schema through the Admin API', () => {
  const put = (conf: unknown) =>
    node.admin.put('/apisix/admin/routes/rag-admin', {
      uri: '/rag-admin',
      plugins: { 'ai-rag': conf },
      upstream: node.upstream,
    });
  const provider = { api_key: 'sdfjasdfh', endpoint: 'http://a.b.com' };

  it('TEST 1: minimal viable configuration', async () => {
    const conf = {
      embeddings_provider: { azure_openai: provider },
      vector_search_provider: { azure_ai_search: provider },
    };
    expect((await put(conf)).status).toBe(201);
  });

  it.each([
    ['TEST 2', { embeddings_provider: { azure_openai: provider } }, 'vector_search_provider'],
    ['TEST 3', { vector_search_provider: { azure_ai_search: provider } }, 'embeddings_provider'],
  ])('%s: a missing provider is refused', async (_t, conf, missing) => {
    const res = await put(conf);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error_msg: `${PLUGIN_ERR}property "${missing}" is required` });
  });
});

describe('ai-rag.t: requests through the gateway', () => {
  it('TEST 4-5: a wrong embeddings key relays the service 401 and logs it', async () => {
    const uri = await route(ragConf('wrongkey'));
    const mark = node.mark();
    const reply = await post(uri, QUERY);
    expect(reply.status).toBe(401);
    expect(reply.text).toContain('Access denied due to invalid subscription key');
    await node.waitForLog('could not get embeddings: {', mark);
    expect(openai.requests[0]?.headers['api-key']).toBe('wrongkey');
    expect(search.requests).toHaveLength(0);
  });

  it('TEST 6-7: a wrong search key relays the service status (Azure: 403) and logs it', async () => {
    const uri = await route(ragConf('key', 'wrongkey'));
    const mark = node.mark();
    const reply = await post(uri, QUERY);
    expect(reply.status).toBe(403);
    await node.waitForLog('could not get vector_search result', mark);
  });

  it('an endpoint without api-version relays Azure OpenAI 404', async () => {
    const uri = await route(ragConf('key', 'key', `${openai.url}/openai/deployments/x/embeddings`));
    const reply = await post(uri, QUERY);
    expect(reply.status).toBe(404);
    expect(reply.json).toEqual({ error: { code: '404', message: 'Resource not found' } });
  });

  it('TEST 8: an empty body gets 400 with a message', async () => {
    const uri = await route(ragConf());
    const reply = await post(uri);
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ message: 'could not get body: request body is empty' });
  });

  it.each([
    [
      'TEST 9',
      { ai_rag: { ...QUERY.ai_rag, vector_search: { 'missing-fields': 'something' } } },
      'property "vector_search" validation failed: property "fields" is required',
    ],
    [
      'TEST 10',
      { ai_rag: { ...QUERY.ai_rag, embeddings: { missinginput: 'which service is good' } } },
      'property "embeddings" validation failed: property "input" is required',
    ],
  ])('%s: a request failing the driver schema gets a bare 400', async (_t, body, detail) => {
    const uri = await route(ragConf());
    const mark = node.mark();
    const reply = await post(uri, body);
    expect(reply.status).toBe(400);
    expect(reply.text).toContain('<h1>400 Bad Request</h1>');
    await node.waitForLog(
      `request body fails schema check: property \\"ai_rag\\" validation failed: ${detail.replace(/"/g, '\\"')}`,
      mark,
    );
    expect(openai.requests).toHaveLength(0);
  });

  it('a request without ai_rag gets a bare 400', async () => {
    const uri = await route(ragConf());
    const mark = node.mark();
    const reply = await post(uri, { messages: [{ role: 'user', content: 'hi' }] });
    expect(reply.status).toBe(400);
    await node.waitForLog('request body must have \\"ai-rag\\" field', mark);
  });

  it('TEST 11-12: the search answer is appended as the one user message', async () => {
    const uri = await route(ragConf());
    const reply = await post(uri, QUERY);
    expect(reply.status).toBe(200);
    const sent = JSON.parse((reply.json as Echo).body) as {
      messages: { role: string; content: string }[];
    };
    expect(Object.keys(sent)).toEqual(['messages']);
    expect(sent.messages).toHaveLength(1);
    expect(sent.messages[0]?.role).toBe('user');
    const found = JSON.parse(sent.messages[0]?.content ?? '') as { value: { id: string }[] };
    expect(found.value[0]?.id).toBe('devops');
    // The embeddings request was the client's object as sent; the search used its vector.
    expect(openai.requests[0]?.json).toEqual(QUERY.ai_rag.embeddings);
    expect(openai.requests[0]?.query.get('api-version')).toBe('2024-10-21');
    const vector = (search.requests[0]?.json as { vectorQueries: { vector: number[] }[] })
      .vectorQueries[0]?.vector;
    expect(vector).toHaveLength(1024);
  });
});

describe('in front of ai-proxy, with the mock LLM', () => {
  let model: MockLlm;
  beforeAll(async () => {
    model = await startMockLlm({ name: 'model', apiKeys: ['model-key'] });
  });
  afterAll(async () => {
    await model?.close();
  });

  it.each([
    ['openai chat', '/v1/chat/completions', 'openai', { Authorization: 'Bearer model-key' }],
    ['anthropic messages', '/v1/messages', 'anthropic', { 'x-api-key': 'model-key' }],
  ])('%s: the LLM gets the messages plus the search answer', async (_p, path, provider, header) => {
    const uri = `/rag-ai-${++routes}${path}`;
    await node.putRoute(`rag-${routes}`, {
      uri,
      methods: ['POST'],
      plugins: {
        'ai-rag': ragConf(),
        'ai-proxy': { provider, auth: { header }, override: { endpoint: model.url } },
      },
    });
    model.clear();
    const question = { role: 'user', content: 'Which service is good for devops?' };
    const reply = await post(uri, { model: 'm', max_tokens: 64, messages: [question], ...QUERY });
    expect(reply.status).toBe(200);
    expect(model.requests).toHaveLength(1);
    const sent = model.requests[0]?.json as { messages: { role: string; content: string }[] };
    expect(sent).not.toHaveProperty('ai_rag');
    expect(sent.messages).toHaveLength(2);
    expect(sent.messages[0]).toEqual(question);
    expect(sent.messages[1]?.role).toBe('user');
    expect(sent.messages[1]?.content).toContain('"id":"devops"');
  });
});
