import http from 'node:http';
import net from 'node:net';
import {
  RequestContext,
  type ConsumerDirectory,
  type ConsumerInfo,
  type CredentialMatch,
} from '@tollgate/core';
import type { MultiAuthConf } from '@tollgate/schema';
import { PLUGINS } from '../index';

const foo: ConsumerInfo = { username: 'foo', plugins: [] };

class MemoryDirectory implements ConsumerDirectory {
  findCredential(plugin: string, field: string, value: string): CredentialMatch | undefined {
    if (plugin === 'basic-auth' && field === 'username' && value === 'foo') {
      return { consumer: foo, conf: { username: 'foo', password: 'bar' } };
    }
    if (plugin === 'key-auth' && field === 'key' && value === 'auth-one') {
      return { consumer: foo, conf: { key: 'auth-one' } };
    }
    return undefined;
  }
  findByCredential(plugin: string, field: string, value: string) {
    return this.findCredential(plugin, field, value)?.consumer;
  }
  get() {
    return undefined;
  }
}

function context(headers: http.IncomingHttpHeaders): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.headers = headers;
  req.url = '/hello';
  req.method = 'GET';
  const ctx = new RequestContext(req, new http.ServerResponse(req));
  ctx.consumers = new MemoryDirectory();
  return ctx;
}

const conf = {
  auth_plugins: [
    { 'basic-auth': { hide_credentials: false, realm: 'basic' } },
    { 'key-auth': { header: 'apikey', query: 'apikey', hide_credentials: false, realm: 'key' } },
  ],
} as MultiAuthConf;

const multiAuth = PLUGINS.get('multi-auth');

describe('multi-auth', () => {
  it('is an auth plugin at APISIX priority 2600, in the registry', () => {
    expect(multiAuth).toMatchObject({ name: 'multi-auth', priority: 2600, type: 'auth' });
  });

  it('succeeds with the first plugin that authenticates', async () => {
    const basic = context({ authorization: 'Basic Zm9vOmJhcg==' });
    expect(await multiAuth?.rewrite?.(conf, basic)).toBeUndefined();
    expect(basic.consumer).toBe(foo);
    const key = context({ apikey: 'auth-one' });
    expect(await multiAuth?.rewrite?.(conf, key)).toBeUndefined();
    expect(key.upstreamHeaders.get('x-consumer-username')).toBe('foo');
  });

  it('answers 401 Authorization Failed, without any challenge, when all fail', async () => {
    expect(
      await multiAuth?.rewrite?.(conf, context({ authorization: 'Basic YmFyOmJhcgo=' })),
    ).toEqual({ status: 401, body: { message: 'Authorization Failed' }, headers: undefined });
  });
});
