import * as schema from '@tollgate/schema';
import { isDataPlaneKey, validateItem, type ValidateItemResult } from './validate-item';

const upstream = { nodes: { '127.0.0.1:8080': 1 }, type: 'roundrobin' };
const openai = { provider: 'openai', auth: { header: { Authorization: 'Bearer t' } } };

function valueOf(result: ValidateItemResult): Record<string, unknown> {
  if (result.ok !== true) throw new Error(`expected a valid item, got ${JSON.stringify(result)}`);
  return result.value;
}

function reasonOf(result: ValidateItemResult): string {
  if (result.ok !== false) throw new Error(`expected a refusal, got ${JSON.stringify(result)}`);
  return result.reason;
}

describe('validateItem: keys', () => {
  it.each([
    ['plugins', '[{"name":"key-auth"}]'],
    ['gen_id', '1'],
    ['protos/1', '{"content":"x"}'],
    ['routes/', 'init_dir'],
    ['routes', 'init_dir'],
    ['consumers/', 'init_dir'],
    ['consumers/jack/credentials/', 'init_dir'],
    ['plugin_metadata/', 'init_dir'],
  ])('ignores %s', (key, raw) => {
    expect(validateItem(key, raw)).toEqual({ ok: 'ignored' });
    expect(isDataPlaneKey(key)).toBe(false);
  });

  it('refuses keys deeper than the layout allows', () => {
    expect(reasonOf(validateItem('routes/1/x', '{}'))).toBe('unexpected key layout under routes');
    expect(reasonOf(validateItem('consumers/jack/other/1', '{}'))).toBe(
      'unexpected key layout under consumers',
    );
    expect(isDataPlaneKey('routes/1/x')).toBe(true);
  });

  it('loads secrets/<manager>/<id> with its manager schema and id "<manager>/<id>" (secret.lua check_secret)', () => {
    const vault = { uri: 'http://127.0.0.1:8200', prefix: 'kv', token: 't' };
    expect(valueOf(validateItem('secrets/vault/1', JSON.stringify(vault)))).toEqual({
      ...vault,
      id: 'vault/1',
    });
    expect(reasonOf(validateItem('secrets/vault/1', '{"uri":"http://v"}'))).toMatch(
      /^invalid configuration: property "(prefix|token)" is required$/,
    );
    expect(reasonOf(validateItem('secrets/consul/1', '{}'))).toBe(
      'secret manager not exits, manager: consul',
    );
    expect(reasonOf(validateItem('secrets/vault/1/x', '{}'))).toBe(
      'unexpected key layout under secrets',
    );
  });
});

