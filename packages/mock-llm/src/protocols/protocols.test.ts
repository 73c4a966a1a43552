import { DEFAULT_BEHAVIOUR } from '../behaviour';
import type { Behaviour } from '../types';
import { anthropicMessages } from './anthropic-messages';
import type { Protocol, Reply } from './common';
import { protocolFor } from './index';
import { openAiChat } from './openai-chat';
import { embeddingFor, openAiEmbeddings, toBase64 } from './openai-embeddings';
import { openAiResponses } from './openai-responses';

const B = {
  model: 'gpt-4',
  messages: [
    { role: 'system', content: 'You are a mathematician' },
    { role: 'user', content: 'What is 1+1?' },
  ],
};

function run(p: Protocol, body: Record<string, unknown>, b: Partial<Behaviour> = {}): Reply {
  return p.reply({ name: 'a', behaviour: { ...DEFAULT_BEHAVIOUR, ...b }, body });
}

function json(reply: Reply): any {
  if (reply.kind !== 'json') throw new Error('expected json');
  return JSON.parse(reply.body);
}

/** [event name, parsed data] of every event; `[DONE]` stays a string. */
function events(reply: Reply): [string | undefined, any][] {
  if (reply.kind !== 'sse') throw new Error('expected sse');
  return reply.events.map(({ text: raw }) => {
    const text = raw.toString();
    expect(text.endsWith('\n\n')).toBe(true);
    const event = /^event: (.*)$/m.exec(text)?.[1];
    const data = /^data: (.*)$/m.exec(text)?.[1] ?? '';
    return [event, data === '[DONE]' ? data : JSON.parse(data)];
  });
}

describe('protocolFor', () => {
  it.each([
    ['/v1/chat/completions', 'openai-chat'],
    ['/compatible-mode/v1/chat/completions', 'openai-chat'],
    ['/chat/completions', 'openai-chat'],
    ['/v1/embeddings', 'openai-embeddings'],
    ['/v1/responses', 'openai-responses'],
    ['/v1/messages', 'anthropic-messages'],
  ])('POST %s → %s', (path, name) => {
    expect(protocolFor('POST', path)?.name).toBe(name);
  });

  it('only answers POST, and not other paths', () => {
    expect(protocolFor('GET', '/v1/chat/completions')).toBeUndefined();
    expect(protocolFor('POST', '/status_200')).toBeUndefined();
  });
});

describe('openai chat', () => {
  it('answers a chat.completion with estimated usage', () => {
    const body = json(run(openAiChat, B));
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello from a: What is 1+1?' },
          finish_reason: 'stop',
        },
      ],
      // (23 + 12) chars / 4 → 9; 26 chars of answer → 7 pieces.
      usage: { prompt_tokens: 9, completion_tokens: 7, total_tokens: 16 },
    });
    expect(body.id).toMatch(/^chatcmpl-/);
    expect(typeof body.created).toBe('number');
  });

  it('honours content, usage, model and omitUsage', () => {
    const body = json(
      run(openAiChat, B, { content: 'x', usage: { prompt: 23, completion: 8 }, model: 'm2' }),
    );
    expect(body.model).toBe('m2');
    expect(body.choices[0].message.content).toBe('x');
    expect(body.usage).toEqual({ prompt_tokens: 23, completion_tokens: 8, total_tokens: 31 });
    expect(json(run(openAiChat, B, { omitUsage: true })).usage).toBeUndefined();
  });

  it('streams chunks, one per piece, then [DONE]; no usage chunk unless asked', () => {
    const evs = events(run(openAiChat, { ...B, stream: true }, { content: 'Hello world' }));
    const datas = evs.map(([, d]) => d);
    expect(datas[0].choices[0].delta).toMatchObject({ role: 'assistant', content: '' });
    expect(datas.slice(1, 4).map((d) => d.choices[0].delta.content)).toEqual([
      'Hell',
      'o wo',
      'rld',
    ]);
    expect(datas[4].choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(datas[5]).toBe('[DONE]');
    expect(datas).toHaveLength(6);
    expect(datas.some((d) => d !== '[DONE]' && 'usage' in d)).toBe(false);
  });

  it('adds the usage chunk with include_usage (usage null elsewhere)', () => {
    const body = { ...B, stream: true, stream_options: { include_usage: true } };
    const datas = events(run(openAiChat, body, { usage: { prompt: 23, completion: 8 } })).map(
      ([, d]) => d,
    );
    const usageChunk = datas[datas.length - 2];
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toEqual({ prompt_tokens: 23, completion_tokens: 8, total_tokens: 31 });
    expect(datas[0].usage).toBeNull();
    expect(datas[datas.length - 1]).toBe('[DONE]');
    const omitted = events(run(openAiChat, body, { omitUsage: true })).map(([, d]) => d);
    expect(omitted.some((d) => d !== '[DONE]' && d.usage)).toBe(false);
  });

  it('marks content chunks as tokens for pacing', () => {
    const reply = run(openAiChat, { ...B, stream: true }, { content: 'abcdefgh' });
    if (reply.kind !== 'sse') throw new Error('expected sse');
    expect(reply.events.map((e) => e.token === true)).toEqual([false, true, true, false, false]);
  });

  it('requires messages', () => {
    expect(openAiChat.invalid({})).toEqual({
      message: "Missing required parameter: 'messages'.",
      param: 'messages',
      code: 'missing_required_parameter',
    });
    expect(openAiChat.invalid(B)).toBeUndefined();
  });
});

