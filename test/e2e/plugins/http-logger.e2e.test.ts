/**
 * http-logger through a real node, configured through the Admin API: APISIX's
 * t/plugin/http-logger.t, http-logger-log-format.t and http-logger-new-line.t, plus the body,
 * retry, auth_header, log_format_extra and AI-variable behaviour of log-util, and a route
 * written straight into etcd as an APISIX control plane writes it. Each case logs to its own
 * path of a local receiver, so deliveries are told apart by URL.
 */
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import { waitFor } from '@tollgate/testkit';
import { startAccessNode, type AccessNode } from './support/access-node';
import {
  parseEntries,
  startHttpLogReceiver,
  type HttpLogReceiver,
  type ReceivedPost,
} from './support/log-receiver';

jest.setTimeout(90_000);

let node: AccessNode;
let receiver: HttpLogReceiver;
let tlsReceiver: HttpLogReceiver;
let llm: MockLlm;

beforeAll(async () => {
  llm = await startMockLlm({
    name: 'openai',
    apiKeys: ['token'],
    behaviour: { usage: { prompt: 30, completion: 20 } },
  });
  receiver = await startHttpLogReceiver();
  tlsReceiver = await startHttpLogReceiver({ tls: true });
  node = await startAccessNode('http-logger-e2e');
});

afterAll(async () => {
  await node?.close();
  await receiver?.close();
  await tlsReceiver?.close();
  await llm?.close();
});

const FAST = { max_retry_count: 1, retry_delay: 1, buffer_duration: 2, inactive_timeout: 2 };

let cases = 0;

/**
 * Wait until everything written so far is served: a marker route written after it is routed
 * (one worker, etcd order). Probing the logging routes themselves would log the probes.
 */
async function settled(): Promise<void> {
  cases += 1;
  const marker = `/hl-marker-${cases}`;
  await node.putRoute(`hl-marker-${cases}`, { uri: marker, upstream: node.upstream }, marker);
}

/** A fresh route `/hl-N/hello` logging with `conf`, in force; resolves its path and id. */
async function route(conf: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  cases += 1;
  const id = `hl-${cases}`;
  const uri = `/${id}/hello`;
  const res = await node.admin.put(`/apisix/admin/routes/${id}`, {
    uri,
    plugins: { 'http-logger': conf, ...extra },
    upstream: node.upstream,
  });
  if (res.status >= 300) throw new Error(`PUT route ${id}: ${res.status} ${res.text}`);
  await settled();
  return { uri, id };
}

/** Posts the receiver accepted on `path`. */
const postsTo = (r: HttpLogReceiver, path: string): ReceivedPost[] =>
  r.posts.filter((p) => p.url === path);

const waitPosts = (r: HttpLogReceiver, path: string, n: number) =>
  waitFor(`${n} posts on ${path}`, () => postsTo(r, path).length >= n && postsTo(r, path));

const admin = (body: Record<string, unknown>) =>
  node.admin.put('/apisix/admin/routes/hl-admin', {
    uri: '/hl-admin',
    plugins: { 'http-logger': body },
    upstream: node.upstream,
  });

const PREFIX = 'failed to check the configuration of plugin http-logger err: ';

