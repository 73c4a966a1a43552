import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { RequestContext, type Exit } from '@tollgate/core';
import { checkPluginConf, type AiRequestRewriteConf } from '@tollgate/schema';
import { PLUGINS } from '../index';
import { aiRequestRewrite } from './index';
import { answerText } from './llm-call';

interface Seen {
  url: string;
  headers: http.IncomingHttpHeaders;
  json: Record<string, unknown>;
}

/** A scripted LLM: records requests, answers with `reply(seen)` (status, body) or hangs. */
class FakeLlm {
  readonly seen: Seen[] = [];
  closed = 0;
  reply: (seen: Seen) => { status: number; body: string } | 'hang' = (s) => ({
    status: 200,
    body: JSON.stringify({ choices: [{ message: { content: `rewritten:${userOf(s)}` } }] }),
  });
  private readonly server = http.createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => {
      const seen = { url: req.url ?? '', headers: req.headers, json: JSON.parse(text) as never };
      this.seen.push(seen);
      const answer = this.reply(seen);
      if (answer === 'hang') {
        res.on('close', () => (this.closed += 1));
        return;
      }
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body);
    });
  });

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
  }
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

function userOf(seen: Seen): string {
  const messages = seen.json.messages as { content: string }[];
  return messages[1]?.content ?? '';
}

const llm = new FakeLlm();
beforeAll(() => llm.start());
afterAll(() => llm.stop());
beforeEach(() => {
  llm.seen.length = 0;
});

function conf(over: Partial<AiRequestRewriteConf> = {}): AiRequestRewriteConf {
  const checked = checkPluginConf(
    'ai-request-rewrite',
    {
      prompt: 'some prompt',
      provider: 'openai',
      auth: { header: { Authorization: 'Bearer token' } },
      override: { endpoint: llm.url },
      ...over,
    },
    'route',
  );
  if (!checked.valid) throw new Error(checked.message);
  return checked.value as AiRequestRewriteConf;
}

function context(body?: string): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.headers = { 'content-type': 'text/plain', authorization: 'Bearer client' };
  req.url = '/anything';
  req.method = 'POST';
  if (body !== undefined) req.push(body);
  req.push(null);
  return new RequestContext(req, new http.ServerResponse(req));
}

async function run(c: AiRequestRewriteConf, ctx: RequestContext): Promise<Exit | undefined> {
  return (await aiRequestRewrite.access?.(c, ctx)) ?? undefined;
}

describe('ai-request-rewrite definition', () => {
  it('is APISIX priority 1073, access phase, in the registry', () => {
    expect(aiRequestRewrite).toMatchObject({ name: 'ai-request-rewrite', priority: 1073 });
    expect(aiRequestRewrite.access).toBeDefined();
    expect(PLUGINS.get('ai-request-rewrite')).toBe(aiRequestRewrite);
  });
});

describe('ai-request-rewrite schema (ai-request-rewrite.t TEST 1-7)', () => {
  const check = (c: unknown) => checkPluginConf('ai-request-rewrite', c, 'route');
  const auth = { header: { Authorization: 'Bearer token' } };

  it('accepts the minimal config and fills the defaults', () => {
    const r = check({ prompt: 'p', provider: 'openai', auth });
    expect(r.valid && r.value).toMatchObject({
      timeout: 30000,
      keepalive: true,
      keepalive_pool: 30,
      ssl_verify: true,
      max_req_body_size: 67108864,
    });
  });

  it.each([
    [{ provider: 'openai', auth }, 'property "prompt" is required'],
    [{ prompt: 'p', provider: 'openai' }, 'property "auth" is required'],
    [{ prompt: 'p', auth }, 'property "provider" is required'],
    [
      { prompt: 'p', provider: 'invalid-provider', auth },
      'property "provider" validation failed: matches none of the enum values',
    ],
    [
      { prompt: 'p', provider: 'openai', auth, timeout: 60001 },
      'property "timeout" validation failed: expected 60001 to be at most 60000',
    ],
  ])('refuses %j', (c, message) => {
    expect(check(c)).toEqual({ valid: false, message });
  });

  it('refuses auth keys other than header and query', () => {
    expect(check({ prompt: 'p', provider: 'openai', auth: { gcp: {} } }).valid).toBe(false);
  });

  it('needs override.endpoint for openai-compatible (check_schema)', () => {
    expect(check({ prompt: 'p', provider: 'openai-compatible', auth })).toMatchObject({
      valid: false,
      message: expect.stringContaining(
        'override.endpoint is required for openai-compatible provider',
      ) as string,
    });
    const ok = { prompt: 'p', provider: 'openai-compatible', auth, override: { endpoint: 'x' } };
    expect(check(ok).valid).toBe(true);
    expect(check({ prompt: 'p', provider: 'deepseek', auth }).valid).toBe(true);
  });
});

