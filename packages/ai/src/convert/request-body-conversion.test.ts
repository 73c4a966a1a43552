import { buildUpstreamBody } from '../request-body';

const build = (
  body: Record<string, unknown>,
  protocol: 'anthropic-messages' | 'openai-chat' | 'openai-responses',
  provider: string,
  instance: { options?: Record<string, unknown>; override?: Record<string, unknown> } = {},
) => {
  const raw = Buffer.from(JSON.stringify(body));
  const built = buildUpstreamBody({
    raw,
    body,
    protocol,
    targetProtocol: protocol,
    provider,
    ...instance,
  });
  return { ...built, json: JSON.parse(built.bytes.toString()) as Record<string, unknown> };
};

describe('buildUpstreamBody with protocol conversion', () => {
  it('converts before the steps of spec §1.8: stream_options, options, max_tokens field', () => {
    const client = {
      model: 'claude',
      max_tokens: 100,
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    };
    const out = build(client, 'anthropic-messages', 'deepseek', {
      options: { model: 'deepseek-chat' },
      override: { llm_options: { max_tokens: 50 } },
    });
    expect(out.changed).toBe(true);
    expect(out.model).toBe('deepseek-chat');
    expect(out.json).toEqual({
      model: 'deepseek-chat',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 50,
      max_completion_tokens: 50,
    });
    expect(client).toEqual({
      model: 'claude',
      max_tokens: 100,
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
  });

  it('openai-chat to an anthropic /v1/messages endpoint: 4096 default, request_body of the target', () => {
    const out = build(
      { model: 'c', messages: [{ role: 'user', content: 'hi' }] },
      'openai-chat',
      'anthropic',
      {
        override: {
          endpoint: 'http://127.0.0.1:1/v1/messages',
          request_body: { 'anthropic-messages': { top_k: 5 }, 'openai-chat': { seed: 1 } },
        },
      },
    );
    expect(out.json).toEqual({
      model: 'c',
      max_tokens: 4096,
      messages: [{ role: 'user', content: 'hi' }],
      top_k: 5,
    });
    const capped = build(
      { messages: [{ role: 'user', content: 'hi' }] },
      'openai-chat',
      'anthropic',
      {
        override: { endpoint: 'http://127.0.0.1:1/v1/messages', llm_options: { max_tokens: 64 } },
      },
    );
    expect(capped.json.max_tokens).toBe(64);
  });

  it('a natively supported protocol is not converted (the client bytes go as they came)', () => {
    const body = { model: 'c', messages: [{ role: 'user', content: 'hi' }] };
    const out = build(body, 'anthropic-messages', 'anthropic');
    expect(out.changed).toBe(false);
    expect(out.json).toEqual(body);
  });

  it('a body that cannot be converted is refused with 400 before anything is sent', () => {
    expect(() => build({ model: 'c' }, 'anthropic-messages', 'deepseek')).toThrow(
      expect.objectContaining({ status: 400, message: 'missing messages' }),
    );
  });
});
