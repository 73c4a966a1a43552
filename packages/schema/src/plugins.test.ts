import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { metaPreFunctionError } from './checks/plugin-meta';
import { checkPluginConf, getPlugin, listPlugins } from './plugins';

describe('plugin catalogue', () => {
  it('lists plugins by priority descending with APISIX numbers', () => {
    expect(listPlugins().map((p) => [p.name, p.priority, p.version])).toEqual([
      ['real-ip', 23000, '0.1'],
      ['client-control', 22000, '0.1'],
      ['request-id', 12015, '0.1'],
      ['opentelemetry', 12009, '0.1'],
      ['fault-injection', 11000, '0.1'],
      ['cors', 4000, '0.1'],
      ['ip-restriction', 3000, '0.1'],
      ['ua-restriction', 2999, '0.1'],
      ['referer-restriction', 2990, '0.1'],
      ['uri-blocker', 2900, '0.1'],
      ['request-validation', 2800, '0.1'],
      ['multi-auth', 2600, '0.1'],
      ['openid-connect', 2599, '0.2'],
      ['hmac-auth', 2530, '0.1'],
      ['basic-auth', 2520, '0.1'],
      ['jwt-auth', 2510, '0.1'],
      ['key-auth', 2500, '0.1'],
      ['consumer-restriction', 2400, '0.1'],
      ['forward-auth', 2002, '0.1'],
      ['ai-request-rewrite', 1073, '0.1'],
      ['ai-prompt-guard', 1072, '0.1'],
      ['ai-prompt-template', 1071, '0.1'],
      ['ai-prompt-decorator', 1070, '0.1'],
      ['ai-rag', 1060, '0.1'],
      ['ai-proxy-multi', 1041, '0.5'],
      ['ai-proxy', 1040, '0.5'],
      ['ai-runaway-guard', 1038, '0.1'],
      ['ai-cache', 1035, '0.1'],
      ['ai-consumer-rate-limiting', 1035, '0.1'],
      ['ai-aws-content-moderation', 1031, '0.1'],
      ['ai-rate-limiting', 1030, '0.1'],
      ['ai-aliyun-content-moderation', 1029, '0.1'],
      ['ai-lakera-guard', 1028, '0.1'],
      ['proxy-mirror', 1010, '0.1'],
      ['proxy-rewrite', 1008, '0.1'],
      ['limit-conn', 1003, '0.1'],
      ['limit-count', 1002, '0.5'],
      ['limit-req', 1001, '0.1'],
      ['traffic-split', 966, '0.1'],
      ['redirect', 900, '0.1'],
      ['response-rewrite', 899, '0.1'],
      ['prometheus', 500, '0.2'],
      ['loki-logger', 414, '0.1'],
      ['elasticsearch-logger', 413, '0.1'],
      ['http-logger', 410, '0.1'],
      ['tcp-logger', 405, '0.1'],
      ['syslog', 401, '0.1'],
      ['udp-logger', 400, '0.1'],
      ['file-logger', 399, '0.1'],
    ]);
  });

  it('has a schema file for every plugin and a plugin for every schema file', () => {
    const dir = join(__dirname, '..', '..', '..', 'schemas', 'plugins');
    const names = new Set(readdirSync(dir).map((f) => f.split('.')[0]));
    expect([...names].sort()).toEqual(
      listPlugins()
        .map((p) => p.name)
        .sort(),
    );
  });

  it('attaches self-contained schemas; key-auth is an auth plugin with a consumer schema', () => {
    const keyAuth = getPlugin('key-auth');
    expect(keyAuth?.type).toBe('auth');
    expect(keyAuth?.consumerSchema).toMatchObject({ required: ['key'] });
    expect(JSON.stringify(getPlugin('ai-proxy-multi')?.schema)).not.toContain('$ref');
    expect(getPlugin('ai-proxy')?.consumerSchema).toBeUndefined();
    expect(getPlugin('nope')).toBeUndefined();
  });

  it('accepts _meta on every plugin and checks its shape', () => {
    const meta = { _meta: { disable: true, priority: 10, filter: [['arg_x', '==', '1']] } };
    expect(checkPluginConf('prometheus', meta, 'route').valid).toBe(true);
    expect(checkPluginConf('key-auth', { _meta: { disable: 'no' } }, 'route')).toEqual({
      valid: false,
      message:
        'property "_meta" validation failed: property "disable" validation failed: wrong type: expected boolean, got string',
    });
  });

  it('throws for an unknown plugin', () => {
    expect(() => checkPluginConf('no-such-plugin', {}, 'route')).toThrow(
      'unknown plugin [no-such-plugin]',
    );
  });
});

