import { getResourceSchema, validateResource, type SchemaName } from './resources';

const upstream = { nodes: { '127.0.0.1:8080': 1 }, type: 'roundrobin' };

function message(name: SchemaName, body: unknown): string {
  const r = validateResource(name, body);
  if (r.valid) throw new Error(`expected ${name} to be rejected`);
  return r.message;
}

describe('route (spec §6.3, §8.4)', () => {
  it('#75 accepts the routes.t TEST 1 body and fills defaults on a copy only', () => {
    const body = { methods: ['GET'], upstream, desc: 'new route', uri: '/index.html' };
    const before = structuredClone(body);
    const r = validateResource('route', body);
    expect(r).toEqual({
      valid: true,
      value: {
        ...body,
        priority: 0,
        status: 1,
        upstream: { ...upstream, hash_on: 'vars', scheme: 'http', pass_host: 'pass' },
      },
    });
    expect(body).toEqual(before);
  });

  it('#79 rejects an unknown method with the api7 text', () => {
    expect(message('route', { methods: ['invalid_method'], uri: '/a', upstream })).toBe(
      'property "methods" validation failed: failed to validate item 1: matches none of the enum values',
    );
  });

  it('rejects a route without uri or uris', () => {
    expect(message('route', { plugins: {} })).toBe(
      'allOf 1 failed: value should match only one schema, but matches none',
    );
  });

  it('needs plugins, upstream, upstream_id, service_id or script with the uri', () => {
    expect(message('route', { uri: '/a' })).toMatch(
      /^object matches none of the required: \["plugins","uri"\] or \["upstream","uri"\]/,
    );
    expect(validateResource('route', { uris: ['/a', '/b'], service_id: 1 }).valid).toBe(true);
  });

  it('forbids script together with plugins', () => {
    expect(message('route', { uri: '/a', script: 'local x = 1', plugins: {} })).toBe(
      "value wasn't supposed to match schema",
    );
  });

  it('allows only one of host/hosts and of remote_addr/remote_addrs', () => {
    expect(message('route', { uri: '/a', plugins: {}, host: 'a.com', hosts: ['b.com'] })).toBe(
      'allOf 2 failed: value should match only one schema, but matches both schemas 2 and 3',
    );
    const both = { uri: '/a', plugins: {}, remote_addr: '1.1.1.1', remote_addrs: ['1.1.1.2'] };
    expect(message('route', both)).toBe(
      'allOf 3 failed: value should match only one schema, but matches both schemas 2 and 3',
    );
  });

  it('rejects unknown fields, wrong types, bad patterns and out-of-range values', () => {
    expect(message('route', { uri: '/a', plugins: {}, foo: 1 })).toBe(
      'additional properties forbidden, found foo',
    );
    expect(message('route', { uri: 1, plugins: {} })).toBe(
      'property "uri" validation failed: wrong type: expected string, got number',
    );
    expect(message('route', { uri: '/a', plugins: {}, id: 'a/b' })).toBe(
      'property "id" validation failed: object matches none of the required',
    );
    expect(message('route', { uri: '/a', plugins: {}, host: 'bad host' })).toBe(
      'property "host" validation failed: failed to match pattern "^\\\\*$|^\\\\*?[0-9a-zA-Z-._\\\\[\\\\]:]+$" with "bad host"',
    );
    expect(message('route', { uri: '/a', plugins: {}, status: 2 })).toBe(
      'property "status" validation failed: matches none of the enum values',
    );
    expect(message('route', { uri: '/a', plugins: {}, name: '' })).toBe(
      'property "name" validation failed: string too short, expected at least 1, got 0',
    );
    expect(message('route', { uri: '/a', plugins: {}, methods: ['GET', 'GET'] })).toBe(
      'property "methods" validation failed: expected unique items but items 1 and 2 are equal',
    );
    expect(message('route', { uri: '/a', plugins: {}, labels: { a: 'x y' } })).toBe(
      'property "labels" validation failed: failed to validate a (matching ".*"): failed to match pattern "^\\\\S+$" with "x y"',
    );
    expect(message('route', { uri: '/a', plugins: [] })).toBe(
      'property "plugins" validation failed: wrong type: expected object, got table',
    );
    expect(
      message('route', { uri: '/a', plugins: {}, timeout: { connect: 0, send: 1, read: 1 } }),
    ).toBe(
      'property "timeout" validation failed: property "connect" validation failed: expected 0 to be greater than 0',
    );
  });

  it('accepts IPv4/IPv6 addresses and CIDRs, rejects others', () => {
    const ok = ['10.0.0.1', '10.0.0.0/8', '::1', 'fe80::/10'];
    expect(validateResource('route', { uri: '/a', plugins: {}, remote_addrs: ok }).valid).toBe(
      true,
    );
    expect(message('route', { uri: '/a', plugins: {}, remote_addr: '1.2.3.300' })).toBe(
      'property "remote_addr" validation failed: object matches none of the required',
    );
  });

  it('runs the upstream code checks on an inline upstream', () => {
    const r = validateResource('route', { uri: '/a', upstream: { ...upstream, type: 'chash' } });
    expect(r).toEqual({ valid: false, message: 'missing key', verbatim: true });
  });

  it('rejects a non-object body', () => {
    expect(message('route', null)).toBe('wrong type: expected object, got userdata');
    expect(message('route', 'x')).toBe('wrong type: expected object, got string');
  });
});

