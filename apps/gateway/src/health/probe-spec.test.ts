import { instanceEndpoint, probeSpec } from './probe-spec';

const base = {
  name: 'a',
  provider: 'openai-compatible',
  weight: 1,
  auth: { header: { Authorization: 'Bearer k' } },
  override: { endpoint: 'http://10.0.0.5:8000/v1/chat/completions' },
};

describe('instanceEndpoint', () => {
  it.each<[string, Record<string, unknown>, ReturnType<typeof instanceEndpoint>]>([
    [
      'endpoint with port',
      { override: { endpoint: 'http://h:8000/x' } },
      { scheme: 'http', host: 'h', port: 8000 },
    ],
    [
      'https default port',
      { override: { endpoint: 'https://h.example/v1' } },
      { scheme: 'https', host: 'h.example', port: 443 },
    ],
    [
      'http default port',
      { override: { endpoint: 'http://h' } },
      { scheme: 'http', host: 'h', port: 80 },
    ],
    [
      'ipv6',
      { override: { endpoint: 'http://[::1]:9/' } },
      { scheme: 'http', host: '::1', port: 9 },
    ],
    ['bad endpoint', { override: { endpoint: 'http//h:1' } }, undefined],
    [
      'openai default',
      { provider: 'openai' },
      { scheme: 'https', host: 'api.openai.com', port: 443 },
    ],
    [
      'deepseek default',
      { provider: 'deepseek' },
      { scheme: 'https', host: 'api.deepseek.com', port: 443 },
    ],
    [
      'vertex region',
      { provider: 'vertex-ai', provider_conf: { region: 'us-central1' } },
      { scheme: 'https', host: 'us-central1-aiplatform.googleapis.com', port: 443 },
    ],
    ['bedrock without region', { provider: 'bedrock' }, undefined],
    ['openai-compatible without endpoint', { provider: 'openai-compatible' }, undefined],
    // Issue 9: provider names are looked up as own entries only.
    ['provider named constructor', { provider: 'constructor' }, undefined],
    ['provider named toString', { provider: 'toString' }, undefined],
  ])('%s', (_label, instance, expected) => {
    expect(instanceEndpoint(instance)).toEqual(expected);
  });
});

describe('probeSpec', () => {
  it('is undefined without checks.active', () => {
    expect(probeSpec(base)).toBeUndefined();
  });

  it('fills APISIX defaults', () => {
    const spec = probeSpec({ ...base, checks: { active: {} } });
    expect(spec).toEqual({
      type: 'http',
      host: '10.0.0.5',
      port: 8000,
      hostHeader: '10.0.0.5',
      method: 'GET',
      path: '/',
      body: '',
      headers: { authorization: ['Bearer k'] },
      verifyCertificate: true,
      timeoutMs: 1000,
      healthy: { intervalMs: 1000, statuses: [200, 302], successes: 2 },
      unhealthy: {
        intervalMs: 1000,
        statuses: [429, 404, 500, 501, 502, 503, 504, 505],
        httpFailures: 5,
        tcpFailures: 2,
        timeouts: 3,
      },
    });
  });

  it('applies port, host, method, path, body, headers, auth and thresholds', () => {
    const spec = probeSpec({
      ...base,
      auth: {
        header: { Authorization: 'Bearer k', 'X-Api-Key': 'xk' },
        query: { key: 'a b', v: '1' },
      },
      checks: {
        active: {
          type: 'https',
          port: 9443,
          host: 'llm.internal:9443',
          http_method: 'post',
          http_path: '/v1/chat/completions',
          http_req_body: '{"max_tokens":1}',
          https_verify_certificate: false,
          req_headers: [
            'Content-Type: application/json',
            'X-Api-Key: from-config',
            'Connection: keep-alive',
            'bad line',
          ],
          timeout: 2.5,
          healthy: { interval: 30, http_statuses: [200], successes: 1 },
          unhealthy: {
            interval: 5,
            http_statuses: [500],
            http_failures: 1,
            tcp_failures: 3,
            timeouts: 4,
          },
        },
      },
    });
    expect(spec).toMatchObject({
      type: 'https',
      host: '10.0.0.5',
      port: 9443,
      hostHeader: 'llm.internal:9443',
      method: 'POST',
      path: '/v1/chat/completions?key=a%20b&v=1',
      body: '{"max_tokens":1}',
      headers: {
        'content-type': ['application/json'],
        'x-api-key': ['from-config'],
        authorization: ['Bearer k'],
      },
      verifyCertificate: false,
      timeoutMs: 2500,
      healthy: { intervalMs: 30_000, statuses: [200], successes: 1 },
      unhealthy: {
        intervalMs: 5000,
        statuses: [500],
        httpFailures: 1,
        tcpFailures: 3,
        timeouts: 4,
      },
    });
    expect(Object.keys(spec?.headers ?? {})).not.toContain('connection');
  });

  it('appends auth.query after an existing query with &', () => {
    const spec = probeSpec({
      ...base,
      auth: { query: { k: 'v' } },
      checks: { active: { http_path: '/ping?x=1' } },
    });
    expect(spec?.path).toBe('/ping?x=1&k=v');
  });

  it('brackets an IPv6 endpoint host in the Host header', () => {
    const spec = probeSpec({
      ...base,
      override: { endpoint: 'http://[::1]:8080' },
      checks: { active: {} },
    });
    expect(spec).toMatchObject({ host: '::1', port: 8080, hostHeader: '[::1]' });
  });

  it('takes Host from req_headers when checks.active.host is unset', () => {
    const spec = probeSpec({
      ...base,
      checks: { active: { req_headers: ['Host: virtual.example'] } },
    });
    expect(spec?.hostHeader).toBe('virtual.example');
    expect(spec?.headers).not.toHaveProperty('host');
  });
});
