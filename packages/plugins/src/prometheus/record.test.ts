import http from 'node:http';
import net from 'node:net';
import { Registry } from 'prom-client';
import { AiContext, RequestContext, type PluginInstance } from '@tollgate/core';
import { PLUGINS } from '../index';
import { createRequestMetrics, requestMetrics, type RequestMetrics } from './definitions';
import { noteFallback } from './fallbacks';
import { prometheus } from './index';
import { llmCallEnded, llmCallStarted } from './llm-connections';
import { QuotaRemainingTable } from './quota';
import { recordRequest } from './record';

type Labels = Record<string, string>;

function request(method = 'GET', url = '/', headers: http.IncomingHttpHeaders = {}) {
  const req = new http.IncomingMessage(new net.Socket());
  req.method = method;
  req.url = url;
  req.headers = headers;
  req.rawHeaders = Object.entries(headers).flatMap(([k, v]) => [k, String(v)]);
  return new RequestContext(req, new http.ServerResponse(req));
}

/** An AI request on route 1 served by `instance`, as ai-proxy-multi leaves it. */
function aiRequest(opts: {
  stream?: boolean;
  status?: number;
  usage?: [number, number];
  tried?: string[];
  reason?: string;
}): RequestContext {
  const ctx = request('POST', '/chat', {
    'content-type': 'application/json',
    'content-length': '60',
  });
  ctx.route = { id: '1', name: 'chat', matchedUri: '/chat' };
  const ai = (ctx.ai = new AiContext());
  ai.requestType = opts.stream ? 'ai_stream' : 'ai_chat';
  ai.requestModel = 'gpt-3';
  const tried = opts.tried ?? ['openai-gpt4'];
  ai.tried.push(...tried);
  const served = tried[tried.length - 1] ?? '';
  ai.instance = { name: served, provider: 'openai', conf: {} };
  ctx.vars.set('balancer_ip', served);
  if (opts.reason) ai.fallbackReason = opts.reason;
  const status = opts.status ?? 200;
  if (status !== 429) {
    ai.model = 'gpt-4';
    ai.upstreamStatus = status;
    ai.upstreamResponseTimeMs = 40;
    if (status < 400) ai.ttftMs = 12;
  }
  if (opts.usage) {
    const [prompt, completion] = opts.usage;
    ai.usage = {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
    };
  }
  ctx.response.send(status, { ok: status < 400 });
  return ctx;
}

let registry: Registry;
let metrics: RequestMetrics;
beforeEach(() => {
  registry = new Registry();
  metrics = createRequestMetrics(registry);
});

/** Values of `name` (or of its `_bucket`/`_sum`/`_count` series) whose labels include `labels`. */
async function values(name: string, labels: Labels = {}, series?: string): Promise<number[]> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const data = await metric.get();
  return data.values
    .filter((v) => series === undefined || (v as { metricName?: string }).metricName === series)
    .filter((v) => Object.entries(labels).every(([k, x]) => String(v.labels[k]) === x))
    .map((v) => v.value);
}

