/**
 * The vertex-ai and bedrock providers end to end (Admin API → etcd → gateway → mock LLM), with
 * the mock checking the credentials as the clouds do: Vertex AI requests must carry a bearer
 * token the mock's OAuth endpoint issued for an RS256 JWT signed with the test service account's
 * key; Bedrock requests must carry a valid SigV4 signature. Usage is recorded (ai-rate-limiting
 * charges it: the second request sees the first one's tokens gone from the quota).
 */
import { generateKeyPairSync } from 'node:crypto';
import { createAwsEventStreamParser, type SseEvent } from '@tollgate/ai';
import { embeddingFor, startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import { startCluster, gatewayUrl, putRoute, type Cluster } from '@tollgate/testkit';
import OpenAI from 'openai';

jest.setTimeout(60_000);

const AWS = { accessKeyId: 'AKIDE2E', secretAccessKey: 'e2e-secret-key' };
const EMAIL = 'tollgate-e2e@proj-e2e.iam.gserviceaccount.com';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const VERTEX_PATH =
  '/v1beta1/projects/proj-e2e/locations/us-central1/endpoints/openapi/chat/completions';
const ANSWER = 'Two, as always.';

let cluster: Cluster;
let llm: MockLlm;

beforeAll(async () => {
  llm = await startMockLlm({
    name: 'cloud',
    // No API key works: only cloud credentials open the Vertex and Bedrock paths.
    apiKeys: ['not-used'],
    aws: AWS,
    gcp: {
      serviceAccounts: [
        {
          client_email: EMAIL,
          public_key: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        },
      ],
    },
    behaviour: { content: ANSWER, usage: { prompt: 7, completion: 5 } },
  });
  cluster = await startCluster(1, 1);
  const serviceAccount = JSON.stringify({
    type: 'service_account',
    project_id: 'proj-e2e',
    private_key_id: 'e2e-key',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: EMAIL,
    token_uri: `${llm.url}/token`,
  });
  await putRoute(cluster, 'vertex', '/vertex/v1/*', {
    'ai-proxy': {
      provider: 'vertex-ai',
      auth: { gcp: { service_account_json: serviceAccount } },
      provider_conf: { project_id: 'proj-e2e', region: 'us-central1' },
      options: { model: 'google/gemini-2.0-flash' },
      override: { endpoint: `${llm.url}${VERTEX_PATH}` },
    },
    'ai-rate-limiting': { limit: 1000, time_window: 60 },
  });
  await putRoute(cluster, 'bedrock', '/bedrock/model/*', {
    'ai-proxy': {
      provider: 'bedrock',
      auth: { aws: { access_key_id: AWS.accessKeyId, secret_access_key: AWS.secretAccessKey } },
      provider_conf: { region: 'us-east-1' },
      override: { endpoint: `${llm.url}/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse` },
    },
    'ai-rate-limiting': { limit: 1000, time_window: 60 },
  });
  // No path in the endpoint: the provider's own path, from the model and the client's path.
  await putRoute(cluster, 'bedrock-paths', '/bedrock-paths/model/*', {
    'ai-proxy': {
      provider: 'bedrock',
      auth: { aws: { access_key_id: AWS.accessKeyId, secret_access_key: AWS.secretAccessKey } },
      provider_conf: { region: 'us-east-1' },
      options: { model: 'anthropic.claude-3-haiku-20240307-v1:0' },
      override: { endpoint: llm.url },
    },
    'ai-rate-limiting': { limit: 1000, time_window: 60 },
  });
  await vertexEmbeddingsRoute(serviceAccount);
});
afterAll(async () => {
  await cluster?.destroy();
  await llm?.close();
});

async function vertexEmbeddingsRoute(serviceAccount: string): Promise<void> {
  // No path in the endpoint: :predict of the project, region and model (APISIX's vertex-predict).
  await putRoute(cluster, 'vertex-embeddings', '/vertex-embeddings/v1/*', {
    'ai-proxy': {
      provider: 'vertex-ai',
      auth: { gcp: { service_account_json: serviceAccount } },
      provider_conf: { project_id: 'proj-e2e', region: 'us-central1' },
      options: { model: 'text-embedding-005' },
      override: { endpoint: llm.url },
    },
    'ai-rate-limiting': { limit: 1000, time_window: 60 },
  });
}
beforeEach(() => llm.clear());

describe('vertex-ai: service-account token exchange, OpenAI-compatible chat', () => {
  const sdk = () =>
    new OpenAI({ apiKey: 'sk-client', baseURL: gatewayUrl(cluster, '/vertex/v1'), maxRetries: 0 });
  const MESSAGES = [{ role: 'user' as const, content: 'What is 1+1?' }];

  it('openai SDK chat: 200 with usage, the mock saw a token its OAuth endpoint issued', async () => {
    const { data, response } = await sdk()
      .chat.completions.create({ model: 'gemini', messages: MESSAGES })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe(ANSWER);
    expect(data.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 });
    const remaining = Number(response.headers.get('x-ai-ratelimit-remaining-ai-proxy-vertex-ai'));
    const chat = llm.requests.filter((r) => r.path === VERTEX_PATH);
    expect(chat).toHaveLength(1);
    expect(chat[0]?.headers.authorization).toMatch(/^Bearer ya29\.mock-[0-9a-f]{32}$/);
    // Usage recorded: the next request finds 12 fewer tokens in the quota.
    const next = await sdk()
      .chat.completions.create({ model: 'gemini', messages: MESSAGES })
      .withResponse();
    expect(Number(next.response.headers.get('x-ai-ratelimit-remaining-ai-proxy-vertex-ai'))).toBe(
      remaining - 12,
    );
  });

  it('openai SDK stream: the text and the usage chunk; the cached token is reused', async () => {
    const stream = await sdk().chat.completions.create({
      model: 'gemini',
      messages: MESSAGES,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(ANSWER);
    expect(usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 5 });
    // Token cached by the previous test's exchange (same process, same service account).
    expect(llm.requests.filter((r) => r.path === '/token')).toHaveLength(0);
    const chat = llm.requests.filter((r) => r.path === VERTEX_PATH);
    expect(chat[0]?.headers.authorization).toMatch(/^Bearer ya29\.mock-/);
  });
});

describe('bedrock: SigV4-signed Converse', () => {
  const converse = (text: string) =>
    fetch(gatewayUrl(cluster, '/bedrock/model/claude/converse'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: [{ text }] }] }),
    });

  it('a Converse client gets 200 with output and usage; the mock verified the signature', async () => {
    const res = await converse('What is 1+1?');
    expect(res.status).toBe(200);
    const json = (await res.json()) as {
      output: { message: { content: { text: string }[] } };
      usage: Record<string, number>;
    };
    expect(json.output.message.content[0]?.text).toBe(ANSWER);
    expect(json.usage).toEqual({ inputTokens: 7, outputTokens: 5, totalTokens: 12 });
    const sent = llm.requests.find((r) => r.path.endsWith('/converse'));
    expect(sent?.path).toBe('/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse');
    expect(sent?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDE2E\/\d{8}\/us-east-1\/bedrock\/aws4_request, /,
    );
    expect(sent?.status).toBe(200);
    const remaining = Number(res.headers.get('x-ai-ratelimit-remaining-ai-proxy-bedrock'));
    const next = await converse('And 2+2?');
    expect(next.status).toBe(200);
    expect(Number(next.headers.get('x-ai-ratelimit-remaining-ai-proxy-bedrock'))).toBe(
      remaining - 12,
    );
  });
});

