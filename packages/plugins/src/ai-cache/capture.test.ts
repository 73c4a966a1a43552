import type { AiChunkVerdict, AiStreamChunk } from '@tollgate/core';
import { AnswerCapture } from './capture';
import { decodeEntry, encodeEntry, entryAge, looksLikeSse } from './entry';

const signal = new AbortController().signal;
const answer = (capture: AnswerCapture, status: number, body: string) =>
  capture.hook().onAnswer?.({ status, bytes: Buffer.from(body), text: '', signal });

function chunk(capture: AnswerCapture, bytes: string, last = false, complete = false) {
  const c: AiStreamChunk = {
    bytes: Buffer.from(bytes),
    texts: [],
    seq: 1,
    last,
    complete,
    text: '',
    signal,
  };
  return capture.hook().onChunk?.(c) as AiChunkVerdict;
}

describe('ai-cache answer capture', () => {
  it('keeps a 200 JSON answer and never changes it', async () => {
    const capture = new AnswerCapture(1024);
    expect(await answer(capture, 200, '{"id":"1"}')).toBeUndefined();
    expect(capture.result()).toEqual({ bytes: Buffer.from('{"id":"1"}'), format: 'json' });
  });

  it('drops a non-200 answer, SSE bytes outside a stream, and nothing at all', async () => {
    const created = new AnswerCapture(1024);
    await answer(created, 201, '{"id":"1"}');
    expect(created.result()).toBeUndefined();
    const mislabelled = new AnswerCapture(1024);
    await answer(mislabelled, 200, 'data: {}\n\ndata: [DONE]\n\n');
    expect(mislabelled.result()).toBeUndefined();
    expect(new AnswerCapture(1024).result()).toBeUndefined();
  });

  it('drops an answer over max_cache_body_size (0 stores nothing)', async () => {
    const small = new AnswerCapture(5);
    await answer(small, 200, '{"id":"1"}');
    expect(small.tooLarge).toBe(true);
    expect(small.result()).toBeUndefined();
    const zero = new AnswerCapture(0);
    await answer(zero, 200, '{}');
    expect(zero.result()).toBeUndefined();
  });

  it('keeps a stream that ended with its terminator, byte for byte', () => {
    const capture = new AnswerCapture(1024);
    expect(chunk(capture, 'data: {"a":1}\n\n')).toBeUndefined();
    chunk(capture, 'data: [DONE]\n\n', true, true);
    expect(capture.result()).toEqual({
      bytes: Buffer.from('data: {"a":1}\n\ndata: [DONE]\n\n'),
      format: 'sse',
    });
  });

  it('drops a stream cut short, or one that outgrew the limit', () => {
    const cut = new AnswerCapture(1024);
    chunk(cut, 'data: {"a":1}\n\n');
    chunk(cut, '', true, false);
    expect(cut.result()).toBeUndefined();
    const unfinished = new AnswerCapture(1024);
    chunk(unfinished, 'data: {"a":1}\n\n');
    expect(unfinished.result()).toBeUndefined();
    const big = new AnswerCapture(20);
    chunk(big, 'data: {"a":1}\n\n');
    chunk(big, 'data: [DONE]\n\n', true, true);
    expect(big.result()).toBeUndefined();
  });
});

describe('ai-cache entry (APISIX envelope)', () => {
  it('round-trips body, age and format', () => {
    const raw = encodeEntry(Buffer.from('data: [DONE]\n\n'), 'sse', 1000);
    expect(JSON.parse(raw ?? '')).toEqual({
      body: 'data: [DONE]\n\n',
      created_at: 1000,
      format: 'sse',
    });
    const entry = decodeEntry(Buffer.from(raw ?? ''));
    expect(entry).toEqual({ body: 'data: [DONE]\n\n', createdAt: 1000, format: 'sse' });
    expect(entry && entryAge(entry, 1007.9)).toBe(7);
    expect(entry && entryAge(entry, 990)).toBe(0);
  });

  it('reads an APISIX entry without format as JSON; refuses malformed ones and non-text bodies', () => {
    expect(decodeEntry(Buffer.from('{"body":"{}","created_at":5}'))).toEqual({
      body: '{}',
      createdAt: 5,
      format: 'json',
    });
    for (const bad of ['not json', '[]', '{"body":1}', '{"body":""}', 'null']) {
      expect(decodeEntry(Buffer.from(bad))).toBeUndefined();
    }
    expect(encodeEntry(Buffer.from([0xff, 0xfe]), 'json', 1)).toBeUndefined();
  });

  it('recognises SSE openings', () => {
    for (const text of ['data: {}', 'event: x', ': ping', '  id: 1', 'retry: 5']) {
      expect(looksLikeSse(Buffer.from(text))).toBe(true);
    }
    expect(looksLikeSse(Buffer.from('{"data":1}'))).toBe(false);
  });
});
