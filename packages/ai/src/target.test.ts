import { isGatewayError } from '@tollgate/core';
import { getProvider } from './providers';
import { resolveTarget, unsupportedProtocolMessage } from './target';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return isGatewayError(err) ? err.code : 'untyped';
  }
  return undefined;
};

describe('resolveTarget', () => {
  it('uses provider defaults without an endpoint', () => {
    const t = resolveTarget('openai', { auth: { query: { 'api-version': '1' } } }, 'openai-chat');
    expect(t).toMatchObject({
      origin: 'https://api.openai.com:443',
      scheme: 'https',
      host: 'api.openai.com',
      port: 443,
      hostHeader: 'api.openai.com',
      path: '/v1/chat/completions',
      tlsServername: 'api.openai.com',
    });
    expect(t.query.toString()).toBe('api-version=1');
  });

  it.each([
    ['openai', 'openai-responses', '/v1/responses'],
    ['openai', 'openai-embeddings', '/v1/embeddings'],
    ['deepseek', 'openai-chat', '/chat/completions'],
    ['aimlapi', 'openai-chat', '/chat/completions'],
    ['openrouter', 'openai-chat', '/api/v1/chat/completions'],
    ['anthropic', 'openai-chat', '/v1/chat/completions'],
    ['anthropic', 'anthropic-messages', '/v1/messages'],
    ['gemini', 'openai-chat', '/v1beta/openai/chat/completions'],
  ] as const)('%s %s → %s', (provider, protocol, path) => {
    expect(resolveTarget(provider, {}, protocol).path).toBe(path);
  });

  it('endpoint without path: provider path, port kept, Host with port', () => {
    const t = resolveTarget(
      'openai',
      { override: { endpoint: 'http://127.0.0.1:1980' } },
      'openai-chat',
    );
    expect(t).toMatchObject({
      origin: 'http://127.0.0.1:1980',
      scheme: 'http',
      host: '127.0.0.1',
      port: 1980,
      hostHeader: '127.0.0.1:1980',
      path: '/v1/chat/completions',
    });
  });

  it('endpoint path used verbatim, including a lone /', () => {
    const at = (endpoint: string) =>
      resolveTarget('openai', { override: { endpoint } }, 'openai-chat').path;
    expect(at('http://127.0.0.1:1980/random')).toBe('/random');
    expect(at('http://127.0.0.1:1980/')).toBe('/');
    expect(at('http://127.0.0.1:1980/a%2Fb/../c')).toBe('/a%2Fb/../c');
    expect(at('http://127.0.0.1:1980?x=1')).toBe('/v1/chat/completions');
    expect(
      resolveTarget(
        'deepseek',
        { override: { endpoint: 'http://127.0.0.1:6724/chat/completions' } },
        'openai-chat',
      ).path,
    ).toBe('/chat/completions');
  });

  it('default ports: 443 for https, 80 for http; Host omits the default port', () => {
    const https = resolveTarget(
      'openai-compatible',
      { override: { endpoint: 'https://llm.example.com/v1/x' } },
      'openai-chat',
    );
    expect(https).toMatchObject({
      origin: 'https://llm.example.com:443',
      port: 443,
      hostHeader: 'llm.example.com',
    });
    const http = resolveTarget(
      'openai-compatible',
      { override: { endpoint: 'http://llm.example.com' } },
      'openai-chat',
    );
    expect(http).toMatchObject({
      origin: 'http://llm.example.com:80',
      port: 80,
      hostHeader: 'llm.example.com',
    });
    const explicit = resolveTarget(
      'openai-compatible',
      { override: { endpoint: 'https://h:443' } },
      'openai-chat',
    );
    expect(explicit.hostHeader).toBe('h');
    const odd = resolveTarget(
      'openai-compatible',
      { override: { endpoint: 'https://h:8443' } },
      'openai-chat',
    );
    expect(odd).toMatchObject({
      origin: 'https://h:8443',
      hostHeader: 'h:8443',
      tlsServername: 'h',
    });
  });

  it('query: copy of auth.query, endpoint parameters win on collision', () => {
    const auth = { query: { key: 'auth', 'api-version': 'auth-v' } };
    const t = resolveTarget(
      'azure-openai',
      {
        auth,
        override: {
          endpoint:
            'https://x.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024&extra=a+b',
        },
      },
      'openai-chat',
    );
    expect([...t.query]).toEqual([
      ['key', 'auth'],
      ['api-version', '2024'],
      ['extra', 'a b'],
    ]);
    expect(auth.query).toEqual({ key: 'auth', 'api-version': 'auth-v' });
    t.query.set('mutated', '1');
    expect(resolveTarget('openai', { auth }, 'openai-chat').query.has('mutated')).toBe(false);
  });

  it('IPv6 endpoints keep brackets in origin and Host, not in SNI', () => {
    const t = resolveTarget(
      'openai',
      { override: { endpoint: 'http://[::1]:8080' } },
      'openai-chat',
    );
    expect(t).toMatchObject({
      origin: 'http://[::1]:8080',
      hostHeader: '[::1]:8080',
      tlsServername: '::1',
    });
  });

  it('openai-compatible and azure-openai need an endpoint', () => {
    expect(codeOf(() => resolveTarget('openai-compatible', {}, 'openai-chat'))).toBe(
      'TOLLGATE_ERR_PROVIDER_ENDPOINT_MISSING',
    );
    expect(codeOf(() => resolveTarget('azure-openai', { override: {} }, 'openai-chat'))).toBe(
      'TOLLGATE_ERR_PROVIDER_ENDPOINT_MISSING',
    );
  });

  it('rejects unusable endpoints with a typed error', () => {
    for (const endpoint of ['127.0.0.1:1980', 'ftp://x', 'http://', 'http:/x', 'http://[bad']) {
      expect(codeOf(() => resolveTarget('openai', { override: { endpoint } }, 'openai-chat'))).toBe(
        'TOLLGATE_ERR_PROVIDER_ENDPOINT_INVALID',
      );
    }
  });

  it('an unknown provider is not implemented (501)', () => {
    let err: unknown;
    try {
      resolveTarget('nope', { override: { endpoint: 'http://127.0.0.1' } }, 'openai-chat');
    } catch (e) {
      err = e;
    }
    expect(isGatewayError(err) && [err.code, err.status, err.message]).toEqual([
      'TOLLGATE_ERR_PROVIDER_NOT_IMPLEMENTED',
      501,
      'provider nope is not implemented yet',
    ]);
  });

  it('vertex-ai: the host and path of provider_conf, escaped; 500 without them', () => {
    const t = resolveTarget(
      'vertex-ai',
      { provider_conf: { project_id: 'my-proj', region: 'us-central1' } },
      'openai-chat',
    );
    expect([t.origin, t.path]).toEqual([
      'https://us-central1-aiplatform.googleapis.com:443',
      '/v1beta1/projects/my-proj/locations/us-central1/endpoints/openapi/chat/completions',
    ]);
    const odd = resolveTarget(
      'vertex-ai',
      { provider_conf: { project_id: 'a/../b?x=1', region: 'r' } },
      'openai-chat',
    );
    expect(odd.path).toBe(
      '/v1beta1/projects/a%2F..%2Fb%3Fx%3D1/locations/r/endpoints/openapi/chat/completions',
    );
    let err: unknown;
    try {
      resolveTarget('vertex-ai', { provider_conf: { region: 'r' } }, 'openai-chat');
    } catch (e) {
      err = e;
    }
    expect(isGatewayError(err) && [err.code, err.status]).toEqual([
      'TOLLGATE_ERR_PROVIDER_PATH_UNRESOLVED',
      500,
    ]);
  });

  it("bedrock: the region's host, the model's Converse path (converse-stream for streams)", () => {
    const instance = { provider_conf: { region: 'eu-west-1' } };
    const plain = resolveTarget('bedrock', instance, 'bedrock-converse', {
      model: 'arn:aws:bedrock:eu-west-1:1:inference-profile/x',
    });
    expect([plain.origin, plain.path]).toEqual([
      'https://bedrock-runtime.eu-west-1.amazonaws.com:443',
      '/model/arn%3Aaws%3Abedrock%3Aeu-west-1%3A1%3Ainference-profile%2Fx/converse',
    ]);
    const streamed = resolveTarget('bedrock', instance, 'bedrock-converse', {
      model: 'm',
      stream: true,
    });
    expect(streamed.path).toBe('/model/m/converse-stream');
    expect(() => resolveTarget('bedrock', instance, 'bedrock-converse')).toThrow(
      'could not resolve upstream path',
    );
  });

  it('unsupported protocol: typed 400 with the APISIX message', () => {
    let err: unknown;
    try {
      // anthropic-messages converts to openai-chat; embeddings convert to nothing.
      resolveTarget('deepseek', {}, 'openai-embeddings');
    } catch (e) {
      err = e;
    }
    expect(isGatewayError(err) && [err.code, err.status, err.message]).toEqual([
      'TOLLGATE_ERR_PROVIDER_PROTOCOL_UNSUPPORTED',
      400,
      'provider deepseek does not support openai-embeddings protocol (supported: openai-chat, passthrough)',
    ]);
    const openai = getProvider('openai');
    expect(openai && unsupportedProtocolMessage(openai, 'anthropic-messages')).toBe(
      'provider openai does not support anthropic-messages protocol ' +
        '(supported: openai-chat, openai-responses, openai-embeddings, passthrough)',
    );
  });

  it('passthrough: endpoint path, else the client path; client query below auth and endpoint', () => {
    const instance = { auth: { query: { key: 'k' } } };
    const t = resolveTarget('openai', instance, 'passthrough', {
      path: '/v1/completions',
      query: 'key=client&page=2',
    });
    expect(t.path).toBe('/v1/completions');
    expect(t.query.toString()).toBe('page=2&key=k');
    const e = resolveTarget(
      'openai',
      { ...instance, override: { endpoint: 'http://127.0.0.1:1/fixed?page=9' } },
      'passthrough',
      { path: '/v1/completions', query: new URLSearchParams('page=2') },
    );
    expect(e.path).toBe('/fixed');
    expect(e.query.toString()).toBe('key=k&page=9');
    expect(resolveTarget('openai', {}, 'passthrough').path).toBe('/');
  });
});
