/**
 * Issue 11 item 3: provider keys given as `$env://` and `$secret://vault/...` references in an
 * ai-proxy-multi instance's `auth.header` reach the LLM; the literal keys appear in no log line,
 * metric, control-API answer or Admin API GET. One real `tollgate start` on the suite's etcd,
 * a mock Vault (KV v1 and v2) and a mock LLM that accepts only the real keys.
 *
 * APISIX resolves whole-value references only (`secret.lua` `fetch`): `"Bearer $env://K"` is
 * sent as it is. Tollgate decision: a reference that cannot be resolved answers 503 and the log
 * names the reference (APISIX keeps the literal and logs the error).
 */
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import { startMockVault, waitFor, type MockVault } from '@tollgate/testkit';
import { startSecretsNode, type SecretsNode } from './support/secrets-node';

jest.setTimeout(90_000);

const ADMIN_KEY = 'secrets-e2e-admin-key';
const VAULT_TOKEN = 'hvs.vault-token-4c1f9e';
const ENV_KEY = 'sk-env-7d3a0b9c51e2';
const VAULT_V1_KEY = 'sk-vault1-a81f3c6d20b4';
const VAULT_V2_KEY = 'sk-vault2-0e95d7b3c4f1';
const ROTATED_KEY = 'sk-rotated-61b0f2e8a7d3';
const JACK_KEY = 'jack-auth-key-94c2e7f0a1';
const SECRETS = [VAULT_TOKEN, ENV_KEY, VAULT_V1_KEY, VAULT_V2_KEY, ROTATED_KEY, JACK_KEY];

let vault: MockVault;
let llm: MockLlm;
let node: SecretsNode;

const chat = (uri: string, headers?: Record<string, string>) => node.chat(uri, headers);
const putRoute = (id: string, uri: string, header: Record<string, string>) =>
  node.putLlmRoute(id, uri, header);
/** The keys the LLM saw, newest last. */
const keysSeen = () =>
  llm.requests.map((r) => r.headers['x-api-key'] ?? r.headers.authorization ?? '');

beforeAll(async () => {
  vault = await startMockVault({ token: VAULT_TOKEN, kv2Mounts: ['secret'] });
  vault.put('kv/apisix/llm', { key: VAULT_V1_KEY });
  vault.put('secret/llm', { key: VAULT_V2_KEY });
  vault.put('kv/apisix/jack', { 'auth-key': JACK_KEY });
  llm = await startMockLlm({
    name: 'llm',
    apiKeys: [ENV_KEY, VAULT_V1_KEY, VAULT_V2_KEY, ROTATED_KEY],
  });
  node = await startSecretsNode({
    name: 'secrets-e2e',
    adminKey: ADMIN_KEY,
    llm,
    apisix: { lru: { secret: { success: { ttl: 1 }, failure: { ttl: 0.2 } } } },
    env: { LLM_AUTH: `Bearer ${ENV_KEY}`, LLM_KEY: ENV_KEY, VAULT_TOKEN },
  });
  for (const [id, prefix] of [
    ['1', 'kv/apisix'],
    ['2', 'secret/data'],
  ]) {
    const res = await node.admin.put(`/apisix/admin/secrets/vault/${id}`, {
      uri: vault.url,
      prefix,
      token: '$env://VAULT_TOKEN',
    });
    expect(res.status).toBe(201);
  }
});

afterAll(async () => {
  await node?.close();
  await llm?.close();
  await vault?.close();
});

