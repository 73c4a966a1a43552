import { isGatewayError } from '@tollgate/core';
import {
  createSseParser,
  formatSseError,
  formatStreamError,
  nextEventEnd,
  SSE_MAX_CARRY_BYTES,
  type SseEvent,
} from './sse';

function parseAll(chunks: (string | Buffer)[], end = true): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createSseParser((e) => events.push(e));
  for (const c of chunks) parser.push(c);
  if (end) parser.end();
  return events;
}

const STREAM =
  ': comment to ignore\n' +
  'data: {"a":1}\n\n' +
  'event: message_start\ndata:{"b":"é日本"}\nid: 7\n\n' +
  'data: line one\ndata: line two\ndata:\n\n' +
  'event: custom\n\n' +
  ':only a comment\n\n' +
  'retry: 3000\ndata:  two leading spaces\n\n' +
  'data: [DONE]\n\n';

const EXPECTED: SseEvent[] = [
  { event: 'message', data: '{"a":1}' },
  { event: 'message_start', data: '{"b":"é日本"}', id: '7' },
  { event: 'message', data: 'line one\nline two\n' },
  { event: 'custom', data: '' },
  { event: 'message', data: ' two leading spaces', retry: 3000 },
  { event: 'message', data: '[DONE]' },
];

describe('createSseParser', () => {
  it('parses fields, multi-line data, comments, default event type', () => {
    expect(parseAll([STREAM])).toEqual(EXPECTED);
  });

  it('gives the same events when split at every byte position', () => {
    const bytes = Buffer.from(STREAM, 'utf8');
    for (let i = 1; i < bytes.length; i++) {
      expect(parseAll([bytes.subarray(0, i), bytes.subarray(i)])).toEqual(EXPECTED);
    }
  });

  it('gives the same events when fed one byte at a time', () => {
    const bytes = Buffer.from(STREAM, 'utf8');
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    expect(parseAll(chunks)).toEqual(EXPECTED);
  });

  it.each([
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('handles %s line endings, also split inside the terminator', (_name, eol) => {
    const stream = STREAM.replace(/\n/g, eol);
    expect(parseAll([stream])).toEqual(EXPECTED);
    const bytes = Buffer.from(stream, 'utf8');
    for (let i = 1; i < bytes.length; i++) {
      expect(parseAll([bytes.subarray(0, i), bytes.subarray(i)])).toEqual(EXPECTED);
    }
  });

  it('handles mixed line endings', () => {
    expect(parseAll(['data: a\r\n\ndata: b\n\r\ndata: c\r\rdata: d\r\n\r\n'])).toEqual([
      { event: 'message', data: 'a' },
      { event: 'message', data: 'b' },
      { event: 'message', data: 'c' },
      { event: 'message', data: 'd' },
    ]);
  });

  it('dispatches only complete events until end()', () => {
    const events: SseEvent[] = [];
    const parser = createSseParser((e) => events.push(e));
    parser.push('data: one\n\ndata: tw');
    expect(events).toHaveLength(1);
    parser.push('o\n');
    expect(events).toHaveLength(1);
    parser.push('\n');
    expect(events.map((e) => e.data)).toEqual(['one', 'two']);
  });

  it('end() flushes an event missing only its blank line', () => {
    expect(parseAll(['data: [DONE]\n'])).toEqual([{ event: 'message', data: '[DONE]' }]);
    expect(parseAll(['data: [DONE]'])).toEqual([{ event: 'message', data: '[DONE]' }]);
    expect(parseAll(['data: x\n'], false)).toEqual([]);
    expect(parseAll([': just a comment'])).toEqual([]);
  });

  it('treats a line without a colon as a field with an empty value; ignores unknown fields', () => {
    expect(parseAll(['data\nfoo: bar\n\n'])).toEqual([{ event: 'message', data: '' }]);
  });

  it('does not keep a reference to the pushed buffer', () => {
    const events: SseEvent[] = [];
    const parser = createSseParser((e) => events.push(e));
    const buf = Buffer.from('data: abc');
    parser.push(buf);
    buf.fill(0x7a);
    parser.push('\n\n');
    expect(events).toEqual([{ event: 'message', data: 'abc' }]);
  });

  describe('carry-over cap', () => {
    it('is 1 MiB by default', () => {
      expect(SSE_MAX_CARRY_BYTES).toBe(1024 * 1024);
    });

    it('accepts an event of exactly the cap', () => {
      const events: SseEvent[] = [];
      const parser = createSseParser((e) => events.push(e), { maxCarryBytes: 16 });
      parser.push('data: 0123456789'); // 16 bytes pending
      parser.push('\n\n');
      expect(events).toEqual([{ event: 'message', data: '0123456789' }]);
    });

    it('throws a typed error, drops the event and resynchronises at the next blank line', () => {
      const events: SseEvent[] = [];
      const parser = createSseParser((e) => events.push(e), { maxCarryBytes: 32 });
      parser.push('data: ok\n\n');
      let thrown: unknown;
      try {
        parser.push('data: ' + 'x'.repeat(40));
      } catch (err) {
        thrown = err;
      }
      expect(isGatewayError(thrown) && thrown.code).toBe('TOLLGATE_ERR_SSE_EVENT_TOO_LARGE');
      parser.push('yyyy\ndata: still the dropped event\n');
      parser.push('\ndata: next\n\n');
      parser.end();
      expect(events.map((e) => e.data)).toEqual(['ok', 'next']);
    });

    it('counts complete lines of an unfinished event too', () => {
      const parser = createSseParser(() => undefined, { maxCarryBytes: 32 });
      parser.push('data: 0123456789\n');
      expect(() => parser.push('data: 0123456789\ndata: 0123456789\n')).toThrow(/larger than 32/);
      // Events after the dropped one in the same chunk are still delivered.
      const events: SseEvent[] = [];
      const p2 = createSseParser((e) => events.push(e), { maxCarryBytes: 32 });
      expect(() => p2.push('data: ' + 'x'.repeat(40) + '\n\ndata: after\n\n')).toThrow();
      expect(events).toEqual([{ event: 'message', data: 'after' }]);
    });
  });
});

describe('formatSseError', () => {
  it('is an OpenAI-shaped error event without [DONE]', () => {
    const frame = formatSseError('upstream reset "x"', 'stream_cut');
    expect(frame).toBe(
      'data: {"error":{"message":"upstream reset \\"x\\"","type":"stream_cut"}}\n\n',
    );
    expect(frame).not.toContain('[DONE]');
    expect(parseAll([frame])).toEqual([
      {
        event: 'message',
        data: JSON.stringify({ error: { message: 'upstream reset "x"', type: 'stream_cut' } }),
      },
    ]);
    expect(JSON.parse(formatSseError('m').slice(6))).toEqual({
      error: { message: 'm', type: 'upstream_error' },
    });
  });
});

describe('formatStreamError', () => {
  it("frames a cut in the client protocol's own error event", () => {
    expect(parseAll([formatStreamError('anthropic-messages', 'cut')])).toEqual([
      {
        event: 'error',
        data: '{"type":"error","error":{"type":"api_error","message":"cut"}}',
      },
    ]);
    const [failed] = parseAll([formatStreamError('openai-responses', 'cut')]);
    expect(failed?.event).toBe('response.failed');
    expect(JSON.parse(failed?.data ?? '')).toMatchObject({
      type: 'response.failed',
      response: { status: 'failed', error: { code: 'server_error', message: 'cut' } },
    });
    expect(formatStreamError('openai-chat', 'cut')).toBe(formatSseError('cut'));
    expect(formatStreamError(undefined, 'cut', 'gateway_error')).toBe(
      formatSseError('cut', 'gateway_error'),
    );
  });
});

describe('nextEventEnd', () => {
  const ends = (text: string): number[] => {
    const buf = Buffer.from(text);
    const out: number[] = [];
    for (let at = nextEventEnd(buf, 0); at !== -1; at = nextEventEnd(buf, at)) out.push(at);
    return out;
  };

  it('finds each blank line, whatever the line ends', () => {
    expect(ends('data: a\n\ndata: b\n\n')).toEqual([9, 18]);
    expect(ends('data: a\r\n\r\nevent: x\rdata: b\r\r')).toEqual([11, 29]);
    expect(ends('data: a\n\ndata: b')).toEqual([9]);
    expect(ends('data: a\n')).toEqual([]);
    // A stray blank line between events is an "event" of its own (the parser ignores it).
    expect(ends('data: a\n\n\ndata: b\n\n')).toEqual([9, 10, 19]);
  });
});
