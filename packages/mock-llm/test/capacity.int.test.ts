// The capacity model over HTTP: queueing, TTFT, 429 beyond maxQueue, gauges, the runtime switch.
// Timing checks are lower bounds (a timer never fires early) with slack, so a busy machine cannot
// make them fail.
import { startMockLlm, type Capacity, type MockLlm } from '../src';
import { CHAT_BODY, dataOf, send, waitFor, type Answer } from './client';

const CHAT = '/v1/chat/completions';
const STREAM = { ...CHAT_BODY, stream: true };

let llm: MockLlm | undefined;
afterEach(async () => {
  await llm?.close();
  llm = undefined;
});

async function start(capacity?: Partial<Capacity>): Promise<MockLlm> {
  llm = await startMockLlm({ name: 'cap', ...(capacity ? { capacity } : {}) });
  return llm;
}

/** ms from sending to the first text event. */
function ttftOf(a: Answer): number {
  const first = a.events.find((e) => e.text.includes('"content":"') && !e.text.includes('"role"'));
  return first?.at ?? NaN;
}

function contentEvents(a: Answer): number {
  return dataOf(a.events).filter((d) => d !== '[DONE]' && d.choices?.[0]?.delta?.content).length;
}

async function metricsOf(m: MockLlm): Promise<string> {
  return (await send(`${m.url}/metrics`)).body;
}

it('queues streams beyond the slots: TTFT grows with the wait, each gets max_tokens tokens', async () => {
  const m = await start({ slots: 1, ttftMs: 100, tokensPerSecond: 100, batchSlowdown: 0 });
  const body = { ...STREAM, max_tokens: 5 };
  const answers = await Promise.all([1, 2, 3].map(() => send(`${m.url}${CHAT}`, { body })));
  for (const a of answers) {
    expect(a.status).toBe(200);
    expect(a.headersAt).toBeLessThan(ttftOf(a));
    expect(contentEvents(a)).toBe(5);
    expect(dataOf(a.events).at(-1)).toBe('[DONE]');
  }
  // One at a time: 100 ms prefill + 4 tokens at 10 ms = 140 ms each.
  const ttfts = answers.map(ttftOf).sort((x, y) => x - y);
  expect(ttfts[0]).toBeGreaterThanOrEqual(95);
  expect((ttfts[1] ?? NaN) - (ttfts[0] ?? NaN)).toBeGreaterThanOrEqual(100);
  expect((ttfts[2] ?? NaN) - (ttfts[1] ?? NaN)).toBeGreaterThanOrEqual(100);
  expect(m.capacity?.stats).toMatchObject({ served: 3, refused: 0, maxWaiting: 2, running: 0 });
});

it('answers a non-stream request in one piece after TTFT + decode time', async () => {
  const m = await start({ slots: 2, ttftMs: 100, tokensPerSecond: 50, batchSlowdown: 0 });
  const a = await send(`${m.url}${CHAT}`, { body: { ...CHAT_BODY, max_tokens: 6 } });
  expect(a.status).toBe(200);
  // 100 ms + 5 tokens at 20 ms.
  expect(a.headersAt).toBeGreaterThanOrEqual(190);
  const json = JSON.parse(a.body);
  expect(json.usage.completion_tokens).toBe(6);
  // The greeting cut (or repeated) to 6 tokens of 4 characters.
  expect(json.choices[0].message.content).toBe('Hello from cap: What is ');
});

it('uses outputTokens by default, for Anthropic streams as well', async () => {
  const m = await start({ slots: 4, ttftMs: 0, tokensPerSecond: 1000, outputTokens: 7 });
  const body = {
    model: 'claude',
    max_tokens: 3,
    stream: true,
    messages: [{ role: 'user', content: 'hi' }],
  };
  const a = await send(`${m.url}/v1/messages`, { body });
  expect(a.events.filter((e) => e.text.includes('text_delta'))).toHaveLength(3);
  const chat = await send(`${m.url}${CHAT}`, { body: STREAM });
  expect(contentEvents(chat)).toBe(7);
});

