// Every behaviour field, set once as the default (option) and once per request (X-Mock-* header).
import { startMockLlm, type Behaviour, type MockLlm } from '../src';
import { CHAT_BODY, RequestFailed, dataOf, send, waitFor, type Answer } from './client';

const CHAT = '/v1/chat/completions';
const STREAM = { ...CHAT_BODY, stream: true, stream_options: { include_usage: true } };

interface Case {
  field: keyof Behaviour;
  behaviour: Partial<Behaviour>;
  headers: Record<string, string>;
  body?: object;
  path?: string;
  timeoutMs?: number;
  /** Checks the answer; gets the failure instead when the request is expected to fail. */
  check(result: Answer | RequestFailed, llm: MockLlm): Promise<void> | void;
}

function answered(r: Answer | RequestFailed): Answer {
  if (r instanceof RequestFailed) throw new Error(`request failed: ${r.message} (${r.code})`);
  return r;
}

const CASES: Case[] = [
  {
    field: 'status',
    behaviour: { status: 503 },
    headers: { 'x-mock-status': '503' },
    check: (r) => {
      const a = answered(r);
      expect(a.status).toBe(503);
      expect(JSON.parse(a.body).error).toMatchObject({ type: 'server_error' });
      expect(JSON.parse(a.body).error.message).toContain('mock-llm "m"');
    },
  },
  {
    field: 'retryAfter',
    behaviour: { status: 429, retryAfter: 7 },
    headers: { 'x-mock-status': '429', 'x-mock-retry-after': '7' },
    check: (r) => {
      const a = answered(r);
      expect(a.status).toBe(429);
      expect(a.headers['retry-after']).toBe('7');
      expect(JSON.parse(a.body).error).toMatchObject({
        type: 'rate_limit_error',
        code: 'rate_limit_exceeded',
      });
    },
  },
  {
    field: 'delayMs',
    behaviour: { delayMs: 200 },
    headers: { 'x-mock-delay-ms': '200' },
    check: (r) => {
      expect(answered(r).headersAt).toBeGreaterThanOrEqual(190);
    },
  },
  {
    field: 'ttftMs',
    behaviour: { ttftMs: 200 },
    headers: { 'x-mock-ttft-ms': '200' },
    body: STREAM,
    check: (r) => {
      const a = answered(r);
      expect(a.headersAt).toBeLessThan(150);
      expect(a.events[0]?.at ?? NaN).toBeGreaterThanOrEqual(190);
    },
  },
  {
    field: 'tokensPerSecond',
    behaviour: { tokensPerSecond: 50, content: 'x'.repeat(24) },
    headers: { 'x-mock-tokens-per-second': '50', 'x-mock-content': 'x'.repeat(24) },
    body: STREAM,
    check: (r) => {
      const a = answered(r);
      // 6 pieces, 20 ms apart after the first: the last one is sent about 100 ms (timer rounding) after the
      // request arrived. Measured from the send, since a client busy when the first piece came
      // would see the gap between first and last shrink.
      const content = a.events.filter((e) => e.text.includes('"content":"xxxx"'));
      expect(content).toHaveLength(6);
      expect(content[5]?.at ?? NaN).toBeGreaterThanOrEqual(95);
    },
  },
  {
    field: 'cutAfterEvents',
    behaviour: { cutAfterEvents: 2 },
    headers: { 'x-mock-cut-after-events': '2' },
    body: STREAM,
    check: async (r, llm) => {
      const a = answered(r);
      expect(a.complete).toBe(false);
      expect(a.events).toHaveLength(2);
      expect(a.body).not.toContain('[DONE]');
      await waitFor(() => llm.requests[0]?.closedAt !== undefined);
      expect(llm.requests[0]?.aborted).toBe(false);
    },
  },
  {
    field: 'reset',
    behaviour: { reset: true },
    headers: { 'x-mock-reset': 'true' },
    check: (r) => {
      expect(r).toBeInstanceOf(RequestFailed);
      expect((r as RequestFailed).code).toMatch(/ECONNRESET|ECONNREFUSED|EPIPE/);
    },
  },
  {
    field: 'hang',
    behaviour: { hang: true },
    headers: { 'x-mock-hang': '1' },
    timeoutMs: 300,
    check: async (r, llm) => {
      expect((r as RequestFailed).code).toBe('TIMEOUT');
      await waitFor(() => llm.requests[0]?.aborted === true);
      expect(llm.requests[0]?.status).toBeUndefined();
    },
  },
  {
    field: 'malformed',
    behaviour: { malformed: true },
    headers: { 'x-mock-malformed': 'yes' },
    check: (r) => {
      const a = answered(r);
      expect(a.status).toBe(200);
      expect(() => JSON.parse(a.body) as unknown).toThrow();
    },
  },
  {
    field: 'malformed',
    behaviour: { malformed: true },
    headers: { 'x-mock-malformed': 'true' },
    body: STREAM,
    check: (r) => {
      const a = answered(r);
      expect(a.headers['content-type']).toMatch(/^text\/event-stream/);
      expect(a.events.length).toBeGreaterThan(0);
      expect(() => dataOf(a.events)).toThrow();
    },
  },
  {
    field: 'omitUsage',
    behaviour: { omitUsage: true },
    headers: { 'x-mock-omit-usage': 'true' },
    body: STREAM,
    check: (r) => {
      const datas = dataOf(answered(r).events);
      expect(datas.pop()).toBe('[DONE]');
      expect(datas.some((d) => d.usage)).toBe(false);
    },
  },
  {
    field: 'usage',
    behaviour: { usage: { prompt: 23, completion: 8 } },
    headers: { 'x-mock-usage': '23,8' },
    check: (r) => {
      expect(JSON.parse(answered(r).body).usage).toEqual({
        prompt_tokens: 23,
        completion_tokens: 8,
        total_tokens: 31,
      });
    },
  },
  {
    field: 'content',
    behaviour: { content: 'options works' },
    headers: { 'x-mock-content': 'options works' },
    check: (r) => {
      expect(JSON.parse(answered(r).body).choices[0].message.content).toBe('options works');
    },
  },
  {
    field: 'model',
    behaviour: { model: 'served-model' },
    headers: { 'x-mock-model': 'served-model' },
    check: (r) => {
      expect(JSON.parse(answered(r).body).model).toBe('served-model');
    },
  },
  {
    field: 'embeddingDimensions',
    behaviour: { embeddingDimensions: 3 },
    headers: { 'x-mock-embedding-dimensions': '3' },
    path: '/v1/embeddings',
    body: { input: 'x', encoding_format: 'float' },
    check: (r) => {
      expect(JSON.parse(answered(r).body).data[0].embedding).toHaveLength(3);
    },
  },
];

