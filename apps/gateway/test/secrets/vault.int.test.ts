/**
 * The Vault manager against the mock Vault (packages/testkit/src/mock-vault.ts): KV v1 as
 * APISIX's apisix/secret/vault.lua reads it, KV v2 (Tollgate), the namespace header, an
 * `$env://` token, and Vault's refusals as errors that quote no value.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startMockVault, type MockVault } from '@tollgate/testkit';
import { vaultManager } from '../../src/secrets/managers/vault';

const TOKEN = 'hvs.mock-root';
let vault: MockVault;

const signal = () => AbortSignal.timeout(5000);
const conf = (extra: Record<string, unknown> = {}) => ({
  uri: vault.url,
  prefix: 'kv/apisix',
  token: TOKEN,
  ...extra,
});

beforeAll(async () => {
  vault = await startMockVault({ token: TOKEN, kv2Mounts: ['secret'] });
  vault.put('kv/apisix/jack', { 'auth-key': 'value-v1', n: 'x' });
  vault.put('kv/apisix/nested/path/jack', { 'auth-key': 'nested' });
  vault.put('secret/jack', { 'auth-key': 'value-v2' });
});

afterAll(() => vault.close());

describe('vault secret manager', () => {
  it('reads KV v1: <path>/<field> split at the last slash', async () => {
    expect(await vaultManager.get(conf(), 'jack/auth-key', signal())).toBe('value-v1');
    expect(await vaultManager.get(conf(), 'nested/path/jack/auth-key', signal())).toBe('nested');
  });

  it('reads KV v2 through the mount read path (`<mount>/data`)', async () => {
    const v2 = conf({ prefix: 'secret/data' });
    expect(await vaultManager.get(v2, 'jack/auth-key', signal())).toBe('value-v2');
  });

  it('normalises the path as pl.path.normpath does', async () => {
    expect(
      await vaultManager.get(conf({ prefix: 'kv/other/../apisix/' }), 'jack/auth-key', signal()),
    ).toBe('value-v1');
  });

  it('does not resolve an $env:// token naming a TOLLGATE_* variable', async () => {
    process.env.TOLLGATE_TEST_VAULT_TOKEN_UNUSED = 'x';
    // TOLLGATE_* variables are outside the snapshot: the literal is sent, and Vault refuses it.
    await expect(
      vaultManager.get(
        conf({ token: '$env://TOLLGATE_TEST_VAULT_TOKEN_UNUSED' }),
        'jack/auth-key',
        signal(),
      ),
    ).rejects.toThrow('vault answered 403 for /v1/kv/apisix/jack');
  });

  it.each([
    ['jack', 'error key format, key: jack'],
    ['/auth-key', "can't find main key, key: /auth-key"],
    ['jack/', "can't find sub key, key: jack/"],
    ['jack/missing', 'no string field "missing" in vault secret jack'],
    ['nobody/auth-key', 'vault answered 404 for /v1/kv/apisix/nobody'],
  ])('refuses %s: %s', async (key, message) => {
    await expect(vaultManager.get(conf(), key, signal())).rejects.toThrow(message);
  });

  it('refuses a wrong token (403) and a missing namespace when Vault requires one', async () => {
    await expect(
      vaultManager.get(conf({ token: 'wrong' }), 'jack/auth-key', signal()),
    ).rejects.toThrow('vault answered 403');
    const enterprise = await startMockVault({ token: TOKEN, namespace: 'team-a' });
    try {
      enterprise.put('kv/apisix/jack', { 'auth-key': 'ns-value' });
      const base = { uri: enterprise.url, prefix: 'kv/apisix', token: TOKEN };
      await expect(vaultManager.get(base, 'jack/auth-key', signal())).rejects.toThrow(
        'vault answered 403',
      );
      expect(
        await vaultManager.get({ ...base, namespace: 'team-a' }, 'jack/auth-key', signal()),
      ).toBe('ns-value');
    } finally {
      await enterprise.close();
    }
  });

  it('gives up after `timeout` seconds on a Vault that does not answer', async () => {
    const silent = http.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const { port } = silent.address() as AddressInfo;
    const started = Date.now();
    try {
      await expect(
        vaultManager.get(
          { ...conf(), uri: `http://127.0.0.1:${port}`, timeout: 0.3 },
          'jack/auth-key',
          signal(),
        ),
      ).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});
