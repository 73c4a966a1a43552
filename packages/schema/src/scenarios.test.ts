// user-scenarios.md: both configurations must be accepted verbatim (placeholders replaced).
import { checkPluginConf, validateResource } from './index';

const active = (host: string, httpFailures: number, timeout: number, timeouts: number) => ({
  concurrency: 10,
  healthy: { http_statuses: [200, 302], interval: 30, successes: 1 },
  host,
  http_method: 'POST',
  http_path: '/v1/chat/completions',
  http_req_body:
    '{"model":"Qwen/Qwen2.5-32B-Instruct","messages":[{"role":"user","content":"0"}],"stream":false,"max_tokens":1}',
  https_verify_certificate: false,
  req_headers: ['Content-Type: application/json'],
  request_body: '',
  timeout,
  type: 'http',
  unhealthy: {
    http_failures: httpFailures,
    http_statuses: [404, 429, 500, 501, 502, 503, 504, 505],
    interval: 30,
    tcp_failures: 2,
    timeouts,
  },
});

const scenario1Route = {
  id: 'ai-proxy-multi-route',
  uri: '/anything',
  methods: ['POST'],
  plugins: {
    'ai-proxy-multi': {
      balancer: { algorithm: 'roundrobin', hash_on: 'vars' },
      fallback_strategy: 'instance_health_and_rate_limiting',
      instances: [
        {
          auth: { header: { Authorization: 'Bearer sk-aliyun' } },
          name: 'qwen2.5-32b-instruct-ali-bailian',
          options: { model: 'qwen2.5-32b-instruct' },
          override: {
            endpoint: 'https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions',
          },
          priority: 1,
          provider: 'openai-compatible',
          weight: 100,
        },
        {
          auth: { header: { Authorization: 'Bearer sk-custom' } },
          checks: { active: active('10.0.0.11:8000', 1, 2, 2) },
          name: 'qwen2.5-32b-instruct-b',
          options: { model: 'Qwen/Qwen2.5-32B-Instruct' },
          override: { endpoint: 'http://10.0.0.11:8000/v1/chat/completions' },
          priority: 5,
          provider: 'openai-compatible',
          weight: 100,
        },
        {
          auth: { header: { Authorization: 'Bearer sk-nlb' } },
          checks: { active: active('nlb.internal:9000', 2, 3, 3) },
          name: 'qwen2.5-32b-instruct-c',
          options: { model: 'Qwen/Qwen2.5-32B-Instruct' },
          override: { endpoint: 'http://nlb.internal:9000/v1/chat/completions' },
          priority: 10,
          provider: 'openai-compatible',
          weight: 100,
        },
      ],
      keepalive: true,
      keepalive_pool: 30,
      keepalive_timeout: 4000,
      ssl_verify: false,
      timeout: 600000,
    },
  },
};

const scenario2Route = {
  id: 'ai-proxy-multi-route',
  uri: '/anything',
  methods: ['POST'],
  plugins: {
    'key-auth': {},
    'ai-proxy-multi': {
      instances: [
        {
          name: 'qwen2.5-32b-instruct-ali-bailian',
          options: { model: 'qwen2.5-32b-instruct' },
          auth: { header: { Authorization: 'Bearer sk-nlb' } },
          override: {
            endpoint: 'https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions',
          },
          priority: 1,
          provider: 'openai-compatible',
          weight: 100,
        },
        {
          name: 'qwen2.5-32b-instruct-b',
          options: { model: 'Qwen/Qwen2.5-32B-Instruct' },
          auth: { header: { Authorization: 'Bearer sk-nlb' } },
          override: { endpoint: 'http://10.0.0.11:8000/v1/chat/completions' },
          priority: 5,
          provider: 'openai-compatible',
          weight: 100,
        },
      ],
    },
    'ai-rate-limiting': {
      instances: [
        { name: 'qwen2.5-32b-instruct-ali-bailian', limit: 50000, time_window: 3600 },
        { name: 'qwen2.5-32b-instruct-b', limit: 50000, time_window: 3600 },
      ],
      rejected_code: 429,
      limit_strategy: 'total_tokens',
    },
  },
};

const scenario2Consumer = {
  username: 'consumer_a',
  plugins: {
    'key-auth': { key: 'consumer_a_key' },
    'ai-consumer-rate-limiting': {
      instances: [
        {
          name: 'qwen2.5-32b-instruct-ali-bailian',
          limit_strategy: 'total_tokens',
          limit: 10000,
          time_window: 3600,
        },
        {
          name: 'qwen2.5-32b-instruct-b',
          limit_strategy: 'total_tokens',
          limit: 10000,
          time_window: 3600,
        },
      ],
      rejected_code: 429,
      rejected_msg: 'Insufficient token, try in one hour',
    },
  },
};

function expectAccepted(
  name: 'route' | 'consumer',
  body: { plugins: Record<string, unknown> },
  schemaType: 'route' | 'consumer',
): void {
  expect(validateResource(name, body)).toMatchObject({ valid: true });
  for (const [plugin, conf] of Object.entries(body.plugins)) {
    expect([plugin, checkPluginConf(plugin, conf, schemaType)]).toMatchObject([
      plugin,
      { valid: true },
    ]);
  }
}

describe('user scenarios', () => {
  it('scenario 1: hybrid deployment route, incl. unknown request_body in checks.active', () => {
    expectAccepted('route', scenario1Route, 'route');
    const r = checkPluginConf('ai-proxy-multi', scenario1Route.plugins['ai-proxy-multi'], 'route');
    const instances = r.valid
      ? (r.value as { instances: Array<Record<string, any>> }).instances
      : [];
    expect(instances[1]?.checks.active.request_body).toBe('');
  });

  it('scenario 2: token quota route and consumer', () => {
    expectAccepted('route', scenario2Route, 'route');
    expectAccepted('consumer', scenario2Consumer, 'consumer');
  });

  it('scenario inputs are not mutated by validation', () => {
    const before = JSON.stringify(scenario1Route);
    validateResource('route', scenario1Route);
    checkPluginConf('ai-proxy-multi', scenario1Route.plugins['ai-proxy-multi'], 'route');
    expect(JSON.stringify(scenario1Route)).toBe(before);
  });
});
