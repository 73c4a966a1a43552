/**
 * ai-runaway-guard end to end (issue 13, "Must show: runaway guard"), a Tollgate extension with
 * no APISIX test file to port: a real `tollgate start` node configured through the Admin API, in
 * front of the mock LLM, whose `loop` behaviour streams its text for ever (a model stuck in a
 * loop). Shown for OpenAI chat, OpenAI Responses and Anthropic Messages streams:
 * - a loop is cut within the configured window (the text the client got before the cut is
 *   measured against the detector's bound), with the protocol's error event and no terminator,
 *   and the upstream request is aborted;
 * - the tokens produced are charged (ai-rate-limiting on the same route sees them);
 * - max_output_tokens and max_duration_ms (a timer that ends a stream even while no chunk comes);
 * - a consumer's own limits replace the route's;
 * - a metric per reason;
 * - no effect on normal streams: the bytes of the providers' fixture streams are unchanged.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import {
  freePort,
  freshGet,
  testEtcdEndpoint,
  uniquePrefix,
  waitFor,
  waitForPort,
  type AdminClient,
  type TollgateNode,
} from '@tollgate/testkit';
import { startTraditionalNode } from './support/plugin-nodes';

jest.setTimeout(120_000);

const FIXTURES = path.resolve(__dirname, '../../../packages/mock-llm/fixtures');
/** 11 word-ish tokens (`.` is one), 43 characters; the mock loops ` <LOOP>` after it. */
const LOOP = 'All work and no play makes Jack a dull boy.';
const LOOP_TOKENS = 11;
const LOOP_CHARS = LOOP.length + 1;
const PACE = { 'x-mock-tokens-per-second': '2000' };

type Protocol = 'openai-chat' | 'openai-responses' | 'anthropic-messages';
const PROTOCOLS: Protocol[] = ['openai-chat', 'openai-responses', 'anthropic-messages'];

let node: TollgateNode;
let admin: AdminClient;
let llm: MockLlm;
let port: number;
let metricsPort: number;

beforeAll(async () => {
  llm = await startMockLlm({ name: 'loopy' });
  port = await freePort();
  const etcd = { host: [testEtcdEndpoint()], prefix: uniquePrefix('ai-runaway-guard'), timeout: 3 };
  ({ node, admin } = await startTraditionalNode('ai-runaway-guard', { port, workers: 1, etcd }));
  const config = JSON.parse(fs.readFileSync(node.configFile, 'utf8')) as {
    plugin_attr: { prometheus: { export_addr: { port: number } } };
  };
  metricsPort = config.plugin_attr.prometheus.export_addr.port;
  await waitForPort(metricsPort);
});
afterAll(async () => {
  await node?.destroy();
  await llm?.close();
});
beforeEach(() => {
  llm.clear();
  llm.resetBehaviour();
});

// ---------------------------------------------------------------------------------------------
// helpers

const SUFFIX: Record<Protocol, string> = {
  'openai-chat': '/v1/chat/completions',
  'openai-responses': '/v1/responses',
  'anthropic-messages': '/v1/messages',
};

function proxyFor(protocol: Protocol): Record<string, unknown> {
  return {
    'ai-proxy': {
      provider: protocol === 'anthropic-messages' ? 'anthropic' : 'openai',
      auth: { header: { Authorization: 'Bearer token' } },
      override: { endpoint: llm.url },
    },
  };
}

let routeSeq = 0;
/** PUT a route for `protocol` with `plugins` (ai-proxy added) and wait until it is served. */
async function route(protocol: Protocol, plugins: Record<string, unknown>): Promise<string> {
  const id = `rg${++routeSeq}`;
  const uri = `/${id}${SUFFIX[protocol]}`;
  const res = await admin.put(`/apisix/admin/routes/${id}`, {
    uri,
    plugins: { ...proxyFor(protocol), prometheus: {}, ...plugins },
  });
  if (res.status !== 201) throw new Error(`route ${id}: ${res.status} ${res.text}`);
  await waitFor(`${uri} served`, async () => {
    const r = await freshGet(`http://127.0.0.1:${port}${uri}`);
    return r.status !== 404;
  });
  return uri;
}

function bodyFor(protocol: Protocol, stream: boolean): Record<string, unknown> {
  if (protocol === 'openai-responses') return { model: 'gpt-4o', input: 'Tell a story.', stream };
  const messages = [{ role: 'user', content: 'Tell a story.' }];
  if (protocol === 'anthropic-messages') {
    return { model: 'claude-x', max_tokens: 4096, messages, stream };
  }
  return { model: 'gpt-4o', messages, stream };
}

