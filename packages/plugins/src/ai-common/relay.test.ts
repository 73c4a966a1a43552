import http from 'node:http';
import net from 'node:net';
import type { AiUpstreamResponse } from '@tollgate/ai';
import { AiContext, RequestContext } from '@tollgate/core';
import { relayAnswer, type RelayResult } from './relay';
import { transportSettings } from './settings';

function context(): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.headers = {};
  req.url = '/v1/chat/completions';
  req.method = 'POST';
  const ctx = new RequestContext(req, new http.ServerResponse(req));
  ctx.ai = new AiContext();
  ctx.ai.protocol = 'openai-chat';
  return ctx;
}

/** Capture what the relay writes to the client. */
function capture(ctx: RequestContext): string[] {
  const written: string[] = [];
  const res = ctx.response.res;
  res.write = ((chunk: Buffer) => {
    written.push(chunk.toString());
    return true;
  }) as typeof res.write;
  res.end = ((chunk?: Buffer) => {
    if (chunk) written.push(chunk.toString());
    return res;
  }) as typeof res.end;
  return written;
}

function upstream(
  chunks: string[],
  contentType = 'text/event-stream',
): AiUpstreamResponse & { aborted: boolean } {
  const res = {
    status: 200,
    headers: { 'content-type': contentType },
    aborted: false,
    body: (async function* () {
      for (const c of chunks) {
        await Promise.resolve();
        yield Buffer.from(c);
      }
    })(),
    abort: () => {
      res.aborted = true;
    },
    receivedAt: Date.now(),
    ttfbMs: 1,
  };
  return res;
}

