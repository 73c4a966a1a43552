import { createSseParser, type SseEvent } from '../sse';
import { getProtocol, type ProtocolName, type StreamEventResult } from './index';

/** Run a raw SSE body through the parser and a fresh reader of `protocol`. */
function read(protocol: ProtocolName, sse: string): StreamEventResult[] {
  const reader = getProtocol(protocol).createStreamReader();
  const results: StreamEventResult[] = [];
  const parser = createSseParser((ev: SseEvent) => results.push(reader.onEvent(ev)));
  parser.push(sse);
  parser.end();
  return results;
}

const text = (rs: StreamEventResult[]): string => rs.map((r) => r.text ?? '').join('');
const lastUsage = (rs: StreamEventResult[]) => rs.filter((r) => r.usage).at(-1);

describe('openai-chat stream reader', () => {
  const body = [
    'data: {"choices":[{"delta":{"role":"assistant","content":""}}],"usage":null}',
    'data: {"choices":[{"delta":{"content":"Hel"}}]}',
    'data: {"choices":[{"delta":{"content":"lo"}},{"delta":{"content":"!"}}]}',
    'data: {"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11,"prompt_tokens_details":{"cached_tokens":4}}}',
    'data: [DONE]',
    '',
  ].join('\n\n');

  it('collects delta content, usage, and [DONE]', () => {
    const rs = read('openai-chat', body);
    expect(text(rs)).toBe('Hello!');
    expect(lastUsage(rs)).toEqual({
      usage: {
        prompt_tokens: 9,
        completion_tokens: 2,
        total_tokens: 11,
        cache_read_input_tokens: 4,
      },
      raw: {
        prompt_tokens: 9,
        completion_tokens: 2,
        total_tokens: 11,
        prompt_tokens_details: { cached_tokens: 4 },
      },
      usageOnly: true,
    });
    expect(rs.at(-1)).toEqual({ done: true });
    expect(rs.filter((r) => r.done)).toHaveLength(1);
  });

  it('marks only the usage chunk with empty choices as usage-only (the one include_usage adds)', () => {
    const rs = read('openai-chat', body);
    expect(rs.map((r) => r.usageOnly === true)).toEqual([false, false, false, true, false]);
    // Usage riding on a chunk that has choices (some providers do this) is not usage-only.
    const [mixed] = read(
      'openai-chat',
      'data: {"choices":[{"delta":{"content":"x"}}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}\n\n',
    );
    expect(mixed?.usage).toBeDefined();
    expect(mixed?.usageOnly).toBeUndefined();
  });

  it('stream usage without total_tokens counts total as 0 (spec §1.9)', () => {
    const rs = read('openai-chat', 'data: {"usage":{"prompt_tokens":1,"completion_tokens":2}}\n\n');
    expect(rs[0]?.usage).toEqual({ prompt_tokens: 1, completion_tokens: 2, total_tokens: 0 });
  });

  it('counts tool calls by their first delta (with id)', () => {
    const rs = read(
      'openai-chat',
      [
        'data: {"choices":[{"delta":{"tool_calls":[{"index":0,"id":"call_1","function":{"name":"f","arguments":""}}]}}]}',
        'data: {"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{}"}}]}}]}',
        'data: {"choices":[{"delta":{"tool_calls":[{"index":1,"id":"call_2"}]}}]}',
        '',
      ].join('\n\n'),
    );
    expect(rs.map((r) => r.toolCalls)).toEqual([1, 0, 1]);
  });

  it('skips non-message events, blanks and bad JSON', () => {
    expect(read('openai-chat', 'event: ping\ndata: {}\n\ndata: {oops\n\ndata:\n\n')).toEqual([
      {},
      {},
      {},
    ]);
  });
});

