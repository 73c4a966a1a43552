import http from 'node:http';
import net from 'node:net';
import { ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { AiContext, RequestContext } from '@tollgate/core';
import type { OpentelemetryConf } from '@tollgate/schema';
import { PLUGINS } from '../index';
import { recordAttempts } from './attempts';
import { requestAttributes, spanName } from './attributes';
import { opentelemetry, requestTraceId } from './index';
import { createPipeline } from './pipeline';
import { samplerFor } from './sampler';
import { collectorUrl, parseSettings } from './settings';

function context(url: string, headers: http.IncomingHttpHeaders = {}): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.headers = headers;
  req.url = url;
  req.method = 'GET';
  return new RequestContext(req, new http.ServerResponse(req));
}

function conf(sampler: Partial<OpentelemetryConf['sampler']> = {}): OpentelemetryConf {
  return {
    sampler: {
      name: 'always_off',
      options: { fraction: 0, root: { name: 'always_off', options: { fraction: 0 } } },
      ...sampler,
    },
  };
}

describe('opentelemetry plugin', () => {
  it('is registered with APISIX priority 12009 and rewrite + log phases', () => {
    expect(PLUGINS.get('opentelemetry')).toBe(opentelemetry);
    expect(opentelemetry.priority).toBe(12009);
    expect(typeof opentelemetry.rewrite).toBe('function');
    expect(typeof opentelemetry.log).toBe('function');
  });

  it('rejects a bad plugin_attr block at init with the field named', () => {
    expect(() =>
      opentelemetry.init?.({
        processId: '1',
        health: { isHealthy: () => true, onChange: () => undefined },
        localCounters: undefined as never,
        pluginAttr: () => ({ collector: { request_timeout: 'x' } }),
      }),
    ).toThrow(/plugin_attr.opentelemetry: property "collector.request_timeout" validation failed/);
  });
});

describe('settings', () => {
  it('fills the defaults of APISIX and opentelemetry-lua', () => {
    const s = parseSettings({}, 'x');
    expect(s.traceIdSource).toBe('random');
    expect(s.collectorUrl).toBe('http://127.0.0.1:4318/v1/traces');
    expect(s.requestTimeoutMs).toBe(3000);
    expect({ ...s.resource }).toEqual({ 'service.name': 'APISIX' });
    expect(s.maxQueueSize).toBe(2048);
    expect(s.maxExportBatchSize).toBe(256);
    expect(s.scheduledDelayMs).toBe(2000);
    expect(s.setNgxVar).toBe(false);
  });

  it('takes every field', () => {
    const s = parseSettings(
      {
        trace_id_source: 'x-request-id',
        resource: { 'service.name': 'gw', n: 1, b: true },
        collector: { address: '10.0.0.1:4318', request_timeout: 5, request_headers: { a: 1 } },
        batch_span_processor: {
          max_queue_size: 10,
          max_export_batch_size: 2,
          inactive_timeout: 0.5,
        },
        set_ngx_var: true,
      },
      'x',
    );
    expect(s.traceIdSource).toBe('x-request-id');
    expect({ ...s.resource }).toEqual({ 'service.name': 'gw', n: 1, b: true });
    expect(s.collectorUrl).toBe('http://10.0.0.1:4318/v1/traces');
    expect({ ...s.requestHeaders }).toEqual({ a: '1' });
    expect([s.maxQueueSize, s.maxExportBatchSize, s.scheduledDelayMs]).toEqual([10, 2, 500]);
    expect(s.setNgxVar).toBe(true);
  });

  it.each([
    [{ trace_id_source: 'header' }, 'trace_id_source'],
    [{ resource: { a: {} } }, 'resource.a'],
    [{ collector: 'x' }, 'collector'],
    [{ collector: { address: 1 } }, 'collector.address'],
    [{ collector: { request_timeout: 1.5 } }, 'collector.request_timeout'],
    [{ batch_span_processor: { max_queue_size: 'a' } }, 'batch_span_processor.max_queue_size'],
    [
      { batch_span_processor: { drop_on_queue_full: 1 } },
      'batch_span_processor.drop_on_queue_full',
    ],
    [{ set_ngx_var: 'yes' }, 'set_ngx_var'],
  ])('refuses %j', (block, field) => {
    expect(() => parseSettings(block, 'where')).toThrow(`where: property "${field}"`);
  });

  it('keeps a scheme given in the collector address', () => {
    expect(collectorUrl('https://otel.example:4318/')).toBe('https://otel.example:4318/v1/traces');
  });
});

