import { checkPluginConf } from '../plugins';

const instance = (extra: Record<string, unknown> = {}) => ({
  name: 'openai-official',
  provider: 'openai',
  options: { model: 'gpt-4' },
  weight: 1,
  auth: { header: { some_header: 'some_value' } },
  ...extra,
});

function check(conf: unknown) {
  return checkPluginConf('ai-proxy-multi', conf, 'route');
}

function message(conf: unknown): string {
  const r = check(conf);
  if (r.valid) throw new Error('expected a failure');
  return r.message;
}

describe('ai-proxy-multi schema (spec §1, §8.1)', () => {
  it('#1 accepts a minimal instance and fills defaults on a copy', () => {
    const conf = { instances: [instance()] };
    const r = check(conf);
    expect(r.valid && r.value).toEqual({
      instances: [{ ...instance(), priority: 0 }],
      balancer: { algorithm: 'roundrobin', hash_on: 'vars' },
      timeout: 30000,
      max_req_body_size: 67108864,
      keepalive: true,
      keepalive_timeout: 60000,
      keepalive_pool: 30,
      streaming_flush_interval_ms: 10,
      ssl_verify: true,
    });
    expect(conf).toEqual({ instances: [instance()] });
  });

  it('#2 rejects an unknown provider', () => {
    expect(message({ instances: [instance({ provider: 'some-unique' })] })).toBe(
      'property "instances" validation failed: failed to validate item 1: property "provider" validation failed: matches none of the enum values',
    );
  });

  it('#36 bounds fallback_http_statuses to 400..599', () => {
    expect(message({ instances: [instance()], fallback_http_statuses: [200] })).toBe(
      'property "fallback_http_statuses" validation failed: failed to validate item 1: expected 200 to be at least 400',
    );
    expect(check({ instances: [instance()], fallback_http_statuses: [401, 402] }).valid).toBe(true);
  });

  it('requires instances with name, provider, auth and weight', () => {
    expect(message({})).toBe('property "instances" is required');
    expect(message({ instances: [] })).toBe(
      'property "instances" validation failed: expect array to have at least 1 items',
    );
    const { weight: _w, ...noWeight } = instance();
    expect(message({ instances: [noWeight] })).toBe(
      'property "instances" validation failed: failed to validate item 1: property "weight" is required',
    );
  });

  it('limits auth to header/query/gcp/aws', () => {
    expect(message({ instances: [instance({ auth: { token: 'x' } })] })).toBe(
      'property "instances" validation failed: failed to validate item 1: property "auth" validation failed: additional properties forbidden, found token',
    );
    expect(check({ instances: [instance({ auth: {} })] }).valid).toBe(true);
  });

  it('takes fallback_strategy as a string or an array, each with its own enum', () => {
    for (const ok of [
      'instance_health_and_rate_limiting',
      ['rate_limiting', 'http_429', 'http_5xx'],
    ]) {
      expect(check({ instances: [instance()], fallback_strategy: ok }).valid).toBe(true);
    }
    for (const bad of ['rate_limiting', ['instance_health_and_rate_limiting']]) {
      expect(message({ instances: [instance()], fallback_strategy: bad })).toBe(
        'property "fallback_strategy" validation failed: object matches none of the required',
      );
    }
  });

  it('rejects out-of-range numbers and wrong types', () => {
    expect(message({ instances: [instance()], timeout: 600001 })).toBe(
      'property "timeout" validation failed: expected 600001 to be at most 600000',
    );
    expect(message({ instances: [instance()], keepalive: 'yes' })).toBe(
      'property "keepalive" validation failed: wrong type: expected boolean, got string',
    );
    expect(message({ instances: [instance({ weight: -1 })] })).toBe(
      'property "instances" validation failed: failed to validate item 1: property "weight" validation failed: expected -1 to be at least 0',
    );
  });
});

describe('ai-proxy-multi check_schema (spec §1.3)', () => {
  it('#12 rejects an endpoint that does not match the Lua pattern', () => {
    const bad = ['http//127.0.0.1:1980', 'ftp://host', 'http://:80', 'http:///x'];
    for (const endpoint of bad) {
      expect(message({ instances: [instance({ override: { endpoint } })] })).toBe(
        'invalid endpoint',
      );
    }
    const good = ['http://127.0.0.1:1980', 'https://h/v1/chat?x=1', 'http://h:abc'];
    for (const endpoint of good) {
      expect(check({ instances: [instance({ override: { endpoint } })] }).valid).toBe(true);
    }
  });

  it('#13 rejects duplicate instance names with 1-based positions', () => {
    const instances = [
      instance({ name: 'same-name' }),
      instance({ name: 'other' }),
      instance({ name: 'same-name' }),
    ];
    expect(message({ instances })).toBe(
      "duplicate instance name 'same-name' at instances[1] and instances[3]",
    );
  });

  it('enforces vertex-ai and bedrock requirements', () => {
    expect(message({ instances: [instance({ provider: 'vertex-ai' })] })).toBe(
      "instance 'openai-official': vertex-ai requires either provider_conf (project_id + region) or override.endpoint",
    );
    const vertex = instance({
      provider: 'vertex-ai',
      provider_conf: { project_id: 'p', region: 'r' },
    });
    expect(check({ instances: [vertex] }).valid).toBe(true);
    expect(message({ instances: [instance({ provider: 'bedrock' })] })).toBe(
      "instance 'openai-official': bedrock requires provider_conf.region",
    );
    const bedrock = instance({ provider: 'bedrock', provider_conf: { region: 'us-east-1' } });
    expect(message({ instances: [bedrock] })).toBe(
      "instance 'openai-official': bedrock requires auth.aws",
    );
    const aws = { aws: { access_key_id: 'a', secret_access_key: 's' } };
    expect(check({ instances: [{ ...bedrock, auth: aws }] }).valid).toBe(true);
  });

  it('requires a JSON gcp service account unless it is a secret reference', () => {
    const gcp = (json: string) => instance({ auth: { gcp: { service_account_json: json } } });
    expect(message({ instances: [gcp('{bad')] })).toMatch(/^invalid gcp service_account_json: /);
    expect(check({ instances: [gcp('$secret://vault/gcp/key')] }).valid).toBe(true);
    expect(check({ instances: [gcp('{"type":"service_account"}')] }).valid).toBe(true);
  });

  it('checks chash hash_on and key', () => {
    const conf = (balancer: object) => ({ instances: [instance()], balancer });
    expect(message(conf({ algorithm: 'chash' }))).toBe(
      'must configure `hash_key` when balancer `hash_on` is not set to cookie',
    );
    expect(check(conf({ algorithm: 'chash', key: 'query_string' })).valid).toBe(true);
    expect(check(conf({ algorithm: 'chash', hash_on: 'consumer' })).valid).toBe(true);
    expect(check(conf({ algorithm: 'chash', hash_on: 'header', key: 'x-user' })).valid).toBe(true);
    expect(message(conf({ algorithm: 'chash', hash_on: 'header', key: 'x user' }))).toBe(
      'invalid configuration: failed to match pattern "^[a-zA-Z0-9-_]+$" with "x user"',
    );
    expect(message(conf({ algorithm: 'chash', key: 'http_x' }))).toMatch(
      /^invalid configuration: failed to match pattern "\^\(\(uri\|/,
    );
  });
});