describe('validateItem: values', () => {
  it('refuses a value that is not JSON without quoting it', () => {
    const reason = reasonOf(validateItem('routes/1', '{"uri": "/a", "key": "sk-secret'));
    expect(reason).toBe('value is not valid JSON');
  });

  it.each(['[]', '"text"', '1', 'null'])('refuses the non-object %s', (raw) => {
    expect(reasonOf(validateItem('routes/1', raw))).toBe('value is not a JSON object');
  });

  it('fills defaults and sets id from the key (the stored id is replaced)', () => {
    const raw = JSON.stringify({ id: 1, uri: '/a', upstream });
    const value = valueOf(validateItem('routes/1', raw));
    expect(value).toEqual({
      id: '1',
      uri: '/a',
      priority: 0,
      status: 1,
      upstream: { ...upstream, hash_on: 'vars', scheme: 'http', pass_host: 'pass' },
    });
  });

  it('refuses a schema failure with the validator text', () => {
    const raw = JSON.stringify({ uri: '/a', upstream, methods: ['BREW'] });
    expect(reasonOf(validateItem('routes/1', raw))).toBe(
      'invalid configuration: property "methods" validation failed: failed to validate item 1: matches none of the enum values',
    );
  });

  it('does not validate vars (the router does)', () => {
    const raw = JSON.stringify({ uri: '/a', upstream, vars: [['arg_x', 'no-such-op', 1]] });
    expect(valueOf(validateItem('routes/1', raw)).vars).toEqual([['arg_x', 'no-such-op', 1]]);
  });

  it('fills plugin defaults and refuses unknown plugins and failing plugin checks', () => {
    const ok = JSON.stringify({ uri: '/a', plugins: { 'ai-proxy': openai, prometheus: {} } });
    const plugins = valueOf(validateItem('routes/r1', ok)).plugins as Record<string, unknown>;
    expect(plugins['ai-proxy']).toMatchObject({ ...openai, timeout: 30000, ssl_verify: true });
    expect(plugins.prometheus).toEqual({ prefer_name: false });

    const unknown = JSON.stringify({ uri: '/a', plugins: { 'no-such-plugin': {} } });
    expect(reasonOf(validateItem('routes/1', unknown))).toBe('unknown plugin [no-such-plugin]');

    const bad = JSON.stringify({ uri: '/a', plugins: { 'ai-proxy': { auth: {} } } });
    expect(reasonOf(validateItem('routes/1', bad))).toBe(
      'failed to check the configuration of plugin ai-proxy err: property "provider" is required',
    );
  });

  it('validates every resource kind with its schema', () => {
    expect(valueOf(validateItem('services/s', JSON.stringify({ upstream }))).id).toBe('s');
    expect(valueOf(validateItem('upstreams/u', JSON.stringify(upstream))).id).toBe('u');
    const pc = JSON.stringify({ plugins: { prometheus: {} } });
    expect(valueOf(validateItem('plugin_configs/p', pc)).id).toBe('p');
    expect(valueOf(validateItem('global_rules/g', pc)).id).toBe('g');
    expect(valueOf(validateItem('consumer_groups/cg', pc)).id).toBe('cg');
    expect(reasonOf(validateItem('upstreams/u', JSON.stringify({ type: 'roundrobin' })))).toMatch(
      /^invalid configuration: /,
    );
  });

  it('checks consumer plugins with the consumer schema and keeps username as identity', () => {
    const raw = JSON.stringify({ username: 'jack', plugins: { 'key-auth': { key: 'k1' } } });
    const value = valueOf(validateItem('consumers/jack', raw));
    expect(value.id).toBeUndefined();
    expect(value).toMatchObject({ username: 'jack', plugins: { 'key-auth': { key: 'k1' } } });

    const noKey = JSON.stringify({ username: 'jack', plugins: { 'key-auth': {} } });
    expect(reasonOf(validateItem('consumers/jack', noKey))).toBe(
      'failed to check the configuration of plugin key-auth err: property "key" is required',
    );
    expect(reasonOf(validateItem('consumers/jack', '{}'))).toBe(
      'invalid configuration: property "username" is required',
    );
  });

  it('gives a credential its id from the key', () => {
    const raw = JSON.stringify({ plugins: { 'key-auth': { key: 'k2' } } });
    const value = valueOf(validateItem('consumers/jack/credentials/c1', raw));
    expect(value).toEqual({ id: 'c1', plugins: { 'key-auth': { key: 'k2' } } });
  });

  it('checks plugin metadata by the plugin metadata schema, ignoring the stored id', () => {
    expect(valueOf(validateItem('plugin_metadata/ai-proxy', '{"id":"x"}'))).toEqual({
      id: 'ai-proxy',
    });
    expect(reasonOf(validateItem('plugin_metadata/ai-proxy', '{"x":1}'))).toBe(
      'invalid configuration: additional properties forbidden, found x',
    );
    expect(reasonOf(validateItem('plugin_metadata/nope', '{}'))).toBe('unknown plugin [nope]');
  });

  it('never mutates or shares the parsed input', () => {
    const raw = JSON.stringify({ uri: '/a', plugins: { prometheus: {} } });
    const a = valueOf(validateItem('routes/1', raw));
    const b = valueOf(validateItem('routes/1', raw));
    expect(a).toEqual(b);
    expect(a.plugins).not.toBe(b.plugins);
  });

  it('turns a throwing check into a refusal of that one key', () => {
    const spy = jest.spyOn(schema, 'checkPluginConf').mockImplementation(() => {
      throw new Error('boom');
    });
    try {
      const raw = JSON.stringify({ uri: '/a', plugins: { prometheus: {} } });
      expect(reasonOf(validateItem('routes/1', raw))).toBe('validation failed: boom');
    } finally {
      spy.mockRestore();
    }
  });
});