describe('every request', () => {
  it('counts the status with APISIX label order and values', async () => {
    const ctx = request('GET', '/api/x', { host: 'a.io' });
    ctx.route = { id: '1', matchedUri: '/api/*', matchedHost: 'a.io' };
    ctx.consumer = { username: 'jack', plugins: [] };
    ctx.vars.set('balancer_ip', '127.0.0.1');
    ctx.vars.set('upstream_addr', '127.0.0.1:1980');
    ctx.vars.set('upstream_header_time', '0.004');
    ctx.vars.set('upstream_response_time', '0.005');
    ctx.response.send(200, 'ok');
    recordRequest(metrics, {}, ctx, undefined, ctx.startedAt + 7);
    const text = await registry.getSingleMetricAsString('apisix_http_status');
    expect(text.split('\n').pop()).toBe(
      'apisix_http_status{code="200",route="1",matched_uri="/api/*",matched_host="a.io",service="",consumer="jack",node="127.0.0.1",request_type="traditional_http",request_llm_model="",llm_model="",response_source="upstream"} 1',
    );
    expect(
      await values('apisix_http_latency', { type: 'request' }, 'apisix_http_latency_sum'),
    ).toEqual([7]);
    expect(
      await values('apisix_http_latency', { type: 'upstream' }, 'apisix_http_latency_sum'),
    ).toEqual([5]);
    expect(
      await values('apisix_http_latency', { type: 'apisix' }, 'apisix_http_latency_sum'),
    ).toEqual([2]);
    const head = (ctx.response.res as unknown as { _header: string })._header;
    expect(await values('apisix_bandwidth', { type: 'egress' })).toEqual([head.length + 2]);
    expect(await values('apisix_bandwidth', { type: 'ingress' })).toEqual([
      'GET /api/x HTTP/1.1\r\n'.length + 'host: a.io\r\n'.length + 2,
    ]);
    expect(await values('apisix_llm_prompt_tokens')).toEqual([]);
  });

  it('labels a request that matched no route with ""', async () => {
    const ctx = request('GET', '/nowhere');
    ctx.response.send(404, { error_msg: '404 Route Not Found' });
    recordRequest(metrics, { prefer_name: true }, ctx);
    expect(
      await values('apisix_http_status', {
        code: '404',
        route: '',
        service: '',
        response_source: 'apisix',
      }),
    ).toEqual([1]);
    expect(
      await values('apisix_http_latency', { type: 'upstream' }, 'apisix_http_latency_count'),
    ).toEqual([]);
  });

  it('uses the route and service names with prefer_name', async () => {
    const ctx = request();
    ctx.route = { id: '1', name: 'chat', serviceId: 's1', matchedUri: '/' };
    ctx.vars.set('service_name', 'llm');
    ctx.response.send(200);
    recordRequest(metrics, { prefer_name: true }, ctx);
    expect(await values('apisix_http_status', { route: 'chat', service: 'llm' })).toEqual([1]);
    expect(
      await values('apisix_bandwidth', { type: 'ingress', route: 'chat', service: 'llm' }),
    ).toHaveLength(1);
  });
});

