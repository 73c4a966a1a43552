/**
 * ai-request-rewrite through a real node configured by the Admin API: APISIX's
 * t/plugin/ai-request-rewrite.t and ai-request-rewrite2.t (the LLM is their :6724 server as a
 * scripted fake; the upstream, httpbin's /anything there, is an echo server), then the plugin in
 * front of ai-proxy with the repo's mock LLM on both sides, for the three client protocols.
 */
import http from 'node:http';
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import { waitFor, type Echo } from '@tollgate/testkit';
import { startLoggedNode, type LoggedNode } from './support/logged-node';
import { startRewriteLlm, type RewriteLlm } from './support/rewrite-llm';

jest.setTimeout(60_000);

let node: LoggedNode;
let llm: RewriteLlm;

beforeAll(async () => {
  llm = await startRewriteLlm();
  node = await startLoggedNode('ai-request-rewrite-e2e');
});
afterAll(async () => {
  await node?.close();
  await llm?.close();
});

const PLUGIN_ERR = 'failed to check the configuration of plugin ai-request-rewrite err: ';
const bearer = { header: { Authorization: 'Bearer token' } };

let routes = 0;
/** A route `/anything-<n>` with the plugin in front of the echo upstream. */
async function route(conf: Record<string, unknown>): Promise<string> {
  const uri = `/anything-${++routes}`;
  await node.putRoute(`rw-${routes}`, {
    uri,
    plugins: { 'ai-request-rewrite': { ssl_verify: false, ...conf } },
    upstream: node.upstream,
  });
  return uri;
}

const post = (uri: string, body?: string, contentType = 'text/plain') =>
  node.request('POST', uri, {
    ...(body === undefined ? {} : { raw: body }),
    headers: { 'content-type': contentType },
  });

/** What the echo upstream received. */
const echoed = (reply: { json: unknown }) => reply.json as Echo;

describe('ai-request-rewrite.t: schema through the Admin API', () => {
  const put = (conf: unknown) =>
    node.admin.put('/apisix/admin/routes/rw-admin', {
      uri: '/rw-admin',
      plugins: { 'ai-request-rewrite': conf },
      upstream: node.upstream,
    });

  it('TEST 1, 6, 7: minimal configs are accepted (openai, deepseek, openai-compatible)', async () => {
    expect((await put({ prompt: 'some prompt', provider: 'openai', auth: bearer })).status).toBe(
      201,
    );
    expect((await put({ prompt: 'p', provider: 'deepseek', auth: bearer })).status).toBe(200);
    const compatible = {
      prompt: 'p',
      provider: 'openai-compatible',
      auth: bearer,
      override: { endpoint: 'http://localhost:6724' },
    };
    expect((await put(compatible)).status).toBe(200);
  });

  it.each([
    ['TEST 2', { provider: 'openai', auth: bearer }, 'property "prompt" is required'],
    ['TEST 3', { prompt: 'p', provider: 'openai' }, 'property "auth" is required'],
    ['TEST 4', { prompt: 'p', auth: bearer }, 'property "provider" is required'],
    [
      'TEST 5',
      { prompt: 'p', provider: 'invalid-provider', auth: bearer },
      'property "provider" validation failed: matches none of the enum values',
    ],
    [
      'check_schema',
      { prompt: 'p', provider: 'openai-compatible', auth: bearer },
      'override.endpoint is required for openai-compatible provider',
    ],
  ])('%s: %j is refused', async (_test, conf, message) => {
    const res = await put(conf);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error_msg: `${PLUGIN_ERR}${message}` });
  });
});

