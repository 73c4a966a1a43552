import type { SseEvent } from '../sse';
import {
  EventStreamFramingError,
  createAwsEventStreamParser,
  decodeEventStreamMessage,
  encodeEventStreamMessage,
  isAwsEventStream,
} from './aws-eventstream';

const event = (type: string, payload: unknown): Buffer =>
  encodeEventStreamMessage(
    { ':event-type': type, ':content-type': 'application/json', ':message-type': 'event' },
    JSON.stringify(payload),
  );

const converseStream = (): Buffer[] => [
  event('messageStart', { role: 'assistant' }),
  event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hel' } }),
  event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'lo é' } }),
  event('contentBlockStop', { contentBlockIndex: 0 }),
  event('messageStop', { stopReason: 'end_turn' }),
  event('metadata', {
    usage: { inputTokens: 12, outputTokens: 4, totalTokens: 16 },
    metrics: { latencyMs: 5 },
  }),
];

function collect(chunks: Buffer[]): SseEvent[] {
  const out: SseEvent[] = [];
  const parser = createAwsEventStreamParser((e) => out.push(e));
  for (const c of chunks) parser.push(c);
  parser.end();
  return out;
}

describe('AWS event-stream framing', () => {
  it('round-trips a message: headers and payload', () => {
    const bytes = encodeEventStreamMessage({ ':event-type': 'metadata', x: 'é' }, '{"a":1}');
    const msg = decodeEventStreamMessage(bytes);
    expect(msg.headers).toEqual({ ':event-type': 'metadata', x: 'é' });
    expect(msg.payload.toString()).toBe('{"a":1}');
  });

  it('dispatches each message as an event named by :event-type, with the JSON payload', () => {
    const events = collect([Buffer.concat(converseStream())]);
    expect(events.map((e) => e.event)).toEqual([
      'messageStart',
      'contentBlockDelta',
      'contentBlockDelta',
      'contentBlockStop',
      'messageStop',
      'metadata',
    ]);
    expect(JSON.parse(events[5]?.data ?? '')).toMatchObject({
      usage: { inputTokens: 12, outputTokens: 4 },
    });
  });

  it('decodes the same events whatever the chunk boundaries (every split point)', () => {
    const whole = Buffer.concat(converseStream());
    const expected = collect([whole]);
    for (let i = 1; i < whole.length; i += 7) {
      expect(collect([whole.subarray(0, i), whole.subarray(i)])).toEqual(expected);
    }
    // One byte at a time.
    expect(collect([...whole].map((b) => Buffer.from([b])))).toEqual(expected);
  });

  it('holds an incomplete trailing message and drops it at end (a cut stream)', () => {
    const [first, second] = converseStream();
    const out: SseEvent[] = [];
    const parser = createAwsEventStreamParser((e) => out.push(e));
    parser.push(Buffer.concat([first as Buffer, (second as Buffer).subarray(0, 10)]));
    expect(out).toHaveLength(1);
    expect(parser.pending).toBe(10);
    parser.end();
    expect(parser.pending).toBe(0);
  });

  it('names an exception message exception:<type>', () => {
    const bytes = encodeEventStreamMessage(
      { ':message-type': 'exception', ':exception-type': 'throttlingException' },
      '{"message":"slow down"}',
    );
    expect(collect([bytes])).toEqual([
      { event: 'exception:throttlingException', data: '{"message":"slow down"}' },
    ]);
  });

  it('throws a framing error on a corrupted message and ignores input afterwards', () => {
    const bytes = Buffer.from(event('metadata', { usage: {} }));
    const at = bytes.length - 6; // a payload byte: the message CRC no longer matches
    bytes.writeUInt8((bytes.readUInt8(at) ^ 0xff) & 0xff, at);
    const out: SseEvent[] = [];
    const parser = createAwsEventStreamParser((e) => out.push(e));
    expect(() => parser.push(bytes)).toThrow(EventStreamFramingError);
    parser.push(event('metadata', {}));
    expect(out).toEqual([]);
  });

  it('refuses an impossible message length without buffering it', () => {
    const parser = createAwsEventStreamParser(() => undefined, { maxMessageBytes: 1024 });
    const head = Buffer.alloc(8);
    head.writeUInt32BE(1_000_000, 0);
    expect(() => parser.push(head)).toThrow(/message length 1000000/);
  });

  it('recognises the content type', () => {
    expect(isAwsEventStream('application/vnd.amazon.eventstream')).toBe(true);
    expect(isAwsEventStream('text/event-stream')).toBe(false);
    expect(isAwsEventStream(undefined)).toBe(false);
  });
});
