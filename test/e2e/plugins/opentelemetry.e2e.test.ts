/**
 * opentelemetry through a real `tollgate start` (one worker) on the suite's etcd, configured
 * through the Admin API, exporting to a loopback OTLP/HTTP receiver: APISIX's
 * t/plugin/opentelemetry.t, opentelemetry2.t and opentelemetry3.t cases that define behaviour
 * (schema, the four samplers with and without a parent, attributes, resource, trace_id_source,
 * the 5xx span status, a request refused by auth, header prefix attributes), plus the traceparent
 * sent upstream, an AI route with a failing and a fallback instance, plugin metadata taking over
 * from plugin_attr, a collector that is down, and a route written into etcd as APISIX writes it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import {
  AdminClient,
  freePort,
  httpRequest,
  startTollgate,
  testEtcdEndpoint,
  uniquePrefix,
  waitFor,
  type HttpReply,
  type TollgateNode,
} from '@tollgate/testkit';
import { startHttpLogReceiver } from './support/log-receiver';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';

jest.setTimeout(90_000);

const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;

let receiver: OtlpReceiver;
let upstream: http.Server;
let upstreamPort = 0;
let node: TollgateNode;
let admin: AdminClient;
let gatewayPort = 0;
let etcdPrefix = '';

/** An upstream that echoes the request as JSON; `x-test-upstream-status` picks the status. */
function startUpstream(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const status = Number(req.headers['x-test-upstream-status'] ?? 200);
      if (status === 204) {
        res.writeHead(204).end();
        return;
      }
      res.writeHead(Number.isInteger(status) && status >= 200 ? status : 200, {
        'content-type': 'application/json',
      });
      res.end(JSON.stringify({ url: req.url, headers: req.headers }));
    });
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  upstream = await startUpstream();
  upstreamPort = (upstream.address() as AddressInfo).port;
  gatewayPort = await freePort();
  const adminPort = await freePort();
  etcdPrefix = uniquePrefix('opentelemetry');
  const key = 'opentelemetry-e2e-admin-key';
  node = await startTollgate({
    config: {
      apisix: { node_listen: [{ ip: '127.0.0.1', port: gatewayPort }] },
      nginx_config: { worker_processes: 1 },
      deployment: {
        role: 'traditional',
        etcd: { host: [testEtcdEndpoint()], prefix: etcdPrefix, timeout: 3 },
        admin: {
          admin_key: [{ name: 'admin', key, role: 'admin' }],
          admin_listen: { ip: '127.0.0.1', port: adminPort },
        },
      },
      plugin_attr: {
        opentelemetry: {
          resource: { 'service.name': 'tollgate-e2e', test_key: 'test_val' },
          collector: {
            address: `127.0.0.1:${receiver.port}`,
            request_timeout: 3,
            request_headers: { 'x-collector-token': 'secret' },
          },
          batch_span_processor: { max_export_batch_size: 1, inactive_timeout: 0.05 },
        },
      },
    },
    readyPorts: [gatewayPort, adminPort],
  });
  admin = new AdminClient(`http://127.0.0.1:${adminPort}`, key);
});

afterAll(async () => {
  await node?.destroy();
  await receiver?.close();
  await new Promise<void>((r) => {
    upstream?.closeAllConnections();
    upstream?.close(() => r());
  });
});

const nodes = () => ({ type: 'roundrobin', nodes: { [`127.0.0.1:${upstreamPort}`]: 1 } });