describe('AI requests', () => {
  const gpt4 = {
    route_id: '1',
    node: 'openai-gpt4',
    request_llm_model: 'gpt-3',
    llm_model: 'gpt-4',
  };

  it('counts tokens and records total latency (not ttft) for ai_chat', async () => {
    recordRequest(metrics, {}, aiRequest({ usage: [8, 5] }));
    expect(await values('apisix_llm_prompt_tokens', { ...gpt4, request_type: 'ai_chat' })).toEqual([
      8,
    ]);
    expect(await values('apisix_llm_completion_tokens', gpt4)).toEqual([5]);
    expect(
      await values('apisix_llm_prompt_tokens_dist', gpt4, 'apisix_llm_prompt_tokens_dist_count'),
    ).toEqual([1]);
    expect(
      await values(
        'apisix_llm_prompt_tokens_dist',
        { ...gpt4, le: '10' },
        'apisix_llm_prompt_tokens_dist_bucket',
      ),
    ).toEqual([1]);
    expect(
      await values('apisix_llm_latency', { type: 'total', ...gpt4 }, 'apisix_llm_latency_sum'),
    ).toEqual([40]);
    expect(
      await values('apisix_llm_latency', { type: 'ttft' }, 'apisix_llm_latency_count'),
    ).toEqual([]);
    expect(
      await values('apisix_http_status', {
        code: '200',
        response_source: 'upstream',
        node: 'openai-gpt4',
      }),
    ).toEqual([1]);
    expect(
      await values('apisix_http_latency', { type: 'upstream' }, 'apisix_http_latency_sum'),
    ).toEqual([40]);
  });

  it('records time to first token for ai_stream', async () => {
    recordRequest(metrics, {}, aiRequest({ stream: true, usage: [8, 5] }));
    expect(
      await values(
        'apisix_llm_latency',
        { type: 'ttft', ...gpt4, request_type: 'ai_stream' },
        'apisix_llm_latency_sum',
      ),
    ).toEqual([12]);
    expect(
      await values('apisix_llm_latency', { type: 'total' }, 'apisix_llm_latency_count'),
    ).toEqual([1]);
  });

  it('counts a failed AI request (zero tokens) but records no LLM latency', async () => {
    recordRequest(metrics, {}, aiRequest({ status: 500 }));
    expect(await values('apisix_llm_prompt_tokens', gpt4)).toEqual([0]);
    expect(
      await values('apisix_llm_prompt_tokens_dist', {}, 'apisix_llm_prompt_tokens_dist_count'),
    ).toEqual([]);
    expect(await values('apisix_llm_latency', {}, 'apisix_llm_latency_count')).toEqual([]);
    expect(
      await values('apisix_http_status', { code: '500', response_source: 'upstream' }),
    ).toEqual([1]);
  });

  it('counts quota refusals by plugin, consumer and instance', async () => {
    const ctx = aiRequest({ status: 429 });
    ctx.consumer = { username: 'jack', plugins: [] };
    ctx.vars.set('ai-rate-limiting_decision', 'rejected');
    ctx.vars.set('ai-consumer-rate-limiting_decision', 'allowed');
    recordRequest(metrics, {}, ctx);
    const text = await registry.getSingleMetricAsString('tollgate_ai_quota_rejections_total');
    expect(text.split('\n').pop()).toBe(
      'tollgate_ai_quota_rejections_total{plugin="ai-rate-limiting",consumer="jack",instance="openai-gpt4"} 1',
    );
    expect(
      await values('apisix_http_status', {
        code: '429',
        response_source: 'apisix',
        llm_model: 'gpt-3',
      }),
    ).toEqual([1]);
  });

  it('counts the tokens quotas reserved at admission and settled afterwards', async () => {
    const ctx = aiRequest({ status: 200 });
    ctx.consumer = { username: 'jack', plugins: [] };
    ctx.vars.set('ai-consumer-rate-limiting_reserved_tokens', 300);
    ctx.vars.set('ai-consumer-rate-limiting_settled_tokens', 120);
    ctx.vars.set('ai-rate-limiting_settled_tokens', 120);
    recordRequest(metrics, {}, ctx);
    recordRequest(metrics, {}, ctx);
    const labels = { consumer: 'jack', instance: 'openai-gpt4' };
    expect(
      await values('tollgate_ai_quota_reserved_tokens_total', {
        ...labels,
        plugin: 'ai-consumer-rate-limiting',
      }),
    ).toEqual([600]);
    expect(
      await values('tollgate_ai_quota_settled_tokens_total', {
        ...labels,
        plugin: 'ai-consumer-rate-limiting',
      }),
    ).toEqual([240]);
    expect(
      await values('tollgate_ai_quota_reserved_tokens_total', { plugin: 'ai-rate-limiting' }),
    ).toEqual([]);
    expect(
      await values('tollgate_ai_quota_settled_tokens_total', { plugin: 'ai-rate-limiting' }),
    ).toEqual([240]);
  });

  it('counts fallbacks from the instances tried, or exactly as noted', async () => {
    recordRequest(metrics, {}, aiRequest({ tried: ['a', 'b'], reason: 'http_5xx', usage: [1, 1] }));
    expect(
      await values('tollgate_ai_fallbacks_total', {
        route: '1',
        from_instance: 'a',
        to_instance: 'b',
        reason: 'http_5xx',
      }),
    ).toEqual([1]);
    const noted = aiRequest({ tried: ['a', 'b', 'c'], reason: 'connect_error' });
    noteFallback(noted, 'a', 'b', 'http_429');
    noteFallback(noted, 'b', 'c', 'connect_error');
    recordRequest(metrics, {}, noted);
    expect(
      await values('tollgate_ai_fallbacks_total', { from_instance: 'a', reason: 'http_429' }),
    ).toEqual([1]);
    expect(
      await values('tollgate_ai_fallbacks_total', {
        from_instance: 'b',
        to_instance: 'c',
        reason: 'connect_error',
      }),
    ).toEqual([1]);
    expect(
      await values('tollgate_ai_fallbacks_total', { from_instance: 'a', reason: 'http_5xx' }),
    ).toEqual([1]);
  });

  it('keeps the quota remaining per counter until its window resets', async () => {
    let now = 1_000_000;
    const table = new QuotaRemainingTable(() => now);
    metrics = createRequestMetrics(
      (registry = new Registry()),
      {},
      {
        quotaRemaining(gauge) {
          gauge.reset();
          table.fill((labels, value) => gauge.set(labels, value));
        },
      },
    );
    const ctx = aiRequest({ usage: [600, 400] });
    ctx.consumer = { username: 'jack', plugins: [] };
    Object.assign(ctx.response.extraHeaders, {
      'X-AI-RateLimit-Limit-openai-gpt4': '50000',
      'X-AI-RateLimit-Remaining-openai-gpt4': '49000',
      'X-AI-RateLimit-Reset-openai-gpt4': '60',
      'X-AI-Consumer-RateLimit-Remaining-openai-gpt4': '9000',
      'X-AI-Consumer-RateLimit-Reset-openai-gpt4': '3600',
      'X-AI-tier-RateLimit-Remaining': '7',
    });
    recordRequest(metrics, {}, ctx, table);
    const text = await registry.getSingleMetricAsString('tollgate_ai_quota_remaining');
    expect(text.split('\n').slice(2)).toEqual([
      'tollgate_ai_quota_remaining{plugin="ai-rate-limiting",instance="openai-gpt4",consumer="jack"} 49000',
      'tollgate_ai_quota_remaining{plugin="ai-consumer-rate-limiting",instance="openai-gpt4",consumer="jack"} 9000',
      'tollgate_ai_quota_remaining{plugin="ai-rate-limiting",instance="rule:tier",consumer="jack"} 7',
    ]);
    now += 61_000;
    expect(
      await values('tollgate_ai_quota_remaining', {
        plugin: 'ai-rate-limiting',
        instance: 'openai-gpt4',
      }),
    ).toEqual([]);
    expect(
      await values('tollgate_ai_quota_remaining', { plugin: 'ai-consumer-rate-limiting' }),
    ).toEqual([9000]);
  });
});

