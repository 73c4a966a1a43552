import { awsCredentialsOf, awsSigV4Signer } from './aws';
import { upstreamSigner } from './index';

// AWS's published SigV4 test suite ("post-vanilla"): credentials, date, region and service.
const VECTOR_CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const VECTOR_DATE = () => new Date(Date.UTC(2015, 7, 30, 12, 36, 0));

describe('awsSigV4Signer', () => {
  it("matches AWS's post-vanilla test vector", async () => {
    const sign = awsSigV4Signer({
      service: 'service',
      region: 'us-east-1',
      credentials: VECTOR_CREDENTIALS,
      now: VECTOR_DATE,
    });
    const headers = await sign({
      method: 'POST',
      origin: 'https://example.amazonaws.com:443',
      path: '/',
      query: '',
      headers: { host: 'example.amazonaws.com' },
      body: Buffer.alloc(0),
    });
    expect(headers).toEqual({
      'x-amz-date': '20150830T123600Z',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ' +
        'SignedHeaders=host;x-amz-date, ' +
        'Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b',
    });
  });

  it('signs host, content-type and x-amz-* only, and the session token', async () => {
    const sign = awsSigV4Signer({
      service: 'bedrock',
      region: 'us-east-1',
      credentials: awsCredentialsOf({
        access_key_id: 'AKID',
        secret_access_key: 'secret',
        session_token: 'tok',
      }),
      now: VECTOR_DATE,
    });
    const headers = await sign({
      method: 'POST',
      origin: 'http://127.0.0.1:8080',
      path: '/model/m%3A0/converse',
      query: '',
      headers: {
        host: '127.0.0.1:8080',
        'content-type': 'application/json',
        'x-ai-fixture': 'a',
        accept: '*/*',
      },
      body: Buffer.from('{}'),
    });
    expect(headers['x-amz-security-token']).toBe('tok');
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKID\/20150830\/us-east-1\/bedrock\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    );
  });

  it('upstreamSigner: bedrock + auth.aws signs; gcp gives a bearer signer; plain auth none', async () => {
    const bedrock = {
      auth: { aws: { access_key_id: 'a', secret_access_key: 'b' } },
      provider_conf: { region: 'us-east-1' },
    };
    expect(upstreamSigner('bedrock', bedrock)).toBeDefined();
    expect(upstreamSigner('bedrock', bedrock)).toBe(upstreamSigner('bedrock', bedrock));
    expect(upstreamSigner('openai', { auth: {} })).toBeUndefined();
    expect(
      upstreamSigner('vertex-ai', { auth: { gcp: { service_account_json: '{}' } } }),
    ).toBeDefined();
    const noRegion = upstreamSigner('bedrock', { auth: bedrock.auth });
    await expect(
      noRegion?.({
        method: 'POST',
        origin: 'http://x:1',
        path: '/',
        query: '',
        headers: {},
        body: Buffer.alloc(0),
      }),
    ).rejects.toMatchObject({
      code: 'TOLLGATE_ERR_PROVIDER_AUTH',
      message: expect.stringMatching(/provider_conf.region/),
    });
  });
});
