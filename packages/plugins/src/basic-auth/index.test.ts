import http from 'node:http';
import net from 'node:net';
import {
  RequestContext,
  type ConsumerDirectory,
  type ConsumerInfo,
  type CredentialMatch,
  type Exit,
} from '@tollgate/core';
import type { BasicAuthConf } from '@tollgate/schema';
import { PLUGINS } from '../index';
import { basicAuth } from './index';

const foo: ConsumerInfo = { username: 'foo', plugins: [] };
const rose: ConsumerInfo = { username: 'rose', credentialId: 'cred-rose', plugins: [] };
const anonymous: ConsumerInfo = { username: 'anonymous', plugins: [] };

class MemoryDirectory implements ConsumerDirectory {
  private readonly users = new Map<string, CredentialMatch>([
    ['foo', { consumer: foo, conf: { username: 'foo', password: 'bar' } }],
    ['rose', { consumer: rose, conf: { username: 'rose', password: 'r0se' } }],
  ]);
  private readonly byName = new Map([foo, rose, anonymous].map((c) => [c.username, c]));

  findCredential(plugin: string, field: string, value: string): CredentialMatch | undefined {
    return plugin === 'basic-auth' && field === 'username' ? this.users.get(value) : undefined;
  }

  findByCredential(plugin: string, field: string, value: string): ConsumerInfo | undefined {
    return this.findCredential(plugin, field, value)?.consumer;
  }

  get(username: string): ConsumerInfo | undefined {
    return this.byName.get(username);
  }
}

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function conf(overrides: Partial<BasicAuthConf> = {}): BasicAuthConf {
  return { hide_credentials: false, realm: 'basic', ...overrides };
}

function context(headers: http.IncomingHttpHeaders = {}): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.headers = headers;
  req.url = '/hello';
  req.method = 'GET';
  const ctx = new RequestContext(req, new http.ServerResponse(req));
  ctx.consumers = new MemoryDirectory();
  return ctx;
}

async function run(c: BasicAuthConf, ctx: RequestContext): Promise<Exit | undefined> {
  return (await basicAuth.rewrite?.(c, ctx)) ?? undefined;
}

describe('basic-auth definition', () => {
  it('is an auth plugin at APISIX priority 2520, rewrite only, in the registry', () => {
    expect(basicAuth).toMatchObject({ name: 'basic-auth', priority: 2520, type: 'auth' });
    expect(basicAuth).not.toHaveProperty('access');
    expect(PLUGINS.get('basic-auth')).toBe(basicAuth);
  });
});

describe('basic-auth rewrite', () => {
  it('attaches the consumer of a right user name and password', async () => {
    const ctx = context({ authorization: basic('foo', 'bar') });
    expect(await run(conf(), ctx)).toBeUndefined();
    expect(ctx.consumer).toBe(foo);
    expect(ctx.vars.get('consumer_name')).toBe('foo');
    expect(ctx.upstreamHeaders.get('x-consumer-username')).toBe('foo');
    expect(ctx.upstreamHeaders.has('authorization')).toBe(false);
  });

  it('sets X-Credential-Identifier for a credential', async () => {
    const ctx = context({ authorization: basic('rose', 'r0se') });
    expect(await run(conf(), ctx)).toBeUndefined();
    expect(ctx.upstreamHeaders.get('x-credential-identifier')).toBe('cred-rose');
  });

  it('answers 401 with the realm in single quotes when the header is missing', async () => {
    expect(await run(conf({ realm: 'secure-zone' }), context())).toEqual({
      status: 401,
      body: { message: 'Missing authorization in request' },
      headers: { 'WWW-Authenticate': "Basic realm='secure-zone'" },
    });
  });

  it.each([
    ['a malformed header', 'Bad_header YmFyOmJhcgo=', 'Invalid authorization in request'],
    ['an unknown user', basic('bar', 'bar'), 'Invalid user authorization'],
    ['a wrong password', basic('foo', 'foo'), 'Invalid user authorization'],
    ['another user’s password', basic('foo', 'r0se'), 'Invalid user authorization'],
  ])('answers 401 without a challenge for %s', async (_what, authorization, message) => {
    const ctx = context({ authorization });
    expect(await run(conf(), ctx)).toEqual({ status: 401, body: { message } });
    expect(ctx.consumer).toBeUndefined();
  });

  it('hides the Authorization header when hide_credentials is set', async () => {
    const ctx = context({ authorization: basic('foo', 'bar') });
    await run(conf({ hide_credentials: true }), ctx);
    expect(ctx.upstreamHeaders.get('authorization')).toBeNull();
  });

  it('falls back to the anonymous consumer, or 401 when it does not exist', async () => {
    const ctx = context({ authorization: basic('foo', 'nope') });
    expect(await run(conf({ anonymous_consumer: 'anonymous' }), ctx)).toBeUndefined();
    expect(ctx.consumer).toBe(anonymous);
    expect(await run(conf({ anonymous_consumer: 'ghost' }), context())).toEqual({
      status: 401,
      body: { message: 'Invalid user authorization' },
      headers: { 'WWW-Authenticate': "Basic realm='basic'" },
    });
  });
});
