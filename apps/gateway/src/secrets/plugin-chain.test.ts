import { bindPlugins, definePlugin, ownerOf } from '@tollgate/core';
import type { SecretManager } from './manager';
import { PluginChainResolver, PluginSecretError } from './plugin-chain';
import { SecretReferenceError, SecretResolver } from './resolver';

const echo = definePlugin<Record<string, unknown>>({ name: 'echo', version: '1', priority: 1 });
const other = definePlugin<Record<string, unknown>>({ name: 'other', version: '1', priority: 2 });
const registry = new Map([
  ['echo', echo],
  ['other', other],
]) as Parameters<typeof bindPlugins>[2];

function setup() {
  const values = new Map([['llm/key', 'sk-1']]);
  let fetches = 0;
  const vault: SecretManager = {
    get(_conf, key) {
      fetches++;
      const value = values.get(key);
      return value === undefined ? Promise.reject(new Error('no field')) : Promise.resolve(value);
    },
  };
  let now = 0;
  const resolver = new SecretResolver(
    (manager, id) => (manager === 'vault' && id === '1' ? { token: 't' } : undefined),
    new Map([['vault', vault]]),
    { successTtlMs: 1000, failureTtlMs: 1000, count: 16 },
    1000,
    () => now,
  );
  return {
    chains: new PluginChainResolver(resolver),
    values,
    fetches: () => fetches,
    advance: (ms: number) => (now += ms),
  };
}

const bind = (plugins: Record<string, unknown>) =>
  bindPlugins(plugins, 'routes/1', registry, () => undefined);

describe('PluginChainResolver', () => {
  it('hands back a chain without references as it is, synchronously', () => {
    const { chains } = setup();
    const chain = bind({ echo: { a: 'plain', b: ['Bearer $env://X'] } });
    expect(chains.resolve(chain)).toBe(chain);
    expect(chains.resolve(chain)).toBe(chain);
  });

  it('resolves references into a copy owned by the same resource, kept while values stay', async () => {
    const { chains, values, fetches, advance } = setup();
    const conf = { auth: { header: { 'x-api-key': '$secret://vault/1/llm/key' } } };
    const chain = bind({ echo: conf, other: { n: 1 } });
    const first = await chains.resolve(chain);
    const resolved = first.find((i) => i.plugin.name === 'echo');
    expect(resolved?.conf).toEqual({ auth: { header: { 'x-api-key': 'sk-1' } } });
    expect(ownerOf(resolved?.conf)).toBe('routes/1');
    expect(first.find((i) => i.plugin.name === 'other')).toBe(chain[0]);
    expect(conf.auth.header['x-api-key']).toBe('$secret://vault/1/llm/key');

    const again = await chains.resolve(chain);
    expect(again.find((i) => i.plugin.name === 'echo')).toBe(resolved);
    values.set('llm/key', 'sk-2');
    advance(1000);
    const rotated = await chains.resolve(chain);
    expect(rotated.find((i) => i.plugin.name === 'echo')?.conf).toEqual({
      auth: { header: { 'x-api-key': 'sk-2' } },
    });
    expect(fetches()).toBe(2);
  });

  it('names the plugin, its owner and the reference when one cannot be resolved', async () => {
    const { chains } = setup();
    const chain = bind({ echo: { key: '$secret://vault/1/llm/missing' } });
    const failure = await Promise.resolve(chains.resolve(chain)).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(PluginSecretError);
    expect(failure).toMatchObject({
      plugin: 'echo',
      owner: 'routes/1',
      failure: new SecretReferenceError('$secret://vault/1/llm/missing', 'no field'),
    });
  });
});