describe('http-logger.t: schema through the Admin API', () => {
  it('TEST 1-2: a bare uri and the full schema are accepted', async () => {
    expect((await admin({ uri: 'http://127.0.0.1' })).status).toBeLessThan(300);
    const full = {
      uri: 'http://127.0.0.1',
      auth_header: 'Basic 123',
      timeout: 3,
      name: 'http-logger',
      max_retry_count: 2,
      retry_delay: 2,
      buffer_duration: 2,
      inactive_timeout: 2,
      batch_max_size: 500,
      ssl_verify: false,
    };
    expect((await admin(full)).status).toBe(200);
  });

  it('TEST 3: uri is required', async () => {
    const res = await admin({ auth_header: 'Basic 123', timeout: 3, batch_max_size: 500 });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error_msg: `${PREFIX}property "uri" is required` });
  });

  it('TEST 16: uris without a scheme are refused, with one accepted', async () => {
    for (const bad of ['127.0.0.1', '127.0.0.1:1024']) {
      const res = await admin({ uri: bad });
      expect(res.status).toBe(400);
      expect(String((res.json as { error_msg: string }).error_msg)).toContain(
        `${PREFIX}property "uri" validation failed: failed to match pattern`,
      );
    }
    for (const good of [
      'http://127.0.0.1:1024/x?aa=b',
      'http://127.0.0.1:1024?aa=b',
      'http://127.0.0.1:1024',
      'http://x.con',
      'https://x.con',
    ]) {
      expect((await admin({ uri: good })).status).toBe(200);
    }
  });

  it('TEST 18: include_resp_body_expr must compile', async () => {
    const res = await admin({
      uri: 'http://127.0.0.1',
      include_resp_body: true,
      include_resp_body_expr: [['bar', '<>', 'foo']],
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error_msg: `${PREFIX}failed to validate the 'include_resp_body_expr' expression: invalid operator '<>'`,
    });
  });

  it('batch processor and body fields refuse out-of-range values (merged common schemas)', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ batch_max_size: 0 }, 'property "batch_max_size" validation failed'],
      [{ inactive_timeout: 0 }, 'property "inactive_timeout" validation failed'],
      [{ retry_delay: -1 }, 'property "retry_delay" validation failed'],
      [{ max_req_body_bytes: 0 }, 'property "max_req_body_bytes" validation failed'],
      [{ concat_method: 'csv' }, 'property "concat_method" validation failed'],
      [{ timeout: 0 }, 'property "timeout" validation failed'],
      [{ include_req_body_expr: [] }, 'property "include_req_body_expr" validation failed'],
    ];
    for (const [field, message] of cases) {
      const res = await admin({ uri: 'http://127.0.0.1', ...field });
      expect(res.status).toBe(400);
      expect(String((res.json as { error_msg: string }).error_msg)).toContain(message);
    }
  });

  it('plugin metadata: max_pending_entries must be at least 1', async () => {
    const res = await node.admin.put('/apisix/admin/plugin_metadata/http-logger', {
      max_pending_entries: 0,
    });
    expect(res.status).toBe(400);
  });
});

describe('http-logger.t: delivery', () => {
  it('TEST 4-5: batch_max_size 1 sends each entry as one JSON object (get_full_log)', async () => {
    const { uri, id } = await route({ uri: `${receiver.url}/t5`, batch_max_size: 1, ...FAST });
    const res = await node.request(`${uri}?a=1`, { headers: { 'x-test': 'yes' } });
    expect(res.status).toBe(200);
    const [post] = await waitPosts(receiver, '/t5', 1);
    expect(post?.headers['content-type']).toBe('application/json');
    const body = JSON.parse(post?.body ?? '') as Record<string, unknown>;
    expect(Array.isArray(body)).toBe(false);
    expect(body).toMatchObject({
      route_id: id,
      service_id: '',
      client_ip: '127.0.0.1',
      request: {
        method: 'GET',
        uri: `${uri}?a=1`,
        querystring: { a: '1' },
        headers: { 'x-test': 'yes' },
      },
      response: { status: 200 },
      upstream: `127.0.0.1:${Object.keys(node.upstream.nodes)[0]?.split(':')[1]}`,
    });
    for (const field of ['start_time', 'latency', 'apisix_latency', 'upstream_latency']) {
      expect(typeof body[field]).toBe('number');
    }
    expect(body).toHaveProperty('server.hostname');
  });

  it('TEST 8-9: https to a plain-HTTP port fails the batch; the client still gets 200', async () => {
    const { uri } = await route({
      uri: `https://127.0.0.1:${receiver.port}/t9`,
      batch_max_size: 1,
      ...FAST,
      max_retry_count: 0,
      ssl_verify: true,
    });
    expect((await node.request(uri)).status).toBe(200);
    // A plain HTTP server cannot complete a TLS handshake: nothing is ever accepted on /t9.
    const probe = await route({ uri: `${receiver.url}/t9-probe`, batch_max_size: 1, ...FAST });
    await node.request(probe.uri);
    await waitPosts(receiver, '/t9-probe', 1);
    expect(postsTo(receiver, '/t9')).toHaveLength(0);
  });

  it('TEST 10-11, 22-23: https with ssl_verify false delivers to a self-signed server', async () => {
    const { uri } = await route({
      uri: `${tlsReceiver.url}/t11`,
      batch_max_size: 1,
      ...FAST,
      ssl_verify: false,
    });
    expect((await node.request(uri)).status).toBe(200);
    await waitPosts(tlsReceiver, '/t11', 1);
  });

  it('TEST 20-21: ssl_verify true refuses a self-signed certificate; nothing is delivered', async () => {
    const { uri } = await route({
      uri: `${tlsReceiver.url}/t21`,
      batch_max_size: 1,
      ...FAST,
      max_retry_count: 0,
      ssl_verify: true,
    });
    expect((await node.request(uri)).status).toBe(200);
    const probe = await route({ uri: `${tlsReceiver.url}/t21-probe`, batch_max_size: 1, ...FAST });
    await node.request(probe.uri);
    await waitPosts(tlsReceiver, '/t21-probe', 1);
    expect(postsTo(tlsReceiver, '/t21')).toHaveLength(0);
  });

  it('TEST 12-13: batch_max_size 2 sends two requests as one JSON array', async () => {
    const { uri } = await route({ uri: `${receiver.url}/t13`, batch_max_size: 2, ...FAST });
    await node.request(uri);
    await node.request(uri);
    const [post] = await waitPosts(receiver, '/t13', 1);
    const body = JSON.parse(post?.body ?? '') as unknown[];
    expect(Array.isArray(body)).toBe(true);
    expect(body).toHaveLength(2);
  });

  it('TEST 14-15: a refused connection fails the batch; the client still gets 200', async () => {
    const { uri } = await route({ uri: 'http://127.0.0.1:9/t15', batch_max_size: 1, ...FAST });
    const res = await node.request(uri);
    expect(res.status).toBe(200);
    expect(res.body).toBe('hello world\n');
  });

  it('TEST 17: a configuration update sends to the new uri', async () => {
    const first = await route({ uri: `${receiver.url}/t17a`, batch_max_size: 1, ...FAST });
    await node.request(first.uri);
    await waitPosts(receiver, '/t17a', 1);
    await node.admin.put(`/apisix/admin/routes/${first.id}`, {
      uri: first.uri,
      plugins: { 'http-logger': { uri: `${receiver.url}/t17b`, batch_max_size: 1, ...FAST } },
      upstream: node.upstream,
    });
    await settled();
    await node.request(first.uri);
    await waitPosts(receiver, '/t17b', 1);
    expect(postsTo(receiver, '/t17a')).toHaveLength(1);
  });

  it('TEST 19: ssl_verify defaults to false', async () => {
    expect((await admin({ uri: 'http://127.0.0.1:1982/hello' })).status).toBeLessThan(300);
    // Without ssl_verify, a self-signed receiver is accepted.
    const { uri } = await route({ uri: `${tlsReceiver.url}/t19`, batch_max_size: 1, ...FAST });
    expect((await node.request(uri)).status).toBe(200);
    await waitPosts(tlsReceiver, '/t19', 1);
  });
});

