import { buildUpstreamBody } from '../request-body';
import { resolveTarget, targetProtocol } from '../target';

const CHAT = { model: 'gpt-4o', messages: [{ role: 'user', content: 'What is 1+1?' }] };
const raw = Buffer.from(JSON.stringify(CHAT));

describe('gemini provider (APISIX ai-providers/gemini.lua): OpenAI-compatible chat by default', () => {
  it('generativelanguage.googleapis.com, /v1beta/openai/chat/completions, no conversion', () => {
    const t = resolveTarget('gemini', {}, 'openai-chat');
    expect(t.origin).toBe('https://generativelanguage.googleapis.com:443');
    expect(t.path).toBe('/v1beta/openai/chat/completions');
    expect(t.protocol).toBe('openai-chat');
    expect(targetProtocol('gemini', {}, 'anthropic-messages')).toBe('openai-chat');
  });
});

describe('gemini: an endpoint at :generateContent selects the native API (Tollgate extension)', () => {
  const GEN =
    'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent';
  const instance = { override: { endpoint: GEN }, auth: { query: { key: 'AIza' } } };

  it('non-streamed: the endpoint path, the auth query kept', () => {
    const t = resolveTarget('gemini', instance, 'openai-chat', { model: 'gpt-4o' });
    expect(t.protocol).toBe('gemini-generate-content');
    expect(t.path).toBe('/v1beta/models/gemini-2.0-flash:generateContent');
    expect(t.query.toString()).toBe('key=AIza');
  });

  it('streamed: :streamGenerateContent with alt=sse (also from a :streamGenerateContent endpoint)', () => {
    const t = resolveTarget('gemini', instance, 'openai-chat', { stream: true });
    expect(t.path).toBe('/v1beta/models/gemini-2.0-flash:streamGenerateContent');
    expect(t.query.toString()).toBe('key=AIza&alt=sse');
    const s = resolveTarget(
      'gemini',
      { override: { endpoint: GEN.replace(':generateContent', ':streamGenerateContent') } },
      'openai-chat',
      { stream: false },
    );
    expect(s.path).toBe('/v1beta/models/gemini-2.0-flash:generateContent');
  });

  it('{model} in the endpoint is the request model, escaped; none → path unresolved', () => {
    const inst = {
      override: { endpoint: 'http://127.0.0.1:9/v1beta/models/{model}:generateContent' },
    };
    expect(resolveTarget('gemini', inst, 'openai-chat', { model: 'tuned/m 1' }).path).toBe(
      '/v1beta/models/tuned%2Fm%201:generateContent',
    );
    expect(() => resolveTarget('gemini', inst, 'openai-chat', {})).toThrow(
      expect.objectContaining({ code: 'TOLLGATE_ERR_PROVIDER_PATH_UNRESOLVED' }) as Error,
    );
  });

  it('the body: converted, options and override.llm_options.max_tokens land in generationConfig', () => {
    const { bytes, model } = buildUpstreamBody({
      raw,
      body: CHAT,
      protocol: 'openai-chat',
      targetProtocol: 'gemini-generate-content',
      provider: 'gemini',
      options: { model: 'gemini-2.0-flash', temperature: 1, max_tokens: 512, stop: 'X' },
      override: { endpoint: GEN, llm_options: { max_tokens: 100 } },
    });
    expect(model).toBe('gemini-2.0-flash');
    expect(JSON.parse(bytes.toString())).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'What is 1+1?' }] }],
      generationConfig: { maxOutputTokens: 100, temperature: 1, stopSequences: ['X'] },
    });
  });
});

describe('vertex-ai: an endpoint at :generateContent selects the native API (Tollgate extension)', () => {
  const conf = { project_id: 'proj', region: 'us-central1' };
  it('endpoint path kept, stream method and alt=sse for a stream', () => {
    const endpoint =
      'http://127.0.0.1:9/v1/projects/proj/locations/us-central1/publishers/google/models/gemini-2.0-flash:generateContent';
    const inst = { provider_conf: conf, override: { endpoint } };
    const t = resolveTarget('vertex-ai', inst, 'openai-chat', { stream: true });
    expect(t.protocol).toBe('gemini-generate-content');
    expect(t.path).toBe(
      '/v1/projects/proj/locations/us-central1/publishers/google/models/gemini-2.0-flash:streamGenerateContent',
    );
    expect(t.query.get('alt')).toBe('sse');
  });

  it('placeholders {project_id}, {region}, {model} filled from provider_conf and the model', () => {
    const inst = {
      provider_conf: conf,
      override: {
        endpoint:
          'https://us-central1-aiplatform.googleapis.com/v1/projects/{project_id}/locations/{region}/publishers/google/models/{model}:generateContent',
      },
    };
    expect(resolveTarget('vertex-ai', inst, 'openai-chat', { model: 'gemini-2.5-pro' }).path).toBe(
      '/v1/projects/proj/locations/us-central1/publishers/google/models/gemini-2.5-pro:generateContent',
    );
  });

  it('without such an endpoint: the OpenAI-compatible chat path, as APISIX', () => {
    const t = resolveTarget('vertex-ai', { provider_conf: conf }, 'openai-chat');
    expect(t.protocol).toBe('openai-chat');
    expect(t.path).toBe(
      '/v1beta1/projects/proj/locations/us-central1/endpoints/openapi/chat/completions',
    );
  });
});