describe('samplers', () => {
  const decide = (c: OpentelemetryConf, traceparent?: string) => {
    const exporter = new InMemorySpanExporter();
    const pipeline = createPipeline(parseSettings({}, 'x'), exporter);
    let parent = ROOT_CONTEXT;
    if (traceparent) {
      const [, traceId, spanId, flags] = traceparent.split('-') as [string, string, string, string];
      parent = trace.setSpanContext(ROOT_CONTEXT, {
        traceId,
        spanId,
        traceFlags: Number.parseInt(flags, 16),
        isRemote: true,
      });
    }
    const span = pipeline.startSpan('s', { kind: SpanKind.SERVER }, parent, samplerFor(c));
    return span.isRecording();
  };
  const sampled = '00-00000000000000000000000000000001-0000000000000001-01';
  const unsampled = '00-00000000000000000000000000000001-0000000000000001-00';

  it('always_on, always_off (the default), trace_id_ratio 0 and 1', () => {
    expect(decide(conf({ name: 'always_on' }))).toBe(true);
    expect(decide(conf())).toBe(false);
    expect(decide(conf({ name: 'trace_id_ratio' }))).toBe(false);
    expect(
      decide(
        conf({
          name: 'trace_id_ratio',
          options: { fraction: 1, root: { name: 'always_off', options: { fraction: 0 } } },
        }),
      ),
    ).toBe(true);
  });

  it('parent_base follows the parent flag, else its root sampler', () => {
    const pb = (name: 'always_on' | 'always_off' | 'trace_id_ratio', fraction = 0) =>
      conf({
        name: 'parent_base',
        options: { fraction: 0, root: { name, options: { fraction } } },
      });
    expect(decide(pb('always_off'))).toBe(false);
    expect(decide(pb('always_on'))).toBe(true);
    expect(decide(pb('trace_id_ratio'))).toBe(false);
    expect(decide(pb('trace_id_ratio'), sampled)).toBe(true);
    expect(decide(pb('trace_id_ratio', 1))).toBe(true);
    expect(decide(pb('trace_id_ratio', 1), unsampled)).toBe(false);
  });

  it('caches the sampler per config object', () => {
    const c = conf({ name: 'always_on' });
    expect(samplerFor(c)).toBe(samplerFor(c));
  });
});

describe('request attributes', () => {
  it('names the span after the method and the matched route, with APISIX attributes', () => {
    const ctx = context('/opentracing?foo=bar&a=b', {
      host: 'Example.com:9080',
      'user-agent': 'test_nginx',
      cookie: 'token=auth_token;',
      'x-my-header-name': 'william',
      'x-my-header-nick': 'bill',
      'x-other': 'no',
    });
    ctx.route = { id: '1', name: 'route_name', serviceId: 's1', matchedUri: '/opentracing' };
    ctx.vars.set('service_name', 'service_name');
    expect(spanName(ctx)).toBe('GET /opentracing');
    const attributes = requestAttributes(
      {
        ...conf(),
        additional_attributes: ['http_user_agent', 'arg_foo', 'cookie_token', 'arg_missing'],
        additional_header_prefix_attributes: ['x-my-header-*', 'X-Other', 'constructor'],
      },
      ctx,
    );
    expect({ ...attributes }).toEqual({
      'net.host.name': 'example.com',
      'http.method': 'GET',
      'http.scheme': 'http',
      'http.target': '/opentracing?foo=bar&a=b',
      'http.user_agent': 'test_nginx',
      'apisix.route_id': '1',
      'apisix.route_name': 'route_name',
      'http.route': '/opentracing',
      'apisix.service_id': 's1',
      'apisix.service_name': 'service_name',
      http_user_agent: 'test_nginx',
      arg_foo: 'bar',
      cookie_token: 'auth_token',
      'x-my-header-name': 'william',
      'x-my-header-nick': 'bill',
      'X-Other': 'no',
    });
  });

  it('uses the method alone when no route matched', () => {
    expect(spanName(context('/x'))).toBe('GET');
  });
});

describe('trace_id_source x-request-id', () => {
  it('takes a 32-hex X-Request-Id, a UUID without dashes, else nothing', () => {
    const id = '01010101010101010101010101010101';
    expect(requestTraceId(context('/', { 'x-request-id': id }))).toBe(id);
    expect(
      requestTraceId(context('/', { 'x-request-id': '6F9619FF-8B86-D011-B42D-00C04FC964FF' })),
    ).toBe('6f9619ff8b86d011b42d00c04fc964ff');
    expect(requestTraceId(context('/', { 'x-request-id': 'abc' }))).toBeUndefined();
    expect(requestTraceId(context('/', { 'x-request-id': '0'.repeat(32) }))).toBeUndefined();
    // No header: the request_id variable (a UUID).
    expect(requestTraceId(context('/'))).toMatch(/^[0-9a-f]{32}$/);
  });

  it('gives a new trace that ID', () => {
    const pipeline = createPipeline(parseSettings({}, 'x'), new InMemorySpanExporter());
    const span = pipeline.startSpan(
      's',
      { kind: SpanKind.SERVER },
      ROOT_CONTEXT,
      samplerFor(conf({ name: 'always_on' })),
      '01010101010101010101010101010101',
    );
    expect(span.spanContext().traceId).toBe('01010101010101010101010101010101');
    expect(span.spanContext().traceFlags & TraceFlags.SAMPLED).toBe(TraceFlags.SAMPLED);
  });
});