describe('active LLM connections', () => {
  it('goes up while a call runs and back to 0, with the labels it started with', async () => {
    const ctx = aiRequest({});
    ctx.route = { id: '1', name: 'chat', serviceId: 's', matchedUri: '/chat' };
    llmCallStarted(ctx, metrics);
    llmCallStarted(ctx, metrics);
    const labels = {
      route: 'chat',
      route_id: '1',
      service: '',
      service_id: 's',
      node: 'openai-gpt4',
    };
    expect(await values('apisix_llm_active_connections', labels)).toEqual([1]);
    ctx.vars.set('balancer_ip', 'another');
    llmCallEnded(ctx, metrics);
    llmCallEnded(ctx, metrics);
    expect(await values('apisix_llm_active_connections', labels)).toEqual([0]);
  });
});

describe('the plugin', () => {
  const bind = (conf: object, filter?: PluginInstance['filter']): PluginInstance => ({
    plugin: prometheus,
    conf,
    priority: 500,
    owner: 'routes/x',
    ...(filter ? { filter } : {}),
  });

  async function counted(route: string): Promise<number> {
    const data = await requestMetrics().httpStatus.get();
    return data.values.filter((v) => v.labels.route === route).reduce((s, v) => s + v.value, 0);
  }

  it('is registered with APISIX name, version and priority', () => {
    expect(PLUGINS.get('prometheus')).toBe(prometheus);
    expect(prometheus).toMatchObject({ name: 'prometheus', version: '0.2', priority: 500 });
  });

  it('records once when on the route and in a global rule, with the route configuration', async () => {
    const ctx = request();
    ctx.route = { id: 'r-pref', name: 'named', matchedUri: '/' };
    const routeConf = { prefer_name: true };
    const globalConf = { prefer_name: false };
    ctx.plugins = [bind(routeConf)];
    ctx.response.send(200);
    await prometheus.log?.(globalConf, ctx);
    await prometheus.log?.(routeConf, ctx);
    await prometheus.log?.(routeConf, ctx);
    expect(await counted('named')).toBe(1);
    expect(await counted('r-pref')).toBe(0);
  });

  it('lets the global rule record when the route entry does not apply to the request', async () => {
    const ctx = request();
    ctx.route = { id: 'r-filtered', matchedUri: '/' };
    ctx.plugins = [bind({ prefer_name: false }, () => false)];
    ctx.response.send(200);
    await prometheus.log?.({ prefer_name: false }, ctx);
    expect(await counted('r-filtered')).toBe(1);
  });
});