describe('anthropic messages', () => {
  const body = {
    model: 'claude-x',
    system: 'sys',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hey' }] }],
  };

  it('answers a message with input/output tokens', () => {
    expect(json(run(anthropicMessages, body))).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-x',
      content: [{ type: 'text', text: 'Hello from a: hey' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 2, output_tokens: 5 },
    });
  });

  it('streams the typed events with usage in message_start and message_delta', () => {
    const evs = events(
      run(anthropicMessages, { ...body, stream: true }, { usage: { prompt: 23, completion: 8 } }),
    );
    expect(evs.map(([e]) => e)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      ...Array(5).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    for (const [e, d] of evs) expect(d.type).toBe(e);
    expect(evs[0]?.[1].message.usage).toEqual({ input_tokens: 23, output_tokens: 1 });
    expect(evs[3]?.[1].delta).toEqual({ type: 'text_delta', text: 'Hell' });
    expect(evs[9]?.[1]).toMatchObject({
      delta: { stop_reason: 'end_turn' },
      usage: { output_tokens: 8 },
    });
  });

  it('leaves usage out with omitUsage, and uses its own error envelope', () => {
    const evs = events(run(anthropicMessages, { ...body, stream: true }, { omitUsage: true }));
    expect(evs.some(([, d]) => d.usage || d.message?.usage)).toBe(false);
    expect(JSON.parse(anthropicMessages.errorBody(529, { message: 'busy' }))).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'busy' },
    });
  });
});

describe('openai responses', () => {
  it('answers a response object', () => {
    const body = json(
      run(openAiResponses, { model: 'gpt-4.1', input: 'hello', instructions: 'be nice' }),
    );
    expect(body).toMatchObject({
      object: 'response',
      status: 'completed',
      model: 'gpt-4.1',
      output: [
        {
          type: 'message',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Hello from a: hello' }],
        },
      ],
      // 'be nice' + 'hello' = 12 chars → 3 tokens.
      usage: { input_tokens: 3, output_tokens: 5, total_tokens: 8 },
    });
  });

  it('streams deltas and response.completed with usage', () => {
    const evs = events(
      run(openAiResponses, { input: [{ role: 'user', content: 'hi' }], stream: true }),
    );
    const names = evs.map(([e]) => e);
    expect(names[0]).toBe('response.created');
    expect(names[names.length - 1]).toBe('response.completed');
    const text = evs
      .filter(([e]) => e === 'response.output_text.delta')
      .map(([, d]) => d.delta)
      .join('');
    expect(text).toBe('Hello from a: hi');
    expect(evs.map(([, d]) => d.sequence_number)).toEqual(evs.map((_, i) => i));
    expect(evs[evs.length - 1]?.[1].response.usage).toMatchObject({
      input_tokens: 1,
      output_tokens: 4,
    });
  });
});

