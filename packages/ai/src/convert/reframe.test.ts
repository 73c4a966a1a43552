import { converterFor } from './index';
import { convertResponseBody, createStreamReframer, type UpstreamDecoder } from './reframe';

const toAnthropic = converterFor('anthropic-messages', 'openai-chat');
if (!toAnthropic) throw new Error('converter missing');

describe('createStreamReframer', () => {
  it('re-frames byte chunks split mid-event, one upstream event at a time', () => {
    const r = createStreamReframer(toAnthropic, {});
    const upstream =
      'data: {"id":"c1","model":"q","choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\n' +
      'data: {"id":"c1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n' +
      'data: {"id":"c1","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}\n\n' +
      'data: [DONE]\n\n';
    const cut = upstream.indexOf('Hi') + 1;
    const first = r.push(Buffer.from(upstream.slice(0, cut))).toString();
    expect(first).toBe('');
    const rest = r.push(Buffer.from(upstream.slice(cut))).toString();
    expect(
      rest
        .split('\n\n')
        .filter(Boolean)
        .map((e) => e.split('\n')[0]),
    ).toEqual([
      'event: message_start',
      'event: content_block_start',
      'event: content_block_delta',
      'event: content_block_stop',
      'event: message_delta',
      'event: message_stop',
    ]);
    expect(r.end().length).toBe(0);
  });
  it('takes another upstream framing through a decoder (e.g. AWS event-stream)', () => {
    // A toy framing: one JSON chunk per line.
    const lines: UpstreamDecoder = (onEvent) => ({
      push: (chunk) =>
        chunk
          .toString()
          .split('\n')
          .filter(Boolean)
          .forEach((data) => onEvent({ event: 'message', data })),
      end: () => undefined,
    });
    const r = createStreamReframer(toAnthropic, {}, lines);
    const out = r
      .push(Buffer.from('{"id":"c","choices":[{"index":0,"delta":{"content":"Hi"}}]}\n'))
      .toString();
    expect(out).toContain('event: message_start');
    expect(out).toContain('"text":"Hi"');
  });
});

describe('convertResponseBody', () => {
  it('converts a success, an error, and refuses unconvertible answers with 502', () => {
    const ok = convertResponseBody(
      toAnthropic,
      200,
      Buffer.from('{"choices":[{"message":{"content":"x"},"finish_reason":"stop"}]}'),
      { model: 'm' },
    );
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body.toString())).toMatchObject({ type: 'message', model: 'm' });
    const err = convertResponseBody(
      toAnthropic,
      400,
      Buffer.from('{"error":{"message":"bad"}}'),
      {},
    );
    expect(JSON.parse(err.body.toString())).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'bad' },
    });
    const text = convertResponseBody(toAnthropic, 200, Buffer.from('plain'), {});
    expect(text.body.toString()).toBe('plain');
    const bad = convertResponseBody(
      toAnthropic,
      200,
      Buffer.from(
        '{"choices":[{"message":{"tool_calls":[{"id":"c","function":{"name":"f","arguments":"{"}}]}}]}',
      ),
      {},
    );
    expect(bad.status).toBe(502);
  });
});
