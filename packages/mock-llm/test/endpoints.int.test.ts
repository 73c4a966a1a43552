import { startMockLlm, type MockLlm } from '../src';
import { CHAT_BODY, dataOf, namesOf, send } from './client';

let llm: MockLlm;

beforeAll(async () => {
  llm = await startMockLlm({ name: 'alpha' });
});
afterEach(() => {
  llm.clear();
  llm.resetBehaviour();
});
afterAll(() => llm.close());

describe('chat completions', () => {
  it.each(['/v1/chat/completions', '/compatible-mode/v1/chat/completions', '/chat/completions'])(
    'answers POST %s with a chat.completion',
    async (path) => {
      const a = await send(`${llm.url}${path}`, { body: CHAT_BODY });
      expect(a.status).toBe(200);
      expect(a.headers['content-type']).toBe('application/json');
      expect(a.headers['x-mock-name']).toBe('alpha');
      expect(JSON.parse(a.body)).toMatchObject({
        object: 'chat.completion',
        model: 'gpt-4',
        choices: [
          {
            message: { role: 'assistant', content: 'Hello from alpha: What is 1+1?' },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 9, completion_tokens: 8, total_tokens: 17 },
      });
    },
  );

  it('streams SSE chunks ending with [DONE], usage only with include_usage', async () => {
    const plain = await send(`${llm.url}/v1/chat/completions`, {
      body: { ...CHAT_BODY, stream: true },
    });
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(plain.complete).toBe(true);
    const datas = dataOf(plain.events);
    expect(datas[datas.length - 1]).toBe('[DONE]');
    const text = datas
      .slice(0, -1)
      .map((d) => d.choices[0]?.delta.content ?? '')
      .join('');
    expect(text).toBe('Hello from alpha: What is 1+1?');
    expect(datas.some((d) => d !== '[DONE]' && d.usage)).toBe(false);

    const withUsage = await send(`${llm.url}/v1/chat/completions`, {
      body: { ...CHAT_BODY, stream: true, stream_options: { include_usage: true } },
    });
    const last = dataOf(withUsage.events).slice(-2);
    expect(last[0]).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 9, completion_tokens: 8, total_tokens: 17 },
    });
    expect(last[1]).toBe('[DONE]');
  });

  it('answers 400 with an OpenAI error for bodies it cannot use', async () => {
    const notJson = await send(`${llm.url}/v1/chat/completions`, { body: '{"messages": [' });
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body).error.type).toBe('invalid_request_error');
    const noMessages = await send(`${llm.url}/v1/chat/completions`, { body: { model: 'x' } });
    expect(noMessages.status).toBe(400);
    expect(JSON.parse(noMessages.body).error.message).toMatch(/messages/);
  });
});

describe('embeddings, responses, messages', () => {
  it('answers embeddings with deterministic vectors', async () => {
    const body = { model: 'text-embedding-3-small', input: ['hello', 'world'] };
    const a = await send(`${llm.url}/v1/embeddings`, { body });
    const b = await send(`${llm.url}/v1/embeddings`, { body });
    expect(a.status).toBe(200);
    const json = JSON.parse(a.body);
    expect(json).toMatchObject({ object: 'list', model: 'text-embedding-3-small' });
    expect(json.data.map((d: any) => d.embedding.length)).toEqual([8, 8]);
    expect(json.usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });
    expect(JSON.parse(b.body).data).toEqual(json.data);
  });

  it('answers the responses API, plain and streamed', async () => {
    const a = await send(`${llm.url}/v1/responses`, { body: { model: 'gpt-4.1', input: 'hi' } });
    expect(JSON.parse(a.body)).toMatchObject({
      object: 'response',
      output: [{ content: [{ type: 'output_text', text: 'Hello from alpha: hi' }] }],
      usage: { input_tokens: 1, output_tokens: 5, total_tokens: 6 },
    });
    const s = await send(`${llm.url}/v1/responses`, {
      body: { model: 'gpt-4.1', input: 'hi', stream: true },
    });
    const names = namesOf(s.events);
    expect(names).toContain('response.output_text.delta');
    expect(names[names.length - 1]).toBe('response.completed');
    const completed = dataOf(s.events).pop();
    expect(completed.response.usage).toEqual({
      input_tokens: 1,
      output_tokens: 5,
      total_tokens: 6,
    });
  });

  it('answers Anthropic messages, plain and streamed', async () => {
    const body = { model: 'claude-x', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] };
    const a = await send(`${llm.url}/v1/messages`, { body });
    expect(JSON.parse(a.body)).toMatchObject({
      type: 'message',
      content: [{ type: 'text', text: 'Hello from alpha: hi' }],
      usage: { input_tokens: 1, output_tokens: 5 },
    });
    const s = await send(`${llm.url}/v1/messages`, { body: { ...body, stream: true } });
    const names = namesOf(s.events);
    expect(names.slice(0, 2)).toEqual(['message_start', 'content_block_start']);
    expect(names.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    const datas = dataOf(s.events);
    expect(datas[0].message.usage.input_tokens).toBe(1);
    expect(datas[datas.length - 2].usage).toEqual({ output_tokens: 5 });
    expect(
      datas
        .filter((d) => d.type === 'content_block_delta')
        .map((d) => d.delta.text)
        .join(''),
    ).toBe('Hello from alpha: hi');
  });

  it('uses the Anthropic error envelope on /v1/messages', async () => {
    const a = await send(`${llm.url}/v1/messages`, {
      body: { messages: [] },
      headers: { 'x-mock-status': '529' },
    });
    expect(a.status).toBe(529);
    expect(JSON.parse(a.body)).toMatchObject({
      type: 'error',
      error: { type: 'overloaded_error' },
    });
  });
});