interface SseEvent {
  event?: string;
  data: string;
}

interface Streamed {
  status: number;
  raw: string;
  events: SseEvent[];
  /** The answer's text deltas, joined. */
  text: string;
  /** ms from the request to the end of the response. */
  ms: number;
}

function parseEvents(raw: string): SseEvent[] {
  return raw
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? '';
      return event === undefined ? { data } : { event, data };
    });
}

/** The text delta an event carries in `protocol`, if any. */
function deltaOf(protocol: Protocol, e: SseEvent): string {
  if (e.data === '' || e.data === '[DONE]') return '';
  const d = JSON.parse(e.data) as {
    type?: string;
    delta?: string | { text?: string };
    choices?: { delta?: { content?: string } }[];
  };
  if (protocol === 'openai-chat') return d.choices?.[0]?.delta?.content ?? '';
  if (protocol === 'openai-responses') {
    return d.type === 'response.output_text.delta' && typeof d.delta === 'string' ? d.delta : '';
  }
  return d.type === 'content_block_delta' && typeof d.delta === 'object'
    ? (d.delta.text ?? '')
    : '';
}

/** POST to the gateway over a new connection and read the whole (streamed) answer. */
function post(
  protocol: Protocol,
  uri: string,
  options: { stream?: boolean; headers?: Record<string, string> } = {},
): Promise<Streamed & { headers: http.IncomingHttpHeaders }> {
  const payload = JSON.stringify(bodyFor(protocol, options.stream ?? true));
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      `http://127.0.0.1:${port}${uri}`,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', ...options.headers },
        timeout: 30_000,
      },
      (res) => {
        let raw = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (raw += chunk));
        res.on('end', () => {
          const events = parseEvents(raw);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            raw,
            events,
            text: (res.headers['content-type'] ?? '').startsWith('text/event-stream')
              ? events.map((e) => deltaOf(protocol, e)).join('')
              : '',
            ms: performance.now() - started,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}

const loopHeaders = (extra: Record<string, string> = {}) => ({
  'x-mock-loop': 'true',
  'x-mock-content': LOOP,
  ...PACE,
  ...extra,
});

/** The error event that ended `s`, parsed, with its SSE event name. */
function ending(s: Streamed): { event?: string; data: any } {
  const last = s.events.at(-1);
  if (!last) throw new Error('no event');
  return { event: last.event, data: JSON.parse(last.data) };
}

/** The reason the guard gave, whatever the protocol's error shape. */
function reasonOf(protocol: Protocol, s: Streamed): string {
  const { event, data } = ending(s);
  if (protocol === 'openai-chat') return data.error.code as string;
  const message =
    protocol === 'anthropic-messages' && event === 'error'
      ? (data.error.message as string)
      : event === 'response.failed'
        ? (data.response.error.message as string)
        : '';
  if (message.includes('repeats itself')) return 'repetition';
  if (message.includes('output tokens')) return 'max_output_tokens';
  if (message.includes('took longer')) return 'max_duration';
  return `unknown: ${message}`;
}

const TERMINATOR = /\[DONE\]|message_stop|response\.completed/;

async function upstreamAborted(): Promise<void> {
  await waitFor('the mock saw the gateway abort', () => llm.requests.at(-1)?.aborted === true);
}

/** Sample values of a scrape by series. */
async function scrape(): Promise<Map<string, number>> {
  const res = await freshGet(`http://127.0.0.1:${metricsPort}/apisix/prometheus/metrics`);
  const out = new Map<string, number>();
  for (const line of res.body.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    out.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return out;
}

const measured: string[] = [];
afterAll(() => {
  // The figures quoted in docs/plugins/ai-runaway-guard.md come from this line.
  if (measured.length > 0) process.stdout.write(`ai-runaway-guard e2e: ${measured.join('; ')}\n`);
});

// ---------------------------------------------------------------------------------------------

describe('ai-runaway-guard: a looping stream is cut within the window', () => {
  const configured = { ngram_tokens: 6, window_tokens: 200, max_repeats: 4 };

  it.each(PROTOCOLS)('%s, defaults (8-grams, 10 repeats in 1000)', async (protocol) => {
    const uri = await route(protocol, { 'ai-runaway-guard': {} });
    const s = await post(protocol, uri, { headers: loopHeaders() });
    expect(s.status).toBe(200);
    expect(reasonOf(protocol, s)).toBe('repetition');
    expect(s.raw).not.toMatch(TERMINATOR);
    // The first 8-gram recurs every 11 tokens: its 11th sighting is token 8 + 10 * 11 = 118,
    // about 118 / 11 loops of 45 characters; the chunk that tripped is withheld.
    const tripAt = Math.ceil(((8 + 10 * LOOP_TOKENS + 1) * LOOP_CHARS) / LOOP_TOKENS);
    expect(s.text.length).toBeLessThanOrEqual(tripAt);
    expect(s.text.length).toBeGreaterThan(tripAt / 2);
    expect(s.text.startsWith(`${LOOP} ${LOOP} `)).toBe(true);
    await upstreamAborted();
    measured.push(
      `${protocol} defaults: ${s.text.length} chars (bound ${tripAt}) in ${Math.round(s.ms)} ms`,
    );
  });

  it.each(PROTOCOLS)('%s, a tighter window (6-grams, 4 repeats in 200)', async (protocol) => {
    const uri = await route(protocol, { 'ai-runaway-guard': { repetition: configured } });
    const s = await post(protocol, uri, { headers: loopHeaders() });
    expect(reasonOf(protocol, s)).toBe('repetition');
    const tripAt = Math.ceil(((6 + 4 * LOOP_TOKENS + 1) * LOOP_CHARS) / LOOP_TOKENS);
    expect(s.text.length).toBeLessThanOrEqual(tripAt);
    expect(s.text.length).toBeGreaterThan(tripAt / 2);
    await upstreamAborted();
    measured.push(`${protocol} 6/4/200: ${s.text.length} chars (bound ${tripAt})`);
  });

  it('openai-chat: the error event is OpenAI-shaped with the reason as code', async () => {
    const uri = await route('openai-chat', { 'ai-runaway-guard': {} });
    const s = await post('openai-chat', uri, { headers: loopHeaders() });
    expect(ending(s)).toEqual({
      event: undefined,
      data: {
        error: {
          message:
            'ai-runaway-guard: the answer repeats itself (a 8-token sequence occurred more than 10 times within 1000 tokens)',
          type: 'runaway_generation',
          code: 'repetition',
        },
      },
    });
  });

  it('anthropic-messages: event: error with an api_error', async () => {
    const uri = await route('anthropic-messages', { 'ai-runaway-guard': {} });
    const s = await post('anthropic-messages', uri, { headers: loopHeaders() });
    expect(ending(s)).toEqual({
      event: 'error',
      data: { type: 'error', error: { type: 'api_error', message: expect.any(String) } },
    });
    expect(s.events[0]?.event).toBe('message_start');
  });

  it('openai-responses: response.failed continues the response id and sequence numbers', async () => {
    const uri = await route('openai-responses', { 'ai-runaway-guard': {} });
    const s = await post('openai-responses', uri, { headers: loopHeaders() });
    const created = JSON.parse(s.events[0]?.data ?? '{}') as { response: { id: string } };
    const before = JSON.parse(s.events.at(-2)?.data ?? '{}') as { sequence_number: number };
    const { event, data } = ending(s);
    expect(event).toBe('response.failed');
    expect(data).toMatchObject({
      type: 'response.failed',
      sequence_number: before.sequence_number + 1,
      response: {
        id: created.response.id,
        object: 'response',
        status: 'failed',
        error: { code: 'server_error', message: expect.stringContaining('repeats itself') },
      },
    });
  });
});

describe('ai-runaway-guard: the tokens produced are charged', () => {
  it.each(PROTOCOLS)(
    '%s: ai-rate-limiting on the route charges the cut stream',
    async (protocol) => {
      const limit = 100_000;
      const uri = await route(protocol, {
        'ai-runaway-guard': {},
        'ai-rate-limiting': { limit, time_window: 600, limit_strategy: 'completion_tokens' },
      });
      const header = `x-ai-ratelimit-remaining-ai-proxy-${protocol === 'anthropic-messages' ? 'anthropic' : 'openai'}`;
      const cut = await post(protocol, uri, { headers: loopHeaders() });
      expect(reasonOf(protocol, cut)).toBe('repetition');
      // The next request's access phase shows what the cut one was charged.
      const next = await post(protocol, uri, { stream: false, headers: { 'x-mock-usage': '1,1' } });
      expect(next.status).toBe(200);
      const charged = limit - Number(next.headers[header]);
      // At least the text the client got, at 4 characters a token; at most that plus the
      // withheld chunk that tripped (a few 4-character pieces).
      expect(charged).toBeGreaterThanOrEqual(Math.ceil(cut.text.length / 4));
      expect(charged).toBeLessThanOrEqual(Math.ceil(cut.text.length / 4) + 8);
      measured.push(
        `${protocol} charged ${charged} completion tokens for ${cut.text.length} chars`,
      );
    },
  );

  it('a refused non-streamed answer keeps the LLM usage charged', async () => {
    const uri = await route('openai-chat', {
      'ai-runaway-guard': {},
      'ai-rate-limiting': { limit: 1000, time_window: 600, limit_strategy: 'completion_tokens' },
    });
    const looping = `${LOOP} `.repeat(30);
    const refused = await post('openai-chat', uri, {
      stream: false,
      headers: { 'x-mock-content': looping, 'x-mock-usage': '7,300' },
    });
    expect(refused.status).toBe(502);
    expect(JSON.parse(refused.raw)).toEqual({
      error: {
        message: expect.stringContaining('repeats itself'),
        type: 'runaway_generation',
        code: 'repetition',
      },
    });
    const next = await post('openai-chat', uri, {
      stream: false,
      headers: { 'x-mock-usage': '1,1' },
    });
    expect(next.headers['x-ai-ratelimit-remaining-ai-proxy-openai']).toBe('700');
  });

  it("anthropic-messages: a refused non-streamed answer gets Anthropic's error body", async () => {
    const uri = await route('anthropic-messages', {
      'ai-runaway-guard': { max_output_tokens: 10 },
    });
    const refused = await post('anthropic-messages', uri, {
      stream: false,
      headers: { 'x-mock-usage': '3,11' },
    });
    expect(refused.status).toBe(502);
    expect(JSON.parse(refused.raw)).toEqual({
      type: 'error',
      error: {
        type: 'api_error',
        message: 'ai-runaway-guard: the answer exceeded 10 output tokens',
      },
    });
  });
});

/** A long answer that never repeats: `w1 w2 w3 ...`. */
const counting = (n: number) => Array.from({ length: n }, (_, i) => `w${i + 1}`).join(' ');

describe('ai-runaway-guard: max_output_tokens and max_duration_ms', () => {
  it.each(PROTOCOLS)('%s: a stream over max_output_tokens ends there', async (protocol) => {
    const uri = await route(protocol, { 'ai-runaway-guard': { max_output_tokens: 50 } });
    const s = await post(protocol, uri, { headers: { 'x-mock-content': counting(300), ...PACE } });
    expect(reasonOf(protocol, s)).toBe('max_output_tokens');
    // 50 tokens are 200 characters; the chunk that went over is withheld.
    expect(s.text.length).toBeLessThanOrEqual(200);
    expect(s.text.length).toBeGreaterThan(150);
    await upstreamAborted();
  });

  it.each(PROTOCOLS)('%s: a slow stream ends at max_duration_ms', async (protocol) => {
    const uri = await route(protocol, { 'ai-runaway-guard': { max_duration_ms: 400 } });
    const s = await post(protocol, uri, {
      headers: { 'x-mock-content': counting(300), 'x-mock-tokens-per-second': '20' },
    });
    expect(reasonOf(protocol, s)).toBe('max_duration');
    expect(s.ms).toBeGreaterThanOrEqual(390);
    expect(s.ms).toBeLessThan(1500);
    expect(s.text.length).toBeGreaterThan(0);
    await upstreamAborted();
  });

  it('openai-chat: the timer ends a stream while no chunk arrives', async () => {
    const uri = await route('openai-chat', { 'ai-runaway-guard': { max_duration_ms: 300 } });
    // Headers at once, the first event only after 10 s.
    const s = await post('openai-chat', uri, { headers: { 'x-mock-ttft-ms': '10000' } });
    expect(s.status).toBe(200);
    expect(s.events).toHaveLength(1);
    expect(reasonOf('openai-chat', s)).toBe('max_duration');
    expect(s.ms).toBeLessThan(2000);
    await upstreamAborted();
  });
});

describe('ai-runaway-guard: per consumer', () => {
  it("a consumer's guard replaces the route's for that consumer's requests", async () => {
    for (const [username, guard] of [
      ['rg-tight', { max_output_tokens: 20 }],
      ['rg-loose', undefined],
    ] as const) {
      const res = await admin.put('/apisix/admin/consumers', {
        username,
        plugins: {
          'key-auth': { key: `${username}-key` },
          ...(guard ? { 'ai-runaway-guard': guard } : {}),
        },
      });
      expect(res.status).toBeLessThan(300);
    }
    const uri = await route('openai-chat', {
      'key-auth': {},
      'ai-runaway-guard': { max_output_tokens: 1000 },
    });
    const content = { 'x-mock-content': counting(60), ...PACE };
    // The consumer may take a moment to reach the node: wait for its refusal to stop.
    const tight = await waitFor('rg-tight served', async () => {
      const s = await post('openai-chat', uri, { headers: { apikey: 'rg-tight-key', ...content } });
      return s.status === 200 ? s : undefined;
    });
    expect(reasonOf('openai-chat', tight)).toBe('max_output_tokens');
    const loose = await waitFor('rg-loose served', async () => {
      const s = await post('openai-chat', uri, { headers: { apikey: 'rg-loose-key', ...content } });
      return s.status === 200 ? s : undefined;
    });
    expect(loose.text).toBe(counting(60));
    expect(loose.raw.endsWith('data: [DONE]\n\n')).toBe(true);
  });
});

describe('ai-runaway-guard: metrics', () => {
  it('counts each denial by reason in tollgate_ai_content_denials_total', async () => {
    // The limits on separate routes: on one route a slow machine could end the token-capped
    // stream by the timer first and count it under the wrong reason.
    const capped = await route('openai-chat', {
      // 200 tokens are about 800 characters: the loop trips the detector first (about 484).
      'ai-runaway-guard': { max_output_tokens: 200 },
    });
    const timed = await route('openai-chat', { 'ai-runaway-guard': { max_duration_ms: 300 } });
    const series = (uri: string, reason: string) =>
      `tollgate_ai_content_denials_total{route="${uri.split('/')[1]}",plugin="ai-runaway-guard",side="response",reason="${reason}"}`;
    const expected: [string, string][] = [
      [capped, 'repetition'],
      [capped, 'max_output_tokens'],
      [timed, 'max_duration'],
    ];
    const before = await scrape();
    const counted = (s: Map<string, number>, [uri, reason]: [string, string]) =>
      (s.get(series(uri, reason)) ?? 0) - (before.get(series(uri, reason)) ?? 0);
    await post('openai-chat', capped, { headers: loopHeaders() });
    await post('openai-chat', capped, { headers: { 'x-mock-content': counting(300), ...PACE } });
    await post('openai-chat', timed, { headers: { 'x-mock-ttft-ms': '5000' } });
    const after = await waitFor('three denials scraped', async () => {
      const s = await scrape();
      return expected.reduce((n, e) => n + counted(s, e), 0) === 3 ? s : undefined;
    });
    for (const e of expected) expect([e[1], counted(after, e)]).toEqual([e[1], 1]);
  });
});

describe('ai-runaway-guard: no effect on normal answers', () => {
  const FIXTURE: Record<Protocol, string> = {
    'openai-chat': 'openai/chat-streaming.sse',
    'openai-responses': 'openai/responses-streaming.sse',
    'anthropic-messages': 'anthropic/messages-streaming.sse',
  };

  it.each(PROTOCOLS)('%s: the fixture stream comes through byte for byte', async (protocol) => {
    const guard = {
      'ai-runaway-guard': { max_output_tokens: 10_000, max_duration_ms: 60_000 },
    };
    const guarded = await route(protocol, guard);
    const plain = await route(protocol, {});
    const headers = { 'x-ai-fixture': FIXTURE[protocol] };
    const a = await post(protocol, guarded, { headers });
    const b = await post(protocol, plain, { headers });
    expect(a.status).toBe(200);
    expect(a.raw).toBe(b.raw);
    const fixture = fs.readFileSync(path.join(FIXTURES, FIXTURE[protocol]), 'utf8');
    // The client did not ask for usage: an OpenAI chat stream's usage-only chunk is kept from it.
    const expected = fixture.replace(/data: \{[^\n]*"choices":\[\],"usage":\{[^\n]*\n\n/, '');
    expect(a.raw).toBe(expected.replaceAll('{{model}}', String(bodyFor(protocol, true).model)));
  });

  it.each(PROTOCOLS)('%s: a long answer without a loop is not cut', async (protocol) => {
    const uri = await route(protocol, { 'ai-runaway-guard': {} });
    const prose =
      'Rate limiting protects a shared service from any single client using more than its share. ' +
      'The classic algorithms are the fixed window, the sliding window and the token bucket; each ' +
      'trades accuracy for memory in a different way. A fixed window counts requests per minute and ' +
      'resets at the boundary, which lets a client send twice its quota across two windows. The ' +
      'sliding window weights the previous count by how much of it still overlaps, which smooths the ' +
      'boundary at the cost of one extra counter. | algorithm | memory | burst | | --- | --- | --- | ' +
      '| fixed | 1 counter | 2x | | sliding | 2 counters | smoothed | | bucket | 2 numbers | capacity |';
    const s = await post(protocol, uri, { headers: { 'x-mock-content': prose, ...PACE } });
    expect(s.text).toBe(prose);
    expect(s.raw).toMatch(TERMINATOR);
    expect(s.raw).not.toContain('ai-runaway-guard');
  });
});