describe('LLM attempt spans', () => {
  it('one CLIENT child per call, with its times, instance, model, status, tokens and fallback reason', async () => {
    const exporter = new InMemorySpanExporter();
    const pipeline = createPipeline(parseSettings({}, 'x'), exporter);
    const ctx = context('/v1/chat/completions');
    const ai = new AiContext();
    ai.protocol = 'openai-chat';
    ai.usage = { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 };
    const t0 = ctx.startedAt;
    ai.attempts = [
      {
        instance: 'a',
        provider: 'openai',
        model: 'm-a',
        startMs: t0 + 1,
        endMs: t0 + 11,
        status: 500,
        fallbackReason: 'http_5xx',
      },
      {
        instance: 'b',
        provider: 'deepseek',
        model: 'm-b',
        startMs: t0 + 12,
        endMs: t0 + 40,
        status: 200,
        answered: true,
      },
    ];
    ctx.ai = ai;
    const parent = pipeline.startSpan(
      'POST /v1/chat/completions',
      { kind: SpanKind.SERVER },
      ROOT_CONTEXT,
      samplerFor(conf({ name: 'always_on' })),
    );
    recordAttempts(ctx, pipeline, parent);
    parent.end();
    await pipeline.flush();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['chat m-a', 'chat m-b', 'POST /v1/chat/completions']);
    const [a, b] = spans as [(typeof spans)[0], (typeof spans)[0]];
    expect(a.kind).toBe(SpanKind.CLIENT);
    expect(a.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(a.attributes).toMatchObject({
      'tollgate.llm.instance': 'a',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'm-a',
      'http.response.status_code': 500,
      'tollgate.llm.fallback_reason': 'http_5xx',
    });
    expect(a.status).toEqual({ code: 2, message: 'llm response status: 500' });
    expect(a.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(b.attributes).toMatchObject({
      'tollgate.llm.instance': 'b',
      'gen_ai.usage.input_tokens': 5,
      'gen_ai.usage.output_tokens': 7,
      'tollgate.llm.total_tokens': 12,
    });
    const ms = (t: [number, number]) => t[0] * 1000 + t[1] / 1e6;
    expect(ms(b.endTime) - ms(b.startTime)).toBeCloseTo(28, 0);
    expect(ms(b.startTime) - ms(a.startTime)).toBeCloseTo(11, 0);
    await pipeline.shutdown();
  });
});

describe('rewrite and log', () => {
  afterAll(async () => {
    await opentelemetry.destroy?.();
  });

  const withMetadata = (ctx: RequestContext, metadata: Record<string, unknown>) => {
    ctx.pluginMetadata = new Map([['opentelemetry', metadata]]);
    return ctx;
  };

  it('does nothing without plugin metadata or plugin_attr (APISIX 3.18)', async () => {
    const ctx = context('/x');
    await opentelemetry.rewrite?.(conf({ name: 'always_on' }), ctx);
    expect(ctx.upstreamHeaders.has('traceparent')).toBe(false);
  });

  it('passes its traceparent upstream and sets the variables with set_ngx_var', async () => {
    const ctx = withMetadata(
      context('/x', { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }),
      { set_ngx_var: true, collector: { address: '127.0.0.1:9' } },
    );
    await opentelemetry.rewrite?.(conf({ name: 'parent_base' }), ctx);
    const traceparent = ctx.upstreamHeaders.get('traceparent');
    expect(traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(ctx.vars.get('opentelemetry_context_traceparent')).toBe(traceparent);
    expect(ctx.vars.get('opentelemetry_trace_id')).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(ctx.vars.get('opentelemetry_span_id')).toBe(traceparent?.split('-')[2]);
    // A second instance (global rule and route) does not start a second span.
    await opentelemetry.rewrite?.(conf({ name: 'always_on' }), ctx);
    expect(ctx.upstreamHeaders.get('traceparent')).toBe(traceparent);
    await opentelemetry.log?.(conf({ name: 'parent_base' }), ctx);
  });

  it('leaves the variables unset without set_ngx_var', async () => {
    const ctx = withMetadata(context('/x'), { collector: { address: '127.0.0.1:9' } });
    await opentelemetry.rewrite?.(conf(), ctx);
    expect(ctx.upstreamHeaders.get('traceparent')).toMatch(/-00$/);
    expect(ctx.vars.get('opentelemetry_trace_id')).toBeUndefined();
  });
});

describe('unusable plugin metadata', () => {
  it('traces nothing (and never fails the request) when the metadata cannot build a pipeline', async () => {
    const ctx = context('/x');
    ctx.pluginMetadata = new Map([['opentelemetry', { collector: { request_timeout: 0 } }]]);
    await opentelemetry.rewrite?.(conf({ name: 'always_on' }), ctx);
    expect(ctx.upstreamHeaders.has('traceparent')).toBe(false);
  });
});