describe('fixtures', () => {
  const chat = (fixture: string, extra: Record<string, string> = {}, body: object = CHAT_BODY) =>
    send(`${llm.url}/v1/chat/completions`, {
      body,
      headers: { 'x-ai-fixture': fixture, ...extra },
    });

  it('returns JSON fixtures verbatim', async () => {
    const a = await chat('openai/chat-basic.json');
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toBe('application/json');
    expect(a.body).toContain('"content": "1 + 1 = 2."');
    expect(JSON.parse(a.body).usage).toEqual({
      prompt_tokens: 23,
      completion_tokens: 8,
      total_tokens: 31,
    });
  });

  it('fills {{model}} from the request, and answers X-AI-Fixture-Status', async () => {
    const a = await chat('openai/chat-model-echo.json', {}, { ...CHAT_BODY, model: 'my-model' });
    expect(JSON.parse(a.body)).toMatchObject({
      model: 'my-model',
      usage: { prompt_tokens: 8, completion_tokens: 5, total_tokens: 10 },
    });
    const e = await chat('openai/chat-error.json', { 'x-ai-fixture-status': '500' });
    expect(e.status).toBe(500);
    expect(e.body).toContain('upstream boom');
  });

  it('streams .sse fixtures event by event', async () => {
    const a = await chat('openai/chat-streaming.sse', { 'x-mock-tokens-per-second': '100' });
    expect(a.headers['content-type']).toBe('text/event-stream');
    expect(a.events).toHaveLength(6);
    expect(a.events[a.events.length - 1]?.text).toBe('data: [DONE]\n\n');
    // Paced at 10 ms per event: they arrive one by one.
    expect((a.events[5]?.at ?? NaN) - (a.events[0]?.at ?? NaN)).toBeGreaterThanOrEqual(40);
    const m = await send(`${llm.url}/v1/messages`, {
      body: { messages: [] },
      headers: { 'x-ai-fixture': 'anthropic/messages-streaming.sse' },
    });
    expect(namesOf(m.events).pop()).toBe('message_stop');
  });

  it.each(['../package.json', 'openai/../../package.json', '/etc/passwd', 'openai/a b.json'])(
    'refuses %s with 400',
    async (name) => {
      const a = await chat(name);
      expect(a.status).toBe(400);
      expect(a.body).toMatch(/^invalid fixture name/);
    },
  );

  it('answers 404 for a fixture it does not have', async () => {
    expect((await chat('openai/none.json')).status).toBe(404);
  });
});

describe('other paths, health and metrics', () => {
  it('answers /status_<N> with N and other paths with the behaviour status', async () => {
    expect((await send(`${llm.url}/status_200`)).status).toBe(200);
    expect((await send(`${llm.url}/status_500`)).status).toBe(500);
    expect((await send(`${llm.url}/anything`)).status).toBe(200);
    llm.setBehaviour({ status: 503 });
    expect((await send(`${llm.url}/anything`)).status).toBe(503);
    expect((await send(`${llm.url}/health`)).status).toBe(200);
  });

  it('exposes vLLM gauges and the request counter', async () => {
    llm.setBehaviour({ waiting: 3 });
    const slow = send(`${llm.url}/v1/chat/completions`, {
      body: CHAT_BODY,
      headers: { 'x-mock-delay-ms': '300' },
    });
    await new Promise((r) => setTimeout(r, 100));
    const during = await send(`${llm.url}/metrics`);
    expect(during.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(during.body).toContain('vllm:num_requests_running{model_name="alpha"} 1.0');
    expect(during.body).toContain('vllm:num_requests_waiting{model_name="alpha"} 3.0');
    expect(during.body).toMatch(/^mock_requests_total\{name="alpha"\} \d+$/m);
    await slow;
    const after = await send(`${llm.url}/metrics`);
    expect(after.body).toContain('vllm:num_requests_running{model_name="alpha"} 0.0');
  });
});

describe('control endpoints', () => {
  it('lists, clears and steers over HTTP', async () => {
    await send(`${llm.url}/v1/chat/completions?x=1`, {
      body: CHAT_BODY,
      headers: { authorization: 'Bearer k' },
    });
    const list = JSON.parse((await send(`${llm.url}/__mock/requests`)).body);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      query: { x: '1' },
      status: 200,
      aborted: false,
      json: CHAT_BODY,
    });
    expect(list[0].headers.authorization).toBe('Bearer k');
    expect(list[0].closedAt).toBeGreaterThanOrEqual(list[0].receivedAt);

    expect((await send(`${llm.url}/__mock/requests`, { method: 'DELETE' })).status).toBe(204);
    expect(llm.requests).toHaveLength(0);

    const put = await send(`${llm.url}/__mock/behaviour`, {
      method: 'PUT',
      body: { status: 429, retryAfter: 2 },
    });
    expect(JSON.parse(put.body)).toMatchObject({ status: 429, retryAfter: 2 });
    const limited = await send(`${llm.url}/v1/chat/completions`, { body: CHAT_BODY });
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('2');
    await send(`${llm.url}/__mock/behaviour`, { method: 'PATCH', body: { status: 200 } });
    expect(llm.behaviour).toMatchObject({ status: 200, retryAfter: 2 });
    await send(`${llm.url}/__mock/behaviour`, { method: 'PUT', body: {} });
    expect(llm.behaviour.retryAfter).toBeUndefined();

    const bad = await send(`${llm.url}/__mock/behaviour`, { method: 'PUT', body: { nope: 1 } });
    expect(bad.status).toBe(400);
    expect(llm.requests).toHaveLength(1);
  });
});
