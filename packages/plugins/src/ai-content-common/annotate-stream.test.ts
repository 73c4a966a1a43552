import { annotateStreamChunk } from './annotate-stream';

const text = (b: Buffer) => b.toString('utf8');

describe('annotateStreamChunk (final_packet, APISIX ai-aws-content-moderation.t 26/31/32)', () => {
  it('TEST 31: an empty stream is annotated none and gets its [DONE]', () => {
    const out = annotateStreamChunk(
      'openai-chat',
      Buffer.from('data: {"choices":[{"delta":{"content":""}}]}\n\n'),
      { risk_level: 'none' },
      true,
    );
    expect(text(out)).toBe(
      'data: {"choices":[{"delta":{"content":""}}],"risk_level":"none"}\n\ndata: [DONE]\n\n',
    );
  });

  it('TEST 32: a data event that is not an object is left as it was', () => {
    const out = annotateStreamChunk(
      'openai-chat',
      Buffer.from('data: 12345\n\ndata: {"choices":[]}\n\ndata: [DONE]\n\n'),
      { risk_level: 'none' },
      true,
    );
    expect(text(out)).toBe(
      'data: 12345\n\ndata: {"choices":[],"risk_level":"none"}\n\ndata: [DONE]\n\n',
    );
  });

  it('without a verdict only the terminator is added; a cut stream gets none', () => {
    const chunk = Buffer.from('data: {"choices":[]}\n\n');
    expect(text(annotateStreamChunk('openai-chat', chunk, undefined, true))).toBe(
      'data: {"choices":[]}\n\ndata: [DONE]\n\n',
    );
    expect(text(annotateStreamChunk('openai-chat', chunk, { risk_level: 'high' }, false))).toBe(
      'data: {"choices":[],"risk_level":"high"}\n\n',
    );
  });

  it('anthropic: content_block_delta and message_delta are annotated, message_stop ends', () => {
    const chunk = Buffer.from(
      'event: content_block_delta\ndata: {"type":"content_block_delta","delta":{"text":"x"}}\n\n' +
        'event: content_block_stop\ndata: {"type":"content_block_stop"}\n\n' +
        'event: message_delta\ndata: {"type":"message_delta"}\n\n' +
        'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    );
    expect(
      text(annotateStreamChunk('anthropic-messages', chunk, { risk_level: 'high' }, true)),
    ).toBe(
      'event: content_block_delta\ndata: {"type":"content_block_delta","delta":{"text":"x"},"risk_level":"high"}\n\n' +
        'event: content_block_stop\ndata: {"type":"content_block_stop"}\n\n' +
        'event: message_delta\ndata: {"type":"message_delta","risk_level":"high"}\n\n' +
        'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    );
  });

  it('responses: response.completed carries the verdict (typed by event line or JSON)', () => {
    const chunk = Buffer.from('data: {"type":"response.completed","response":{}}\n\n');
    expect(text(annotateStreamChunk('openai-responses', chunk, { risk_level: 'none' }, true))).toBe(
      'data: {"type":"response.completed","response":{},"risk_level":"none"}\n\n',
    );
  });

  it('protocols without rules pass unchanged', () => {
    const chunk = Buffer.from('data: {}\n\n');
    expect(annotateStreamChunk('passthrough', chunk, { risk_level: 'none' }, true)).toBe(chunk);
  });
});