describe.each(['option', 'header'] as const)('behaviour via %s', (via) => {
  let llm: MockLlm | undefined;
  afterEach(async () => {
    await llm?.close();
    llm = undefined;
  });

  it.each(CASES.map((c) => [`${c.field}${c.body === STREAM ? ' (stream)' : ''}`, c] as const))(
    '%s',
    async (_label, c) => {
      llm = await startMockLlm({ name: 'm', behaviour: via === 'option' ? c.behaviour : {} });
      const result = await send(`${llm.url}${c.path ?? CHAT}`, {
        body: c.body ?? CHAT_BODY,
        headers: via === 'header' ? c.headers : {},
        timeoutMs: c.timeoutMs,
      }).catch((err: unknown) => {
        if (err instanceof RequestFailed) return err;
        throw err;
      });
      await c.check(result, llm);
    },
  );
});

describe('header overrides the default', () => {
  it('lets one request succeed while the default fails, and the reverse', async () => {
    const llm = await startMockLlm({ behaviour: { status: 500 } });
    try {
      const ok = await send(`${llm.url}${CHAT}`, {
        body: CHAT_BODY,
        headers: { 'x-mock-status': '200' },
      });
      expect(ok.status).toBe(200);
      expect((await send(`${llm.url}${CHAT}`, { body: CHAT_BODY })).status).toBe(500);
      llm.setBehaviour({ status: 200 });
      const bad = await send(`${llm.url}${CHAT}`, {
        body: CHAT_BODY,
        headers: { 'x-mock-delay-ms': 'soon' },
      });
      expect(bad.status).toBe(400);
      expect(bad.body).toContain('x-mock-delay-ms');
    } finally {
      await llm.close();
    }
  });

  it('setBehaviour refuses invalid values', async () => {
    const llm = await startMockLlm();
    try {
      expect(() => llm.setBehaviour({ status: 42 })).toThrow(/status/);
    } finally {
      await llm.close();
    }
  });
});

describe('loop', () => {
  const paths = [
    ['openai chat', CHAT, STREAM],
    ['responses', '/v1/responses', { model: 'm', input: 'hi', stream: true }],
    ['anthropic', '/v1/messages', { ...CHAT_BODY, max_tokens: 10, stream: true }],
  ] as const;

  it.each(paths)(
    '%s: the text repeats for ever, paced, until the client leaves',
    async (_label, path, body) => {
      const llm = await startMockLlm({ behaviour: { tokensPerSecond: 500 } });
      try {
        const a = await send(`${llm.url}${path}`, {
          body,
          headers: { 'x-mock-loop': 'true', 'x-mock-content': 'la di da' },
          // 8 characters of text are 2 pieces: 60 events hold many more than the text.
          onEvent: (_text, index) => index >= 59,
        });
        const texts = dataOf(a.events).map(
          (d: any) => d.choices?.[0]?.delta?.content ?? d.delta?.text ?? d.delta ?? '',
        );
        const said = texts.filter((t) => typeof t === 'string').join('');
        expect(said.startsWith('la di da la di da la di da')).toBe(true);
        expect(said.length).toBeGreaterThan(150);
        expect(a.body).not.toMatch(/\[DONE\]|message_stop|response\.completed/);
        await waitFor(() => llm.requests[0]?.aborted === true);
      } finally {
        await llm.close();
      }
    },
  );

  it('as the default, unpaced, keeps the server answering other requests', async () => {
    const llm = await startMockLlm({ behaviour: { loop: true } });
    try {
      let events = 0;
      const looping = send(`${llm.url}${CHAT}`, {
        body: STREAM,
        onEvent: () => ++events >= 5000,
      });
      const other = await send(`${llm.url}${CHAT}`, { body: CHAT_BODY });
      expect(other.status).toBe(200);
      expect((await looping).complete).toBe(false);
      expect(events).toBe(5000);
    } finally {
      await llm.close();
    }
  });
});
