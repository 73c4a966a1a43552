/**
 * The access log through the real request handler, plugins and mock LLMs: a test plugin of the
 * lowest priority calls the access logger in the log phase (where the lead's hook calls it after
 * the plugin log phase), lines go to a temp file and are read back.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { definePlugin, type RequestContext } from '@tollgate/core';
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import { httpRequest, startEchoServer, waitFor, type EchoServer } from '@tollgate/testkit';
import { createAccessLogger, type AccessLogger } from '../../src/access-log';
import type { ConfigValue } from '../../src/config/update';
import { validateItem } from '../../src/config/validate-item';
import { DataPlane } from '../http/harness';

const MOCK_SECRET = 'mock-llm-secret-4711';
const CONSUMER_KEY = 'jack-secret-key-0815';
const QUERY_SECRET = 'query-s3cret-42';

let dir: string;
let file: string;
let accessLog: AccessLogger;
let plane: DataPlane;
let echo: EchoServer;
let a: MockLlm;
let b: MockLlm;

/** The test's stand-in for the handler hook: logs each request once, after the other plugins. */
const probe = definePlugin<unknown>({
  name: 'access-log-probe',
  version: '0.0',
  priority: -1_000_000,
  log: (_conf, ctx: RequestContext) => accessLog.log(ctx),
});

type Line = Record<string, unknown>;

function lines(): Line[] {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Line);
}

/** The line of the request sent with `user-agent: <tag>`. */
function lineOf(tag: string): Promise<Line> {
  return waitFor(`the access log line of ${tag}`, () => lines().find((l) => l.user_agent === tag));
}

const instance = (m: MockLlm, priority: number) => ({
  name: m.name,
  provider: 'openai-compatible',
  weight: 1,
  priority,
  auth: { header: { Authorization: `Bearer ${MOCK_SECRET}` } },
  options: { model: `model-${m.name}` },
  override: { endpoint: `${m.url}/v1/chat/completions` },
});

/** Validated items, with the probe added to every route's plugins. */
function load(items: Record<string, ConfigValue>): void {
  const resolved: Record<string, ConfigValue> = {};
  for (const [key, value] of Object.entries(items)) {
    const checked = validateItem(key, JSON.stringify(value));
    if (checked.ok !== true) throw new Error(`${key}: ${JSON.stringify(checked)}`);
    const item = checked.value;
    if (key.startsWith('routes/')) {
      item.plugins = { ...(item.plugins as object), 'access-log-probe': {} };
    }
    resolved[key] = item;
  }
  plane.load(resolved, { raw: true });
}

const CHAT = { model: 'gpt-x', messages: [{ role: 'user', content: 'hello there' }] };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-access-log-'));
  file = path.join(dir, 'logs', 'access.log');
  accessLog = createAccessLogger({ enabled: true, path: file });
  echo = await startEchoServer('echo');
  a = await startMockLlm({ name: 'a', apiKeys: [MOCK_SECRET] });
  b = await startMockLlm({ name: 'b', apiKeys: [MOCK_SECRET] });
  plane = await new DataPlane([probe]).start();
  load({
    'consumers/jack': { username: 'jack', plugins: { 'key-auth': { key: CONSUMER_KEY } } },
    'routes/plain': {
      uri: '/plain',
      name: 'plain route',
      upstream: { nodes: { [`127.0.0.1:${echo.port}`]: 1 }, type: 'roundrobin' },
    },
    'routes/ai': {
      uri: '/ai',
      methods: ['POST'],
      plugins: {
        'key-auth': {},
        'ai-proxy-multi': {
          instances: [instance(a, 10), instance(b, 1)],
          fallback_strategy: ['http_5xx'],
          logging: { summaries: true, payloads: true },
        },
      },
    },
    'routes/quiet': {
      uri: '/quiet',
      methods: ['POST'],
      plugins: {
        'ai-proxy': {
          provider: 'openai-compatible',
          auth: { header: { Authorization: `Bearer ${MOCK_SECRET}` } },
          override: { endpoint: `${b.url}/v1/chat/completions` },
        },
        'ai-rate-limiting': {
          instances: [{ name: 'ai-proxy-openai-compatible', limit: 1000, time_window: 60 }],
          rejected_code: 429,
        },
      },
    },
  });
});

afterAll(async () => {
  await plane?.close();
  await accessLog?.close();
  await a?.close();
  await b?.close();
  await echo?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  for (const m of [a, b]) {
    m.resetBehaviour();
    m.setBehaviour({ usage: { prompt: 600, completion: 400 } });
  }
});

