import { resolveTarget, targetProtocol } from '../target';
import { converterFor } from './index';

describe('target protocol with conversion (spec §1.8 step 1)', () => {
  const vllm = { override: { endpoint: 'http://127.0.0.1:8000' } };

  it('keeps the client protocol when the provider speaks it', () => {
    expect(targetProtocol('openai-compatible', vllm, 'openai-chat')).toBe('openai-chat');
    expect(targetProtocol('anthropic', {}, 'anthropic-messages')).toBe('anthropic-messages');
    expect(targetProtocol('anthropic', {}, 'openai-chat')).toBe('openai-chat');
  });

  it('converts anthropic-messages for an openai-chat-only provider, with its chat path', () => {
    expect(targetProtocol('deepseek', {}, 'anthropic-messages')).toBe('openai-chat');
    const t = resolveTarget('openai-compatible', vllm, 'anthropic-messages');
    expect([t.protocol, t.path]).toEqual(['openai-chat', '/v1/chat/completions']);
    expect(resolveTarget('deepseek', {}, 'anthropic-messages').path).toBe('/chat/completions');
    expect(targetProtocol('deepseek', {}, 'openai-responses')).toBe('openai-chat');
    expect(targetProtocol('openai-compatible', vllm, 'openai-responses')).toBe('openai-responses');
  });

  it('an anthropic endpoint at /v1/messages takes openai-chat clients converted (extension)', () => {
    const t = resolveTarget(
      'anthropic',
      { override: { endpoint: 'http://127.0.0.1:1980/v1/messages' } },
      'openai-chat',
    );
    expect([t.protocol, t.path]).toEqual(['anthropic-messages', '/v1/messages']);
  });

  it('unsupported pairs keep APISIX 400 message', () => {
    expect(() => targetProtocol('deepseek', {}, 'openai-embeddings')).toThrow(
      'provider deepseek does not support openai-embeddings protocol (supported: openai-chat, passthrough)',
    );
    expect(converterFor('openai-embeddings', 'openai-chat')).toBeUndefined();
  });
});
