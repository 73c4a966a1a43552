import type { PickedInstance } from '@tollgate/core';
import { cacheKey, fingerprint, MAX_SCOPE_VALUE, scope, scopeValue } from './key';

const inst = (conf: Record<string, unknown> = {}, provider = 'openai'): PickedInstance => ({
  name: 'ai-proxy-openai',
  provider,
  conf: { provider, ...conf },
});
const fp = (instance: PickedInstance, body: Record<string, unknown>, protocol = 'openai-chat') =>
  fingerprint({ protocol, body, instance });

const hi = [{ role: 'user', content: 'hi' }];

describe('ai-cache fingerprint (APISIX ai-cache.t TEST 7)', () => {
  const base = fp(inst(), { model: 'gpt-4o', messages: hi, temperature: 0.2 });

  it('is a sha256 that ignores key order', () => {
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(fp(inst(), { temperature: 0.2, messages: hi, model: 'gpt-4o' })).toBe(base);
  });

  it('changes with what the client sends upstream', () => {
    expect(fp(inst(), { model: 'gpt-4o', messages: [{ role: 'user', content: 'bye' }] })).not.toBe(
      base,
    );
    expect(fp(inst(), { model: 'gpt-4o-mini', messages: hi, temperature: 0.2 })).not.toBe(base);
    expect(fp(inst(), { model: 'gpt-4o', messages: hi, temperature: 0.9 })).not.toBe(base);
    expect(fp(inst(), { model: 'gpt-4o', messages: hi, temperature: 0.2, stream: true })).not.toBe(
      base,
    );
  });

  it('changes with the instance configuration ai-proxy applies', () => {
    const body = { model: 'gpt-4o', messages: hi, temperature: 0.2 };
    const variants = [
      inst({}, 'deepseek'),
      inst({ options: { model: 'gpt-4o-mini' } }),
      inst({ options: { temperature: 0.9 } }),
      inst({ override: { llm_options: { max_tokens: 16 } } }),
      inst({ override: { request_body: { 'openai-chat': { foo: 'bar' } } } }),
      inst({ override: { endpoint: 'http://host/a' } }),
      inst({ provider_conf: { region: 'eu-west-1' } }),
    ];
    const hashes = new Set(variants.map((v) => fp(v, body)));
    expect(hashes.size).toBe(variants.length);
    expect(hashes.has(base)).toBe(false);
  });

  it('ignores the client model when the instance forces one, and what is not sent upstream', () => {
    const forced = inst({ options: { model: 'gpt-4o-mini' } });
    expect(fp(forced, { messages: hi, model: 'gpt-4o' })).toBe(
      fp(forced, { messages: hi, model: 'zzz' }),
    );
    // auth, timeouts and the like do not change the answer
    expect(
      fp(inst({ auth: { header: { Authorization: 'Bearer a' } }, timeout: 5 }), { messages: hi }),
    ).toBe(fp(inst({ auth: { header: { Authorization: 'Bearer b' } } }), { messages: hi }));
  });

  it('keeps an explicit null stably, apart from an absent field', () => {
    const withNull = { model: 'gpt-4o', messages: hi, stop: null };
    expect(fp(inst(), withNull)).toBe(fp(inst(), { ...withNull }));
    expect(fp(inst(), withNull)).not.toBe(fp(inst(), { model: 'gpt-4o', messages: hi }));
  });

  it('ai-cache-streaming.t TEST 1/32: stream folds by === true, only true isolates', () => {
    const body = { messages: hi, model: 'gpt-4' };
    const plain = fp(inst(), body);
    for (const value of [false, null, 0, 'true']) {
      expect(fp(inst(), { ...body, stream: value })).toBe(plain);
    }
    expect(fp(inst(), { ...body, stream: true })).not.toBe(plain);
  });

  it('separates protocols and reads their conversations', () => {
    const anthropic = { model: 'claude', max_tokens: 10, messages: hi };
    expect(fp(inst(), anthropic, 'anthropic-messages')).not.toBe(fp(inst(), anthropic));
    const responses = (input: string) => fp(inst(), { model: 'gpt-4o', input }, 'openai-responses');
    expect(responses('hi')).toBe(responses('hi'));
    expect(responses('hi')).not.toBe(responses('bye'));
  });
});

describe('ai-cache scope (APISIX ai-cache.t TEST 57 and the cache_key options)', () => {
  const input = (vars: Record<string, string>, consumer?: string) => ({
    routeId: '1',
    consumer,
    lookup: (name: string) => vars[name],
  });

  it('is the route by default, `shared` when shared and nothing else', () => {
    expect(scope({}, input({}))).toBe('route=1');
    expect(scope({ share_across_routes: true }, input({}))).toBe('shared');
  });

  it('adds the consumer and variables, missing ones empty', () => {
    const conf = { include_consumer: true, include_vars: ['http_x_tenant', 'arg_x'] };
    expect(scope(conf, input({ http_x_tenant: 'alpha' }, 'jack'))).toBe(
      'route=1:consumer=jack:http_x_tenant=alpha:arg_x=',
    );
  });

  it('escapes values so a tenant cannot forge another scope', () => {
    const conf = { share_across_routes: true, include_vars: ['http_x_a', 'http_x_b'] };
    const key = (a: string, b: string) => scope(conf, input({ http_x_a: a, http_x_b: b }));
    expect(key('acme', 'us')).toBe(key('acme', 'us'));
    expect(key('acme', 'us')).toContain('http_x_a=acme');
    expect(key('x:http_x_b=yZ', '')).not.toBe(key('x', 'yZ:http_x_b='));
    expect(scopeValue('a%3A:=')).toBe('a%253A%3A%3D');
  });

  it('hashes a value past the bound, so keys stay short whatever the client sends', () => {
    const long = 'v'.repeat(10_000);
    const value = scopeValue(long);
    expect(value).toMatch(/^sha256=[0-9a-f]{32}$/);
    expect(scopeValue(long)).toBe(value);
    expect(scopeValue(`${long}w`)).not.toBe(value);
    expect(scopeValue('v'.repeat(MAX_SCOPE_VALUE))).toBe('v'.repeat(MAX_SCOPE_VALUE));
    expect(cacheKey('route=1', 'ab')).toBe('ai-cache:l1:route=1:ab');
  });
});
