/**
 * Streaming through ai-proxy-multi, end to end (issue 4 "transport and streaming", spec §1.9,
 * decisions D4/D5): Admin API → etcd → gateway node (2 workers) → mock LLM, all real sockets.
 *
 * Where a test needs the exact bytes and times the LLM sent, the route points at a recording TCP
 * relay in front of the mock: it timestamps every chunk the mock writes, and its capture is
 * decoded (HTTP/1.1 chunked) into the body the mock sent.
 */
import fs from 'node:fs';
import http, { type IncomingHttpHeaders } from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startMockLlm, type MockLlm, type RecordedRequest } from '@tollgate/mock-llm';
import { httpRequest, startCluster, untilServed, waitFor, type Cluster } from '@tollgate/testkit';

jest.setTimeout(60_000);

const FIXTURES = path.resolve(__dirname, '../../packages/mock-llm/fixtures');
const MESSAGES = [{ role: 'user', content: 'Count for me, please.' }];
/** Ten 4-character pieces: the mock streams one per event, so each event is recognisable. */
const TOKENS = Array.from({ length: 10 }, (_, i) => `k${String(i).padStart(2, '0')}.`);
const CONTENT = TOKENS.join('');

let cluster: Cluster;
let llm: MockLlm;
let spare: MockLlm;

beforeAll(async () => {
  llm = await startMockLlm({ name: 'stream', apiKeys: ['sk-stream'] });
  spare = await startMockLlm({ name: 'spare', apiKeys: ['sk-stream'] });
  cluster = await startCluster(1, 2);
});
afterAll(async () => {
  await cluster?.destroy();
  await llm?.close();
  await spare?.close();
});
beforeEach(() => {
  llm.clear();
  spare.clear();
  llm.resetBehaviour();
  spare.resetBehaviour();
});

// ---------------------------------------------------------------------------------------------
// helpers

let routeSeq = 0;
let requestSeq = 0;

/** PUT a route on a fresh URI and wait until every worker serves it. */
async function route(plugins: Record<string, unknown>, suffix = ''): Promise<string> {
  const id = `st${++routeSeq}`;
  const uri = `/stream/${id}${suffix}`;
  const res = await cluster.admin.put(`/apisix/admin/routes/${id}`, { uri, plugins });
  if (res.status !== 201) throw new Error(`route ${id}: ${res.status} ${res.text}`);
  await untilServed(cluster.gateways, uri, (status) => status !== 404);
  return uri;
}

const instance = (name: string, endpoint: string, over: Record<string, unknown> = {}) => ({
  name,
  provider: 'openai',
  weight: 1,
  auth: { header: { Authorization: 'Bearer sk-stream' } },
  options: { model: 'gpt-4' },
  override: { endpoint },
  ...over,
});

/** ai-proxy-multi with one instance at `endpoint`, plus plugin-level settings. */
const multi = (endpoint: string, settings: Record<string, unknown> = {}) => ({
  'ai-proxy-multi': { ...settings, instances: [instance('only', endpoint)] },
});

const gatewayUrl = (uri: string) => {
  const gateway = cluster.gateways[0];
  if (!gateway) throw new Error('no gateway');
  return gateway.url(uri);
};

interface Chunk {
  at: number;
  data: Buffer;
}

interface Streamed {
  status: number;
  headers: IncomingHttpHeaders;
  chunks: Chunk[];
  body: Buffer;
  text: string;
  /** When the response ended (or the client gave up). */
  endedAt: number;
  /** Set when `stopWhen` made the client disconnect. */
  disconnectedAt?: number;
  testId: string;
}

interface StreamOptions {
  headers?: Record<string, string>;
  /** Disconnect (destroy the socket) as soon as the text received so far satisfies this. */
  stopWhen?: (text: string) => boolean;
  /** Stop reading after the first chunk until this settles. */
  stallUntil?: Promise<void>;
}

/**
 * POST `body` to the gateway over a new connection and collect the answer chunk by chunk, with
 * the arrival time of each. Each request carries a unique `x-test-id` (forwarded to the mock, so
 * its record can be found).
 */
