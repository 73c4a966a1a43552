/**
 * The `aws` secret manager against a stand-in Secrets Manager that recomputes each request's
 * Signature V4: APISIX's key split (`<secret>/<field>`), JSON field reads, session tokens,
 * `$env://` credentials, and the errors (which never carry a secret value).
 */
import { startMockAwsSecrets, type MockAwsSecrets } from '@tollgate/testkit';
import { awsManager } from '../../src/secrets/managers/aws';

jest.setTimeout(20_000);

const CREDS = { access_key_id: 'AKIDEXAMPLE', secret_access_key: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCY' };
const LLM_SECRET = JSON.stringify({ key: 'sk-aws-0123456789', org: 'acme' });

describe('aws secret manager', () => {
  let aws: MockAwsSecrets;
  const signal = () => AbortSignal.timeout(5_000);

  beforeAll(async () => {
    aws = await startMockAwsSecrets({
      accessKeyId: CREDS.access_key_id,
      secretAccessKey: CREDS.secret_access_key,
      region: 'eu-west-1',
      secrets: { llm: LLM_SECRET, 'team/a/llm': LLM_SECRET, plain: 'not-json', numeric: '{"n":1}' },
    });
  });
  afterAll(() => aws.close());

  const conf = (extra: Record<string, unknown> = {}) => ({
    ...CREDS,
    region: 'eu-west-1',
    endpoint_url: aws.url,
    ...extra,
  });

  it('reads a field of the JSON SecretString with a request AWS accepts as signed', async () => {
    const served = aws.served;
    expect(await awsManager.get(conf(), 'llm/key', signal())).toBe('sk-aws-0123456789');
    expect(await awsManager.get(conf(), 'llm/org', signal())).toBe('acme');
    expect(aws.served).toBe(served + 2);
  });

  it('splits the key at its last `/`: the secret name may hold `/`', async () => {
    expect(await awsManager.get(conf(), 'team/a/llm/key', signal())).toBe('sk-aws-0123456789');
  });

  it('signs with a session token, and uses $env:// credentials', async () => {
    const withToken = await startMockAwsSecrets({
      accessKeyId: 'ASIATEMP',
      secretAccessKey: 'temp-secret',
      sessionToken: 'session-token-1',
      region: 'us-east-1',
      secrets: { llm: LLM_SECRET },
    });
    try {
      process.env.TEST_AWS_SECRET_KEY = 'temp-secret';
      // `$env://` reads the environment as it was when the module loaded: load a fresh copy.
      let fresh = awsManager;
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const module = require('../../src/secrets/managers/aws') as {
          awsManager: typeof awsManager;
        };
        fresh = module.awsManager;
      });
      const tokenConf = {
        access_key_id: 'ASIATEMP',
        secret_access_key: '$env://TEST_AWS_SECRET_KEY',
        session_token: 'session-token-1',
        endpoint_url: withToken.url,
      };
      expect(await fresh.get(tokenConf, 'llm/key', signal())).toBe('sk-aws-0123456789');
      await expect(
        fresh.get({ ...tokenConf, session_token: 'wrong' }, 'llm/key', signal()),
      ).rejects.toThrow(/invalid status code 403/);
      expect(withToken.rejections).toEqual(['session token']);
    } finally {
      delete process.env.TEST_AWS_SECRET_KEY;
      await withToken.close();
    }
  });

  it('a wrong secret key is refused by the signature check, and the error names no secret', async () => {
    const before = aws.rejections.length;
    const err = await awsManager
      .get(conf({ secret_access_key: 'wrong-secret' }), 'llm/key', signal())
      .catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(
      /^failed to retrtive data from aws secret manager: invalid status code 403/,
    );
    expect((err as Error).message).not.toContain('wrong-secret');
    expect(aws.rejections.slice(before)).toEqual(['signature mismatch']);
  });

  it('a region other than the one AWS expects fails the credential scope', async () => {
    const before = aws.rejections.length;
    await expect(
      awsManager.get(conf({ region: 'us-east-2' }), 'llm/key', signal()),
    ).rejects.toThrow(/invalid status code 403/);
    expect(aws.rejections.slice(before)).toEqual(['credential scope region us-east-2']);
  });

  it.each([
    ['no `/`', 'llm', 'error key format, key: llm'],
    ['no secret name', '/key', "can't find main key, key: /key"],
    ['no field', 'llm/', "can't find sub key, key: llm/"],
  ])('a key with %s is APISIX’s error', async (_what, key, message) => {
    await expect(awsManager.get(conf(), key, signal())).rejects.toThrow(message);
  });

  it('an unknown secret is AWS’s ResourceNotFoundException', async () => {
    await expect(awsManager.get(conf(), 'missing/key', signal())).rejects.toThrow(
      /invalid status code 400, .*ResourceNotFoundException/,
    );
  });

  it('a non-JSON secret, a missing field and a non-string field are errors that quote no value', async () => {
    const plain = await awsManager.get(conf(), 'plain/key', signal()).catch((e: Error) => e);
    expect((plain as Error).message).toBe('failed to decode result of secret plain: not JSON');
    await expect(awsManager.get(conf(), 'llm/nope', signal())).rejects.toThrow(
      'no string field "nope" in secret llm',
    );
    await expect(awsManager.get(conf(), 'numeric/n', signal())).rejects.toThrow(
      'no string field "n" in secret numeric',
    );
  });
});