describe('bedrock: ConverseStream, AWS event-stream passed on and read for usage', () => {
  const call = (path: string) =>
    fetch(gatewayUrl(cluster, `/bedrock-paths/model/claude/${path}`), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'What is 1+1?' }] }] }),
    });

  it('a converse-stream client gets the frames; the path names the model; usage is charged', async () => {
    const res = await call('converse-stream');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/vnd\.amazon\.eventstream/);
    const events: SseEvent[] = [];
    const parser = createAwsEventStreamParser((e) => events.push(e));
    parser.push(Buffer.from(await res.arrayBuffer()));
    parser.end();
    const text = events
      .filter((e) => e.event === 'contentBlockDelta')
      .map((e) => (JSON.parse(e.data) as { delta: { text: string } }).delta.text)
      .join('');
    expect(text).toBe(ANSWER);
    const metadata = events.find((e) => e.event === 'metadata');
    expect(JSON.parse(metadata?.data ?? '{}')).toMatchObject({
      usage: { inputTokens: 7, outputTokens: 5 },
    });
    const sent = llm.requests.find((r) => r.path.includes('/model/'));
    expect(sent?.path).toBe('/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream');
    expect(sent?.status).toBe(200);
    // The stream's usage was charged: the next answer's Remaining is 12 lower.
    const remaining = Number(res.headers.get('x-ai-ratelimit-remaining-ai-proxy-bedrock'));
    const next = await call('converse');
    expect(next.status).toBe(200);
    await next.arrayBuffer();
    expect(llm.requests.at(-1)?.path).toBe(
      '/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse',
    );
    expect(Number(next.headers.get('x-ai-ratelimit-remaining-ai-proxy-bedrock'))).toBe(
      remaining - 12,
    );
  });
});

describe('vertex-ai embeddings: OpenAI embeddings converted to :predict (APISIX vertex-predict)', () => {
  it('openai SDK embeddings.create: instances upstream, vectors and usage back, quota charged', async () => {
    const sdk = new OpenAI({
      apiKey: 'sk-client',
      baseURL: gatewayUrl(cluster, '/vertex-embeddings/v1'),
      maxRetries: 0,
    });
    // The SDK asks for base64 and decodes it: the vectors arrive as the mock computed them.
    const { data, response } = await sdk.embeddings
      .create({ model: 'ignored', input: ['hello', 'world'] })
      .withResponse();
    expect(data.data.map((d) => d.embedding)).toEqual([
      embeddingFor('hello', 8),
      embeddingFor('world', 8),
    ]);
    expect(data.usage).toEqual({ prompt_tokens: 7, total_tokens: 7 });
    const sent = llm.requests.find((r) => r.path.endsWith(':predict'));
    expect(sent?.path).toBe(
      '/v1/projects/proj-e2e/locations/us-central1/publishers/google/models/text-embedding-005:predict',
    );
    expect(sent?.json).toEqual({ instances: [{ content: 'hello' }, { content: 'world' }] });
    expect(sent?.headers.authorization).toMatch(/^Bearer ya29\.mock-/);
    expect(sent?.status).toBe(200);
    const remaining = Number(response.headers.get('x-ai-ratelimit-remaining-ai-proxy-vertex-ai'));
    const next = await sdk.embeddings
      .create({ model: 'ignored', input: 'again', encoding_format: 'float' })
      .withResponse();
    expect(next.data.data[0]?.embedding).toEqual(embeddingFor('again', 8));
    expect(Number(next.response.headers.get('x-ai-ratelimit-remaining-ai-proxy-vertex-ai'))).toBe(
      remaining - 7,
    );
  });
});