function request(
  method: string,
  uri: string,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<HttpReply> {
  return httpRequest(method, `http://127.0.0.1:${gatewayPort}${uri}`, { headers, body });
}

let seq = 0;
/** A fresh query marker, so each request's span is found by its `http.target`. */
const mark = (uri: string) => `${uri}${uri.includes('?') ? '&' : '?'}n=${++seq}`;

let markers = 0;
/**
 * PUT route `id` and wait until the worker serves this version of it. Most tests rewrite the same
 * route, so a probe of its URI would pass on the previous version: instead a marker route written
 * after it is waited for, which the worker serves only once it has applied both (etcd delivers
 * changes in order).
 */
async function putRoute(id: string, body: Record<string, unknown>): Promise<void> {
  const res = await admin.put(`/apisix/admin/routes/${id}`, { upstream: nodes(), ...body });
  expect(res.status).toBeLessThan(300);
  const marker = `otel-marker-${++markers}`;
  const written = await admin.put(`/apisix/admin/routes/${marker}`, {
    upstream: nodes(),
    uri: `/__marker/${marker}`,
  });
  expect(written.status).toBeLessThan(300);
  await waitFor(
    `route ${id}`,
    async () => (await request('GET', `/__marker/${marker}`)).status !== 404,
  );
}

/** Every span whose `http.target` is `target`. */
const spansOf = (target: string) =>
  receiver.spans.filter((s) => s.attributes.get('http.target') === target);

/** Wait for the request span of `target`. */
async function spanOf(target: string): Promise<ReceivedSpan> {
  await waitFor(`span of ${target}`, () => spansOf(target).length > 0);
  return spansOf(target)[0] as ReceivedSpan;
}

/**
 * Assert `target` was not traced: a sampled request sent after it on the always-on barrier route
 * is exported (one worker, exports in order), and still no span of `target` arrived.
 */
async function expectNoSpan(target: string): Promise<void> {
  const barrier = mark('/otel/barrier');
  expect((await request('GET', barrier)).status).toBe(200);
  await spanOf(barrier);
  expect(spansOf(target)).toHaveLength(0);
}

const ALWAYS_ON = { sampler: { name: 'always_on' } };

describe('opentelemetry (APISIX t/plugin/opentelemetry*.t)', () => {
  beforeAll(async () => {
    await putRoute('otel-barrier', { uri: '/otel/barrier', plugins: { opentelemetry: ALWAYS_ON } });
  });

  it('schema: accepts APISIX configurations and refuses bad ones (route and metadata)', async () => {
    for (const good of [
      {},
      ALWAYS_ON,
      { sampler: { name: 'trace_id_ratio', options: { fraction: 0.5 } } },
      {
        sampler: {
          name: 'parent_base',
          options: { root: { name: 'trace_id_ratio', options: { fraction: 1 } } },
        },
      },
      {
        additional_attributes: ['http_user_agent'],
        additional_header_prefix_attributes: ['x-my-*'],
      },
    ]) {
      const res = await admin.put('/apisix/admin/routes/otel-schema', {
        uri: '/otel/schema',
        plugins: { opentelemetry: good },
        upstream: nodes(),
      });
      expect(res.status).toBeLessThan(300);
    }
    for (const bad of [
      { sampler: { name: 'sometimes' } },
      { sampler: { name: 'parent_base', options: { root: { name: 'parent_base' } } } },
      { sampler: { options: { fraction: 'half' } } },
      { additional_attributes: [''] },
      { additional_attributes: 'http_user_agent' },
      { additional_header_prefix_attributes: [1] },
    ]) {
      const res = await admin.put('/apisix/admin/routes/otel-schema', {
        uri: '/otel/schema',
        plugins: { opentelemetry: bad },
        upstream: nodes(),
      });
      expect(res.status).toBe(400);
      expect((res.json as { error_msg: string }).error_msg).toMatch(
        /^failed to check the configuration of plugin opentelemetry err: /,
      );
    }
    for (const bad of [
      { trace_id_source: 'header' },
      { collector: { request_timeout: 'soon' } },
      { batch_span_processor: { max_queue_size: 1.5 } },
      { set_ngx_var: 'yes' },
      { resource: { a: { b: 1 } } },
    ]) {
      const res = await admin.put('/apisix/admin/plugin_metadata/opentelemetry', bad);
      expect(res.status).toBe(400);
    }
  });

  it('TEST 1-2: always_on traces a proxied request: one SERVER span with APISIX attributes and the plugin_attr resource', async () => {
    await putRoute('otel-1', { uri: '/opentracing', plugins: { opentelemetry: ALWAYS_ON } });
    const target = mark('/opentracing');
    const reply = await request('GET', target, { 'user-agent': 'test_nginx' });
    expect(reply.status).toBe(200);
    const span = await spanOf(target);
    expect(span.name).toBe('GET /opentracing');
    expect(span.kind).toBe(SERVER);
    expect(span.parentSpanId).toBe('');
    expect(span.scope).toBe('opentelemetry-lua');
    expect(Object.fromEntries(span.attributes)).toEqual({
      'net.host.name': '127.0.0.1',
      'http.method': 'GET',
      'http.scheme': 'http',
      'http.target': target,
      'http.user_agent': 'test_nginx',
      'apisix.route_id': 'otel-1',
      'http.route': '/opentracing',
      'http.status_code': 200,
      'http.response.status_code': 200,
    });
    expect(span.status.code).toBe(0);
    expect(span.resource.get('service.name')).toBe('tollgate-e2e');
    expect(span.resource.get('test_key')).toBe('test_val');
    expect(typeof span.resource.get('hostname')).toBe('string');
    expect(span.headers['x-collector-token']).toBe('secret');
    expect(span.headers['content-type']).toBe('application/x-protobuf');
    // The upstream got this span as its parent.
    const sent = (reply.json as { headers: Record<string, string> }).headers.traceparent;
    expect(sent).toBe(`00-${span.traceId}-${span.spanId}-01`);
  });

  it('TEST 3-4: the default sampler (always_off) exports nothing, and still passes a traceparent upstream', async () => {
    await putRoute('otel-1', { uri: '/opentracing', plugins: { opentelemetry: {} } });
    const target = mark('/opentracing');
    const reply = await request('GET', target);
    expect(reply.status).toBe(200);
    expect((reply.json as { headers: Record<string, string> }).headers.traceparent).toMatch(
      /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/,
    );
    await expectNoSpan(target);
  });

  it('TEST 5-6: trace_id_ratio with the default fraction 0 exports nothing', async () => {
    await putRoute('otel-1', {
      uri: '/opentracing',
      plugins: { opentelemetry: { sampler: { name: 'trace_id_ratio' } } },
    });
    const target = mark('/opentracing');
    expect((await request('GET', target)).status).toBe(200);
    await expectNoSpan(target);
  });

  it('TEST 7-8: trace_id_ratio with fraction 1.0 exports the span', async () => {
    await putRoute('otel-1', {
      uri: '/opentracing',
      plugins: {
        opentelemetry: { sampler: { name: 'trace_id_ratio', options: { fraction: 1.0 } } },
      },
    });
    const target = mark('/opentracing');
    expect((await request('GET', target)).status).toBe(200);
    expect((await spanOf(target)).name).toBe('GET /opentracing');
  });

  it('TEST 9-10: parent_base with the default root (always_off) exports nothing', async () => {
    await putRoute('otel-1', {
      uri: '/opentracing',
      plugins: { opentelemetry: { sampler: { name: 'parent_base' } } },
    });
    const target = mark('/opentracing');
    expect((await request('GET', target)).status).toBe(200);
    await expectNoSpan(target);
  });

  it('TEST 11-12: parent_base with root always_on exports the span', async () => {
    await putRoute('otel-1', {
      uri: '/opentracing',
      plugins: {
        opentelemetry: {
          sampler: { name: 'parent_base', options: { root: { name: 'always_on' } } },
        },
      },
    });
    const target = mark('/opentracing');
    expect((await request('GET', target)).status).toBe(200);
    await spanOf(target);
  });

  it('TEST 13-15: parent_base, root trace_id_ratio 0: nothing without a parent; a sampled traceparent is continued', async () => {
    await putRoute('otel-1', {
      uri: '/opentracing',
      plugins: {
        opentelemetry: {
          sampler: { name: 'parent_base', options: { root: { name: 'trace_id_ratio' } } },
        },
      },
    });
    const alone = mark('/opentracing');
    expect((await request('GET', alone)).status).toBe(200);
    await expectNoSpan(alone);

    const target = mark('/opentracing');
    const reply = await request('GET', target, {
      traceparent: '00-00000000000000000000000000000001-0000000000000001-01',
    });
    expect(reply.status).toBe(200);
    const span = await spanOf(target);
    expect(span.traceId).toBe('00000000000000000000000000000001');
    expect(span.parentSpanId).toBe('0000000000000001');
    // The upstream continues the same trace, under the gateway's span.
    expect((reply.json as { headers: Record<string, string> }).headers.traceparent).toBe(
      `00-00000000000000000000000000000001-${span.spanId}-01`,
    );
  });

  it('TEST 16-18: parent_base, root trace_id_ratio 1: traced without a parent; an unsampled traceparent is not', async () => {
    await putRoute('otel-1', {
      uri: '/opentracing',
      plugins: {
        opentelemetry: {
          sampler: {
            name: 'parent_base',
            options: { root: { name: 'trace_id_ratio', options: { fraction: 1.0 } } },
          },
        },
      },
    });
    const target = mark('/opentracing');
    expect((await request('GET', target)).status).toBe(200);
    await spanOf(target);

    const unsampled = mark('/opentracing');
    const reply = await request('GET', unsampled, {
      traceparent: '00-00000000000000000000000000000001-0000000000000001-00',
    });
    expect(reply.status).toBe(200);
    expect((reply.json as { headers: Record<string, string> }).headers.traceparent).toMatch(
      /^00-00000000000000000000000000000001-[0-9a-f]{16}-00$/,
    );
    await expectNoSpan(unsampled);
  });

  it('TEST 19-20: additional_attributes from variables, with the service and route names', async () => {
    const svc = await admin.put('/apisix/admin/services/otel-svc', {
      name: 'service_name',
      upstream: nodes(),
    });
    expect(svc.status).toBeLessThan(300);
    await putRoute('otel-1', {
      name: 'route_name',
      uri: '/opentracing',
      service_id: 'otel-svc',
      upstream: undefined,
      plugins: {
        opentelemetry: {
          sampler: { name: 'always_on' },
          additional_attributes: ['http_user_agent', 'arg_foo', 'cookie_token', 'remote_addr'],
        },
      },
    });
    const target = mark('/opentracing?foo=bar&a=b');
    const reply = await request('GET', target, {
      'user-agent': 'test_nginx',
      cookie: 'token=auth_token;',
    });
    expect(reply.status).toBe(200);
    const span = await spanOf(target);
    expect(Object.fromEntries(span.attributes)).toMatchObject({
      'apisix.route_id': 'otel-1',
      'apisix.route_name': 'route_name',
      'apisix.service_id': 'otel-svc',
      'apisix.service_name': 'service_name',
      http_user_agent: 'test_nginx',
      arg_foo: 'bar',
      cookie_token: 'auth_token',
      remote_addr: '127.0.0.1',
    });
  });

  it('TEST 21-22: an upstream 500 marks the span as an error', async () => {
    await putRoute('otel-2', {
      name: 'route_name',
      uri: '/specific_status',
      plugins: { opentelemetry: ALWAYS_ON },
    });
    const target = mark('/specific_status');
    const reply = await request('GET', target, { 'x-test-upstream-status': '500' });
    expect(reply.status).toBe(500);
    const span = await spanOf(target);
    expect(span.status).toEqual({ code: ERROR, message: 'upstream response status: 500' });
    expect(span.attributes.get('http.status_code')).toBe(500);
    expect(span.attributes.get('http.response.status_code')).toBe(500);
  });

  it('TEST 23: a response without a body is traced', async () => {
    const target = mark('/specific_status');
    const reply = await request('GET', target, { 'x-test-upstream-status': '204' });
    expect(reply.status).toBe(204);
    const span = await spanOf(target);
    expect(span.attributes.get('http.status_code')).toBe(204);
    expect(span.status.code).toBe(0);
  });

  it('opentelemetry2.t TEST 1-2: a request refused by key-auth is traced', async () => {
    const consumer = await admin.put('/apisix/admin/consumers', {
      username: 'jack',
      plugins: { 'key-auth': { key: 'auth-one' } },
    });
    expect(consumer.status).toBeLessThan(300);
    await putRoute('otel-3', {
      uri: '/hello',
      plugins: { 'key-auth': {}, opentelemetry: ALWAYS_ON },
    });
    const target = mark('/hello');
    expect((await request('GET', target)).status).toBe(401);
    const span = await spanOf(target);
    expect(span.name).toBe('GET /hello');
    // Nothing was proxied: no upstream status.
    expect(span.attributes.has('http.status_code')).toBe(false);
  });

  it('opentelemetry2.t TEST 3-4: additional_header_prefix_attributes expands matching headers', async () => {
    await putRoute('otel-4', {
      name: 'route_name',
      uri: '/attributes',
      plugins: {
        opentelemetry: {
          sampler: { name: 'always_on' },
          additional_header_prefix_attributes: ['x-my-header-*'],
        },
      },
    });
    const target = mark('/attributes');
    expect(
      (await request('GET', target, { 'x-my-header-name': 'william', 'x-my-header-nick': 'bill' }))
        .status,
    ).toBe(200);
    const span = await spanOf(target);
    expect(span.attributes.get('x-my-header-name')).toBe('william');
    expect(span.attributes.get('x-my-header-nick')).toBe('bill');
    expect([...span.attributes.keys()].filter((k) => k.startsWith('x-'))).toHaveLength(2);
  });

  describe('an AI route on ai-proxy-multi', () => {
    let a: MockLlm;
    let b: MockLlm;
    beforeAll(async () => {
      a = await startMockLlm({ name: 'a', apiKeys: ['key-a'], behaviour: { status: 500 } });
      b = await startMockLlm({
        name: 'b',
        apiKeys: ['key-b'],
        behaviour: { usage: { prompt: 11, completion: 7 } },
      });
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
    });

    const instance = (m: MockLlm, priority: number) => ({
      name: `inst-${m.name}`,
      provider: 'openai-compatible',
      weight: 100,
      priority,
      auth: { header: { Authorization: `Bearer key-${m.name}` } },
      options: { model: `model-${m.name}` },
      override: { endpoint: `${m.url}/v1/chat/completions` },
    });

    it('one request span and one CLIENT span per LLM call: the failed one with its fallback reason, the answer with its tokens', async () => {
      await admin.put('/apisix/admin/routes/otel-ai', {
        uri: '/otel/chat',
        methods: ['POST'],
        plugins: {
          opentelemetry: ALWAYS_ON,
          'ai-proxy-multi': {
            fallback_strategy: ['http_5xx'],
            instances: [instance(a, 10), instance(b, 1)],
          },
        },
      });
      const chat = { messages: [{ role: 'user', content: 'hi' }] };
      let reply: HttpReply | undefined;
      let target = '';
      await waitFor('AI route served', async () => {
        target = mark('/otel/chat');
        reply = await request('POST', target, { 'content-type': 'application/json' }, chat);
        return reply.status !== 404;
      });
      expect(reply?.status).toBe(200);
      const server = await spanOf(target);
      await waitFor(
        'attempt spans',
        () => receiver.spans.filter((s) => s.parentSpanId === server.spanId).length === 2,
      );
      const attempts = receiver.spans
        .filter((s) => s.parentSpanId === server.spanId)
        .sort((x, y) => x.startMs - y.startMs);
      const [first, second] = attempts as [ReceivedSpan, ReceivedSpan];
      expect(server.name).toBe('POST /otel/chat');
      expect(server.attributes.get('http.status_code')).toBe(200);
      for (const s of attempts) {
        expect(s.kind).toBe(CLIENT);
        expect(s.traceId).toBe(server.traceId);
        expect(s.startMs).toBeGreaterThanOrEqual(server.startMs - 1);
        expect(s.endMs).toBeLessThanOrEqual(server.endMs + 1);
        expect(s.endMs).toBeGreaterThanOrEqual(s.startMs);
      }
      expect(second.startMs).toBeGreaterThanOrEqual(first.endMs - 1);
      expect(first.name).toBe('chat model-a');
      expect(Object.fromEntries(first.attributes)).toMatchObject({
        'tollgate.llm.instance': 'inst-a',
        'gen_ai.provider.name': 'openai-compatible',
        'gen_ai.request.model': 'model-a',
        'http.response.status_code': 500,
        'tollgate.llm.fallback_reason': 'http_5xx',
      });
      expect(first.status).toEqual({ code: ERROR, message: 'llm response status: 500' });
      expect(first.attributes.has('gen_ai.usage.input_tokens')).toBe(false);
      expect(Object.fromEntries(second.attributes)).toMatchObject({
        'tollgate.llm.instance': 'inst-b',
        'gen_ai.request.model': 'model-b',
        'http.response.status_code': 200,
        'gen_ai.usage.input_tokens': 11,
        'gen_ai.usage.output_tokens': 7,
        'tollgate.llm.total_tokens': 18,
      });
      expect(second.attributes.has('tollgate.llm.fallback_reason')).toBe(false);
      expect(second.status.code).toBe(0);
      // Both LLM calls carried the gateway span as their parent.
      const seen = [...a.requests, ...b.requests].map((r) => r.headers.traceparent);
      expect(seen).toEqual([
        `00-${server.traceId}-${server.spanId}-01`,
        `00-${server.traceId}-${server.spanId}-01`,
      ]);
    });
  });

  it('mixed etcd: a route written into etcd as APISIX writes it is served and traced', async () => {
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    const route = {
      id: 'otel-apisix',
      uri: '/otel/apisix',
      plugins: {
        opentelemetry: {
          sampler: { name: 'always_on', options: { fraction: 0, root: { name: 'always_off' } } },
          additional_attributes: ['route_id'],
        },
      },
      upstream: { ...nodes(), hash_on: 'vars', scheme: 'http', pass_host: 'pass' },
      status: 1,
      priority: 0,
      create_time: 1_700_000_000,
      update_time: 1_700_000_000,
    };
    const put = await httpRequest('POST', `${testEtcdEndpoint()}/v3/kv/put`, {
      body: { key: b64(`${etcdPrefix}/routes/otel-apisix`), value: b64(JSON.stringify(route)) },
    });
    expect(put.status).toBe(200);
    let target = '';
    await waitFor('etcd route served', async () => {
      target = mark('/otel/apisix');
      return (await request('GET', target)).status === 200;
    });
    const span = await spanOf(target);
    expect(span.attributes.get('route_id')).toBe('otel-apisix');
  });

  describe('plugin metadata (APISIX 3.18) over plugin_attr', () => {
    let version = 0;
    /** PUT the metadata, then a route: once that route is served, so is the metadata. */
    async function putMetadata(body: Record<string, unknown>): Promise<void> {
      const meta = await admin.put('/apisix/admin/plugin_metadata/opentelemetry', body);
      expect(meta.status).toBeLessThan(300);
      version++;
      await putRoute(`otel-meta-${version}`, {
        uri: `/otel/meta/${version}`,
        plugins: { opentelemetry: ALWAYS_ON },
      });
    }
    const live = {
      collector: { address: `127.0.0.1:0` },
      batch_span_processor: { max_export_batch_size: 1, inactive_timeout: 0.05 },
    };

    afterAll(async () => {
      await admin.delete('/apisix/admin/plugin_metadata/opentelemetry');
    });

    it('opentelemetry.t TEST 20: trace_id_source x-request-id and a custom resource from plugin_metadata', async () => {
      await putMetadata({
        ...live,
        collector: { address: `127.0.0.1:${receiver.port}` },
        trace_id_source: 'x-request-id',
        resource: { 'service.name': 'test', test_key: 'meta_val' },
      });
      const target = mark(`/otel/meta/${version}`);
      const reply = await request('GET', target, {
        'x-request-id': '01010101010101010101010101010101',
      });
      expect(reply.status).toBe(200);
      const span = await spanOf(target);
      expect(span.traceId).toBe('01010101010101010101010101010101');
      expect(span.resource.get('service.name')).toBe('test');
      expect(span.resource.get('test_key')).toBe('meta_val');
      // The metadata replaces plugin_attr as a whole: no collector.request_headers now.
      expect(span.headers['x-collector-token']).toBeUndefined();
    });

    it('opentelemetry3.t TEST 1-4: set_ngx_var gives the loggers the trace variables', async () => {
      const logs = await startHttpLogReceiver();
      try {
        const format = await admin.put('/apisix/admin/plugin_metadata/http-logger', {
          log_format: {
            traceparent: '$opentelemetry_context_traceparent',
            trace_id: '$opentelemetry_trace_id',
            span_id: '$opentelemetry_span_id',
            uri: '$request_uri',
          },
        });
        expect(format.status).toBeLessThan(300);
        const logged = async (uri: string) => {
          await putRoute(`otel-log-${version}`, {
            uri,
            plugins: {
              opentelemetry: ALWAYS_ON,
              'http-logger': { uri: `${logs.url}/otel`, batch_max_size: 1 },
            },
          });
          const target = mark(uri);
          expect((await request('GET', target)).status).toBe(200);
          await waitFor(`log of ${target}`, () => logs.entries().some((e) => e.uri === target));
          const span = await spanOf(target);
          return { entry: logs.entries().find((e) => e.uri === target), span };
        };

        await putMetadata({
          ...live,
          collector: { address: `127.0.0.1:${receiver.port}` },
          set_ngx_var: true,
        });
        const on = await logged('/otel/log-on');
        expect(on.entry).toMatchObject({
          traceparent: `00-${on.span.traceId}-${on.span.spanId}-01`,
          trace_id: on.span.traceId,
          span_id: on.span.spanId,
        });

        await putMetadata({ ...live, collector: { address: `127.0.0.1:${receiver.port}` } });
        const off = await logged('/otel/log-off');
        expect(off.entry?.traceparent ?? '').toBe('');
        expect(off.entry?.trace_id ?? '').toBe('');
      } finally {
        await admin.delete('/apisix/admin/plugin_metadata/http-logger');
        await logs.close();
      }
    });

    it('a collector that is down does not affect clients', async () => {
      const dead = await freePort();
      await putMetadata({
        ...live,
        collector: { address: `127.0.0.1:${dead}`, request_timeout: 1 },
      });
      const targets: string[] = [];
      const started = performance.now();
      for (let i = 0; i < 50; i++) {
        const target = mark(`/otel/meta/${version}`);
        targets.push(target);
        expect((await request('GET', target)).status).toBe(200);
      }
      const perRequestMs = (performance.now() - started) / 50;
      expect(perRequestMs).toBeLessThan(100);
      // Back to the receiver: later spans arrive, the ones sent while it was down never do.
      await putMetadata({ ...live, collector: { address: `127.0.0.1:${receiver.port}` } });
      const after = mark(`/otel/meta/${version}`);
      expect((await request('GET', after)).status).toBe(200);
      await spanOf(after);
      for (const target of targets) expect(spansOf(target)).toHaveLength(0);
    });
  });
});