describe('ai-request-rewrite access', () => {
  it('sends prompt and raw body to the LLM and replaces the body with its answer', async () => {
    const ctx = context('some random content');
    expect(await run(conf(), ctx)).toBeUndefined();
    expect((await ctx.readBody(1e6)).toString()).toBe('rewritten:some random content');
    const [seen] = llm.seen;
    expect(seen?.url).toBe('/v1/chat/completions');
    expect(seen?.json).toEqual({
      messages: [
        { role: 'system', content: 'some prompt' },
        { role: 'user', content: 'some random content' },
      ],
      stream: false,
    });
    // Only the configured auth goes to the LLM, never the client's headers.
    expect(seen?.headers.authorization).toBe('Bearer token');
    expect(seen?.headers['content-type']).toBe('application/json');
  });

  it('merges options, extra keys included, into the LLM request (ai-request-rewrite2.t TEST 1)', async () => {
    await run(conf({ options: { model: 'm1', extra_option: 'extra option' } }), context('x'));
    expect(llm.seen[0]?.json).toMatchObject({ model: 'm1', extra_option: 'extra option' });
  });

  it('sends auth.query and the endpoint query (ai-request-rewrite.t TEST 10, 2.t TEST 3)', async () => {
    const c = conf({
      auth: { query: { api_key: 'apikey' } },
      override: { endpoint: `${llm.url}/v1/chat/completions?api-version=2024-10-21` },
    });
    await run(c, context('x'));
    const url = new URL(llm.seen[0]?.url ?? '', 'http://x');
    expect(url.searchParams.get('api_key')).toBe('apikey');
    expect(url.searchParams.get('api-version')).toBe('2024-10-21');
  });

  it('joins the text of every choice with a space', async () => {
    llm.reply = () => ({
      status: 200,
      body: JSON.stringify({
        choices: [{ message: { content: 'a' } }, { message: {} }, { message: { content: 'b' } }],
      }),
    });
    const ctx = context('x');
    expect(await run(conf(), ctx)).toBeUndefined();
    expect((await ctx.readBody(1e6)).toString()).toBe('a b');
  });

  it.each([
    ['a non-200 answer', { status: 401, body: 'Unauthorized' }],
    ['a 400 answer', { status: 400, body: 'Bad Request' }],
    ['an answer that is not JSON', { status: 200, body: '{"choices":' }],
    ['an answer without choices', { status: 200, body: '{"choices":[]}' }],
  ])('answers a bare 500 for %s', async (_what, answer) => {
    llm.reply = () => answer;
    const ctx = context('x');
    const out = await run(conf(), ctx);
    expect(out?.status).toBe(500);
    expect(out?.body).toContain('<h1>500 Internal Server Error</h1>');
    expect((await ctx.readBody(1e6)).toString()).toBe('x');
  });

  it('answers a bare 500 when the LLM cannot be reached', async () => {
    const out = await run(conf({ override: { endpoint: 'http://127.0.0.1:1' } }), context('x'));
    expect(out?.status).toBe(500);
  });

  it('gives up after `timeout` ms for the whole call and closes the LLM connection', async () => {
    llm.reply = () => 'hang';
    const closedBefore = llm.closed;
    const started = performance.now();
    const out = await run(conf({ timeout: 300 }), context('x'));
    expect(out?.status).toBe(500);
    expect(performance.now() - started).toBeLessThan(2000);
    await waitUntil(() => llm.closed > closedBefore);
  });

  it('aborts the LLM call when the client leaves', async () => {
    llm.reply = () => 'hang';
    const closedBefore = llm.closed;
    const ctx = context('x');
    const pending = run(conf(), ctx);
    await waitUntil(() => llm.seen.length === 1);
    ctx.response.res.destroy();
    ctx.response.res.emit('close');
    expect((await pending)?.status).toBe(500);
    await waitUntil(() => llm.closed > closedBefore);
  });

  it('answers a bare 400 without a body, and for a body over max_req_body_size', async () => {
    const empty = await run(conf(), context());
    expect(empty?.status).toBe(400);
    expect(empty?.body).toContain('400 Bad Request');
    expect((await run(conf({ max_req_body_size: 4 }), context('12345')))?.status).toBe(400);
    expect(llm.seen).toHaveLength(0);
  });

  it('refuses an LLM answer larger than max_req_body_size', async () => {
    llm.reply = () => ({
      status: 200,
      body: JSON.stringify({ choices: [{ message: { content: 'x'.repeat(100) } }] }),
    });
    expect((await run(conf({ max_req_body_size: 64 }), context('x')))?.status).toBe(500);
  });

  it('is not callable for a provider without openai-chat (bedrock)', async () => {
    expect((await run(conf({ provider: 'bedrock' }), context('x')))?.status).toBe(500);
    expect(llm.seen).toHaveLength(0);
  });

  afterEach(() => {
    llm.reply = new FakeLlm().reply;
  });
});

describe('answerText', () => {
  it('reads choices[].message.content like APISIX extract_response_text', () => {
    expect(answerText({ choices: [{ message: { content: 'x' } }] })).toBe('x');
    expect(answerText({ choices: [{ message: { content: 1 } }] })).toBe('');
    expect(answerText({ choices: [] })).toBeUndefined();
    expect(answerText({})).toBeUndefined();
    expect(answerText(null)).toBeUndefined();
  });
});

async function waitUntil(cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in 5 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}
