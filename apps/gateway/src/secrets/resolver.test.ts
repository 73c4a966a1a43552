import type { SecretManager } from './manager';
import { SecretReferenceError, SecretResolver } from './resolver';

function fakeVault() {
  const calls: string[] = [];
  const values = new Map<string, string>([['llm/key', 'v1']]);
  let release: (() => void) | undefined;
  const manager: SecretManager = {
    async get(_conf, key) {
      calls.push(key);
      if (release === undefined) {
        await new Promise<void>((resolve) => (release = resolve));
      }
      const value = values.get(key);
      if (value === undefined) throw new Error(`no string field in vault secret ${key}`);
      return value;
    },
  };
  return {
    manager,
    calls,
    values,
    open() {
      release?.();
      release = () => undefined;
    },
  };
}

describe('SecretResolver (APISIX secret.lua: success and failure caches)', () => {
  let now = 0;
  const conf = { uri: 'http://127.0.0.1:1', prefix: 'kv', token: 't' };
  const lookup = (manager: string, id: string) =>
    manager === 'vault' && id === '1' ? conf : undefined;

  function resolver(vault: ReturnType<typeof fakeVault>, count = 512) {
    return new SecretResolver(
      lookup,
      new Map([['vault', vault.manager]]),
      { successTtlMs: 1000, failureTtlMs: 100, count },
      1000,
      () => now,
    );
  }

  beforeEach(() => {
    now = 0;
  });

  it('shares one fetch between concurrent requests, then serves from the cache until the TTL', async () => {
    const vault = fakeVault();
    const r = resolver(vault);
    const pending = [
      r.resolve('$secret://vault/1/llm/key'),
      r.resolve('$secret://vault/1/llm/key'),
    ];
    vault.open();
    expect(await Promise.all(pending)).toEqual(['v1', 'v1']);
    expect(vault.calls).toEqual(['llm/key']);
    vault.values.set('llm/key', 'v2');
    now = 999;
    expect(await r.resolve('$secret://vault/1/llm/key')).toBe('v1');
    now = 1000;
    expect(await r.resolve('$secret://vault/1/llm/key')).toBe('v2');
    expect(vault.calls).toHaveLength(2);
  });

  it('caches a failure for the failure TTL; the error names the reference and why', async () => {
    const vault = fakeVault();
    vault.open();
    const r = resolver(vault);
    const ref = '$secret://vault/1/llm/nokey';
    await expect(r.resolve(ref)).rejects.toEqual(
      new SecretReferenceError(ref, 'no string field in vault secret llm/nokey'),
    );
    vault.values.set('llm/nokey', 'now-there');
    now = 99;
    await expect(r.resolve(ref)).rejects.toBeInstanceOf(SecretReferenceError);
    now = 100;
    expect(await r.resolve(ref)).toBe('now-there');
  });

  it.each([
    ['$secret://vault', 'error format: no secret manager'],
    ['$secret://vault/1', 'error format: no secret conf id'],
    ['$secret://vault/1/', 'error format: no secret key id'],
    ['$secret://vault/2/llm/key', 'no secret conf vault/2'],
    ['$secret://consul/1/llm/key', 'no secret conf consul/1'],
    ['$env://TOLLGATE_SECRETS_TEST_UNSET', 'environment variable (or its field) not set'],
  ])('refuses %s: %s', async (ref, reason) => {
    const vault = fakeVault();
    vault.open();
    await expect(resolver(vault).resolve(ref)).rejects.toEqual(
      new SecretReferenceError(ref, reason),
    );
  });

  it('keeps at most `count` entries, dropping the oldest', async () => {
    const vault = fakeVault();
    vault.open();
    vault.values.set('a/k', 'a');
    vault.values.set('b/k', 'b');
    const r = resolver(vault, 1);
    await r.resolve('$secret://vault/1/a/k');
    await r.resolve('$secret://vault/1/b/k');
    await r.resolve('$secret://vault/1/a/k');
    expect(vault.calls).toEqual(['a/k', 'b/k', 'a/k']);
  });
});
