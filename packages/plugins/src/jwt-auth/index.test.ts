import crypto from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import {
  RequestContext,
  type ConsumerDirectory,
  type ConsumerInfo,
  type CredentialMatch,
  type Exit,
} from '@tollgate/core';
import type { JwtAuthConf } from '@tollgate/schema';
import { PLUGINS } from '../index';
import { jwtAuth, jwtPayload } from './index';

const jack: ConsumerInfo = { username: 'jack', plugins: [] };
const anonymous: ConsumerInfo = { username: 'anonymous', plugins: [] };
const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function hs256(payload: object, secret = 'my-secret-key'): string {
  const input = `${b64url({ typ: 'JWT', alg: 'HS256' })}.${b64url(payload)}`;
  return `${input}.${crypto.createHmac('sha256', secret).update(input).digest('base64url')}`;
}

class MemoryDirectory implements ConsumerDirectory {
  findCredential(plugin: string, field: string, value: string): CredentialMatch | undefined {
    if (plugin !== 'jwt-auth' || field !== 'key' || value !== 'user-key') return undefined;
    return {
      consumer: jack,
      conf: {
        key: 'user-key',
        secret: 'my-secret-key',
        algorithm: 'HS256',
        lifetime_grace_period: 0,
      },
    };
  }
  findByCredential(plugin: string, field: string, value: string) {
    return this.findCredential(plugin, field, value)?.consumer;
  }
  get(username: string) {
    return [jack, anonymous].find((c) => c.username === username);
  }
}

function conf(overrides: Partial<JwtAuthConf> = {}): JwtAuthConf {
  return {
    header: 'authorization',
    query: 'jwt',
    cookie: 'jwt',
    hide_credentials: false,
    key_claim_name: 'key',
    store_in_ctx: false,
    realm: 'jwt',
    claims_to_verify: ['exp', 'nbf'],
    ...overrides,
  };
}

function context(url: string, headers: http.IncomingHttpHeaders = {}): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.headers = headers;
  req.url = url;
  req.method = 'GET';
  const ctx = new RequestContext(req, new http.ServerResponse(req));
  ctx.consumers = new MemoryDirectory();
  return ctx;
}

async function run(c: JwtAuthConf, ctx: RequestContext): Promise<Exit | undefined> {
  return (await jwtAuth.rewrite?.(c, ctx)) ?? undefined;
}

const refused = (message: string, realm = 'jwt'): Exit => ({
  status: 401,
  body: { message },
  headers: { 'WWW-Authenticate': `Bearer realm="${realm}"` },
});

describe('jwt-auth', () => {
  it('is an auth plugin at APISIX priority 2510, in the registry', () => {
    expect(jwtAuth).toMatchObject({ name: 'jwt-auth', priority: 2510, type: 'auth' });
    expect(PLUGINS.get('jwt-auth')).toBe(jwtAuth);
  });

  it('authenticates a Bearer header, a bare header, the query and the cookie', async () => {
    const token = hs256({ key: 'user-key' });
    for (const ctx of [
      context('/hello', { authorization: `Bearer ${token}` }),
      context('/hello', { authorization: `bearer ${token}` }),
      context('/hello', { authorization: token }),
      context(`/hello?jwt=${token}`),
      context('/hello', { cookie: `a=1; jwt=${token}` }),
    ]) {
      expect(await run(conf(), ctx)).toBeUndefined();
      expect(ctx.consumer).toBe(jack);
      expect(ctx.upstreamHeaders.get('x-consumer-username')).toBe('jack');
    }
  });

  it('answers 401 with the Bearer challenge for each failure', async () => {
    const cases: [RequestContext, string][] = [
      [context('/hello'), 'Missing JWT token in request'],
      [context('/hello', { authorization: 'Bearer nope' }), 'JWT token invalid'],
      [context(`/hello?jwt=${hs256({ key: 'user-key' })}&jwt=x`), 'JWT token invalid'],
      [context('/hello', { authorization: hs256({ sub: 'x' }) }), 'missing user key in JWT token'],
      [
        context('/hello', { authorization: hs256({ key: 'other' }) }),
        'Invalid user key in JWT token',
      ],
      [
        context('/hello', { authorization: hs256({ key: 'user-key' }, 'bad') }),
        'failed to verify jwt',
      ],
      [
        context('/hello', { authorization: hs256({ key: 'user-key', exp: 1 }) }),
        'failed to verify jwt',
      ],
    ];
    for (const [ctx, message] of cases) expect(await run(conf(), ctx)).toEqual(refused(message));
    expect(await run(conf({ realm: 'custom' }), context('/hello'))).toEqual(
      refused('Missing JWT token in request', 'custom'),
    );
  });

  it('skips claims not listed in claims_to_verify', async () => {
    const ctx = context('/hello', { authorization: hs256({ key: 'user-key', exp: 1 }) });
    expect(await run(conf({ claims_to_verify: ['nbf'] }), ctx)).toBeUndefined();
  });

  it('reads the key from key_claim_name and stores the payload when asked', async () => {
    const ctx = context('/hello', { authorization: hs256({ iss: 'user-key', foo: 'bar' }) });
    expect(await run(conf({ key_claim_name: 'iss', store_in_ctx: true }), ctx)).toBeUndefined();
    expect(jwtPayload(ctx)).toEqual({ iss: 'user-key', foo: 'bar' });
  });

  it('hides the token where it was found', async () => {
    const token = hs256({ key: 'user-key' });
    const header = context('/hello', { authorization: `Bearer ${token}` });
    await run(conf({ hide_credentials: true }), header);
    expect(header.upstreamHeaders.get('authorization')).toBeNull();
    const query = context(`/hello?jwt=${token}&a=1`);
    await run(conf({ hide_credentials: true }), query);
    expect([...query.removedQueryArgs]).toEqual(['jwt']);
    const cookie = context('/hello', { cookie: `a=1; jwt=${token}; b=2` });
    await run(conf({ hide_credentials: true }), cookie);
    expect(cookie.upstreamHeaders.get('cookie')).toBe('a=1; b=2');
  });

  it('falls back to the anonymous consumer, or 401 when it does not exist', async () => {
    const ctx = context('/hello');
    expect(await run(conf({ anonymous_consumer: 'anonymous' }), ctx)).toBeUndefined();
    expect(ctx.consumer).toBe(anonymous);
    expect(await run(conf({ anonymous_consumer: 'ghost' }), context('/hello'))).toEqual(
      refused('Invalid user authorization'),
    );
  });
});