describe('http-logger-new-line.t', () => {
  it('TEST 1-2: batch_max_size 1 with new_line sends one JSON object', async () => {
    const { uri } = await route({
      uri: `${receiver.url}/nl2`,
      batch_max_size: 1,
      ...FAST,
      concat_method: 'new_line',
    });
    await node.request(uri);
    const [post] = await waitPosts(receiver, '/nl2', 1);
    const entry = JSON.parse(post?.body ?? '') as Record<string, unknown>;
    expect(entry.upstream).toBe(Object.keys(node.upstream.nodes)[0]);
  });

  it('TEST 3-7: batch_max_size 3: six requests are two batches of three lines, five are 3 + 2 after inactive_timeout', async () => {
    const { uri } = await route({
      uri: `${receiver.url}/nl5`,
      batch_max_size: 3,
      max_retry_count: 3,
      retry_delay: 2,
      buffer_duration: 2,
      inactive_timeout: 1,
      concat_method: 'new_line',
    });
    for (let i = 0; i < 6; i++) await node.request(uri);
    const six = await waitPosts(receiver, '/nl5', 2);
    expect(six.map((p) => p.body.split('\n').length)).toEqual([3, 3]);
    expect(six[0]?.headers['content-type']).toBe('text/plain');
    for (let i = 0; i < 5; i++) await node.request(uri);
    const five = await waitPosts(receiver, '/nl5', 4);
    expect(five.slice(2).map((p) => p.body.split('\n').length)).toEqual([3, 2]);
  });
});

