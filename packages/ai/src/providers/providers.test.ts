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
      expect(Boolean(p?.removeModel)).toBe(name === 'azure-openai');
    }
  });

  it('vertex-ai and bedrock are declared but not implemented', () => {
    expect(getProvider('vertex-ai')?.notImplemented).toBe(true);
    expect(getProvider('bedrock')?.notImplemented).toBe(true);
    expect(getProvider('bedrock')?.supports('bedrock-converse')).toBe(true);
  });

  it('providers are frozen data', () => {
    const p = getProvider('openai');
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isFrozen(p?.capabilities)).toBe(true);
  });
});
