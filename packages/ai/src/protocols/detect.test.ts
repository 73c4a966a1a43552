import { detectProtocol, getProtocol, PROTOCOL_NAMES } from './index';

describe('detectProtocol (spec §1.8 order)', () => {
  it.each([
    ['/model/x/converse', { messages: [] }, 'bedrock-converse'],
    ['/model/x/converse', { input: 'x' }, 'openai-embeddings'],
    ['/v1/messages', { model: 'claude', messages: [] }, 'anthropic-messages'],
    ['/v1/messages', { anything: 1 }, 'anthropic-messages'],
    ['/proxy/v1/messages', { messages: [{ role: 'user', content: 'hi' }] }, 'anthropic-messages'],
    ['/v1/responses', { input: 'hi' }, 'openai-responses'],
    ['/v1/responses', { input: null }, 'openai-responses'],
    ['/v1/responses', { messages: [] }, 'openai-chat'],
    ['/v1/responses', { model: 'x' }, 'passthrough'],
    ['/v1/chat/completions', { messages: [] }, 'openai-chat'],
    ['/anything', { messages: [], input: 'x' }, 'openai-chat'],
    ['/v1/embeddings', { input: ['a', 'b'] }, 'openai-embeddings'],
    ['/v1/completions', { prompt: 'x' }, 'passthrough'],
    ['/anything', { messages: 'not an array' }, 'passthrough'],
    ['/v1/messages?beta=true', { messages: [] }, 'anthropic-messages'],
    ['/v1/messages/count', { messages: [] }, 'openai-chat'],
  ])('%s %j → %s', (uri, body, expected) => {
    expect(detectProtocol(uri, body)).toBe(expected);
  });

  it('bedrock wins over anthropic and chat when the URI ends in /converse', () => {
    expect(detectProtocol('/v1/messages/converse', { messages: [] })).toBe('bedrock-converse');
  });

  it.each([[{}], [[]], [[1, 2]], [null], ['text'], [42], [undefined]])(
    'matches nothing for %j',
    (body) => {
      expect(detectProtocol('/v1/chat/completions', body)).toBeUndefined();
      expect(detectProtocol('/v1/messages', body)).toBeUndefined();
    },
  );

  it('lists protocols in detection order and resolves each by name', () => {
    expect(PROTOCOL_NAMES).toEqual([
      'bedrock-converse',
      'anthropic-messages',
      'openai-responses',
      'openai-chat',
      'openai-embeddings',
      'passthrough',
    ]);
    for (const name of PROTOCOL_NAMES) expect(getProtocol(name).name).toBe(name);
  });

  it('isStream follows body.stream === true, never for embeddings; Bedrock by its path', () => {
    const uri = '/v1/chat/completions';
    expect(getProtocol('openai-chat').isStream({ stream: true }, uri)).toBe(true);
    expect(getProtocol('openai-chat').isStream({ stream: 'yes' }, uri)).toBe(false);
    expect(getProtocol('anthropic-messages').isStream({ stream: true }, uri)).toBe(true);
    expect(getProtocol('openai-responses').isStream({ stream: true }, uri)).toBe(true);
    expect(getProtocol('passthrough').isStream({ stream: true }, uri)).toBe(true);
    expect(getProtocol('openai-embeddings').isStream({ stream: true }, uri)).toBe(false);
    const bedrock = getProtocol('bedrock-converse');
    expect(bedrock.isStream({ stream: true }, '/model/m/converse')).toBe(false);
    expect(bedrock.isStream({}, '/model/m/converse-stream')).toBe(true);
    expect(detectProtocol('/model/m/converse-stream', { messages: [] })).toBe('bedrock-converse');
  });

  it('prepareTarget adds stream_options only for openai-chat streams', () => {
    const chat = { stream: true, stream_options: { include_usage: false, x: 1 } };
    getProtocol('openai-chat').prepareTarget(chat);
    expect(chat.stream_options).toEqual({ include_usage: true });
    const asked = { include_usage: true };
    const already = { stream: true, stream_options: asked };
    getProtocol('openai-chat').prepareTarget(already);
    expect(already.stream_options).toBe(asked);
    const notStream: Record<string, unknown> = { stream: false };
    getProtocol('openai-chat').prepareTarget(notStream);
    expect(notStream).toEqual({ stream: false });
    for (const name of ['openai-responses', 'openai-embeddings', 'passthrough'] as const) {
      const body: Record<string, unknown> = { stream: true };
      getProtocol(name).prepareTarget(body);
      expect(body).toEqual({ stream: true });
    }
  });
});
