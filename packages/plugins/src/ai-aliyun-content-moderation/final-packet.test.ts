import { annotateFinalChunk } from './final-packet';

const annotate = (protocol: string, text: string, level = 'high') =>
  annotateFinalChunk(protocol, Buffer.from(text), level, 'gpt-4o').toString();

describe('annotateFinalChunk', () => {
  it('OpenAI chat: risk_level on every data event, [DONE] left, events joined with "\\n"', () => {
    const out = annotate(
      'openai-chat',
      'data: {"choices":[],"usage":{"total_tokens":3}}\n\ndata: {"choices":[{"delta":{}}]}\n\ndata: [DONE]\n\n',
    );
    expect(out).toBe(
      'data: {"choices":[],"usage":{"total_tokens":3},"risk_level":"high"}\n\n' +
        '\ndata: {"choices":[{"delta":{}}],"risk_level":"high"}\n\n' +
        '\ndata: [DONE]\n\n',
    );
  });

  it('OpenAI chat: a final chunk of only [DONE] gets a carrier chunk before it', () => {
    const out = annotate('openai-chat', 'data: [DONE]\n\n', 'none');
    const [carrier, done] = out.split('\n\n\n');
    const data = JSON.parse((carrier ?? '').replace(/^data: /, '')) as Record<string, unknown>;
    expect(data).toMatchObject({
      object: 'chat.completion.chunk',
      model: 'gpt-4o',
      choices: [],
      risk_level: 'none',
    });
    expect(done).toBe('data: [DONE]\n\n');
  });

  it('leaves a data event that is not a JSON object alone (AWS test 32)', () => {
    expect(annotate('openai-chat', 'data: 12345\n\ndata: {"a":1}\n\n')).toBe(
      'data: 12345\n\n\ndata: {"a":1,"risk_level":"high"}\n\n',
    );
  });

  it('Anthropic: content_block_delta and message_delta only', () => {
    const out = annotate(
      'anthropic-messages',
      'event: content_block_stop\ndata: {"type":"content_block_stop"}\n\n' +
        'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"}}\n\n' +
        'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    );
    expect(out).toContain('event: content_block_stop\ndata: {"type":"content_block_stop"}\n\n');
    expect(out).toContain(
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"risk_level":"high"}',
    );
    expect(out).toContain('event: message_stop\ndata: {"type":"message_stop"}\n\n');
  });

  it('Responses API: response.completed only', () => {
    const out = annotate(
      'openai-responses',
      'event: response.output_text.done\ndata: {"type":"response.output_text.done"}\n\n' +
        'event: response.completed\ndata: {"type":"response.completed","response":{}}\n\n',
    );
    expect(out).toBe(
      'event: response.output_text.done\ndata: {"type":"response.output_text.done"}\n\n' +
        '\nevent: response.completed\ndata: {"type":"response.completed","response":{},"risk_level":"high"}\n\n',
    );
  });
});