function streamPost(uri: string, body: unknown, opts: StreamOptions = {}): Promise<Streamed> {
  const testId = `t${++requestSeq}-${Date.now()}`;
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(gatewayUrl(uri), {
      method: 'POST',
      agent: false,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
        'x-test-id': testId,
        ...opts.headers,
      },
    });
    const timer = setTimeout(
      () => req.destroy(new Error('stream did not end within 20 s')),
      20_000,
    );
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.on('response', (res) => {
      const chunks: Chunk[] = [];
      let text = '';
      let settled = false;
      const finish = (disconnectedAt?: number) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const all = Buffer.concat(chunks.map((c) => c.data));
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          chunks,
          body: all,
          text: all.toString('utf8'),
          endedAt: Date.now(),
          ...(disconnectedAt !== undefined ? { disconnectedAt } : {}),
          testId,
        });
      };
      res.on('data', (data: Buffer) => {
        chunks.push({ at: Date.now(), data });
        text += data.toString('utf8');
        if (opts.stopWhen?.(text)) {
          const at = Date.now();
          req.destroy();
          finish(at);
          return;
        }
        if (opts.stallUntil && chunks.length === 1) {
          res.pause();
          void opts.stallUntil.then(() => res.resume());
        }
      });
      res.on('end', () => finish());
      res.on('error', () => finish());
      res.on('close', () => finish());
    });
    req.end(payload);
  });
}

/** When the chunk holding the end of `needle`'s first occurrence arrived. */
function firstSeen(chunks: Chunk[], needle: string): number | undefined {
  let text = '';
  for (const chunk of chunks) {
    text += chunk.data.toString('latin1');
    if (text.includes(needle)) return chunk.at;
  }
  return undefined;
}

/** SSE events of a body (each without its terminating blank line). */
const events = (text: string) => text.split('\n\n').filter((e) => e !== '');

/** The `data:` JSON of each event (non-JSON data skipped). */
function dataOf(text: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const event of events(text)) {
    for (const line of event.split('\n')) {
      if (!line.startsWith('data: ')) continue;
      try {
        out.push(JSON.parse(line.slice(6)) as Record<string, unknown>);
      } catch {
        // [DONE] and the like
      }
    }
  }
  return out;
}

/** The streamed assistant text of an OpenAI chat stream. */
function deltas(text: string): string {
  return dataOf(text)
    .flatMap((d) => (d.choices as { delta?: { content?: string } }[] | undefined) ?? [])
    .map((c) => c.delta?.content ?? '')
    .join('');
}

const recordOf = (mock: MockLlm, testId: string): RecordedRequest | undefined =>
  mock.requests.find((r) => r.headers['x-test-id'] === testId);

/**
 * A TCP relay in front of a mock that timestamps every chunk the mock sends. One connection is
 * expected per test (each test sends one request through it).
 */
class TapRelay {
  readonly fromUpstream: Chunk[] = [];
  bytesFromUpstream = 0;
  /** Keep the chunks (for timing and byte comparison); off for huge streams. */
  keepChunks = true;
  private readonly sockets = new Set<net.Socket>();

  private constructor(private readonly server: net.Server) {}

