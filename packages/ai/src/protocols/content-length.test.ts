import { chunkContentLength } from './content-length';
import { getProtocol } from './index';

const reader = getProtocol('openai-chat').createStreamReader();
/** What parsing the chunk gives: the length of its text. */
const parsedLength = (data: string) =>
  (reader.onEvent({ event: 'message', data }).text ?? '').length;

/** A deterministic generator (32-bit LCG), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const PIECES = [
  'a',
  ' ',
  'é',
  '中',
  '😀',
  '"',
  '\\',
  '\n',
  '\t',
  '\u0001',
  '\u2028',
  '/',
  'content',
  '"content":"x"',
];

function text(next: () => number): string {
  let out = '';
  for (let n = Math.floor(next() * 12); n > 0; n--)
    out += PIECES[Math.floor(next() * PIECES.length)];
  return out;
}

describe('chunkContentLength', () => {
  it('equals the parsed text length on 2,000 generated chunks (escapes, unicode, choices, layout)', () => {
    const next = random(14);
    for (let i = 0; i < 2000; i++) {
      const choices = Array.from({ length: 1 + Math.floor(next() * 3) }, (_, index) => {
        const delta: Record<string, unknown> = {};
        if (next() < 0.2) delta.role = 'assistant';
        const kind = next();
        if (kind < 0.7) delta.content = text(next);
        else if (kind < 0.8) delta.content = null;
        if (next() < 0.3) delta.reasoning_content = text(next);
        return {
          index,
          delta,
          logprobs: next() < 0.2 ? { content: [] } : null,
          finish_reason: null,
        };
      });
      const chunk = {
        id: 'chatcmpl-1',
        object: 'chat.completion.chunk',
        type: 'content',
        model: text(next),
        choices,
        ...(next() < 0.5 ? { usage: null } : {}),
      };
      const data = next() < 0.3 ? JSON.stringify(chunk, null, 2) : JSON.stringify(chunk);
      expect(chunkContentLength(data)).toBe(parsedLength(data));
    }
  });

  it('leaves chunks that may carry usage, an error or tool calls to the parser', () => {
    const chunks = [
      { choices: [], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } },
      { choices: [{ delta: { content: 'x' } }], usage: { prompt_tokens: 1 } },
      { error: { message: 'overloaded' } },
      { choices: [{ delta: { tool_calls: [{ id: 'call_1', function: { name: 'f' } }] } }] },
    ];
    for (const chunk of chunks) {
      expect(chunkContentLength(JSON.stringify(chunk))).toBeUndefined();
      expect(chunkContentLength(JSON.stringify(chunk, null, 1))).toBeUndefined();
    }
    // The same words inside a text are escaped and do not count as members.
    const quoted = JSON.stringify({ choices: [{ delta: { content: '"usage": {' } }] });
    expect(chunkContentLength(quoted)).toBe(10);
  });

  it('counts each escape as the one character it stands for', () => {
    expect(chunkContentLength('{"choices":[{"delta":{"content":"a\\"b\\\\"}}]}')).toBe(4);
    expect(chunkContentLength('{"delta":{"content":"\\u00e9\\ud83d\\ude00\\n"}}')).toBe(4);
    expect(chunkContentLength('{"delta":{"content" : "ab"},"x":"content"}')).toBe(2);
  });

  it('is a reader method the relay can ask: only for message events, never for [DONE]', () => {
    const fresh = getProtocol('openai-chat').createStreamReader();
    expect(fresh.textLength?.({ event: 'message', data: '[DONE]' })).toBeUndefined();
    expect(fresh.textLength?.({ event: 'ping', data: '{}' })).toBeUndefined();
    expect(
      fresh.textLength?.({ event: 'message', data: '{"choices":[{"delta":{"content":"hi"}}]}' }),
    ).toBe(2);
  });
});
