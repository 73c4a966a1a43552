/**
 * ai-rate-limiting, the APISIX cases of spec §8.2, end to end (Admin API → etcd → gateway →
 * mock LLM with known usage).
 */
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import {
  httpRequest,
  startCluster,
  untilServed,
  type Cluster,
  type HttpReply,
} from '@tollgate/testkit';
import { withClientError } from './support/client-error';

jest.setTimeout(120_000);

const B = {
  messages: [
    { role: 'system', content: 'You are a mathematician' },
    { role: 'user', content: 'What is 1+1?' },
  ],
};

let cluster: Cluster;
let gpt4: MockLlm;
let gpt3: MockLlm;

beforeAll(async () => {
  gpt4 = await startMockLlm({ name: 'gpt4' });
  gpt3 = await startMockLlm({ name: 'gpt3' });
  // One worker: the local counters are node-wide anyway, this keeps request order simple.
  cluster = await startCluster(1, 1);
});
afterAll(async () => {
  await cluster?.destroy();
  await gpt4?.close();
  await gpt3?.close();
});
beforeEach(() => {
  gpt4.clear();
  gpt3.clear();
  // The model-echo fixture's usage: prompt 8, completion 5, total 10.
  gpt4.resetBehaviour();
  gpt3.resetBehaviour();
  gpt4.setBehaviour({ usage: { prompt: 5, completion: 5 } });
  gpt3.setBehaviour({ usage: { prompt: 5, completion: 5 } });
});

let seq = 0;
async function route(plugins: Record<string, unknown>): Promise<string> {
  const id = `rl${++seq}`;
  const uri = `/ai/${id}`;
  const res = await cluster.admin.put(`/apisix/admin/routes/${id}`, { uri, plugins });
  if (res.status !== 201) throw new Error(`route ${id}: ${res.status} ${res.text}`);
  await untilServed(cluster.gateways, uri, (status) => status !== 404);
  return uri;
}

function gateway(path: string): string {
  const g = cluster.gateways[0];
  if (!g) throw new Error('no gateway');
  return g.url(path);
}

const post = (uri: string, headers: Record<string, string> = {}): Promise<HttpReply> =>
  httpRequest('POST', gateway(uri), {
    body: B,
    headers: { 'content-type': 'application/json', ...headers },
  });

const aiProxy = (mock: MockLlm) => ({
  'ai-proxy': {
    provider: 'openai',
    auth: { header: { Authorization: 'Bearer token' } },
    options: { model: 'gpt-4' },
    override: { endpoint: `${mock.url}/v1/chat/completions` },
  },
});
const instance = (name: string, mock: MockLlm, priority: number) => ({
  name,
  provider: 'openai',
  weight: 1,
  priority,
  auth: { header: { Authorization: 'Bearer token' } },
  options: { model: name },
  override: { endpoint: `${mock.url}/v1/chat/completions` },
});

async function statuses(
  uri: string,
  n: number,
  headers: Record<string, string> = {},
): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await post(uri, headers)).status);
  return out;
}

