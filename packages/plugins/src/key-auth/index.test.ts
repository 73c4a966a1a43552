import http from 'node:http';
import net from 'node:net';
import {
  RequestContext,
  type ConsumerDirectory,
  type ConsumerInfo,
  type Exit,
} from '@tollgate/core';
import type { KeyAuthConf } from '@tollgate/schema';
import { PLUGINS } from '../index';
import { keyAuth } from './index';

const jack: ConsumerInfo = { username: 'jack', plugins: [] };
const rose: ConsumerInfo = {
  username: 'rose',
  credentialId: 'rose-key',
  groupId: 'staff',
  labels: { custom_id: 'r-42' },
  plugins: [],
};
const anonymous: ConsumerInfo = { username: 'anonymous', plugins: [] };

/** key-auth keys as the config snapshot indexes them: jack on the consumer, rose on a credential. */
class MemoryDirectory implements ConsumerDirectory {
  readonly lookups: [string, string, string][] = [];
  private readonly keys = new Map([
    ['auth-one', jack],
    ['auth-two', rose],
  ]);
  private readonly byName = new Map([jack, rose, anonymous].map((c) => [c.username, c]));

  findByCredential(plugin: string, field: string, value: string): ConsumerInfo | undefined {
    this.lookups.push([plugin, field, value]);
    return plugin === 'key-auth' && field === 'key' ? this.keys.get(value) : undefined;
  }

  findCredential(plugin: string, field: string, value: string) {
    const consumer = this.findByCredential(plugin, field, value);
    return consumer && { consumer, conf: { key: value } };
  }

  get(username: string): ConsumerInfo | undefined {
    return this.byName.get(username);
  }
}

