/**
 * The `gcp` secret manager against stand-ins for Google's token endpoint (which verifies the
 * RS256 JWT assertion with the account's public key) and Secret Manager (which wants an issued
 * bearer token): APISIX's key split, token reuse, `auth_file`, and errors that carry no secret.
 */
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMockGcpSecrets, type MockGcpSecrets } from '@tollgate/testkit';
import { gcpManager } from '../../src/secrets/managers/gcp';

jest.setTimeout(20_000);

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PRIVATE_PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const CLIENT_EMAIL = 'gateway@tollgate-test.iam.gserviceaccount.com';

describe('gcp secret manager', () => {
  let gcp: MockGcpSecrets;
  const signal = () => AbortSignal.timeout(5_000);

  beforeAll(async () => {
    gcp = await startMockGcpSecrets({
      clientEmail: CLIENT_EMAIL,
      publicKey,
      projectId: 'tollgate-test',
      secrets: {
        llm: JSON.stringify({ key: 'sk-gcp-0123456789' }),
        plain: 'not-json',
      },
    });
  });
  afterAll(() => gcp.close());

  const authConfig = (extra: Record<string, unknown> = {}) => ({
    client_email: CLIENT_EMAIL,
    private_key: PRIVATE_PEM,
    project_id: 'tollgate-test',
    token_uri: gcp.tokenUri,
    entries_uri: gcp.entriesUri,
    ...extra,
  });

  it('gets a token with a signed assertion, reads the field, and reuses the token', async () => {
    const conf = { auth_config: authConfig() };
    expect(await gcpManager.get(conf, 'llm/key', signal())).toBe('sk-gcp-0123456789');
    const issued = gcp.tokensIssued;
    expect(issued).toBeGreaterThanOrEqual(1);
    expect(await gcpManager.get(conf, 'llm/key', signal())).toBe('sk-gcp-0123456789');
    expect(gcp.tokensIssued).toBe(issued);
    expect(gcp.rejections).toEqual([]);
  });

  it('a token about to expire (under a minute left) is replaced', async () => {
    const shortLived = await startMockGcpSecrets({
      clientEmail: CLIENT_EMAIL,
      publicKey,
      projectId: 'p2',
      secrets: { llm: JSON.stringify({ key: 'v' }) },
      tokenTtlSeconds: 30,
    });
    try {
      const conf = {
        auth_config: {
          ...authConfig(),
          project_id: 'p2',
          token_uri: shortLived.tokenUri,
          entries_uri: shortLived.entriesUri,
        },
      };
      await gcpManager.get(conf, 'llm/key', signal());
      await gcpManager.get(conf, 'llm/key', signal());
      expect(shortLived.tokensIssued).toBe(2);
    } finally {
      await shortLived.close();
    }
  });

  it('an assertion signed with another key gets no token; the error names no key', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const otherPem = other.export({ type: 'pkcs8', format: 'pem' }).toString();
    const before = gcp.rejections.length;
    const err = await gcpManager
      .get({ auth_config: authConfig({ private_key: otherPem }) }, 'llm/key', signal())
      .catch((e: Error) => e);
    expect((err as Error).message).toBe(
      'failed to retrtive data from gcp secret manager: failed to get google oauth token: token endpoint answered 400',
    );
    expect(gcp.rejections.slice(before)).toEqual(['bad signature']);
  });

  it('reads the service account from auth_file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-gcp-'));
    try {
      const file = path.join(dir, 'account.json');
      fs.writeFileSync(file, JSON.stringify(authConfig()));
      expect(await gcpManager.get({ auth_file: file }, 'llm/key', signal())).toBe(
        'sk-gcp-0123456789',
      );
      fs.writeFileSync(file, 'not json');
      await expect(gcpManager.get({ auth_file: file }, 'llm/key', signal())).rejects.toThrow(
        `config parse failure, file: ${file}`,
      );
      await expect(
        gcpManager.get({ auth_file: path.join(dir, 'none.json') }, 'llm/key', signal()),
      ).rejects.toThrow('failed to read configuration');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['an unknown secret', 'missing/key', 'invalid status code 404'],
    ['a secret id that could steer the path', '../../x/key', 'invalid secret id: ../../x'],
    ['a non-JSON secret', 'plain/key', 'failed to decode result of secret plain: not JSON'],
    ['a missing field', 'llm/nope', 'no string field "nope" in secret llm'],
    ['a key with no `/`', 'llm', 'error key format, key: llm'],
  ])('%s is an error', async (_what, key, message) => {
    await expect(gcpManager.get({ auth_config: authConfig() }, key, signal())).rejects.toThrow(
      message,
    );
  });
});