it('reports running, waiting and KV use on /metrics, and frees places of clients that left', async () => {
  const m = await start({ slots: 1, ttftMs: 60_000 });
  const pending = [1, 2, 3].map(() =>
    send(`${m.url}${CHAT}`, { body: STREAM, timeoutMs: 800 }).catch((e: Error) => e),
  );
  await waitFor(() => m.capacity?.stats.waiting === 2);
  const text = await metricsOf(m);
  expect(text).toContain('vllm:num_requests_running{model_name="cap"} 1.0\n');
  expect(text).toContain('vllm:num_requests_waiting{model_name="cap"} 2.0\n');
  expect(text).toContain('vllm:kv_cache_usage_perc{model_name="cap"} 1\n');
  expect(text).toContain('vllm:gpu_cache_usage_perc{model_name="cap"} 1\n');
  expect(text).toContain('mock_capacity_max_waiting{name="cap"} 2\n');
  await Promise.all(pending); // the client gives up after 800 ms
  await waitFor(() => m.capacity?.stats.cancelled === 3, 2000);
  expect(m.capacity?.stats).toMatchObject({ running: 0, waiting: 0, served: 0 });
});

it("refuses with 429 beyond maxQueue, in OpenAI's rate-limit shape, and counts it", async () => {
  const m = await start({ slots: 1, ttftMs: 60_000, maxQueue: 1 });
  const held = [1, 2].map(() =>
    send(`${m.url}${CHAT}`, { body: STREAM, timeoutMs: 3000 }).catch((e: Error) => e),
  );
  await waitFor(() => m.capacity?.stats.waiting === 1);
  const refused = await send(`${m.url}${CHAT}`, { body: STREAM });
  expect(refused.status).toBe(429);
  expect(JSON.parse(refused.body).error).toMatchObject({
    type: 'rate_limit_error',
    code: 'rate_limit_exceeded',
    message: 'mock-llm "cap" is overloaded: 1 requests waiting',
  });
  expect(m.capacity?.stats.refused).toBe(1);
  expect(await metricsOf(m)).toContain('mock_capacity_refused_total{name="cap"} 1\n');
  await m.close();
  await Promise.all(held);
});

it('slows down at runtime over PATCH /__mock/capacity, and resets its counters', async () => {
  const m = await start({ slots: 4, ttftMs: 50, tokensPerSecond: 1000 });
  const patched = await send(`${m.url}/__mock/capacity`, {
    method: 'PATCH',
    body: { slowdown: 6 },
  });
  expect(patched.status).toBe(200);
  expect(JSON.parse(patched.body).settings).toMatchObject({ slowdown: 6, slots: 4, ttftMs: 50 });
  const slow = await send(`${m.url}${CHAT}`, { body: { ...STREAM, max_tokens: 2 } });
  expect(ttftOf(slow)).toBeGreaterThanOrEqual(290);

  const bad = await send(`${m.url}/__mock/capacity`, { method: 'PATCH', body: { slots: -1 } });
  expect(bad.status).toBe(400);
  expect(JSON.parse(bad.body).error.message).toBe(
    'invalid capacity.slots: expected >= 1 and <= 100000',
  );
  const reset = await send(`${m.url}/__mock/capacity/stats`, { method: 'DELETE' });
  expect(reset.status).toBe(204);
  const got = JSON.parse((await send(`${m.url}/__mock/capacity`)).body);
  expect(got.stats).toMatchObject({ served: 0, refused: 0, cancelled: 0, maxWaiting: 0 });
});

it('is off by default: the old gauges, no counters, and setCapacity turns it on', async () => {
  llm = await startMockLlm({ name: 'plain', behaviour: { waiting: 4 } });
  const m = llm;
  expect(m.capacity).toBeUndefined();
  expect((await send(`${m.url}/__mock/capacity`)).status).toBe(404);
  const text = await metricsOf(m);
  expect(text).toContain('vllm:num_requests_waiting{model_name="plain"} 4.0\n');
  expect(text).toContain('vllm:kv_cache_usage_perc{model_name="plain"} 0\n');
  expect(text).not.toContain('mock_capacity_');
  const quick = await send(`${m.url}${CHAT}`, { body: STREAM });
  expect(contentEvents(quick)).toBeLessThan(20); // the short greeting, as before

  m.setCapacity({ slots: 1, outputTokens: 3, ttftMs: 0 });
  expect(m.capacity?.settings).toMatchObject({ slots: 1, outputTokens: 3, tokensPerSecond: 50 });
  expect(contentEvents(await send(`${m.url}${CHAT}`, { body: STREAM }))).toBe(3);
  expect(() => m.setCapacity({ slowdown: 0 })).toThrow('invalid capacity.slowdown');
});
