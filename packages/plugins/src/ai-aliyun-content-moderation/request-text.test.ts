import { requestText, type CheckRole } from './request-text';

const chat = (...messages: unknown[]) => ({ messages });
const text = (
  protocol: string,
  body: Record<string, unknown>,
  roles: CheckRole[] = ['user'],
  mode: 'last' | 'all' = 'last',
) => requestText(protocol, body, roles, mode);

describe('requestText, OpenAI chat', () => {
  const history = chat(
    { role: 'system', content: 'be kind' },
    { role: 'user', content: 'first' },
    { role: 'assistant', content: 'answer' },
    { role: 'user', content: 'second' },
    { role: 'user', content: [{ type: 'text', text: 'third' }, { type: 'image_url' }] },
  );

  it('last: the final run of user messages only (history is not re-checked)', () => {
    expect(text('openai-chat', history)).toBe('second third');
  });

  it('all: every user message', () => {
    expect(text('openai-chat', history, ['user'], 'all')).toBe('first second third');
  });

  it('system (and developer) messages on every request when system is selected', () => {
    const body = chat({ role: 'developer', content: 'dev' }, ...history.messages);
    expect(text('openai-chat', body, ['system', 'user'])).toBe('dev be kind second third');
    expect(text('openai-chat', body, ['system'])).toBe('dev be kind');
  });

  it('last: nothing when the conversation ends with an unselected role', () => {
    const body = chat({ role: 'user', content: 'hi' }, { role: 'assistant', content: 'yo' });
    expect(text('openai-chat', body)).toBe('');
  });

  it('tool results with the tool role, in the last run with the user turn', () => {
    const body = chat(
      { role: 'user', content: 'hello' },
      { role: 'assistant', tool_calls: [{ id: 'c1' }] },
      { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
    );
    expect(text('openai-chat', body)).toBe('');
    expect(text('openai-chat', body, ['user', 'tool'])).toBe('sunny');
    expect(text('openai-chat', body, ['user', 'tool'], 'all')).toBe('hello sunny');
  });

  it('image-only and empty contents give empty text', () => {
    expect(text('openai-chat', chat({ role: 'user', content: [{ type: 'image_url' }] }))).toBe('');
    expect(text('openai-chat', chat({ role: 'user', content: '' }))).toBe('');
  });
});

describe('requestText, Anthropic messages', () => {
  const body = {
    system: [{ type: 'text', text: 'sys' }],
    messages: [
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'two' },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 't', content: 'nested result' },
          { type: 'text', text: 'three' },
        ],
      },
    ],
  };

  it('top-level system, the last user turn, tool results nested in user blocks left out', () => {
    expect(text('anthropic-messages', body, ['system', 'user', 'tool'])).toBe('sys three');
    expect(text('anthropic-messages', body, ['user'], 'all')).toBe('one three');
  });
});

describe('requestText, Responses API', () => {
  it('a string input is the user turn; instructions are the system text', () => {
    const body = { instructions: 'rules', input: 'I want to kill you' };
    expect(text('openai-responses', body)).toBe('I want to kill you');
    expect(text('openai-responses', body, ['system', 'user'])).toBe('rules I want to kill you');
  });

  it('input items: roles, bare strings, and function_call_output as the tool role', () => {
    const body = {
      input: [
        { role: 'system', content: 'sys item' },
        { role: 'user', content: [{ type: 'input_text', text: 'old' }] },
        { type: 'function_call', call_id: 'c', name: 'f', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c', output: 'tool says' },
        'bare',
      ],
    };
    expect(text('openai-responses', body, ['user', 'tool'])).toBe('tool says bare');
    expect(text('openai-responses', body, ['user'])).toBe('bare');
    expect(text('openai-responses', body, ['user'], 'all')).toBe('old bare');
    expect(text('openai-responses', body, ['system'])).toBe('sys item');
  });
});

describe('requestText, protocols without a conversation', () => {
  it('is undefined for embeddings and passthrough', () => {
    expect(text('openai-embeddings', { input: 'x' })).toBeUndefined();
    expect(text('passthrough', {})).toBeUndefined();
  });
});