describe('plugin_metadata disabled_labels', () => {
  const withMetadata = (ctx: RequestContext, disabled: Record<string, string[]>) => {
    ctx.pluginMetadata = new Map([['prometheus', { id: 'prometheus', disabled_labels: disabled }]]);
    return ctx;
  };

  it('blanks the disabled labels of that metric only, merging the series they told apart', async () => {
    const disabled = { http_status: ['consumer', 'node'], llm_prompt_tokens: ['llm_model'] };
    for (const consumer of ['jack', 'rose']) {
      const ctx = withMetadata(aiRequest({ usage: [3, 4] }), disabled);
      ctx.consumer = { username: consumer, plugins: [] };
      recordRequest(metrics, {}, ctx);
    }
    expect(await values('apisix_http_status', { code: '200', consumer: '', node: '' })).toEqual([
      2,
    ]);
    expect(await values('apisix_http_status', { consumer: 'jack' })).toEqual([]);
    // Other metrics keep the label.
    expect(await values('apisix_bandwidth', { type: 'ingress', consumer: 'jack' })).toHaveLength(1);
    // consumer still tells the token series apart; llm_model is blank in both.
    expect(await values('apisix_llm_prompt_tokens', { llm_model: '' })).toEqual([3, 3]);
    expect(await values('apisix_llm_prompt_tokens', { llm_model: 'gpt-4' })).toEqual([]);
    expect(await values('apisix_llm_completion_tokens', { llm_model: 'gpt-4' })).toHaveLength(2);
  });

  it('applies to llm_active_connections, which still returns to 0', async () => {
    const ctx = withMetadata(aiRequest({}), { llm_active_connections: ['route', 'route_id'] });
    llmCallStarted(ctx, metrics);
    expect(await values('apisix_llm_active_connections', { route: '', route_id: '' })).toEqual([1]);
    llmCallEnded(ctx, metrics);
    expect(await values('apisix_llm_active_connections', { route: '', route_id: '' })).toEqual([0]);
  });
});

describe('AI content verdicts', () => {
  it('counts a cache hit by layer with an empty llm_model, and misses and bypasses apart', async () => {
    const hit = aiRequest({});
    if (hit.ai) hit.ai.cacheStatus = 'HIT';
    recordRequest(metrics, {}, hit);
    const miss = aiRequest({});
    if (miss.ai) miss.ai.cacheStatus = 'MISS';
    recordRequest(metrics, {}, miss);
    const hits = await registry.getSingleMetricAsString('apisix_ai_cache_hits_total');
    expect(hits).toContain('layer="exact",route="chat",route_id="1"');
    expect(hits).toContain('llm_model=""} 1');
    const misses = await registry.getSingleMetricAsString('apisix_ai_cache_misses_total');
    expect(misses).toContain('llm_model="gpt-4"} 1');
    expect(await registry.getSingleMetricAsString('apisix_ai_cache_bypasses_total')).not.toContain(
      '} 1',
    );
  });

  it('counts a refusal by plugin and reason, and each check latency by outcome', async () => {
    const ctx = aiRequest({});
    const ai = ctx.ai ?? new AiContext();
    ai.denied = { plugin: 'ai-runaway-guard', side: 'response', reason: 'repetition' };
    ai.contentChecks.push(
      { plugin: 'ai-aws-content-moderation', side: 'request', ms: 30, outcome: 'pass' },
      { plugin: 'ai-aws-content-moderation', side: 'response', ms: 700, outcome: 'error' },
    );
    recordRequest(metrics, {}, ctx);
    expect(await registry.getSingleMetricAsString('tollgate_ai_content_denials_total')).toContain(
      'tollgate_ai_content_denials_total{route="1",plugin="ai-runaway-guard",side="response",reason="repetition"} 1',
    );
    const latency = await registry.getSingleMetricAsString('tollgate_ai_content_check_latency');
    expect(latency).toContain(
      'tollgate_ai_content_check_latency_bucket{le="50",plugin="ai-aws-content-moderation",side="request",outcome="pass"} 1',
    );
    expect(latency).toContain(
      'tollgate_ai_content_check_latency_bucket{le="500",plugin="ai-aws-content-moderation",side="response",outcome="error"} 0',
    );
  });
});
