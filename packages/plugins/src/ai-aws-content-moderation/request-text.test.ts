import { requestText, type CheckRole } from './request-text';

const ALL: CheckRole[] = ['user', 'tool', 'system'];
const chat = (...messages: Record<string, unknown>[]) => ({ messages });

describe('requestText (APISIX ai-aws-content-moderation.t 51-64)', () => {
  it('TEST 52: mode all reads an earlier user turn', () => {
    const body = chat(
      { role: 'user', content: 'I want to kill you' },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: 'What is 1+1?' },
    );
    expect(requestText('openai-chat', body, ALL, 'all')).toBe('I want to kill you What is 1+1?');
  });

  it('TEST 53/54: the system message and tool results are read by default', () => {
    expect(
      requestText(
        'openai-chat',
        chat({ role: 'system', content: 'sys' }, { role: 'user', content: 'q' }),
        ALL,
        'all',
      ),
    ).toBe('sys q');
    expect(
      requestText(
        'openai-chat',
        chat({ role: 'user', content: 'q' }, { role: 'tool', tool_call_id: 'c', content: 'res' }),
        ALL,
        'all',
      ),
    ).toBe('q res');
  });

  it('TEST 55: assistant content is never read', () => {
    const body = chat(
      { role: 'user', content: 'What is 1+1?' },
      { role: 'assistant', content: 'I want to kill you' },
    );
    expect(requestText('openai-chat', body, ALL, 'all')).toBe('What is 1+1?');
  });

  it('TEST 57/58: mode last reads the system message and the last block only', () => {
    expect(
      requestText(
        'openai-chat',
        chat(
          { role: 'user', content: 'I want to kill you' },
          { role: 'assistant', content: 'ok' },
          { role: 'user', content: 'What is 1+1?' },
        ),
        ALL,
        'last',
      ),
    ).toBe('What is 1+1?');
    expect(
      requestText(
        'openai-chat',
        chat(
          { role: 'system', content: 'be helpful' },
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: 'ok' },
          { role: 'user', content: 'I want to kill you' },
        ),
        ALL,
        'last',
      ),
    ).toBe('be helpful I want to kill you');
  });

  it('mode last with a trailing assistant turn leaves only the system message', () => {
    const body = chat(
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'q' },
      { role: 'assistant', content: 'a' },
    );
    expect(requestText('openai-chat', body, ALL, 'last')).toBe('sys');
  });

  it('TEST 60: roles ["user"] leaves system and tool content out', () => {
    const body = chat(
      { role: 'system', content: 'I want to kill you' },
      { role: 'user', content: 'What is 1+1?' },
      { role: 'tool', tool_call_id: 'c', content: 'I want to kill you too' },
    );
    expect(requestText('openai-chat', body, ['user'], 'all')).toBe('What is 1+1?');
  });

  it('reads developer messages as system, and text parts only', () => {
    const body = chat(
      { role: 'developer', content: 'dev' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'a' },
          { type: 'image_url', image_url: { url: 'data:' } },
          { type: 'text', text: 'b' },
        ],
      },
    );
    expect(requestText('openai-chat', body, ALL, 'all')).toBe('dev a b');
  });

  it('anthropic: the top-level system, user turns; tool_result blocks are not text', () => {
    const body = {
      system: 'sys',
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'a' },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 't', content: 'kill' }],
        },
      ],
    };
    expect(requestText('anthropic-messages', body, ALL, 'all')).toBe('sys q');
  });

  it('responses: instructions are system, input is user', () => {
    expect(requestText('openai-responses', { instructions: 'sys', input: 'q' }, ALL, 'all')).toBe(
      'sys q',
    );
    expect(
      requestText('openai-responses', { instructions: 'sys', input: 'q' }, ['user'], 'all'),
    ).toBe('q');
  });

  it('TEST 64: a protocol without a conversation has no text to read', () => {
    expect(requestText('passthrough', { prompt: 'x' }, ALL, 'all')).toBeUndefined();
    expect(requestText('openai-embeddings', { input: 'x' }, ALL, 'all')).toBeUndefined();
  });
});