describe('http-logger-log-format.t: plugin metadata log_format', () => {
  const FORMAT = { host: '$host', '@timestamp': '$time_iso8601', client_ip: '$remote_addr' };

  beforeAll(async () => {
    const res = await node.admin.put('/apisix/admin/plugin_metadata/http-logger', {
      log_format: FORMAT,
    });
    expect(res.status).toBeLessThan(300);
  });

  afterAll(async () => {
    await node.admin.delete('/apisix/admin/plugin_metadata/http-logger');
  });

  const checkEntry = (entry: Record<string, unknown> | undefined, routeId: string) => {
    expect(Object.keys(entry ?? {}).sort()).toEqual([
      '@timestamp',
      'client_ip',
      'host',
      'route_id',
    ]);
    expect(entry).toMatchObject({ host: '127.0.0.1', client_ip: '127.0.0.1', route_id: routeId });
    expect(String(entry?.['@timestamp'])).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
  };

  it.each([
    ['TEST 2-3', 'new_line', 1],
    ['TEST 4-5', 'new_line', 2],
    ['TEST 6-7', 'json', 1],
    ['TEST 8-9', 'json', 2],
  ] as const)('%s: concat_method %s, batch_max_size %d', async (_t, concat, size) => {
    const path = `/lf-${concat}-${size}`;
    // The route is written after the metadata, so once it is served the metadata is in force.
    const { uri, id } = await route({
      uri: `${receiver.url}${path}`,
      batch_max_size: size,
      ...FAST,
      concat_method: concat,
    });
    for (let i = 0; i < size; i++) await node.request(uri);
    const [post] = await waitPosts(receiver, path, 1);
    const entries = parseEntries(post?.body ?? '');
    expect(entries).toHaveLength(size);
    for (const entry of entries) checkEntry(entry, id);
    if (size === 2 && concat === 'json') expect(post?.body.startsWith('[')).toBe(true);
    if (size === 2 && concat === 'new_line') expect(post?.body.split('\n')).toHaveLength(2);
  });
});