describe('secret references in ai-proxy-multi auth (issue 11 item 3)', () => {
  it('a whole-value $env:// reference reaches the LLM', async () => {
    await putRoute('env', '/env', { Authorization: '$env://LLM_AUTH' });
    expect(await chat('/env')).toMatchObject({ status: 200 });
    expect(keysSeen().at(-1)).toBe(`Bearer ${ENV_KEY}`);
  });

  it('a reference inside a longer string is a literal, as in APISIX', async () => {
    await putRoute('embedded', '/embedded', { Authorization: 'Bearer $env://LLM_KEY' });
    expect((await chat('/embedded')).status).toBe(401);
    expect(keysSeen().at(-1)).toBe('Bearer $env://LLM_KEY');
  });

  it('$secret://vault/... reads KV v1 and KV v2 (token itself an $env:// reference)', async () => {
    await putRoute('v1', '/vault-v1', { 'x-api-key': '$secret://vault/1/llm/key' });
    expect(await chat('/vault-v1')).toMatchObject({ status: 200 });
    expect(keysSeen().at(-1)).toBe(VAULT_V1_KEY);
    await putRoute('v2', '/vault-v2', { 'x-api-key': '$secret://vault/2/llm/key' });
    expect(await chat('/vault-v2')).toMatchObject({ status: 200 });
    expect(keysSeen().at(-1)).toBe(VAULT_V2_KEY);
  });

  it("a key-auth consumer key given as $secret:// authenticates with the Vault value (APISIX's docs example)", async () => {
    const consumer = await node.admin.put('/apisix/admin/consumers', {
      username: 'jack',
      plugins: { 'key-auth': { key: '$secret://vault/1/jack/auth-key' } },
    });
    expect(consumer.status).toBe(201);
    const withLlm = node.llmRoute('/keyauth', { Authorization: '$env://LLM_AUTH' });
    const res = await node.admin.put('/apisix/admin/routes/keyauth', {
      ...withLlm,
      plugins: { ...(withLlm.plugins as object), 'key-auth': {} },
    });
    expect(res.status).toBe(201);
    const withKey = (key: string) => chat('/keyauth', { apikey: key });
    await waitFor('jack to be authenticated by the Vault value', async () =>
      (await withKey(JACK_KEY)).status === 200 ? true : undefined,
    );
    expect((await withKey('wrong')).status).toBe(401);
  });

  it('a value changed in Vault is used once the cache TTL (apisix.lru.secret.success.ttl: 1) ran out', async () => {
    const readsBefore = vault.reads;
    // Within the TTL the cached value serves without asking Vault again.
    await chat('/vault-v1');
    vault.put('kv/apisix/llm', { key: ROTATED_KEY });
    await waitFor(
      'the rotated key to reach the LLM',
      async () => {
        await chat('/vault-v1');
        return keysSeen().at(-1) === ROTATED_KEY ? true : undefined;
      },
      10_000,
    );
    expect(vault.reads).toBeGreaterThan(readsBefore);
  });

  it('an unknown key: 503 and a log line naming the reference, not a value', async () => {
    await putRoute('unknown', '/unknown', { 'x-api-key': '$secret://vault/1/llm/nokey' });
    const res = await chat('/unknown');
    expect(res.status).toBe(503);
    expect(JSON.parse(res.text)).toEqual({
      error_msg: 'failed to resolve a secret reference of plugin ai-proxy-multi',
    });
    const line = await node.logLine('$secret://vault/1/llm/nokey');
    expect(line).toContain('failed to resolve a secret reference');
    expect(line).toContain('no string field');
  });

  it('Vault down: 503 once the cached value expired, the log names the reference', async () => {
    await vault.close();
    await waitFor('503 with Vault down', async () =>
      (await chat('/vault-v2')).status === 503 ? true : undefined,
    );
    await node.logLine('$secret://vault/2/llm/key', 'failed to resolve');
    // $env:// references do not depend on Vault.
    expect((await chat('/env')).status).toBe(200);
  });

  it('no literal key or token in logs, metrics, control API or Admin API answers', async () => {
    const answers = await node.observableText([
      '/apisix/admin/routes',
      '/apisix/admin/routes/v1',
      '/apisix/admin/consumers',
      '/apisix/admin/secrets',
      '/apisix/admin/secrets/vault/1',
    ]);
    expect(answers[1]).toContain('apisix_http_status');
    expect(node.output()).toContain('"level":"debug"');
    for (const secret of SECRETS) {
      for (const answer of answers) expect(answer).not.toContain(secret);
    }
  });
});