describe('access log lines', () => {
  it('a plain proxied request: route, upstream, latencies, redacted query, allow-listed headers only', async () => {
    const res = await httpRequest('GET', plane.url(`/plain?apikey=${QUERY_SECRET}&page=2`), {
      headers: {
        'user-agent': 'step-plain',
        authorization: `Bearer ${QUERY_SECRET}`,
        referer: `http://example.com/x?token=${QUERY_SECRET}&a=1`,
        'x-custom': 'not logged',
      },
    });
    expect(res.status).toBe(200);
    const line = await lineOf('step-plain');
    expect(line).toMatchObject({
      method: 'GET',
      host: '127.0.0.1',
      uri: '/plain',
      query: 'apikey=[REDACTED]&page=2',
      referer: 'http://example.com/x?token=[REDACTED]&a=1',
      client_ip: '127.0.0.1',
      route_id: 'plain',
      route_name: 'plain route',
      status: 200,
      upstream_addr: `127.0.0.1:${echo.port}`,
      upstream_status: 200,
      request_type: 'traditional_http',
    });
    expect(line.bytes_sent).toBe(Buffer.byteLength(res.text));
    expect(line.request_length).toBeGreaterThan(100);
    expect(typeof line.request_id).toBe('string');
    expect(Date.parse(line.ts as string)).toBeGreaterThan(0);
    const latency = line.latency_ms as number;
    const upstream = line.upstream_latency_ms as number;
    expect(upstream).toBeGreaterThanOrEqual(0);
    expect(latency).toBeGreaterThanOrEqual(upstream);
    expect(line.apisix_latency_ms).toBeCloseTo(latency - upstream, 2);
    for (const key of ['consumer', 'llm_model', 'instances_tried', 'quota', 'llm_summary'])
      expect(line).not.toHaveProperty(key);
    expect(JSON.stringify(line)).not.toContain('not logged');
  });

  it('an AI request that fell back: instances tried and served, reason, tokens, summary and payloads', async () => {
    a.setBehaviour({ status: 500 });
    b.setBehaviour({ content: 'the answer from b' });
    const res = await httpRequest('POST', plane.url('/ai'), {
      body: CHAT,
      headers: {
        'content-type': 'application/json',
        apikey: CONSUMER_KEY,
        'user-agent': 'step-fb',
      },
    });
    expect(res.status).toBe(200);
    const line = await lineOf('step-fb');
    expect(line).toMatchObject({
      route_id: 'ai',
      consumer: 'jack',
      status: 200,
      content_type: 'application/json',
      request_type: 'ai_chat',
      request_llm_model: 'gpt-x',
      llm_model: 'model-b',
      llm_prompt_tokens: 600,
      llm_completion_tokens: 400,
      llm_total_tokens: 1000,
      llm_stream: false,
      instances_tried: ['a', 'b'],
      instance: 'b',
      fallback_reason: 'http_5xx',
      usage_estimated: false,
      stream_cut: false,
      upstream_status: 200,
      upstream_addr: `127.0.0.1:${b.port}`,
      llm_request: { messages: CHAT.messages, stream: false },
      llm_response_text: { content: 'the answer from b' },
    });
    expect(line.llm_summary).toMatchObject({
      request_model: 'gpt-x',
      model: 'model-b',
      prompt_tokens: 600,
      completion_tokens: 400,
      total_tokens: 1000,
      stream: false,
      tool_count: 0,
      has_tool_calls: false,
    });
    expect(line.upstream_latency_ms).toEqual(expect.any(Number));
    expect(line.llm_time_to_first_token).toEqual(expect.any(Number));
  });

  it('a streamed AI answer: ai_stream, llm_stream, time to first token', async () => {
    b.setBehaviour({ ttftMs: 60 });
    const res = await httpRequest('POST', plane.url('/quiet'), {
      body: { ...CHAT, stream: true },
      headers: { 'content-type': 'application/json', 'user-agent': 'step-stream' },
    });
    expect(res.status).toBe(200);
    const line = await lineOf('step-stream');
    expect(line).toMatchObject({
      route_id: 'quiet',
      request_type: 'ai_stream',
      llm_stream: true,
      instances_tried: ['ai-proxy-openai-compatible'],
      instance: 'ai-proxy-openai-compatible',
      llm_total_tokens: 1000,
      quota: { 'ai-rate-limiting': 'allowed' },
      stream_cut: false,
    });
    expect(line.llm_time_to_first_token).toBeGreaterThanOrEqual(50);
    // No `logging` on this route: neither summaries nor payloads.
    for (const key of ['llm_summary', 'llm_request', 'llm_response_text'])
      expect(line).not.toHaveProperty(key);
  });

  it('a quota refusal: the decision, no instance served, no upstream', async () => {
    const res = await httpRequest('POST', plane.url('/quiet'), {
      body: CHAT,
      headers: { 'content-type': 'application/json', 'user-agent': 'step-quota' },
    });
    expect(res.status).toBe(429);
    const line = await lineOf('step-quota');
    expect(line).toMatchObject({
      route_id: 'quiet',
      status: 429,
      quota: { 'ai-rate-limiting': 'rejected' },
      llm_total_tokens: 0,
    });
    expect(line).not.toHaveProperty('instance');
    expect(line).not.toHaveProperty('upstream_status');
    expect(line).not.toHaveProperty('upstream_latency_ms');
    expect(line.apisix_latency_ms).toBe(line.latency_ms);
  });

  it('a key-auth refusal: 401, no consumer, no AI fields', async () => {
    const res = await httpRequest('POST', plane.url('/ai'), {
      body: CHAT,
      headers: { apikey: 'wrong-key', 'user-agent': 'step-401' },
    });
    expect(res.status).toBe(401);
    const line = await lineOf('step-401');
    expect(line).toMatchObject({ route_id: 'ai', status: 401, request_type: 'traditional_http' });
    expect(line).not.toHaveProperty('consumer');
    expect(line).not.toHaveProperty('instances_tried');
  });

  it('no secret reaches the file: instance auth header, consumer key, credential query values', async () => {
    await httpRequest('POST', plane.url(`/ai?api_key=${QUERY_SECRET}`), {
      body: CHAT,
      headers: { apikey: CONSUMER_KEY, 'user-agent': 'step-secrets' },
    });
    await lineOf('step-secrets');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain(MOCK_SECRET);
    expect(text).not.toContain(CONSUMER_KEY);
    expect(text).not.toContain(QUERY_SECRET);
    expect(text.toLowerCase()).not.toContain('authorization');
    // One JSON object per line, nothing else (no level/msg of component logs).
    for (const line of lines()) {
      expect(line).not.toHaveProperty('level');
      expect(line).not.toHaveProperty('msg');
    }
  });
});

