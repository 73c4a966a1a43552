import { createAwsEventStreamParser, encodeEventStreamMessage } from '../transport/aws-eventstream';
import type { StreamEventResult } from './types';
import { bedrockConverse } from './bedrock-converse';

const frame = (type: string, payload: unknown) =>
  encodeEventStreamMessage(
    { ':event-type': type, ':message-type': 'event' },
    JSON.stringify(payload),
  );

describe('bedrock-converse stream reader (ConverseStream via the event-stream decoder)', () => {
  it('reads text deltas, tool use, and usage from the metadata event (the terminator)', () => {
    const reader = bedrockConverse.createStreamReader();
    const results: StreamEventResult[] = [];
    const parser = createAwsEventStreamParser((ev) => results.push(reader.onEvent(ev)));
    const bytes = Buffer.concat([
      frame('messageStart', { role: 'assistant' }),
      frame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hi ' } }),
      frame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'there' } }),
      frame('contentBlockStart', {
        contentBlockIndex: 1,
        start: { toolUse: { toolUseId: 't', name: 'f' } },
      }),
      frame('messageStop', { stopReason: 'end_turn' }),
      frame('metadata', { usage: { inputTokens: 11, outputTokens: 7, totalTokens: 18 } }),
    ]);
    parser.push(bytes.subarray(0, 50));
    parser.push(bytes.subarray(50));
    expect(
      results
        .map((r) => r.text)
        .filter(Boolean)
        .join(''),
    ).toBe('Hi there');
    expect(results.filter((r) => r.toolCalls === 1)).toHaveLength(1);
    const last = results[results.length - 1];
    expect(last).toEqual({
      usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
      raw: { inputTokens: 11, outputTokens: 7, totalTokens: 18 },
      done: true,
    });
    expect(results.slice(0, -1).some((r) => r.done)).toBe(false);
  });

  it('ignores events that are not JSON', () => {
    expect(bedrockConverse.createStreamReader().onEvent({ event: 'metadata', data: 'x' })).toEqual(
      {},
    );
  });
});