const event = (content: string) =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`;

/**
 * Relay, then end the response as the proxy plugins do once settled (a whole answer's body and a
 * stream's last event are held for it).
 */
async function relayAndEnd(
  ctx: RequestContext,
  up: AiUpstreamResponse,
  settings = transportSettings({}),
): Promise<RelayResult> {
  const result = await relayAnswer(ctx, up, settings, performance.now());
  if (result.sent) ctx.response.end();
  return result;
}

describe('relayAnswer, streams over max_response_bytes', () => {
  it('answers 502 without sending a head when the first chunk is already over the limit', async () => {
    const ctx = context();
    const up = upstream([event('a long first chunk'), 'data: [DONE]\n\n']);
    const result = await relayAnswer(
      ctx,
      up,
      transportSettings({ max_response_bytes: 10 }),
      performance.now(),
    );
    expect(result).toEqual({ sent: false, status: 502, message: 'max_response_bytes exceeded' });
    expect(ctx.response.headersSent).toBe(false);
    expect(up.aborted).toBe(true);
  });

  it('truncates with an SSE error event once some bytes went out', async () => {
    const ctx = context();
    const first = event('ok');
    const up = upstream([first, event('x'.repeat(100)), 'data: [DONE]\n\n']);
    const written = capture(ctx);
    const result = await relayAndEnd(
      ctx,
      up,
      transportSettings({ max_response_bytes: first.length + 10 }),
    );
    expect(result).toEqual({ sent: true });
    expect(ctx.response.status).toBe(200);
    expect(written[0]).toBe(first);
    expect(written.join('')).toContain('max_response_bytes exceeded');
    expect(written.join('')).not.toContain('[DONE]');
    expect(ctx.ai?.streamCut).toBe(true);
  });
});

describe('relayAnswer, response hooks', () => {
  const relay = relayAndEnd;

  it('hands hooks whole events only, with their text deltas, and the whole text on the last chunk', async () => {
    const ctx = context();
    const seen: {
      bytes: string;
      texts: readonly string[];
      seq: number;
      last: boolean;
      text: string;
    }[] = [];
    ctx.ai?.responseHooks.push({
      plugin: 'spy',
      onChunk: ({ bytes, texts, seq, last, complete, text }) => {
        seen.push({ bytes: bytes.toString(), texts, seq, last, text });
        if (last) expect(complete).toBe(true);
        return undefined;
      },
    });
    const whole = event('Hel') + event('lo') + 'data: [DONE]\n\n';
    // Cut mid-event, so the relay must hold the tail until the event ends.
    const up = upstream([whole.slice(0, 10), whole.slice(10, 70), whole.slice(70)]);
    const written = capture(ctx);
    await relay(ctx, up);
    expect(written.join('')).toBe(whole);
    for (const chunk of seen) expect(chunk.bytes.endsWith('\n\n')).toBe(true);
    expect(seen.flatMap((c) => c.texts)).toEqual(['Hel', 'lo']);
    expect(seen.map((c) => c.seq)).toEqual(seen.map((_, i) => i + 1));
    expect(seen.filter((c) => c.last)).toHaveLength(1);
    expect(seen.at(-1)).toMatchObject({ last: true, text: 'Hello' });
  });

  it('sends what a hook replaced a chunk with, and ends the stream where a hook ends it', async () => {
    const ctx = context();
    ctx.ai?.responseHooks.push({
      plugin: 'upper',
      onChunk: ({ bytes }) => ({ replace: Buffer.from(bytes.toString().toUpperCase()) }),
    });
    ctx.ai?.responseHooks.push({
      plugin: 'stopper',
      onChunk: ({ texts }) =>
        texts.includes('bad') ? { end: Buffer.from('data: denied\n\n') } : undefined,
    });
    const up = upstream([event('ok'), event('bad'), event('never'), 'data: [DONE]\n\n']);
    const written = capture(ctx);
    expect(await relay(ctx, up)).toEqual({ sent: true });
    const out = written.join('');
    expect(out).toContain('"OK"');
    expect(out.endsWith('data: denied\n\n')).toBe(true);
    expect(out).not.toContain('never');
    expect(out).not.toContain('upstream closed');
    expect(up.aborted).toBe(true);
  });

  it('a hook that throws ends the stream with an error event (fails closed)', async () => {
    const ctx = context();
    ctx.ai?.responseHooks.push({
      plugin: 'broken',
      onChunk: () => {
        throw new Error('bug');
      },
    });
    const written = capture(ctx);
    await relay(ctx, upstream([event('secret'), 'data: [DONE]\n\n']));
    const out = written.join('');
    expect(out).not.toContain('secret');
    expect(out).toContain('content check failed');
  });

  it('ai.endStream ends a stream between chunks with the given bytes', async () => {
    const ctx = context();
    let release: () => void = () => undefined;
    const stalled = new Promise<void>((resolve) => {
      release = resolve;
    });
    const up: AiUpstreamResponse & { aborted: boolean } = {
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      aborted: false,
      body: (async function* () {
        yield Buffer.from(event('first'));
        await stalled;
        throw new Error('aborted');
      })(),
      abort: () => {
        up.aborted = true;
        release();
      },
      receivedAt: Date.now(),
      ttfbMs: 1,
    };
    const written = capture(ctx);
    const relayed = relay(ctx, up);
    await new Promise((resolve) => setImmediate(resolve));
    ctx.ai?.endStream?.(Buffer.from('data: cut\n\n'));
    expect(await relayed).toEqual({ sent: true });
    expect(written.join('')).toBe(`${event('first')}data: cut\n\n`);
    expect(up.aborted).toBe(true);
    expect(ctx.ai?.endStream).toBeUndefined();
  });

  it('passes a whole answer through onAnswer: replace, then deny stops the chain', async () => {
    const ctx = context();
    const answer = JSON.stringify({ choices: [{ message: { content: 'raw answer' } }] });
    const texts: string[] = [];
    ctx.ai?.responseHooks.push({
      plugin: 'rewrite',
      onAnswer: ({ text }) => {
        texts.push(text);
        return {
          replace: Buffer.from(JSON.stringify({ choices: [{ message: { content: 'new' } }] })),
        };
      },
    });
    ctx.ai?.responseHooks.push({
      plugin: 'deny',
      onAnswer: ({ text }) => {
        texts.push(text);
        return {
          deny: { status: 403, contentType: 'application/json', body: Buffer.from('{"no":1}') },
        };
      },
    });
    ctx.ai?.responseHooks.push({
      plugin: 'unreached',
      onAnswer: () => {
        throw new Error('must not run');
      },
    });
    const written = capture(ctx);
    await relay(ctx, upstream([answer], 'application/json'));
    expect(texts).toEqual(['raw answer', 'new']);
    expect(ctx.response.status).toBe(403);
    expect(ctx.response.headers['content-type']).toBe('application/json');
    expect(written.join('')).toBe('{"no":1}');
    expect(ctx.response.headers['content-length']).toBe(8);
  });
});

describe('relayAnswer, a whole answer', () => {
  const relay = relayAndEnd;
  const answer = JSON.stringify({
    choices: [{ message: { content: 'héllo' } }],
    usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
  });

  it('goes with its length, not chunked (an HTTP/1.0 keep-alive client keeps its connection)', async () => {
    const ctx = context();
    const written = capture(ctx);
    await relay(ctx, upstream([answer.slice(0, 20), answer.slice(20)], 'application/json'));
    expect(written.join('')).toBe(answer);
    expect(ctx.response.headers['content-length']).toBe(Buffer.byteLength(answer));
    expect(ctx.ai?.usage?.total_tokens).toBe(4);
  });

  it('is held for the end, which the caller sends once settled: a client reading by the length must not have it before', async () => {
    const ctx = context();
    const written = capture(ctx);
    const result = await relayAnswer(
      ctx,
      upstream([answer], 'application/json'),
      transportSettings({}),
      performance.now(),
    );
    expect(result).toEqual({ sent: true });
    expect(written).toEqual([]);
    // Known before the end, for the settlers: the usage, and the bytes the client will get.
    expect(ctx.ai?.usage?.total_tokens).toBe(4);
    expect(ctx.response.bytesSent).toBe(Buffer.byteLength(answer));
    ctx.response.end();
    expect(written).toEqual([answer]);
  });

  it("reads the answer's text only when it has no usage or payloads are logged (issue 14)", async () => {
    const withUsage = context();
    capture(withUsage);
    await relay(withUsage, upstream([answer], 'application/json'));
    expect(withUsage.ai?.completionChars).toBe(0);
    expect(withUsage.ai?.responseText).toBeUndefined();

    const withoutUsage = context();
    capture(withoutUsage);
    const bare = JSON.stringify({ choices: [{ message: { content: 'héllo' } }] });
    await relay(withoutUsage, upstream([bare], 'application/json'));
    expect(withoutUsage.ai?.completionChars).toBe('héllo'.length);
    expect(withoutUsage.ai?.usage).toBeUndefined();

    const logged = context();
    capture(logged);
    const settings = transportSettings({ logging: { payloads: true } });
    await relay(logged, upstream([answer], 'application/json'), settings);
    expect(logged.ai?.responseText).toBe('héllo');
    expect(logged.ai?.usage?.total_tokens).toBe(4);
  });

  it('a 204 from the LLM goes without a length (RFC 9110 forbids one)', async () => {
    const ctx = context();
    capture(ctx);
    const empty = { ...upstream([], 'application/json'), status: 204 };
    await relay(ctx, empty);
    expect(ctx.response.status).toBe(204);
    expect(ctx.response.headers).not.toHaveProperty('content-length');
  });
});

/** An upstream whose body yields `chunks` and then fails (a connection cut mid-stream). */
function cutUpstream(chunks: string[]): AiUpstreamResponse {
  return {
    status: 200,
    headers: { 'content-type': 'text/event-stream' },
    body: (async function* () {
      for (const c of chunks) {
        await Promise.resolve();
        yield Buffer.from(c);
      }
      throw new Error('other side closed');
    })(),
    abort: () => undefined,
    receivedAt: Date.now(),
    ttfbMs: 1,
  };
}

describe("relayAnswer, a cut stream ends with the client protocol's error event (D4)", () => {
  const relay = relayAndEnd;

  it("openai-chat keeps OpenAI's data: {error} and sends no [DONE]", async () => {
    const ctx = context();
    const written = capture(ctx);
    await relay(ctx, cutUpstream([event('Hel')]));
    expect(written.join('')).toBe(
      `${event('Hel')}data: {"error":{"message":"upstream stream failed: other side closed","type":"upstream_error"}}\n\n`,
    );
    expect(ctx.ai?.streamCut).toBe(true);
  });

  it('anthropic-messages ends with event: error and an api_error', async () => {
    const ctx = context();
    if (ctx.ai) ctx.ai.protocol = 'anthropic-messages';
    const written = capture(ctx);
    const start =
      'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":5,"output_tokens":1}}}\n\n';
    const delta =
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}\n\n';
    await relay(ctx, cutUpstream([start, delta]));
    const out = written.join('');
    expect(out.startsWith(start + delta)).toBe(true);
    expect(out.slice((start + delta).length)).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"api_error","message":"upstream stream failed: other side closed"}}\n\n',
    );
    expect(out).not.toContain('data: {"error"');
    expect(ctx.ai?.streamCut).toBe(true);
  });

  it('openai-responses ends with response.failed, continuing the id and sequence numbers', async () => {
    const ctx = context();
    if (ctx.ai) ctx.ai.protocol = 'openai-responses';
    const written = capture(ctx);
    const created =
      'event: response.created\ndata: {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","status":"in_progress","model":"gpt-4o"}}\n\n';
    const delta =
      'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":3,"delta":"Hi"}\n\n';
    await relay(ctx, cutUpstream([created, delta]));
    const tail = written.join('').slice((created + delta).length);
    expect(tail.startsWith('event: response.failed\ndata: ')).toBe(true);
    expect(JSON.parse(tail.split('\n')[1]?.slice(6) ?? '')).toMatchObject({
      type: 'response.failed',
      sequence_number: 4,
      response: {
        id: 'resp_1',
        status: 'failed',
        error: { code: 'server_error', message: 'upstream stream failed: other side closed' },
      },
    });
  });

  it('a cut in the middle of an event first ends that event, so the error event stands alone', async () => {
    const ctx = context();
    if (ctx.ai) ctx.ai.protocol = 'anthropic-messages';
    const written = capture(ctx);
    await relay(ctx, cutUpstream(['event: content_block_delta\ndata: {"type":"content_bl']));
    const out = written.join('');
    expect(out).toContain('data: {"type":"content_bl\n\nevent: error\n');
  });
});

describe('relayAnswer, the usage chunk the gateway asked for (issue 16 item 7)', () => {
  const relay = relayAndEnd;
  const usageChunk =
    'data: {"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":7,"completion_tokens":2,"total_tokens":9}}\n\n';
  const stream = event('Hel') + event('lo') + usageChunk + 'data: [DONE]\n\n';

  function chatContext(body: Record<string, unknown>): RequestContext {
    const ctx = context();
    if (ctx.ai) ctx.ai.body = { model: 'm', messages: [], stream: true, ...body };
    return ctx;
  }

  it('is recorded but not forwarded to a client that did not ask for usage, even split mid-event', async () => {
    const ctx = chatContext({});
    const written = capture(ctx);
    // Chunks that cut events anywhere, the usage chunk included.
    const cuts = [5, 40, stream.length - 30, stream.length - 8];
    const chunks = [0, ...cuts].map((at, i) => stream.slice(at, [...cuts, stream.length][i]));
    await relay(ctx, upstream(chunks));
    expect(written.join('')).toBe(event('Hel') + event('lo') + 'data: [DONE]\n\n');
    expect(ctx.ai?.usage).toEqual({ prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 });
    expect(ctx.ai?.completionChars).toBe(5);
    expect(ctx.ai?.streamCut).toBe(false);
  });

  it('is forwarded unchanged, byte for byte and chunk for chunk, to a client that asked', async () => {
    const ctx = chatContext({ stream_options: { include_usage: true } });
    const written = capture(ctx);
    const chunks = [stream.slice(0, 50), stream.slice(50)];
    await relay(ctx, upstream(chunks));
    // The terminator is cut off its chunk and goes with the end.
    expect(written).toEqual([
      chunks[0],
      stream.slice(50, -'data: [DONE]\n\n'.length),
      'data: [DONE]\n\n',
    ]);
    expect(ctx.ai?.usage).toEqual({ prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 });
  });

  it('other protocols pass through untouched', async () => {
    const ctx = chatContext({});
    if (ctx.ai) ctx.ai.protocol = 'passthrough';
    const written = capture(ctx);
    await relay(ctx, upstream([stream]));
    expect(written.join('')).toBe(stream);
  });

  it('works with response hooks too: they never see the dropped chunk', async () => {
    const ctx = chatContext({});
    const seen: string[] = [];
    ctx.ai?.responseHooks.push({
      plugin: 'spy',
      onChunk: ({ bytes }) => {
        seen.push(bytes.toString());
        return undefined;
      },
    });
    const written = capture(ctx);
    await relay(ctx, upstream([stream.slice(0, 60), stream.slice(60)]));
    expect(written.join('')).toBe(event('Hel') + event('lo') + 'data: [DONE]\n\n');
    expect(seen.join('')).not.toContain('"choices":[]');
  });

  it('a last event without its blank line is still sent (and a usage-only one still dropped)', async () => {
    const ctx = chatContext({});
    const written = capture(ctx);
    await relay(ctx, upstream([event('a'), usageChunk, 'data: [DONE]']));
    expect(written.join('')).toBe(`${event('a')}data: [DONE]`);
    expect(ctx.ai?.streamCut).toBe(false);
    // The usage chunk last, without its blank line and without [DONE]: recorded, not sent.
    const ctx2 = chatContext({});
    const written2 = capture(ctx2);
    await relay(ctx2, upstream([event('a'), usageChunk.trimEnd()]));
    expect(ctx2.ai?.usage?.total_tokens).toBe(9);
    expect(written2.join('')).not.toContain('"choices":[]');
  });
});

describe('relayAnswer, a stream counts as cut until its terminator (D5)', () => {
  it('is marked cut while in flight, so a client that leaves is charged by the log phase that runs on close', async () => {
    const ctx = context();
    const marks: boolean[] = [];
    const written = capture(ctx);
    const res = ctx.response.res;
    const write = res.write.bind(res);
    res.write = ((chunk: Buffer) => {
      marks.push(ctx.ai?.streamCut ?? false);
      return write(chunk);
    }) as typeof res.write;
    await relayAndEnd(ctx, upstream([event('a'), event('b'), 'data: [DONE]\n\n']));
    expect(written.join('')).toContain('[DONE]');
    expect(marks).toEqual([true, true]);
    expect(ctx.ai?.streamCut).toBe(false);
  });
});

describe("relayAnswer, a stream's last event waits for the end, which the caller sends once settled", () => {
  // A client that stops reading at the terminator and sends its next request at once must find
  // this one charged (a quota slice overdrawn by it revoked), as with a whole answer.
  const relay = (ctx: RequestContext, up: AiUpstreamResponse) =>
    relayAnswer(ctx, up, transportSettings({}), performance.now());

  it('sends the events before [DONE] at once, even from its own chunk, and [DONE] with the end', async () => {
    const ctx = context();
    const written = capture(ctx);
    await relay(ctx, upstream([event('a'), `${event('b')}data: [DONE]\n\n`]));
    expect(written).toEqual([event('a'), event('b')]);
    // Known before the end, for the settlers.
    expect(ctx.ai?.streamCut).toBe(false);
    expect(ctx.response.bytesSent).toBe(event('a').length + event('b').length + 14);
    ctx.response.end();
    expect(written.at(-1)).toBe('data: [DONE]\n\n');
  });

  it("holds Anthropic's message_stop and the Responses API's response.completed", async () => {
    const ev = (type: string, body: Record<string, unknown> = {}) =>
      `event: ${type}\ndata: ${JSON.stringify({ type, ...body })}\n\n`;
    const cases = [
      {
        protocol: 'anthropic-messages',
        before: ev('message_delta', { delta: { stop_reason: 'end_turn' } }),
        last: ev('message_stop'),
      },
      {
        protocol: 'openai-responses',
        before: ev('response.output_text.done', { sequence_number: 1, text: 'hi' }),
        last: ev('response.completed', {
          sequence_number: 2,
          response: { id: 'r', status: 'completed', output: [] },
        }),
      },
    ];
    for (const { protocol, before, last } of cases) {
      const ctx = context();
      if (ctx.ai) ctx.ai.protocol = protocol;
      const written = capture(ctx);
      await relay(ctx, upstream([before + last]));
      expect(written).toEqual([before]);
      expect(ctx.ai?.streamCut).toBe(false);
      ctx.response.end();
      expect(written).toEqual([before, last]);
    }
  });

  it("holds a cut stream's error event too", async () => {
    const ctx = context();
    const written = capture(ctx);
    await relay(ctx, cutUpstream([event('Hel')]));
    expect(written).toEqual([event('Hel')]);
    ctx.response.end();
    expect(written.at(-1)).toContain('upstream stream failed: other side closed');
  });

  it('holds the whole chunk that ends the stream when response hooks run', async () => {
    const ctx = context();
    ctx.ai?.responseHooks.push({ plugin: 'spy', onChunk: () => undefined });
    const written = capture(ctx);
    await relay(ctx, upstream([event('a'), `${event('b')}data: [DONE]\n\n`]));
    expect(written.join('')).toBe(event('a'));
    ctx.response.end();
    expect(written.join('')).toBe(`${event('a')}${event('b')}data: [DONE]\n\n`);
  });
});

describe('relayAnswer, text of a stream read by length or parsed (issue 14)', () => {
  const chunks = [event('Hel'), event('lo "w"'), event(''), 'data: [DONE]\n\n'];

  it('counts the text of text-only chunks without keeping it when nothing needs the text', async () => {
    const ctx = context();
    capture(ctx);
    await relayAnswer(ctx, upstream(chunks), transportSettings({}), performance.now());
    expect(ctx.ai?.completionChars).toBe('Hel'.length + 'lo "w"'.length);
    expect(ctx.ai?.responseText).toBeUndefined();
    expect(ctx.ai?.streamCut).toBe(false);
  });

  it('reads them by length, not by parsing: a chunk that is not JSON still counts its content', async () => {
    // The two readings agree on JSON; on a chunk cut short they part: the parser finds no text,
    // the length scan the content's 3 characters. So this tells which one ran.
    const cutShort = 'data: {"choices":[{"delta":{"content":"abc"}}]\n\n';
    const read = async (settings: ReturnType<typeof transportSettings>) => {
      const ctx = context();
      capture(ctx);
      await relayAnswer(ctx, upstream([cutShort, 'data: [DONE]\n\n']), settings, performance.now());
      return ctx.ai?.completionChars;
    };
    await expect(read(transportSettings({}))).resolves.toBe(3);
    await expect(read(transportSettings({ logging: { payloads: true } }))).resolves.toBe(0);
  });

  it('parses every chunk when payloads are logged: the text itself is kept', async () => {
    const ctx = context();
    capture(ctx);
    const settings = transportSettings({ logging: { payloads: true } });
    await relayAnswer(ctx, upstream(chunks), settings, performance.now());
    expect(ctx.ai?.responseText).toBe('Hello "w"');
    expect(ctx.ai?.completionChars).toBe('Hello "w"'.length);
  });
});