describe('the logger itself', () => {
  it('loggers of several workers appending to one file keep whole lines', async () => {
    const shared = path.join(dir, 'shared.log');
    const loggers = [1, 2, 3].map(() => createAccessLogger({ enabled: true, path: shared }));
    const fake = (n: number) =>
      ({
        requestId: `r${n}`,
        startedAt: performance.now(),
        startedAtEpochMs: Date.now(),
        req: { method: 'GET', url: '/x', rawHeaders: [], headers: {} },
        vars: { uri: '/x', queryString: '', get: () => undefined },
        response: { status: 200, bytesSent: 0, headersSent: true, clientGone: false },
        plugins: [],
      }) as unknown as RequestContext;
    for (let i = 0; i < 300; i++) loggers[i % 3]?.log(fake(i));
    await Promise.all(loggers.map((l) => l.close()));
    const written = fs
      .readFileSync(shared, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Line);
    expect(written).toHaveLength(300);
    expect(new Set(written.map((l) => l.request_id)).size).toBe(300);
  });

  it('buffered lines reach the file within the flush interval; unbuffered ones at once', async () => {
    const buffered = path.join(dir, 'buffered.log');
    const unbuffered = path.join(dir, 'unbuffered.log');
    const slow = createAccessLogger({ enabled: true, path: buffered, flushIntervalMs: 300 });
    const fast = createAccessLogger({ enabled: true, path: unbuffered, flushIntervalMs: 0 });
    const ctx = {
      requestId: 'r1',
      startedAt: performance.now(),
      startedAtEpochMs: Date.now(),
      req: { method: 'GET', url: '/', rawHeaders: [], headers: {} },
      vars: { uri: '/', queryString: '', get: () => undefined },
      response: { status: 204, bytesSent: 0, headersSent: true, clientGone: false },
      plugins: [],
    } as unknown as RequestContext;
    const written = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '');
    const t0 = Date.now();
    slow.log(ctx);
    fast.log(ctx);
    await waitFor('the unbuffered line', () => written(unbuffered).includes('"r1"'), 2_000, 5);
    expect(written(buffered)).toBe('');
    await waitFor('the buffered line', () => written(buffered).includes('"r1"'), 2_000, 10);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    await Promise.all([slow.close(), fast.close()]);
    expect(JSON.parse(written(buffered))).toMatchObject({ request_id: 'r1', status: 204 });
  });

  it('disabled, it writes nothing', async () => {
    const off = createAccessLogger({ enabled: false, path: path.join(dir, 'off.log') });
    expect(off.enabled).toBe(false);
    await off.close();
    expect(fs.existsSync(path.join(dir, 'off.log'))).toBe(false);
  });

  it('a file that cannot be opened fails at creation', () => {
    const blocker = path.join(dir, 'not-a-dir');
    fs.writeFileSync(blocker, '');
    expect(() =>
      createAccessLogger({ enabled: true, path: path.join(blocker, 'a.log') }),
    ).toThrow();
  });
});