describe('key-auth (spec §5.1, §8.3)', () => {
  it('#61 rejects a non-string consumer key', () => {
    expect(checkPluginConf('key-auth', { key: 123 }, 'consumer')).toEqual({
      valid: false,
      message: 'property "key" validation failed: wrong type: expected string, got number',
    });
  });

  it('#65 requires the consumer key', () => {
    expect(checkPluginConf('key-auth', {}, 'consumer')).toEqual({
      valid: false,
      message: 'property "key" is required',
    });
  });

  it('fills route defaults and validates realm', () => {
    const r = checkPluginConf('key-auth', {}, 'route');
    expect(r.valid && r.value).toEqual({
      header: 'apikey',
      query: 'apikey',
      hide_credentials: false,
      realm: 'key',
    });
    expect(checkPluginConf('key-auth', { realm: 'a"b' }, 'route').valid).toBe(false);
    expect(checkPluginConf('key-auth', { anonymous_consumer: '' }, 'route')).toEqual({
      valid: false,
      message:
        'property "anonymous_consumer" validation failed: string too short, expected at least 1, got 0',
    });
  });
});

describe('prometheus and metadata', () => {
  it('prometheus takes prefer_name', () => {
    const r = checkPluginConf('prometheus', {}, 'route');
    expect(r.valid && r.value).toEqual({ prefer_name: false });
  });

  it('a plugin without a metadata schema accepts no metadata fields', () => {
    expect(checkPluginConf('ai-proxy', { id: 'ai-proxy' }, 'metadata').valid).toBe(true);
    expect(checkPluginConf('ai-proxy', { id: 'ai-proxy', x: 1 }, 'metadata')).toEqual({
      valid: false,
      message: 'additional properties forbidden, found x',
    });
  });
});

describe('ai-proxy (spec §2)', () => {
  it('requires provider and auth, checks provider requirements', () => {
    expect(checkPluginConf('ai-proxy', { auth: {} }, 'route')).toEqual({
      valid: false,
      message: 'property "provider" is required',
    });
    const r = checkPluginConf('ai-proxy', { provider: 'openai', auth: {} }, 'route');
    expect(r.valid && r.value).toMatchObject({ timeout: 30000, ssl_verify: true });
    expect(checkPluginConf('ai-proxy', { provider: 'vertex-ai', auth: {} }, 'route')).toEqual({
      valid: false,
      message: 'vertex-ai requires either provider_conf (project_id + region) or override.endpoint',
    });
    const ok = { provider: 'openai', auth: {}, override: { endpoint: 'http//x' } };
    expect(checkPluginConf('ai-proxy', ok, 'route').valid).toBe(true);
  });
});

describe('_meta (issue 10)', () => {
  it('refuses a filter that does not compile, with APISIX whole message', () => {
    const conf = { _meta: { filter: [['arg_x', 'bogus', '1']] } };
    expect(checkPluginConf('prometheus', conf, 'route')).toEqual({
      valid: false,
      message: "failed to validate the 'vars' expression: invalid operator 'bogus'",
      verbatim: true,
    });
    expect(
      checkPluginConf('prometheus', { _meta: { filter: [['arg_x', '==', '1']] } }, 'route').valid,
    ).toBe(true);
  });

  it('names the plugin of a pre_function, which only the Admin API refuses', () => {
    const conf = { _meta: { pre_function: 'return function() end' } };
    expect(checkPluginConf('prometheus', conf, 'route').valid).toBe(true);
    expect(metaPreFunctionError('prometheus', conf)).toBe(
      'failed to load _meta.pre_function in plugin prometheus: Tollgate does not run Lua code',
    );
    expect(metaPreFunctionError('prometheus', { _meta: {} })).toBeUndefined();
  });
});