describe('ai-request-rewrite.t: requests through the gateway', () => {
  it('TEST 8: override.endpoint is used, path included', async () => {
    const uri = await route({
      prompt: 'some prompt',
      provider: 'openai',
      auth: bearer,
      override: { endpoint: `${llm.url}/random` },
    });
    const reply = await post(uri, 'some random content');
    expect(reply.status).toBe(200);
    expect(echoed(reply).body).toBe('return by random endpoint');
  });

  it.each([
    ['TEST 9', { header: { Authorization: 'Bearer wrong-token' } }],
    ['TEST 11', { query: { api_key: 'wrong_key' } }],
  ])('%s: wrong credentials give 500 and the LLM status in the error log', async (_t, auth) => {
    const uri = await route({
      prompt: 'some prompt',
      provider: 'openai',
      auth,
      override: { endpoint: llm.url },
    });
    const mark = node.mark();
    const reply = await post(uri, 'some random content');
    expect(reply.status).toBe(500);
    expect(reply.text).toContain('<h1>500 Internal Server Error</h1>');
    await node.waitForLog('LLM service returned error status: 401', mark);
  });

  it('TEST 10: the right query parameter; the upstream gets the LLM answer', async () => {
    const uri = await route({
      prompt: 'some prompt',
      provider: 'openai',
      auth: { query: { api_key: 'apikey' } },
      override: { endpoint: llm.url },
    });
    const reply = await post(uri, 'some random content');
    expect(reply.status).toBe(200);
    expect(echoed(reply).body).toBe('some prompt some random content');
  });

  it('TEST 12: prompt and body reach the LLM as system and user messages, nothing else', async () => {
    const uri = await route({
      prompt: 'some prompt to test',
      provider: 'openai',
      auth: { query: { api_key: 'apikey' } },
      override: { endpoint: llm.url },
    });
    llm.requests.length = 0;
    const reply = await node.request('POST', uri, {
      raw: 'some random content',
      headers: { 'content-type': 'text/plain', authorization: 'Bearer client-secret' },
    });
    const upstream = echoed(reply);
    expect(upstream.body).toBe('some prompt to test some random content');
    // The Content-Type is left as the client sent it; the length is the new body's.
    expect(upstream.headers['content-type']).toBe('text/plain');
    expect(upstream.headers['content-length']).toBe(String(upstream.body.length));
    const [seen] = llm.requests;
    expect(seen?.path).toBe('/v1/chat/completions');
    expect(seen?.json).toEqual({
      messages: [
        { role: 'system', content: 'some prompt to test' },
        { role: 'user', content: 'some random content' },
      ],
      stream: false,
    });
    expect(seen?.headers.authorization).toBeUndefined();
  });

  it.each([
    ['TEST 13', '/bad_request', 400],
    ['TEST 14', '/internalservererror', 500],
  ])('%s: an LLM %s answer gives 500 and its status in the log', async (_t, path, status) => {
    const uri = await route({
      prompt: 'some prompt to test',
      provider: 'openai',
      auth: { query: { api_key: 'apikey' } },
      override: { endpoint: `${llm.url}${path}` },
      options: { model: 'check_options_model', temperature: 0.5, max_tokens: 100, top_p: 1 },
    });
    const mark = node.mark();
    expect((await post(uri, 'some random content')).status).toBe(500);
    await node.waitForLog(`LLM service returned error status: ${status}`, mark);
  });
});

describe('ai-request-rewrite2.t', () => {
  it('TEST 1: every option, extra keys included, is sent to the LLM', async () => {
    const uri = await route({
      prompt: 'some prompt to test',
      provider: 'openai',
      auth: { query: { api_key: 'apikey' } },
      override: { endpoint: `${llm.url}/check_extra_options` },
      options: { model: 'check_options_model', extra_option: 'extra option' },
    });
    llm.requests.length = 0;
    const reply = await post(uri, 'some random content');
    expect(reply.status).toBe(200);
    expect(llm.requests[0]?.json).toMatchObject({
      model: 'check_options_model',
      extra_option: 'extra option',
    });
  });

  it('TEST 3: query parameters written in override.endpoint are sent, with auth.query', async () => {
    const uri = await route({
      prompt: 'p',
      provider: 'openai',
      auth: { query: { api_key: 'apikey' } },
      override: { endpoint: `${llm.url}/check_query?api-version=2024-10-21` },
    });
    llm.requests.length = 0;
    const reply = await post(uri, 'content');
    expect(reply.status).toBe(200);
    expect(echoed(reply).body).toBe('p content');
    expect(llm.requests[0]?.query.get('api_key')).toBe('apikey');
  });

  it('TEST 4: a request without a body gets a bare 400 and "missing request body"', async () => {
    const uri = await route({
      prompt: 'p',
      provider: 'openai',
      auth: bearer,
      override: { endpoint: llm.url },
    });
    llm.requests.length = 0;
    const mark = node.mark();
    const reply = await post(uri);
    expect(reply.status).toBe(400);
    expect(reply.text).toContain('<h1>400 Bad Request</h1>');
    await node.waitForLog('missing request body', mark);
    expect(llm.requests).toHaveLength(0);
  });

  it('max_req_body_size: a larger body gets a bare 400 and is not sent', async () => {
    const uri = await route({
      prompt: 'p',
      provider: 'openai',
      auth: bearer,
      override: { endpoint: llm.url },
      max_req_body_size: 8,
    });
    llm.requests.length = 0;
    expect((await post(uri, 'more than eight bytes')).status).toBe(400);
    expect(llm.requests).toHaveLength(0);
  });
});

