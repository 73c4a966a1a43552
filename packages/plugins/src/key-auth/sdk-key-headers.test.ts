/**
 * key-auth `sdk_key_headers` (Tollgate extension, issue 16 item 5): the key in
 * `Authorization: Bearer <key>` or `x-api-key`, where the OpenAI and Anthropic SDKs send it.
 */
import http from 'node:http';
import net from 'node:net';
import { RequestContext, type ConsumerDirectory, type ConsumerInfo } from '@tollgate/core';
import type { KeyAuthConf } from '@tollgate/schema';
import { bearerToken, readKey } from './read-key';
import { rewrite } from './rewrite';

const jack: ConsumerInfo = { username: 'jack', plugins: [] };
const anonymous: ConsumerInfo = { username: 'anonymous', plugins: [] };

const directory: ConsumerDirectory = {
  findByCredential: (plugin, field, value) =>
    plugin === 'key-auth' && field === 'key' && value === 'auth-one' ? jack : undefined,
  findCredential: () => undefined,
  get: (name) => [jack, anonymous].find((c) => c.username === name),
};

function context(url: string, headers: http.IncomingHttpHeaders = {}): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.headers = headers;
  req.url = url;
  req.method = 'GET';
  const ctx = new RequestContext(req, new http.ServerResponse(req));
  ctx.consumers = directory;
  return ctx;
}

function conf(overrides: Partial<KeyAuthConf> = {}): KeyAuthConf {
  return {
    header: 'apikey',
    query: 'apikey',
    hide_credentials: false,
    realm: 'key',
    sdk_key_headers: true,
    ...overrides,
  };
}

describe('bearerToken', () => {
  it.each<[string, string | undefined]>([
    ['Bearer auth-one', 'auth-one'],
    ['bearer auth-one', 'auth-one'],
    ['BEARER   auth-one  ', 'auth-one'],
    ['Basic YWxhZGRpbjpvcGVu', undefined],
    ['auth-one', undefined],
  ])('%j → %j', (value, token) => {
    expect(bearerToken(value)).toBe(token);
  });
});

describe('readKey with sdk_key_headers', () => {
  it.each<[string, http.IncomingHttpHeaders, ReturnType<typeof readKey>]>([
    ['/', { authorization: 'Bearer a' }, { source: 'authorization', value: 'a' }],
    ['/', { 'x-api-key': 'b' }, { source: 'x-api-key', value: 'b' }],
    ['/', { authorization: 'Bearer a', 'x-api-key': 'b' }, { source: 'authorization', value: 'a' }],
    ['/', { authorization: 'Basic Zm9v', 'x-api-key': 'b' }, { source: 'x-api-key', value: 'b' }],
    ['/', { apikey: 'c', authorization: 'Bearer a' }, { source: 'header', value: 'c' }],
    ['/?apikey=q', { authorization: 'Bearer a' }, { source: 'authorization', value: 'a' }],
    ['/?apikey=q', { authorization: 'Basic Zm9v' }, { source: 'query', value: 'q' }],
  ])('%s with %j reads %j', (url, headers, expected) => {
    expect(readKey(conf(), context(url, headers))).toEqual(expected);
  });

  it('reads neither SDK header when the option is off (APISIX behaviour)', () => {
    const ctx = context('/', { authorization: 'Bearer a', 'x-api-key': 'b' });
    expect(readKey(conf({ sdk_key_headers: false }), ctx)).toBeUndefined();
    expect(readKey(conf({ sdk_key_headers: undefined }), ctx)).toBeUndefined();
  });
});

describe('key-auth rewrite with sdk_key_headers', () => {
  it('authenticates a bearer token, with any case of the scheme', () => {
    const ctx = context('/v1/chat/completions', { authorization: 'bearer auth-one' });
    expect(rewrite(conf(), ctx)).toBeUndefined();
    expect(ctx.consumer).toBe(jack);
    expect(ctx.upstreamHeaders.has('authorization')).toBe(false);
  });

  it('authenticates x-api-key and hides it with hide_credentials', () => {
    const ctx = context('/v1/messages', { 'x-api-key': 'auth-one' });
    expect(rewrite(conf({ hide_credentials: true }), ctx)).toBeUndefined();
    expect(ctx.consumer).toBe(jack);
    expect(ctx.upstreamHeaders.get('x-api-key')).toBeNull();
    expect(ctx.upstreamHeaders.has('authorization')).toBe(false);
  });

  it('hides Authorization when the bearer token was the key', () => {
    const ctx = context('/v1/chat/completions', { authorization: 'Bearer auth-one' });
    expect(rewrite(conf({ hide_credentials: true }), ctx)).toBeUndefined();
    expect(ctx.upstreamHeaders.get('authorization')).toBeNull();
    expect(ctx.upstreamHeaders.has('apikey')).toBe(false);
  });

  it('refuses an unknown bearer token as an invalid key', () => {
    const ctx = context('/', { authorization: 'Bearer nope' });
    expect(rewrite(conf(), ctx)).toMatchObject({
      status: 401,
      body: { message: 'Invalid API key in request' },
    });
  });

  it('hides the SDK headers too when the anonymous consumer is attached', () => {
    const ctx = context('/', { authorization: 'Bearer nope', 'x-api-key': 'x' });
    const c = conf({ hide_credentials: true, anonymous_consumer: 'anonymous' });
    expect(rewrite(c, ctx)).toBeUndefined();
    expect(ctx.consumer).toBe(anonymous);
    expect(ctx.upstreamHeaders.get('authorization')).toBeNull();
    expect(ctx.upstreamHeaders.get('x-api-key')).toBeNull();
  });
});