describe('anthropic-messages stream reader', () => {
  const events = [
    'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":25,"cache_read_input_tokens":10,"cache_creation_input_tokens":5,"output_tokens":1}}}',
    'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}',
    'event: ping\ndata: {"type": "ping"}',
    'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}',
    'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" there"}}',
    'event: content_block_start\ndata: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"t1","name":"f","input":{}}}',
    'event: content_block_delta\ndata: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{}"}}',
    'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":15}}',
    'event: message_stop\ndata: {"type":"message_stop"}',
    '',
  ].join('\n\n');

  it('merges usage across message_start and message_delta and recomputes the total', () => {
    const rs = read('anthropic-messages', events);
    expect(text(rs)).toBe('Hi there');
    expect(lastUsage(rs)?.usage).toEqual({
      prompt_tokens: 25,
      completion_tokens: 15,
      total_tokens: 40,
      cache_read_input_tokens: 10,
      cache_creation_input_tokens: 5,
    });
    expect(lastUsage(rs)?.raw).toEqual({
      input_tokens: 25,
      cache_read_input_tokens: 10,
      cache_creation_input_tokens: 5,
      output_tokens: 15,
    });
    expect(rs.filter((r) => r.toolCalls !== undefined)).toEqual([{ toolCalls: 1 }]);
    expect(rs.at(-1)).toEqual({ done: true });
  });

  it('zeros in message_delta never erase message_start values', () => {
    const rs = read(
      'anthropic-messages',
      'event: message_start\ndata: {"message":{"usage":{"input_tokens":7,"output_tokens":1}}}\n\n' +
        'event: message_delta\ndata: {"usage":{"input_tokens":0,"output_tokens":3}}\n\n',
    );
    expect(rs[0]?.usage).toEqual({ prompt_tokens: 7, completion_tokens: 1, total_tokens: 8 });
    expect(rs[1]?.usage).toEqual({ prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 });
  });

  it('uses data.type when the event field is absent; error ends the stream', () => {
    const rs = read(
      'anthropic-messages',
      'data: {"type":"content_block_delta","delta":{"type":"text_delta","text":"x"}}\n\n' +
        'event: error\ndata: {"type":"error","error":{"type":"overloaded_error"}}\n\n',
    );
    expect(rs).toEqual([{ text: 'x' }, { done: true }]);
  });

  it('each reader has its own state', () => {
    read('anthropic-messages', events);
    const rs = read(
      'anthropic-messages',
      'event: message_delta\ndata: {"usage":{"output_tokens":2}}\n\n',
    );
    expect(rs[0]?.usage).toEqual({ prompt_tokens: 0, completion_tokens: 2, total_tokens: 2 });
  });
});

describe('openai-responses stream reader', () => {
  it('collects output_text deltas and ends with usage on response.completed', () => {
    const rs = read(
      'openai-responses',
      [
        'event: response.created\ndata: {"type":"response.created","response":{}}',
        'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"Hel"}',
        'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"lo"}',
        'event: response.completed\ndata: {"type":"response.completed","response":{"output":[{"type":"function_call"},{"type":"message"}],"usage":{"input_tokens":4,"output_tokens":2,"total_tokens":6,"output_tokens_details":{"reasoning_tokens":1}}}}',
        '',
      ].join('\n\n'),
    );
    expect(text(rs)).toBe('Hello');
    expect(rs.at(-1)).toEqual({
      done: true,
      usage: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6, reasoning_tokens: 1 },
      raw: {
        input_tokens: 4,
        output_tokens: 2,
        total_tokens: 6,
        output_tokens_details: { reasoning_tokens: 1 },
      },
      toolCalls: 1,
    });
  });

  it('failed / incomplete / error end the stream without usage', () => {
    for (const type of ['response.failed', 'response.incomplete', 'error']) {
      expect(read('openai-responses', `event: ${type}\ndata: {}\n\n`)).toEqual([{ done: true }]);
    }
  });
});

describe('protocols without SSE usage', () => {
  it.each(['passthrough', 'openai-embeddings', 'bedrock-converse'] as const)('%s', (name) => {
    expect(read(name, 'data: {"usage":{"prompt_tokens":1}}\n\ndata: [DONE]\n\n')).toEqual([{}, {}]);
  });
});

describe('the error event that ends a cut stream, per protocol (decision D4)', () => {
  it("anthropic-messages: Anthropic's own `event: error` with an api_error", () => {
    const reader = getProtocol('anthropic-messages').createStreamReader();
    expect(reader.errorEvent?.('upstream reset')).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"api_error","message":"upstream reset"}}\n\n',
    );
  });

  it('openai-responses: response.failed continuing the stream id, model and sequence numbers', () => {
    const reader = getProtocol('openai-responses').createStreamReader();
    const parser = createSseParser((ev) => reader.onEvent(ev));
    parser.push(
      [
        'event: response.created',
        'data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_9","object":"response","created_at":1700000000,"status":"in_progress","model":"gpt-4o"}}',
        '',
        'event: response.output_text.delta',
        'data: {"type":"response.output_text.delta","sequence_number":4,"delta":"Hi"}',
        '',
        '',
      ].join('\n'),
    );
    const frame = reader.errorEvent?.('upstream reset') ?? '';
    expect(frame.startsWith('event: response.failed\ndata: ')).toBe(true);
    expect(frame.endsWith('\n\n')).toBe(true);
    expect(JSON.parse(frame.split('\n')[1]?.slice(6) ?? '')).toEqual({
      type: 'response.failed',
      sequence_number: 5,
      response: {
        id: 'resp_9',
        object: 'response',
        created_at: 1700000000,
        status: 'failed',
        error: { code: 'server_error', message: 'upstream reset' },
        incomplete_details: null,
        model: 'gpt-4o',
        output: [],
        usage: null,
      },
    });
  });

  it("openai-chat and the rest: no reader framing (the relay sends OpenAI's data: {error})", () => {
    expect(getProtocol('openai-chat').createStreamReader().errorEvent).toBeUndefined();
  });
});