  static async start(targetPort: number): Promise<TapRelay> {
    const server = net.createServer();
    const relay = new TapRelay(server);
    server.on('connection', (client) => {
      const upstream = net.connect(targetPort, '127.0.0.1');
      relay.sockets.add(client).add(upstream);
      client.pipe(upstream);
      // pipe() keeps back-pressure: the relay stops reading the mock when the gateway does.
      upstream.on('data', (d: Buffer) => {
        relay.bytesFromUpstream += d.length;
        if (relay.keepChunks) relay.fromUpstream.push({ at: Date.now(), data: d });
      });
      upstream.pipe(client);
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('close', close).on('error', close);
      upstream.on('close', close).on('error', close);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return relay;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  /** The body of the (single) HTTP response the mock sent, de-chunked. */
  responseBody(): Buffer {
    const raw = Buffer.concat(this.fromUpstream.map((c) => c.data));
    const headEnd = raw.indexOf('\r\n\r\n');
    if (headEnd < 0) throw new Error('no response head in the capture');
    const head = raw.subarray(0, headEnd).toString('latin1').toLowerCase();
    let rest = raw.subarray(headEnd + 4);
    if (!head.includes('transfer-encoding: chunked')) return rest;
    const parts: Buffer[] = [];
    for (;;) {
      const lineEnd = rest.indexOf('\r\n');
      if (lineEnd < 0) break;
      const size = parseInt(rest.subarray(0, lineEnd).toString('latin1'), 16);
      if (!Number.isFinite(size) || size === 0) break;
      parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      rest = rest.subarray(lineEnd + 2 + size + 2);
    }
    return Buffer.concat(parts);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Print a measurement (kept in the test output). */
const report = (line: string) => process.stdout.write(`${line}\n`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

// ---------------------------------------------------------------------------------------------

describe('SSE passthrough', () => {
  it('(1) a fixture stream reaches the client byte for byte', async () => {
    const relay = await TapRelay.start(llm.port);
    try {
      const uri = await route(multi(`${relay.url}/v1/chat/completions`));
      const fixture = fs.readFileSync(path.join(FIXTURES, 'openai/chat-streaming.sse'));
      const res = await streamPost(
        uri,
        { messages: MESSAGES, stream: true, stream_options: { include_usage: true } },
        { headers: { 'X-AI-Fixture': 'openai/chat-streaming.sse' } },
      );
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
      const sent = relay.responseBody();
      expect(sent.equals(fixture)).toBe(true);
      expect(res.body.equals(sent)).toBe(true);
      // A client that did not ask for usage gets the same bytes but the usage-only chunk, which
      // the gateway asked for on its behalf (stream_options injection) and kept (issue 16 item 7).
      const quiet = await streamPost(
        uri,
        { messages: MESSAGES, stream: true },
        { headers: { 'X-AI-Fixture': 'openai/chat-streaming.sse' } },
      );
      expect(recordOf(llm, quiet.testId)?.json).toMatchObject({
        stream: true,
        stream_options: { include_usage: true },
      });
      const usageChunk = events(fixture.toString()).find((e) => e.includes('"choices":[]'));
      expect(usageChunk).toBeDefined();
      expect(quiet.text).toBe(fixture.toString().replace(`${usageChunk ?? ''}\n\n`, ''));
    } finally {
      await relay.close();
    }
  });

  it('(1b) a generated stream is byte-identical to what the LLM wrote', async () => {
    const relay = await TapRelay.start(llm.port);
    try {
      const uri = await route(multi(`${relay.url}/v1/chat/completions`));
      const res = await streamPost(
        uri,
        { messages: MESSAGES, stream: true, stream_options: { include_usage: true } },
        { headers: { 'X-Mock-Content': CONTENT, 'X-Mock-Tokens-Per-Second': '50' } },
      );
      expect(res.status).toBe(200);
      expect(res.body.equals(relay.responseBody())).toBe(true);
      expect(deltas(res.text)).toBe(CONTENT);
      expect(res.text.endsWith('data: [DONE]\n\n')).toBe(true);
    } finally {
      await relay.close();
    }
  });

  it('(1c) a burst of events, read together and relayed joined, arrives whole: byte for byte, or less the usage chunk a client did not ask for', async () => {
    // Unpaced, the mock writes every event (its own HTTP chunk) in one go: the gateway reads
    // dozens at once and its response sink hands them over as one buffer (issue 14).
    const long = Array.from({ length: 40 }, (_, i) => `w${String(i).padStart(2, '0')}.`).join('');
    const through = async (body: Record<string, unknown>) => {
      const relay = await TapRelay.start(llm.port);
      try {
        const uri = await route(multi(`${relay.url}/v1/chat/completions`));
        const res = await streamPost(uri, body, { headers: { 'X-Mock-Content': long } });
        return { res, sent: relay.responseBody().toString() };
      } finally {
        await relay.close();
      }
    };
    const asked = await through({
      messages: MESSAGES,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(events(asked.sent).length).toBeGreaterThan(40);
    expect(asked.res.text).toBe(asked.sent);
    expect(deltas(asked.res.text)).toBe(long);
    const quiet = await through({ messages: MESSAGES, stream: true });
    const usageChunk = events(quiet.sent).find((e) => e.includes('"choices":[]'));
    expect(usageChunk).toBeDefined();
    expect(quiet.res.text).toBe(quiet.sent.replace(`${usageChunk ?? ''}\n\n`, ''));
    expect(deltas(quiet.res.text)).toBe(long);
  });

  it('(2) events are flushed as they arrive, not held back', async () => {
    const relay = await TapRelay.start(llm.port);
    try {
      const uri = await route(multi(`${relay.url}/v1/chat/completions`));
      const res = await streamPost(
        uri,
        { messages: MESSAGES, stream: true },
        { headers: { 'X-Mock-Content': CONTENT, 'X-Mock-Tokens-Per-Second': '5' } },
      );
      expect(res.status).toBe(200);
      expect(deltas(res.text)).toBe(CONTENT);
      // Per token: when the mock wrote it (seen by the relay) and when the client got it.
      const lags = TOKENS.map((token) => {
        const sentAt = firstSeen(relay.fromUpstream, token);
        const gotAt = firstSeen(res.chunks, token);
        if (sentAt === undefined || gotAt === undefined) throw new Error(`${token} not seen`);
        return { token, sentAt, gotAt, lag: gotAt - sentAt };
      });
      const first = lags[0];
      const last = lags[lags.length - 1];
      if (!first || !last) throw new Error('no tokens');
      const streamEnd = Math.max(...relay.fromUpstream.map((c) => c.at));
      report(
        `[ai-streaming] first content event: sent +0, received +${first.lag} ms; ` +
          `lag median ${median(lags.map((l) => l.lag))} ms, max ${Math.max(...lags.map((l) => l.lag))} ms; ` +
          `first event ${streamEnd - first.gotAt} ms before the mock finished`,
      );
      expect(first.lag).toBeLessThan(300);
      for (const l of lags) expect(l.lag).toBeLessThan(300);
      // At 5 tokens/s the stream lasts ~1.8 s; the first event came long before its end.
      expect(streamEnd - first.gotAt).toBeGreaterThan(1_200);
      expect(last.gotAt - first.gotAt).toBeGreaterThan(1_200);
    } finally {
      await relay.close();
    }
  });
});

describe('stream interruptions', () => {
  it('(3) a client that disconnects half-way aborts the upstream request within 1 s', async () => {
    const uri = await route(multi(`${llm.url}/v1/chat/completions`));
    const res = await streamPost(
      uri,
      { messages: MESSAGES, stream: true },
      {
        headers: { 'X-Mock-Content': CONTENT, 'X-Mock-Tokens-Per-Second': '5' },
        stopWhen: (text) => text.includes(TOKENS[3] ?? ''),
      },
    );
    const disconnectedAt = res.disconnectedAt;
    if (disconnectedAt === undefined) throw new Error('the client did not disconnect');
    const rec = await waitFor(
      'the mock to record the aborted request',
      () => recordOf(llm, res.testId),
      5_000,
    );
    const closedAt = await waitFor('the upstream request to close', () => rec.closedAt, 5_000);
    report(`[ai-streaming] upstream closed ${closedAt - disconnectedAt} ms after the client left`);
    expect(rec.aborted).toBe(true);
    expect(closedAt - disconnectedAt).toBeLessThan(1_000);
    // Half-way: the mock had not finished (10 tokens at 5/s take ~1.8 s).
    expect(closedAt - rec.receivedAt).toBeLessThan(1_500);
  });

  it('(4) an upstream cut mid-stream ends with an SSE error event and no [DONE]', async () => {
    const uri = await route(multi(`${llm.url}/v1/chat/completions`));
    const fixture = fs.readFileSync(path.join(FIXTURES, 'openai/chat-streaming.sse'), 'utf8');
    const res = await streamPost(
      uri,
      { messages: MESSAGES, stream: true },
      {
        headers: { 'X-AI-Fixture': 'openai/chat-streaming.sse', 'X-Mock-Cut-After-Events': '3' },
      },
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    // The three events the mock sent, untouched, then the gateway's error event.
    const firstThree = events(fixture)
      .slice(0, 3)
      .map((e) => `${e}\n\n`)
      .join('');
    expect(res.text.startsWith(firstThree)).toBe(true);
    const tail = res.text.slice(firstThree.length);
    expect(tail).toMatch(/^data: \{"error":\{"message":".+","type":"[a-z_]+"\}\}\n\n$/);
    expect(res.text).not.toContain('[DONE]');
  });

  it('(4b) a stream cut after bytes reached the client is not retried elsewhere', async () => {
    const uri = await route({
      'ai-proxy-multi': {
        fallback_strategy: ['http_5xx'],
        instances: [
          instance('first', `${llm.url}/v1/chat/completions`, { priority: 10 }),
          instance('second', `${spare.url}/v1/chat/completions`, { priority: 1 }),
        ],
      },
    });
    const res = await streamPost(
      uri,
      { messages: MESSAGES, stream: true },
      { headers: { 'X-Mock-Content': CONTENT, 'X-Mock-Cut-After-Events': '4' } },
    );
    expect(res.status).toBe(200);
    expect(events(res.text).at(-1)).toMatch(/^data: \{"error":/);
    expect(res.text).not.toContain('[DONE]');
    expect(deltas(res.text)).toBe(TOKENS.slice(0, 3).join(''));
    expect(spare.requests).toHaveLength(0);
  });

  it('(5) max_stream_duration_ms: truncated mid-stream; 504 before the first byte', async () => {
    const uri = await route(
      multi(`${llm.url}/v1/chat/completions`, { max_stream_duration_ms: 700 }),
    );
    const started = Date.now();
    const cut = await streamPost(
      uri,
      { messages: MESSAGES, stream: true },
      { headers: { 'X-Mock-Content': CONTENT, 'X-Mock-Tokens-Per-Second': '5' } },
    );
    expect(cut.status).toBe(200);
    expect(cut.endedAt - started).toBeLessThan(1_600);
    const got = deltas(cut.text);
    expect(got.length).toBeGreaterThan(0);
    expect(CONTENT.startsWith(got)).toBe(true);
    expect(got).not.toBe(CONTENT);
    expect(events(cut.text).at(-1)).toContain('max_stream_duration_ms exceeded');
    expect(cut.text).not.toContain('[DONE]');
    const rec = await waitFor('the upstream to close', () => recordOf(llm, cut.testId)?.closedAt);
    expect(rec - started).toBeLessThan(1_600);

    const before = Date.now();
    const late = await httpRequest('POST', gatewayUrl(uri), {
      body: { messages: MESSAGES, stream: true },
      headers: { 'content-type': 'application/json', 'X-Mock-TTFT-Ms': '5000' },
    });
    expect(late.status).toBe(504);
    expect(late.text).toContain('max_stream_duration_ms exceeded');
    expect(Date.now() - before).toBeLessThan(2_500);
  });

  it('(6) max_response_bytes: truncated mid-stream; 502 when nothing was sent', async () => {
    const limit = 1_500;
    const uri = await route(multi(`${llm.url}/v1/chat/completions`, { max_response_bytes: limit }));
    const long = Array.from({ length: 30 }, (_, i) => `w${String(i).padStart(2, '0')}.`).join('');
    const cut = await streamPost(
      uri,
      { messages: MESSAGES, stream: true },
      { headers: { 'X-Mock-Content': long, 'X-Mock-Tokens-Per-Second': '40' } },
    );
    expect(cut.status).toBe(200);
    const last = events(cut.text).at(-1) ?? '';
    expect(last).toContain('max_response_bytes exceeded');
    const relayed = cut.body.length - Buffer.byteLength(`${last}\n\n`);
    expect(relayed).toBeGreaterThan(0);
    expect(relayed).toBeLessThanOrEqual(limit);
    expect(cut.text).not.toContain('[DONE]');
    expect(long.startsWith(deltas(cut.text))).toBe(true);

    const tiny = await route(multi(`${llm.url}/v1/chat/completions`, { max_response_bytes: 20 }));
    const stream = await httpRequest('POST', gatewayUrl(tiny), {
      body: { messages: MESSAGES, stream: true },
      headers: { 'content-type': 'application/json' },
    });
    expect(stream.status).toBe(502);
    expect(stream.text).toContain('max_response_bytes exceeded');
    const plain = await httpRequest('POST', gatewayUrl(tiny), {
      body: { messages: MESSAGES },
      headers: { 'content-type': 'application/json' },
    });
    expect(plain.status).toBe(502);
    expect(plain.text).toContain('max_response_bytes exceeded');
  });
});

describe('other stream shapes', () => {
  it('(7) an Anthropic /v1/messages stream passes through with its event types', async () => {
    const relay = await TapRelay.start(llm.port);
    try {
      const uri = await route(
        {
          'ai-proxy-multi': {
            instances: [
              {
                name: 'claude',
                provider: 'anthropic',
                weight: 1,
                auth: { header: { 'x-api-key': 'sk-stream' } },
                override: { endpoint: relay.url },
              },
            ],
          },
        },
        '/v1/messages',
      );
      const body = { model: 'claude-x', max_tokens: 64, messages: MESSAGES, stream: true };
      const fixture = fs.readFileSync(path.join(FIXTURES, 'anthropic/messages-streaming.sse'));
      const res = await streamPost(uri, body, {
        headers: { 'X-AI-Fixture': 'anthropic/messages-streaming.sse' },
      });
      expect(res.status).toBe(200);
      expect(res.body.equals(fixture)).toBe(true);
      expect(res.body.equals(relay.responseBody())).toBe(true);
      const rec = recordOf(llm, res.testId);
      expect(rec?.path).toBe('/v1/messages');
      // stream_options is an OpenAI chat field: not injected into an Anthropic request.
      expect(rec?.json).not.toHaveProperty('stream_options');

      // A generated stream: Anthropic's event sequence, no error event appended after message_stop.
      const generated = await streamPost(uri, body, {
        headers: { 'X-Mock-Content': CONTENT, 'X-Mock-Tokens-Per-Second': '100' },
      });
      expect(generated.status).toBe(200);
      const types = events(generated.text).map((e) => /^event: (\S+)/.exec(e)?.[1]);
      expect(types[0]).toBe('message_start');
      expect(types).toContain('content_block_start');
      expect(types.filter((t) => t === 'content_block_delta')).toHaveLength(TOKENS.length);
      expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
      expect(generated.text).not.toContain('"error"');
      const text = dataOf(generated.text)
        .map((d) => (d.delta as { text?: string } | undefined)?.text ?? '')
        .join('');
      expect(text).toBe(CONTENT);
    } finally {
      await relay.close();
    }
  });

  it('(8) back-pressure: a client that stops reading stops the upstream read too', async () => {
    // A 24 MB fixture stream of 240 events of 100 kB each, through a relay that counts the bytes
    // the mock managed to hand over. The client stalls after its first chunk: if the gateway kept
    // reading from the LLM regardless, the whole stream would flow into its memory.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-big-sse-'));
    fs.mkdirSync(path.join(dir, 'big'));
    const piece = 'x'.repeat(100_000);
    const eventText = (i: number) =>
      `data: ${JSON.stringify({ id: `e${i}`, choices: [{ index: 0, delta: { content: piece } }] })}\n\n`;
    const fixture = Buffer.from(
      `${Array.from({ length: 240 }, (_, i) => eventText(i)).join('')}data: [DONE]\n\n`,
    );
    fs.writeFileSync(path.join(dir, 'big/stream.sse'), fixture);
    const big = await startMockLlm({ name: 'big', fixturesDir: dir });
    const relay = await TapRelay.start(big.port);
    relay.keepChunks = false;
    try {
      const uri = await route(multi(`${relay.url}/v1/chat/completions`));
      let release: () => void = () => undefined;
      const stalled = new Promise<void>((resolve) => (release = resolve));
      const done = streamPost(
        uri,
        { messages: MESSAGES, stream: true },
        { headers: { 'X-AI-Fixture': 'big/stream.sse' }, stallUntil: stalled },
      );
      // Wait until the bytes the mock hands over stop growing (kernel buffers full on every hop).
      let last = -1;
      let stableSince = Date.now();
      const plateau = await waitFor(
        'the upstream read to stall',
        () => {
          const now = relay.bytesFromUpstream;
          if (now !== last) {
            last = now;
            stableSince = Date.now();
            return undefined;
          }
          return Date.now() - stableSince > 500 && now > 0 ? now : undefined;
        },
        15_000,
        50,
      );
      release();
      const res = await done;
      report(
        `[ai-streaming] back-pressure: the upstream stalled after ${(plateau / 1e6).toFixed(1)} MB ` +
          `of ${(fixture.length / 1e6).toFixed(1)} MB while the client was not reading`,
      );
      expect(plateau).toBeLessThan(fixture.length * 0.6);
      expect(res.status).toBe(200);
      expect(res.body.length).toBe(fixture.length);
      expect(res.body.equals(fixture)).toBe(true);
    } finally {
      await relay.close();
      await big.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