describe('upstream (spec §6.7)', () => {
  it('accepts both node forms and fills defaults', () => {
    const nodes = [{ host: '127.0.0.1', port: 80, weight: 1, priority: 1, metadata: { a: 1 } }];
    const r = validateResource('upstream', { nodes });
    expect(r.valid && r.value).toMatchObject({ nodes, type: 'roundrobin', pass_host: 'pass' });
  });

  it('needs exactly one of nodes or service_name + discovery_type', () => {
    expect(message('upstream', {})).toBe('value should match only one schema, but matches none');
    const discovered = { service_name: 'svc', discovery_type: 'dns' };
    expect(validateResource('upstream', discovered).valid).toBe(true);
    expect(message('upstream', { ...discovered, nodes: {} })).toBe(
      'value should match only one schema, but matches both schemas 1 and 2',
    );
  });

  it('checks node fields, types and enums', () => {
    expect(message('upstream', { nodes: [{ host: 'a', port: 0, weight: 1 }] })).toBe(
      'property "nodes" validation failed: object matches none of the required',
    );
    expect(message('upstream', { nodes: {}, type: 'random' })).toBe(
      'property "type" validation failed: matches none of the enum values',
    );
    expect(message('upstream', { nodes: {}, retries: -1 })).toBe(
      'property "retries" validation failed: expected -1 to be at least 0',
    );
  });

  it('accepts unknown keys inside checks.active but not beside active/passive', () => {
    const active = { http_path: '/status', request_body: '', healthy: { successes: 1 } };
    const r = validateResource('upstream', { nodes: {}, checks: { active } });
    expect(r.valid && r.value).toMatchObject({
      checks: { active: { ...active, type: 'http', timeout: 1, concurrency: 10 } },
    });
    expect(message('upstream', { nodes: {}, checks: { active, other: {} } })).toBe(
      'property "checks" validation failed: additional properties forbidden, found other',
    );
    expect(message('upstream', { nodes: {}, checks: { passive: {} } })).toBe(
      'property "checks" validation failed: object matches none of the required: ["active"] or ["active","passive"]',
    );
  });

  it('applies check_upstream_conf: chash key and pass_host rewrite', () => {
    expect(
      validateResource('upstream', { nodes: {}, type: 'chash', key: 'remote_addr' }).valid,
    ).toBe(true);
    expect(
      validateResource('upstream', { nodes: {}, type: 'chash', hash_on: 'consumer' }).valid,
    ).toBe(true);
    expect(validateResource('upstream', { nodes: {}, type: 'chash', key: 'x!' })).toEqual({
      valid: false,
      message:
        'failed to match pattern "^((uri|server_name|server_addr|request_uri|remote_port|remote_addr|query_string|host|hostname|mqtt_client_id)|arg_[0-9a-zA-z_-]+)$" with "x!"',
    });
    expect(validateResource('upstream', { nodes: {}, pass_host: 'rewrite' })).toEqual({
      valid: false,
      message: "`upstream_host` can't be empty when `pass_host` is `rewrite`",
      verbatim: true,
    });
  });
});

describe('other resources (spec §6.3, §6.5)', () => {
  it('#88 consumer needs a username', () => {
    expect(message('consumer', { id: 'jack' })).toBe('property "username" is required');
    expect(validateResource('consumer', { username: 'jack', desc: 'new consumer' }).valid).toBe(
      true,
    );
    expect(message('consumer', { username: 'a b' })).toMatch(
      /^property "username" validation failed/,
    );
  });

  it('requires plugins on global rules, plugin configs and consumer groups', () => {
    for (const name of ['global_rule', 'plugin_config', 'consumer_group'] as const) {
      expect(message(name, { id: '1' })).toBe('property "plugins" is required');
      expect(validateResource(name, { id: '1', plugins: {} }).valid).toBe(true);
    }
    expect(message('global_rule', { plugins: {}, name: 'x' })).toBe(
      'additional properties forbidden, found name',
    );
  });

  it('credential, service and plugin_metadata shapes', () => {
    expect(validateResource('credential', { name: 'c', plugins: { 'key-auth': {} } }).valid).toBe(
      true,
    );
    expect(message('credential', { username: 'x' })).toBe(
      'additional properties forbidden, found username',
    );
    expect(validateResource('service', { upstream, hosts: ['a.com'] }).valid).toBe(true);
    expect(message('service', { host: 'a.com' })).toBe(
      'additional properties forbidden, found host',
    );
    expect(validateResource('plugin_metadata', { id: 'x', anything: 1 }).valid).toBe(true);
  });
});

describe('getResourceSchema', () => {
  it('returns a self-contained copy for known names only', () => {
    const route = getResourceSchema('route') as Record<string, any>;
    expect(route.title).toBe('RouteConf');
    expect(JSON.stringify(route)).not.toContain('$ref');
    expect(route.properties.upstream.properties.checks.properties.active.title).toBe(
      'HealthCheckActive',
    );
    route.title = 'mutated';
    expect((getResourceSchema('route') as Record<string, unknown>).title).toBe('RouteConf');
    expect(getResourceSchema('nope')).toBeUndefined();
    expect(getResourceSchema('toString')).toBeUndefined();
  });
});