describe('in front of ai-proxy, with the mock LLM on both sides', () => {
  let rewriter: MockLlm;
  let model: MockLlm;

  beforeAll(async () => {
    rewriter = await startMockLlm({ name: 'rewriter', apiKeys: ['rw-key'] });
    model = await startMockLlm({ name: 'model', apiKeys: ['model-key'] });
  });
  afterAll(async () => {
    await rewriter?.close();
    await model?.close();
  });
  beforeEach(() => {
    rewriter.clear();
    model.clear();
    rewriter.resetBehaviour();
  });

  async function aiRoute(path: string, provider: 'openai' | 'anthropic'): Promise<string> {
    const uri = `/ai-${++routes}${path}`;
    await node.putRoute(`rw-${routes}`, {
      uri,
      methods: ['POST'],
      plugins: {
        'ai-request-rewrite': {
          prompt: 'Turn the text into a request body.',
          provider: 'openai',
          auth: { header: { Authorization: 'Bearer rw-key' } },
          override: { endpoint: rewriter.url },
        },
        'ai-proxy': {
          provider,
          auth: {
            header:
              provider === 'anthropic'
                ? { 'x-api-key': 'model-key' }
                : { Authorization: 'Bearer model-key' },
          },
          override: { endpoint: model.url },
        },
      },
    });
    return uri;
  }

  it.each([
    [
      'openai chat',
      '/v1/chat/completions',
      'openai' as const,
      { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hello, masked' }] },
    ],
    [
      'openai responses',
      '/v1/responses',
      'openai' as const,
      { model: 'gpt-4o', input: 'Hello, masked' },
    ],
    [
      'anthropic messages',
      '/v1/messages',
      'anthropic' as const,
      { model: 'claude', max_tokens: 64, messages: [{ role: 'user', content: 'Hello, masked' }] },
    ],
  ])('%s: the LLM upstream receives the rewritten body', async (_p, path, provider, rewritten) => {
    const uri = await aiRoute(path, provider);
    const text = JSON.stringify(rewritten);
    rewriter.setBehaviour({ content: text });
    const client = JSON.stringify({ note: 'card 4111 1111 1111 1111' });
    const reply = await post(uri, client, 'application/json');
    expect(reply.status).toBe(200);
    // The rewriting LLM got the client body as the user message...
    const asked = rewriter.requests[0]?.json as { messages: { role: string; content: string }[] };
    expect(asked.messages).toEqual([
      { role: 'system', content: 'Turn the text into a request body.' },
      { role: 'user', content: client },
    ]);
    expect(rewriter.requests[0]?.headers.authorization).toBe('Bearer rw-key');
    // ...and the model got the rewritten body byte for byte.
    expect(model.requests).toHaveLength(1);
    expect(model.requests[0]?.path).toBe(path);
    expect(model.requests[0]?.body).toBe(text);
    expect(reply.text).toContain('Hello from model: Hello, masked');
  });

  it('a client that leaves while the rewrite is pending aborts the rewrite call', async () => {
    const uri = await aiRoute('/v1/chat/completions', 'openai');
    rewriter.setBehaviour({ hang: true });
    const req = clientRequest(uri, '{"note":"x"}');
    await waitFor('the rewrite call', () => rewriter.requests.length === 1);
    req.destroy();
    await waitFor('the rewrite call aborted', () => rewriter.requests[0]?.aborted === true);
    expect(model.requests).toHaveLength(0);
  });
});

/** A POST through the gateway that the test can cut (destroy) before any answer. */
function clientRequest(uri: string, body: string): http.ClientRequest {
  const req = http.request({
    host: '127.0.0.1',
    port: node.port,
    path: uri,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  req.on('error', () => undefined);
  req.end(body);
  return req;
}
