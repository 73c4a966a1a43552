// API keys, stop()/start() on the same port, client disconnects, and the waiting gauge.
import { startMockLlm, type MockLlm } from '../src';
import { CHAT_BODY, RequestFailed, send, waitFor } from './client';

const CHAT = '/v1/chat/completions';

describe('api keys', () => {
  let llm: MockLlm;
  beforeAll(async () => {
    llm = await startMockLlm({ apiKeys: ['sk-good', 'sk-other'] });
  });
  afterAll(() => llm.close());

  it.each([
    ['no key', {}, ''],
    ['a wrong bearer', { authorization: 'Bearer wrongtoken' }, ''],
    ['a wrong query key', {}, '?api_key=wrong_key'],
  ])('answers 401 Unauthorized with %s', async (_label, headers, query) => {
    const a = await send(`${llm.url}${CHAT}${query}`, { body: CHAT_BODY, headers });
    expect(a.status).toBe(401);
    expect(a.body).toBe('Unauthorized');
  });

  it.each([
    ['a bearer', { authorization: 'Bearer sk-good' }, ''],
    ['x-api-key', { 'x-api-key': 'sk-other' }, ''],
    ['?api_key', {}, '?api_key=sk-good&some_query=yes'],
    ['?key', {}, '?key=sk-other'],
  ])('accepts %s', async (_label, headers, query) => {
    const a = await send(`${llm.url}${CHAT}${query}`, { body: CHAT_BODY, headers });
    expect(a.status).toBe(200);
  });

  it('checks fixtures too, but not health probes, /health or /metrics', async () => {
    const f = await send(`${llm.url}/random`, {
      body: CHAT_BODY,
      headers: { 'x-ai-fixture': 'openai/chat-basic.json' },
    });
    expect(f.status).toBe(401);
    expect((await send(`${llm.url}/status_200`)).status).toBe(200);
    expect((await send(`${llm.url}/health`)).status).toBe(200);
    expect((await send(`${llm.url}/metrics`)).status).toBe(200);
  });
});

describe('stop and start', () => {
  it('refuses connections while stopped and listens on the same port again', async () => {
    const llm = await startMockLlm({ name: 'restartable' });
    try {
      const { port, url } = llm;
      expect((await send(`${url}/health`)).status).toBe(200);
      await llm.stop();
      const refused = await send(`${url}/health`, { timeoutMs: 1000 }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(RequestFailed);
      expect((refused as RequestFailed).code).toBe('ECONNREFUSED');
      await llm.start();
      expect(llm.port).toBe(port);
      expect((await send(`${url}${CHAT}`, { body: CHAT_BODY })).status).toBe(200);
    } finally {
      await llm.close();
    }
    await expect(llm.start()).rejects.toThrow(/after close/);
  });

  it('drops hanging requests when stopping, without calling them client aborts', async () => {
    const llm = await startMockLlm({ behaviour: { hang: true } });
    const pending = send(`${llm.url}${CHAT}`, { body: CHAT_BODY }).catch((e: unknown) => e);
    await waitFor(() => llm.requests.length === 1);
    const t0 = Date.now();
    await llm.close();
    const failed = await pending;
    expect(failed).toBeInstanceOf(RequestFailed);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(llm.requests[0]).toMatchObject({ aborted: false });
    expect(llm.requests[0]?.closedAt).toBeDefined();
  });
});

describe('client disconnects', () => {
  let llm: MockLlm;
  beforeAll(async () => {
    llm = await startMockLlm({ behaviour: { tokensPerSecond: 20, content: 'x'.repeat(400) } });
  });
  afterEach(() => llm.clear());
  afterAll(() => llm.close());

  it('stops streaming and records aborted when the client hangs up mid-stream', async () => {
    const a = await send(`${llm.url}${CHAT}`, {
      body: { ...CHAT_BODY, stream: true },
      onEvent: (_text, i) => i === 2,
    });
    expect(a.events).toHaveLength(3);
    const hungUpAt = Date.now();
    await waitFor(() => llm.requests[0]?.aborted === true, 1000);
    const rec = llm.requests[0];
    expect(rec?.status).toBe(200);
    expect(rec?.closedAt).toBeGreaterThanOrEqual(rec?.receivedAt ?? Infinity);
    expect((rec?.closedAt ?? Infinity) - hungUpAt).toBeLessThan(1000);
    // Production stopped: the in-flight gauge is back to zero.
    const metrics = await send(`${llm.url}/metrics`);
    expect(metrics.body).toMatch(/vllm:num_requests_running\{[^}]*\} 0\.0/);
  });

  it('records aborted when the client gives up during a delay', async () => {
    const failed = await send(`${llm.url}${CHAT}`, {
      body: CHAT_BODY,
      headers: { 'x-mock-delay-ms': '5000' },
      timeoutMs: 100,
    }).catch((e: unknown) => e);
    expect((failed as RequestFailed).code).toBe('TIMEOUT');
    await waitFor(() => llm.requests[0]?.aborted === true, 1000);
    expect(llm.requests[0]?.status).toBeUndefined();
  });

  it('does not mark finished requests as aborted', async () => {
    await send(`${llm.url}${CHAT}`, { body: CHAT_BODY });
    await waitFor(() => llm.requests[0]?.closedAt !== undefined);
    expect(llm.requests[0]?.aborted).toBe(false);
  });
});

describe('waiting gauge', () => {
  it('reports the waiting count from the options and setBehaviour', async () => {
    const llm = await startMockLlm({ name: 'w', behaviour: { waiting: 4, model: 'served' } });
    try {
      const first = await send(`${llm.url}/metrics`);
      expect(first.body).toContain('vllm:num_requests_waiting{model_name="served"} 4.0');
      llm.setBehaviour({ waiting: 9 });
      const second = await send(`${llm.url}/metrics`);
      expect(second.body).toContain('vllm:num_requests_waiting{model_name="served"} 9.0');
      expect(second.body).toContain('mock_requests_total{name="w"} 0');
    } finally {
      await llm.close();
    }
  });
});

describe('record', () => {
  it('keeps the newest maxRecorded requests, header names in lower case', async () => {
    const llm = await startMockLlm({ maxRecorded: 2 });
    try {
      for (const i of [1, 2, 3]) {
        await send(`${llm.url}/status_200?i=${i}`, { headers: { 'X-Trace-Id': `t${i}` } });
      }
      expect(llm.requests.map((r) => [r.id, r.query.i, r.headers['x-trace-id']])).toEqual([
        [2, '2', 't2'],
        [3, '3', 't3'],
      ]);
    } finally {
      await llm.close();
    }
  });
});