function conf(overrides: Partial<KeyAuthConf> = {}): KeyAuthConf {
  return { header: 'apikey', query: 'apikey', hide_credentials: false, realm: 'key', ...overrides };
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

async function run(c: KeyAuthConf, ctx: RequestContext): Promise<Exit | undefined> {
  return (await keyAuth.rewrite?.(c, ctx)) ?? undefined;
}

function unauthorized(message: string, realm = 'key'): Exit {
  return {
    status: 401,
    body: { message },
    headers: { 'WWW-Authenticate': `apikey realm="${realm}"` },
  };
}

describe('key-auth definition', () => {
  it('is an auth plugin at APISIX priority 2500, in the registry', () => {
    expect(keyAuth).toMatchObject({
      name: 'key-auth',
      version: '0.1',
      priority: 2500,
      type: 'auth',
    });
    expect(keyAuth).not.toHaveProperty('access');
    expect(typeof keyAuth.rewrite).toBe('function');
    expect(PLUGINS.get('key-auth')).toBe(keyAuth);
  });
});

describe('key-auth rewrite', () => {
  it('authenticates by the apikey header and attaches the consumer (#62)', async () => {
    const ctx = context('/hello', { apikey: 'auth-one' });
    await expect(run(conf(), ctx)).resolves.toBeUndefined();
    expect(ctx.consumer).toBe(jack);
    expect(ctx.vars.get('consumer_name')).toBe('jack');
    expect(ctx.upstreamHeaders.get('x-consumer-username')).toBe('jack');
    expect(ctx.upstreamHeaders.has('x-credential-identifier')).toBe(false);
    expect(ctx.upstreamHeaders.has('x-consumer-custom-id')).toBe(false);
    expect((ctx.consumers as MemoryDirectory).lookups).toEqual([['key-auth', 'key', 'auth-one']]);
  });

  it('sets X-Credential-Identifier, X-Consumer-Custom-ID and the group for a credential match', async () => {
    const ctx = context('/hello', { apikey: 'auth-two' });
    await expect(run(conf(), ctx)).resolves.toBeUndefined();
    expect(ctx.consumer).toBe(rose);
    expect(ctx.vars.get('consumer_name')).toBe('rose');
    expect(ctx.vars.get('consumer_group_id')).toBe('staff');
    expect(Object.fromEntries(ctx.upstreamHeaders)).toEqual({
      'x-consumer-username': 'rose',
      'x-credential-identifier': 'rose-key',
      'x-consumer-custom-id': 'r-42',
    });
  });

  it('authenticates by the apikey query argument when the header is absent', async () => {
    const ctx = context('/hello?apikey=auth-one');
    await expect(run(conf(), ctx)).resolves.toBeUndefined();
    expect(ctx.consumer).toBe(jack);
  });

  it('prefers the header to the query argument', async () => {
    const ctx = context('/hello?apikey=auth-one', { apikey: 'auth-two' });
    await expect(run(conf(), ctx)).resolves.toBeUndefined();
    expect(ctx.consumer).toBe(rose);
  });

  it('uses the header even when its key is invalid and the query key is valid', async () => {
    const ctx = context('/hello?apikey=auth-one', { apikey: 'nope' });
    await expect(run(conf(), ctx)).resolves.toEqual(unauthorized('Invalid API key in request'));
    expect(ctx.consumer).toBeUndefined();
  });

  it('reads a custom header, case-insensitively (#66)', async () => {
    // Node lowercases incoming header names; the configured name may be in any case.
    const ctx = context('/hello', { authorization: 'auth-one' });
    await expect(run(conf({ header: 'Authorization' }), ctx)).resolves.toBeUndefined();
    expect(ctx.consumer).toBe(jack);
  });

  it('ignores the default header when a custom one is configured', async () => {
    const ctx = context('/hello', { apikey: 'auth-one' });
    await expect(run(conf({ header: 'X-Api-Key', query: 'key' }), ctx)).resolves.toEqual(
      unauthorized('Missing API key in request'),
    );
  });

  it('reads a custom query argument (#67)', async () => {
    const ctx = context('/hello?auth=auth-one');
    await expect(run(conf({ query: 'auth' }), ctx)).resolves.toBeUndefined();
    expect(ctx.consumer).toBe(jack);
  });

  it('decodes the query argument', async () => {
    const ctx = context('/hello?foo=1&apikey=auth%2Done');
    await expect(run(conf(), ctx)).resolves.toBeUndefined();
    expect(ctx.consumer).toBe(jack);
  });

  it('refuses an unknown key with 401 Invalid API key (#63)', async () => {
    const ctx = context('/hello', { apikey: '123' });
    await expect(run(conf(), ctx)).resolves.toEqual(unauthorized('Invalid API key in request'));
    expect(ctx.consumer).toBeUndefined();
    expect(ctx.vars.get('consumer_name')).toBeUndefined();
    expect(ctx.upstreamHeaders.size).toBe(0);
  });

  it('refuses a request without a key with 401 Missing API key (#64)', async () => {
    const ctx = context('/hello?other=auth-one', { other: 'auth-one' });
    await expect(run(conf(), ctx)).resolves.toEqual(unauthorized('Missing API key in request'));
    expect((ctx.consumers as MemoryDirectory).lookups).toEqual([]);
  });

  it('treats an empty key as presented and invalid', async () => {
    await expect(run(conf(), context('/hello', { apikey: '' }))).resolves.toEqual(
      unauthorized('Invalid API key in request'),
    );
    await expect(run(conf(), context('/hello?apikey'))).resolves.toEqual(
      unauthorized('Invalid API key in request'),
    );
  });

  it('refuses a repeated query argument as invalid without looking it up', async () => {
    const ctx = context('/hello?apikey=auth-one&apikey=auth-two');
    await expect(run(conf(), ctx)).resolves.toEqual(unauthorized('Invalid API key in request'));
    expect((ctx.consumers as MemoryDirectory).lookups).toEqual([]);
  });

  it('sends the configured realm in WWW-Authenticate (#71)', async () => {
    const c = conf({ realm: 'my-custom-realm' });
    await expect(run(c, context('/hello'))).resolves.toEqual(
      unauthorized('Missing API key in request', 'my-custom-realm'),
    );
    await expect(run(c, context('/hello', { apikey: 'x' }))).resolves.toEqual(
      unauthorized('Invalid API key in request', 'my-custom-realm'),
    );
  });

  describe('hide_credentials', () => {
    it('keeps the key for the upstream when false (#68)', async () => {
      const ctx = context('/hello?apikey=auth-one', { apikey: 'auth-one' });
      await expect(run(conf(), ctx)).resolves.toBeUndefined();
      expect(ctx.upstreamHeaders.has('apikey')).toBe(false);
      expect(ctx.removedQueryArgs.size).toBe(0);
    });

    it('removes only the header when the key came from the header (#69)', async () => {
      const ctx = context('/hello?apikey=auth-one', { apikey: 'auth-one', test: 'auth-two' });
      await expect(run(conf({ hide_credentials: true }), ctx)).resolves.toBeUndefined();
      expect(ctx.upstreamHeaders.get('apikey')).toBeNull();
      expect(ctx.upstreamHeaders.has('test')).toBe(false);
      expect(ctx.removedQueryArgs.size).toBe(0);
    });

    it('removes a custom header under its lowercase name', async () => {
      const ctx = context('/hello', { authorization: 'auth-one' });
      const c = conf({ header: 'Authorization', hide_credentials: true });
      await expect(run(c, ctx)).resolves.toBeUndefined();
      expect(ctx.upstreamHeaders.get('authorization')).toBeNull();
    });

    it('removes only the query argument when the key came from the query', async () => {
      const ctx = context('/hello?auth=auth-one&apikey=other', { test: 'auth-two' });
      const c = conf({ query: 'auth', hide_credentials: true });
      await expect(run(c, ctx)).resolves.toBeUndefined();
      expect([...ctx.removedQueryArgs]).toEqual(['auth']);
      expect(ctx.upstreamHeaders.has('apikey')).toBe(false);
    });

    it('removes nothing when authentication fails without an anonymous consumer', async () => {
      const ctx = context('/hello?apikey=nope', { apikey: 'nope' });
      await run(conf({ hide_credentials: true }), ctx);
      expect(ctx.upstreamHeaders.size).toBe(0);
      expect(ctx.removedQueryArgs.size).toBe(0);
    });
  });

  describe('anonymous_consumer', () => {
    it('attaches the anonymous consumer when the key is missing', async () => {
      const ctx = context('/hello');
      await expect(run(conf({ anonymous_consumer: 'anonymous' }), ctx)).resolves.toBeUndefined();
      expect(ctx.consumer).toBe(anonymous);
      expect(ctx.vars.get('consumer_name')).toBe('anonymous');
      expect(ctx.upstreamHeaders.get('x-consumer-username')).toBe('anonymous');
      expect(ctx.upstreamHeaders.has('x-credential-identifier')).toBe(false);
    });

    it('attaches the anonymous consumer when the key is invalid', async () => {
      const ctx = context('/hello', { apikey: 'nope' });
      await expect(run(conf({ anonymous_consumer: 'anonymous' }), ctx)).resolves.toBeUndefined();
      expect(ctx.consumer).toBe(anonymous);
    });

    it('still prefers the key owner when the key is valid', async () => {
      const ctx = context('/hello', { apikey: 'auth-one' });
      await expect(run(conf({ anonymous_consumer: 'anonymous' }), ctx)).resolves.toBeUndefined();
      expect(ctx.consumer).toBe(jack);
    });

    it('strips both header and query when hide_credentials is set', async () => {
      const ctx = context('/hello?apikey=nope', { apikey: 'nope' });
      const c = conf({ anonymous_consumer: 'anonymous', hide_credentials: true });
      await expect(run(c, ctx)).resolves.toBeUndefined();
      expect(ctx.upstreamHeaders.get('apikey')).toBeNull();
      expect([...ctx.removedQueryArgs]).toEqual(['apikey']);
      expect(ctx.consumer).toBe(anonymous);
    });

    it('strips nothing when hide_credentials is off', async () => {
      const ctx = context('/hello?apikey=nope', { apikey: 'nope' });
      await run(conf({ anonymous_consumer: 'anonymous' }), ctx);
      expect(ctx.upstreamHeaders.has('apikey')).toBe(false);
      expect(ctx.removedQueryArgs.size).toBe(0);
    });

    it('refuses with Invalid user authorization when it does not exist (#72)', async () => {
      const ctx = context('/hello');
      const c = conf({ anonymous_consumer: 'not-found-anonymous', realm: 'r' });
      await expect(run(c, ctx)).resolves.toEqual(unauthorized('Invalid user authorization', 'r'));
      expect(ctx.consumer).toBeUndefined();
      expect(ctx.upstreamHeaders.has('x-consumer-username')).toBe(false);
    });
  });
});
