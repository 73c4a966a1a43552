// Bedrock and Vertex AI on the mock, driven by the gateway's own transport, signer and token
// cache: the mock verifies SigV4 and RS256 JWT assertions independently (node:crypto only).
import { generateKeyPairSync } from 'node:crypto';
import {
  AiTransport,
  GcpTokenCache,
  awsSigV4Signer,
  createAwsEventStreamParser,
  gcpBearerSigner,
  type AiSendRequest,
  type RequestSigner,
  type SseEvent,
} from '@tollgate/ai';
import { startMockLlm, type MockLlm } from '../src';

const AWS = { accessKeyId: 'AKIDMOCK', secretAccessKey: 'mock-secret' };
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const EMAIL = 'gw@proj.iam.gserviceaccount.com';

let llm: MockLlm;
const transport = new AiTransport();
beforeAll(async () => {
  llm = await startMockLlm({
    name: 'cloud',
    apiKeys: ['sk-other'],
    aws: AWS,
    gcp: {
      serviceAccounts: [
        {
          client_email: EMAIL,
          public_key: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        },
      ],
    },
  });
});
afterAll(async () => {
  await transport.close();
  await llm.close();
});

function serviceAccount(key = privateKey): string {
  return JSON.stringify({
    type: 'service_account',
    client_email: EMAIL,
    private_key: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    token_uri: `${llm.url}/token`,
  });
}

async function call(path: string, body: object, sign?: RequestSigner) {
  const req: AiSendRequest = {
    key: 'cloud-test',
    origin: llm.url,
    path,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify(body)),
    timeoutMs: 5000,
    keepalive: true,
    keepaliveTimeoutMs: 5000,
    keepalivePool: 1,
    sslVerify: true,
    ...(sign ? { sign } : {}),
  };
  const res = await transport.send(req);
  const chunks: Buffer[] = [];
  for await (const c of res.body) chunks.push(c);
  return { status: res.status, headers: res.headers, bytes: Buffer.concat(chunks) };
}

const CONVERSE = { messages: [{ role: 'user', content: [{ text: 'Hello there' }] }] };
const signer = (secretAccessKey = AWS.secretAccessKey) =>
  awsSigV4Signer({
    service: 'bedrock',
    region: 'us-east-1',
    credentials: { accessKeyId: AWS.accessKeyId, secretAccessKey },
  });

describe('mock Bedrock (SigV4 verified)', () => {
  it('answers a signed Converse request with output and usage', async () => {
    const res = await call(
      '/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse',
      CONVERSE,
      signer(),
    );
    expect(res.status).toBe(200);
    const json = JSON.parse(res.bytes.toString()) as Record<string, any>;
    expect(json.output.message.content[0].text).toEqual(expect.any(String));
    expect(json.usage).toEqual({
      inputTokens: expect.any(Number),
      outputTokens: expect.any(Number),
      totalTokens: json.usage.inputTokens + json.usage.outputTokens,
    });
  });

  it('refuses a wrong secret and an unsigned request with 403 and AWS error shape', async () => {
    const bad = await call('/model/m/converse', CONVERSE, signer('wrong'));
    expect(bad.status).toBe(403);
    expect(bad.headers['x-amzn-errortype']).toMatch(/^InvalidSignatureException/);
    expect(JSON.parse(bad.bytes.toString())).toEqual({
      message: expect.stringMatching(/^The request signature we calculated does not match/),
    });
    const unsigned = await call('/model/m/converse', CONVERSE);
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers['x-amzn-errortype']).toMatch(/^MissingAuthenticationTokenException/);
  });

  it('ConverseStream: event-stream frames decoded into text deltas and metadata usage', async () => {
    const res = await call('/model/m/converse-stream', CONVERSE, signer());
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.amazon.eventstream');
    const events: SseEvent[] = [];
    const parser = createAwsEventStreamParser((e) => events.push(e));
    parser.push(res.bytes);
    expect(events[0]?.event).toBe('messageStart');
    expect(events[events.length - 1]?.event).toBe('metadata');
    const text = events
      .filter((e) => e.event === 'contentBlockDelta')
      .map((e) => (JSON.parse(e.data) as { delta: { text: string } }).delta.text)
      .join('');
    expect(text.length).toBeGreaterThan(0);
    const meta = JSON.parse(events[events.length - 1]?.data ?? '{}') as {
      usage: Record<string, number>;
    };
    expect(meta.usage.outputTokens).toBeGreaterThan(0);
  });
});

describe('mock Vertex AI (OAuth token endpoint, bearer verified)', () => {
  const PATH = '/v1beta1/projects/p1/locations/us-central1/endpoints/openapi/chat/completions';
  const CHAT = { model: 'google/gemini-2.0-flash', messages: [{ role: 'user', content: 'Hi' }] };

  it('a token from the exchange opens the Vertex chat endpoint', async () => {
    const cache = new GcpTokenCache();
    const res = await call(
      PATH,
      CHAT,
      gcpBearerSigner({ service_account_json: serviceAccount() }, cache),
    );
    expect(res.status).toBe(200);
    expect(JSON.parse(res.bytes.toString())).toMatchObject({ object: 'chat.completion' });
    const again = await call(
      PATH,
      CHAT,
      gcpBearerSigner({ service_account_json: serviceAccount() }, cache),
    );
    expect(again.status).toBe(200);
    expect(cache.exchanges).toBe(1);
    expect(llm.requests.filter((r) => r.path === '/token')).toHaveLength(1);
  });

  it.each([
    ['a missing', undefined],
    ['an unknown', () => Promise.resolve({ authorization: 'Bearer ya29.forged' })],
  ] as const)('refuses %s bearer with 401 UNAUTHENTICATED', async (_case, sign) => {
    const res = await call(PATH, CHAT, sign);
    expect(res.status).toBe(401);
    expect(JSON.parse(res.bytes.toString())).toEqual({
      error: {
        code: 401,
        message:
          'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
        status: 'UNAUTHENTICATED',
      },
    });
  });

  it('the token endpoint rejects an assertion signed by another key (typed error in the gateway)', async () => {
    const cache = new GcpTokenCache();
    await expect(
      cache.token({ service_account_json: serviceAccount(other.privateKey) }),
    ).rejects.toMatchObject({
      code: 'TOLLGATE_ERR_PROVIDER_AUTH',
      message: 'failed to get gcp access token: token endpoint answered 400: invalid_grant',
    });
  });
});