describe('openai embeddings', () => {
  it('returns deterministic unit vectors, one per input', () => {
    const body = json(
      run(openAiEmbeddings, { model: 'text-embedding-3-small', input: ['a', 'bb', 'a'] }),
    );
    expect(body.object).toBe('list');
    expect(body.data).toHaveLength(3);
    expect(body.data[0]).toMatchObject({ object: 'embedding', index: 0 });
    expect(body.data[0].embedding).toHaveLength(8);
    expect(body.data[0].embedding).toEqual(body.data[2].embedding);
    expect(body.data[0].embedding).not.toEqual(body.data[1].embedding);
    const norm = Math.hypot(...(body.data[0].embedding as number[]));
    expect(norm).toBeCloseTo(1, 5);
    expect(body.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
  });

  it('honours dimensions, the behaviour default and base64', () => {
    expect(embeddingFor('x', 3)).toHaveLength(3);
    expect(
      json(run(openAiEmbeddings, { input: 'x', dimensions: 4 })).data[0].embedding,
    ).toHaveLength(4);
    expect(
      json(run(openAiEmbeddings, { input: 'x' }, { embeddingDimensions: 16 })).data[0].embedding,
    ).toHaveLength(16);
    const b64 = json(run(openAiEmbeddings, { input: 'x', encoding_format: 'base64' })).data[0]
      .embedding;
    expect(b64).toBe(toBase64(embeddingFor('x', 8)));
    const floats = new Float32Array(new Uint8Array(Buffer.from(b64, 'base64')).buffer);
    expect(Array.from(floats)).toEqual(embeddingFor('x', 8));
  });

  it('validates input', () => {
    expect(openAiEmbeddings.invalid({ input: [] })).toBeDefined();
    expect(openAiEmbeddings.invalid({ input: [1, 2] })).toBeUndefined();
    expect(openAiEmbeddings.invalid({ input: [{}] })).toBeDefined();
    expect(openAiEmbeddings.invalid({ input: ['a', [1, 2]] })).toBeUndefined();
    // Token arrays hold numbers: nested lists would be joined recursively.
    expect(openAiEmbeddings.invalid({ input: [[[1]]] })).toMatchObject({ param: 'input' });
  });
});

describe('loop', () => {
  const looped = (p: Protocol, body: Record<string, unknown>) => {
    const reply = run(p, { ...body, stream: true }, { loop: true, content: 'ab cd' });
    if (reply.kind !== 'sse' || !reply.loop) throw new Error('expected a looping stream');
    return { head: events(reply), next: reply.loop };
  };

  it('chat: the text events, then the text again for ever, with no end', () => {
    const { head, next } = looped(openAiChat, B);
    expect(head.map(([, d]) => d.choices[0].delta.content)).toEqual(['', 'ab c', 'd']);
    const more = [0, 1, 2, 3].map((n) => next(n));
    expect(more.every((e) => e.token)).toBe(true);
    const text = more
      .map((e) => JSON.parse(e.text.toString().slice(6)).choices[0].delta.content)
      .join('');
    expect(text).toBe(' ab cd ab cd ab ');
    expect(head.some(([, d]) => d === '[DONE]' || d.choices[0].finish_reason)).toBe(false);
  });

  it('responses: the deltas go on with the next sequence numbers', () => {
    const { head, next } = looped(openAiResponses, { model: 'm', input: 'hi' });
    expect(head.map(([e]) => e).at(-1)).toBe('response.output_text.delta');
    const last = head.at(-1)?.[1].sequence_number as number;
    const following = JSON.parse(/^data: (.*)$/m.exec(next(0).text.toString())?.[1] ?? '');
    expect(following).toMatchObject({
      type: 'response.output_text.delta',
      sequence_number: last + 1,
      delta: ' ab ',
    });
  });

  it('anthropic: content_block_delta events, and no message_stop', () => {
    const { head, next } = looped(anthropicMessages, { ...B, max_tokens: 5 });
    expect(head.map(([e]) => e)).not.toContain('message_stop');
    expect(next(1).text).toContain('"text_delta","text":"cd a"');
  });

  it('leaves JSON answers alone', () => {
    expect(json(run(openAiChat, B, { loop: true, content: 'x' })).choices[0].message.content).toBe(
      'x',
    );
  });
});