describe('log-util: bodies, extra fields, retries, auth_header, AI variables', () => {
  it('include_req_body and include_resp_body with their _expr and max_*_body_bytes', async () => {
    const { uri } = await route({
      uri: `${receiver.url}/bodies`,
      batch_max_size: 1,
      ...FAST,
      include_req_body: true,
      include_req_body_expr: [['arg_log', '==', 'yes']],
      max_req_body_bytes: 4,
      include_resp_body: true,
      include_resp_body_expr: [['arg_log', '==', 'yes']],
      max_resp_body_bytes: 5,
    });
    await node.request(`${uri}?log=yes`, { method: 'POST', body: 'request-body' });
    await node.request(`${uri}?log=no`, { method: 'POST', body: 'request-body' });
    const posts = await waitPosts(receiver, '/bodies', 2);
    const entries = posts.map((p) => JSON.parse(p.body) as Record<string, Record<string, unknown>>);
    const yes = entries.find((e) => String(e.request?.uri).endsWith('yes'));
    const no = entries.find((e) => String(e.request?.uri).endsWith('no'));
    expect(yes?.request?.body).toBe('requ');
    expect(yes?.response?.body).toBe('hello');
    expect(no?.request).not.toHaveProperty('body');
    expect(no?.response).not.toHaveProperty('body');
  });

  it('log_format_extra adds fields to the default entry without overwriting one', async () => {
    const { uri, id } = await route({
      uri: `${receiver.url}/extra`,
      batch_max_size: 1,
      ...FAST,
      log_format_extra: {
        route_id: 'not-this',
        ua: '$http_user_agent',
        nested: { m: '$request_method' },
      },
    });
    await node.request(uri, { headers: { 'user-agent': 'e2e-agent' } });
    const [post] = await waitPosts(receiver, '/extra', 1);
    expect(JSON.parse(post?.body ?? '')).toMatchObject({
      route_id: id,
      ua: 'e2e-agent',
      nested: { m: 'GET' },
      request: { method: 'GET' },
    });
  });

  it('a route log_format with nested objects and AI variables at their initial values', async () => {
    const { uri, id } = await route({
      uri: `${receiver.url}/format`,
      batch_max_size: 1,
      ...FAST,
      log_format: {
        status: '$status',
        tokens: { prompt: '$llm_prompt_tokens', model: '$llm_model' },
        type: '$request_type',
        literal: 'x',
      },
    });
    await node.request(uri);
    const [post] = await waitPosts(receiver, '/format', 1);
    expect(JSON.parse(post?.body ?? '')).toEqual({
      status: 200,
      tokens: { prompt: '0', model: '' },
      type: 'traditional_http',
      literal: 'x',
      route_id: id,
    });
  });

  it('a 503 from the receiver fails the batch, which is retried after retry_delay and kept', async () => {
    receiver.mode = 'fail';
    try {
      const { uri } = await route({
        uri: `${receiver.url}/retry`,
        batch_max_size: 1,
        max_retry_count: 5,
        retry_delay: 1,
        auth_header: 'Bearer log-token',
      });
      expect((await node.request(uri)).status).toBe(200);
      await waitFor('a refused attempt', () => receiver.refused > 0);
    } finally {
      receiver.mode = 'ok';
    }
    const [post] = await waitPosts(receiver, '/retry', 1);
    expect(post?.headers.authorization).toBe('Bearer log-token');
  });

  it('a route written straight into etcd as APISIX writes it is served and logs', async () => {
    await node.putEtcd('routes/hl-etcd', {
      id: 'hl-etcd',
      uri: '/hl-etcd/hello',
      plugins: {
        'http-logger': {
          uri: `${receiver.url}/etcd`,
          batch_max_size: 1,
          name: 'http logger',
          timeout: 3,
          concat_method: 'json',
          ssl_verify: false,
          include_req_body: false,
          include_resp_body: false,
          max_retry_count: 0,
          retry_delay: 1,
          buffer_duration: 60,
          inactive_timeout: 5,
        },
      },
      upstream: node.upstream,
      create_time: 1700000000,
      update_time: 1700000000,
      status: 1,
    });
    await settled();
    expect((await node.request('/hl-etcd/hello')).status).toBe(200);
    const [post] = await waitPosts(receiver, '/etcd', 1);
    expect(JSON.parse(post?.body ?? '')).toMatchObject({
      route_id: 'hl-etcd',
      client_ip: '127.0.0.1',
    });
  });

  it('an AI route: $llm_* variables in log_format, llm_summary with logging.summaries', async () => {
    const aiProxy = {
      provider: 'openai',
      auth: { header: { Authorization: 'Bearer token' } },
      options: { model: 'gpt-4' },
      override: { endpoint: `${llm.url}/v1/chat/completions` },
      logging: { summaries: true },
    };
    const formatted = await route(
      {
        uri: `${receiver.url}/ai-format`,
        batch_max_size: 1,
        ...FAST,
        log_format: {
          prompt: '$llm_prompt_tokens',
          completion: '$llm_completion_tokens',
          total: '$llm_total_tokens',
          model: '$llm_model',
          type: '$request_type',
        },
      },
      { 'ai-proxy': aiProxy },
    );
    const chat = { messages: [{ role: 'user', content: 'hello' }] };
    const res = await node.request(formatted.uri, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(chat),
    });
    expect(res.status).toBe(200);
    const [post] = await waitPosts(receiver, '/ai-format', 1);
    // Every logger adds llm_summary when ai-proxy's logging.summaries is on (spec B.4).
    expect(JSON.parse(post?.body ?? '')).toEqual({
      prompt: 30,
      completion: 20,
      total: 50,
      model: 'gpt-4',
      type: 'ai_chat',
      route_id: formatted.id,
      llm_summary: expect.objectContaining({ prompt_tokens: 30, total_tokens: 50 }),
    });

    const full = await route(
      { uri: `${receiver.url}/ai-full`, batch_max_size: 1, ...FAST },
      { 'ai-proxy': aiProxy },
    );
    await node.request(full.uri, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(chat),
    });
    const [fullPost] = await waitPosts(receiver, '/ai-full', 1);
    expect(JSON.parse(fullPost?.body ?? '')).toMatchObject({
      route_id: full.id,
      llm_summary: { model: 'gpt-4', prompt_tokens: 30, completion_tokens: 20, total_tokens: 50 },
    });
  });

  it('a global rule logs a request that matched no route with route_id "no-matched"', async () => {
    const res = await node.admin.put('/apisix/admin/global_rules/hl-global', {
      plugins: {
        'http-logger': {
          uri: `${receiver.url}/global`,
          batch_max_size: 1,
          ...FAST,
          log_format: { uri: '$uri', status: '$status' },
        },
      },
    });
    expect(res.status).toBeLessThan(300);
    try {
      await settled();
      expect((await node.request('/hl-nowhere')).status).toBe(404);
      const entry = await waitFor('the unmatched request logged', () =>
        postsTo(receiver, '/global')
          .map((p) => JSON.parse(p.body) as Record<string, unknown>)
          .find((e) => e.uri === '/hl-nowhere'),
      );
      expect(entry).toEqual({ uri: '/hl-nowhere', status: 404, route_id: 'no-matched' });
    } finally {
      await node.admin.delete('/apisix/admin/global_rules/hl-global');
      await settled();
    }
  });
});
