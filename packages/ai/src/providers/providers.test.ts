import { getProvider, PROVIDER_NAMES } from './index';

describe('providers', () => {
  it('declares APISIX 3.17+ provider enum', () => {
    expect([...PROVIDER_NAMES].sort()).toEqual(
      [
        'openai',
        'deepseek',
        'aimlapi',
        'anthropic',
        'openai-compatible',
        'azure-openai',
        'openrouter',
        'gemini',
        'vertex-ai',
        'bedrock',
      ].sort(),
    );
    expect(getProvider('nope')).toBeUndefined();
  });

  it.each([
    ['openai', 'api.openai.com'],
    ['deepseek', 'api.deepseek.com'],
    ['aimlapi', 'api.aimlapi.com'],
    ['openrouter', 'openrouter.ai'],
    ['anthropic', 'api.anthropic.com'],
    ['gemini', 'generativelanguage.googleapis.com'],
    ['openai-compatible', undefined],
    ['azure-openai', undefined],
  ])('%s host %s, https:443, implemented', (name, host) => {
    const p = getProvider(name);
    expect(p).toMatchObject({ port: 443, scheme: 'https' });
    expect(p?.host).toBe(host);
    expect(p?.notImplemented).toBeFalsy();
  });

  it('every provider accepts passthrough; only azure removes the model', () => {
    for (const name of PROVIDER_NAMES) {
      const p = getProvider(name);
      expect(p?.supports('passthrough')).toBe(true);
      expect(p?.maxTokensField('passthrough')).toBeUndefined();
      expect(Boolean(p?.removeModel)).toBe(name === 'azure-openai' || name === 'bedrock');
    }
  });

  it('vertex-ai: regional host and the project/region OpenAI-compatible chat path', () => {
    const p = getProvider('vertex-ai');
    expect(p?.notImplemented).toBeFalsy();
    const providerConf = { project_id: 'proj-1', region: 'us-central1' };
    expect(p?.hostFor?.(providerConf)).toBe('us-central1-aiplatform.googleapis.com');
    expect(p?.hostFor?.({})).toBeUndefined();
    expect(p?.pathFor?.({ protocol: 'openai-chat', providerConf })).toBe(
      '/v1beta1/projects/proj-1/locations/us-central1/endpoints/openapi/chat/completions',
    );
    expect(p?.pathFor?.({ protocol: 'openai-chat', providerConf: { region: 'x' } })).toBe(
      undefined,
    );
  });

  it('bedrock: regional host, converse / converse-stream with the model escaped', () => {
    const p = getProvider('bedrock');
    expect(p?.notImplemented).toBeFalsy();
    expect(p?.supports('bedrock-converse')).toBe(true);
    expect(p?.hostFor?.({ region: 'eu-west-1' })).toBe('bedrock-runtime.eu-west-1.amazonaws.com');
    const model = 'arn:aws:bedrock:us-east-1:1:application-inference-profile/abc';
    expect(p?.pathFor?.({ protocol: 'bedrock-converse', model })).toBe(
      '/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Aapplication-inference-profile%2Fabc/converse',
    );
    expect(p?.pathFor?.({ protocol: 'bedrock-converse', model: 'm', stream: true })).toBe(
      '/model/m/converse-stream',
    );
    expect(p?.pathFor?.({ protocol: 'bedrock-converse' })).toBeUndefined();
  });

  it('providers are frozen data', () => {
    const p = getProvider('openai');
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isFrozen(p?.capabilities)).toBe(true);
  });
});