describe('ai-rate-limiting (spec §8.2)', () => {
  it('#42 limit 30 with 10 tokens a request: 200, 200, 200, 503 and the LLM is not called the 4th time', async () => {
    const uri = await route({
      ...aiProxy(gpt4),
      'ai-rate-limiting': { limit: 30, time_window: 60 },
    });
    expect(await statuses(uri, 4)).toEqual([200, 200, 200, 503]);
    expect(gpt4.requests).toHaveLength(3);
  });

  it('#43 rejected_code and rejected_msg', async () => {
    const uri = await route({
      ...aiProxy(gpt4),
      'ai-rate-limiting': {
        limit: 30,
        time_window: 60,
        rejected_code: 403,
        rejected_msg: 'rate limit exceeded',
      },
    });
    for (let i = 0; i < 3; i++) {
      const ok = await post(uri, { 'X-Mock-Content': '1 + 1 = 2.' });
      expect(ok.status).toBe(200);
      expect(ok.text).toContain('1 + 1 = 2.');
    }
    const refused = await post(uri);
    expect(refused.status).toBe(403);
    expect(refused.json).toEqual(
      withClientError({ error_msg: 'rate limit exceeded' }, 403, 'openai', 'rate_limit_exceeded'),
    );
  });

  it('#44 headers on a fresh counter: Remaining is the limit, Reset the window', async () => {
    const uri = await route({
      ...aiProxy(gpt4),
      'ai-rate-limiting': { limit: 30, time_window: 60 },
    });
    const res = await post(uri);
    expect(res.headers.get('x-ai-ratelimit-limit-ai-proxy-openai')).toBe('30');
    expect(res.headers.get('x-ai-ratelimit-remaining-ai-proxy-openai')).toBe('30');
    expect(res.headers.get('x-ai-ratelimit-reset-ai-proxy-openai')).toBe('60');
    const next = await post(uri);
    expect(next.headers.get('x-ai-ratelimit-remaining-ai-proxy-openai')).toBe('20');
    expect(Number(next.headers.get('x-ai-ratelimit-reset-ai-proxy-openai'))).toBeLessThanOrEqual(
      60,
    );
  });

  it('#46 completion_tokens: Remaining 20, 15, 10, 5, 0 and the 5th refused', async () => {
    const uri = await route({
      ...aiProxy(gpt4),
      'ai-rate-limiting': { limit: 20, time_window: 45, limit_strategy: 'completion_tokens' },
    });
    const remaining: (string | null)[] = [];
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await post(uri);
      codes.push(res.status);
      remaining.push(res.headers.get('x-ai-ratelimit-remaining-ai-proxy-openai'));
      if (i === 0) expect(res.headers.get('x-ai-ratelimit-reset-ai-proxy-openai')).toBe('45');
    }
    expect(codes).toEqual([200, 200, 200, 200, 503]);
    expect(remaining).toEqual(['20', '15', '10', '5', '0']);
  });

  it('#47 two routes with the same config count separately', async () => {
    const conf = { ...aiProxy(gpt4), 'ai-rate-limiting': { limit: 30, time_window: 60 } };
    const a = await route(conf);
    const b = await route(conf);
    expect(await statuses(a, 3)).toEqual([200, 200, 200]);
    expect(await statuses(b, 3)).toEqual([200, 200, 200]);
    expect(await statuses(a, 1)).toEqual([503]);
  });

  const multi = (rateLimiting: Record<string, unknown>) => ({
    'ai-proxy-multi': {
      fallback_strategy: ['rate_limiting'],
      instances: [instance('openai-gpt4', gpt4, 1), instance('openai-gpt3', gpt3, 0)],
    },
    'ai-rate-limiting': rateLimiting,
  });

  it('#49 an exhausted instance is skipped: ≤2 on gpt-4, ≥8 on gpt-3, all 200', async () => {
    const uri = await route(
      multi({ instances: [{ name: 'openai-gpt4', limit: 20, time_window: 60 }] }),
    );
    expect(await statuses(uri, 10)).toEqual(Array(10).fill(200));
    expect(gpt4.requests.length).toBeLessThanOrEqual(2);
    expect(gpt3.requests.length).toBeGreaterThanOrEqual(8);
  });

  it('#50 both instances exhausted: 200 ×7 then 503 ×2 (all servers tried)', async () => {
    const uri = await route(
      multi({
        instances: [
          { name: 'openai-gpt3', limit: 50, time_window: 60 },
          { name: 'openai-gpt4', limit: 20, time_window: 60 },
        ],
      }),
    );
    const codes = [];
    let last: HttpReply | undefined;
    for (let i = 0; i < 9; i++) {
      last = await post(uri);
      codes.push(last.status);
    }
    expect(codes).toEqual([200, 200, 200, 200, 200, 200, 200, 503, 503]);
    expect(last?.text).toBe('all servers tried');
  });

  it('#51 a top-level limit applies per instance, listed instances override it', async () => {
    const uri = await route(
      multi({
        limit: 20,
        time_window: 60,
        instances: [{ name: 'openai-gpt3', limit: 50, time_window: 60 }],
      }),
    );
    expect(await statuses(uri, 9)).toEqual([200, 200, 200, 200, 200, 200, 200, 503, 503]);
  });

  it('#52 limits from variable templates', async () => {
    const uri = await route({
      'ai-proxy-multi': {
        fallback_strategy: ['rate_limiting'],
        instances: [instance('deepseek', gpt4, 1), instance('openai', gpt3, 0)],
      },
      'ai-rate-limiting': {
        limit: '${http_count ?? 10}',
        time_window: '${http_time_window ?? 60}',
        instances: [{ name: 'openai', limit: '${http_openai_count ?? 20}', time_window: 60 }],
      },
    });
    expect(await statuses(uri, 4)).toEqual([200, 200, 200, 503]);
    expect(gpt4.requests).toHaveLength(1);
    expect(gpt3.requests).toHaveLength(2);
  });

  it('#54 limit/instances and rules together are refused by the Admin API', async () => {
    const res = await cluster.admin.put('/apisix/admin/routes/bad-rl', {
      uri: '/bad',
      plugins: {
        ...aiProxy(gpt4),
        'ai-rate-limiting': {
          limit: 30,
          time_window: 60,
          instances: [{ name: 'x', limit: 1, time_window: 1 }],
          rules: [{ count: 1, time_window: 1, key: '${http_user}' }],
        },
      },
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error_msg:
        'failed to check the configuration of plugin ai-rate-limiting err: value should match only one schema, but matches both schemas 1 and 2',
    });
  });

  it('#56/#57 rules: headers numbered or prefixed, counters per resolved key', async () => {
    const numbered = await route({
      ...aiProxy(gpt4),
      'ai-rate-limiting': {
        rules: [
          { count: 20, time_window: 10, key: '${http_user}' },
          { count: 30, time_window: 10, key: '${http_project}' },
        ],
      },
    });
    const jack = await post(numbered, { user: 'jack' });
    expect(jack.headers.get('x-ai-1-ratelimit-limit')).toBe('20');
    expect(jack.headers.get('x-ai-1-ratelimit-remaining')).toBe('20');
    expect(jack.headers.get('x-ai-1-ratelimit-reset')).toBe('10');
    const apisix = await post(numbered, { project: 'apisix' });
    expect(apisix.headers.get('x-ai-2-ratelimit-limit')).toBe('30');
    const none = await post(numbered);
    expect(none.status).toBe(500);
    const prefixed = await route({
      ...aiProxy(gpt4),
      'ai-rate-limiting': {
        rules: [{ count: 20, time_window: 10, key: '${http_user}', header_prefix: 'User' }],
      },
    });
    expect((await post(prefixed, { user: 'jack' })).headers.get('x-ai-user-ratelimit-limit')).toBe(
      '20',
    );
  });

  it('#58 an instance name with dots is literal', async () => {
    const name = 'Qwen3.5-397B-10.249.238.157';
    const uri = await route({
      'ai-proxy-multi': { instances: [instance(name, gpt4, 0)] },
      'ai-rate-limiting': { instances: [{ name, limit: 100, time_window: 60 }] },
    });
    const res = await post(uri);
    expect(res.status).toBe(200);
    expect(res.headers.get(`x-ai-ratelimit-limit-${name.toLowerCase()}`)).toBe('100');
  });

  it('#60 priority and rate limiting: the first request on openai, the second on deepseek', async () => {
    gpt4.setBehaviour({ usage: { prompt: 8, completion: 8 } });
    const uri = await route({
      'ai-proxy-multi': {
        fallback_strategy: ['rate_limiting'],
        instances: [instance('openai', gpt4, 1), instance('deepseek', gpt3, 0)],
      },
      'ai-rate-limiting': { instances: [{ name: 'openai', limit: 10, time_window: 60 }] },
    });
    await post(uri);
    await post(uri);
    expect(gpt4.requests).toHaveLength(1);
    expect(gpt3.requests).toHaveLength(1);
  });

  it('limit_strategy expression charges cost_expr over the raw usage', async () => {
    const uri = await route({
      ...aiProxy(gpt4),
      'ai-rate-limiting': {
        limit: 30,
        time_window: 60,
        limit_strategy: 'expression',
        cost_expr: 'prompt_tokens + completion_tokens * 4',
      },
    });
    const first = await post(uri);
    expect(first.status).toBe(200);
    const second = await post(uri);
    expect(second.headers.get('x-ai-ratelimit-remaining-ai-proxy-openai')).toBe('5');
  });

  it('an upstream error is not charged', async () => {
    const uri = await route({
      ...aiProxy(gpt4),
      'ai-rate-limiting': { limit: 30, time_window: 60 },
    });
    expect((await post(uri, { 'X-Mock-Status': '500' })).status).toBe(500);
    expect((await post(uri)).headers.get('x-ai-ratelimit-remaining-ai-proxy-openai')).toBe('30');
  });
});
