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
import type { HmacAuthConf } from '@tollgate/schema';
import { PLUGINS } from '../index';
import { hmacAuth } from './index';
import { signingString } from './verify';
import { parseSignature } from './parse-signature';

const john: ConsumerInfo = { username: 'john', plugins: [] };

class MemoryDirectory implements ConsumerDirectory {
  findCredential(plugin: string, field: string, value: string): CredentialMatch | undefined {
    return plugin === 'hmac-auth' && field === 'key_id' && value === 'john-key'
      ? { consumer: john, conf: { key_id: 'john-key', secret_key: 'john-secret-key' } }
      : undefined;
  }
  findByCredential(plugin: string, field: string, value: string) {
    return this.findCredential(plugin, field, value)?.consumer;
  }
  get(username: string) {
    return username === 'john' ? john : undefined;
  }
}

function conf(overrides: Partial<HmacAuthConf> = {}): HmacAuthConf {
  return {
    allowed_algorithms: ['hmac-sha1', 'hmac-sha256', 'hmac-sha512'],
    clock_skew: 300,
    validate_request_body: false,
    hide_credentials: false,
    ...overrides,
  };
}

function context(method: string, url: string, headers: http.IncomingHttpHeaders): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.headers = headers;
  req.url = url;
  req.method = method;
  const ctx = new RequestContext(req, new http.ServerResponse(req));
  ctx.consumers = new MemoryDirectory();
  return ctx;
}

function signed(
  opts: {
    method?: string;
    url?: string;
    alg?: string;
    date?: string;
    secret?: string;
    headers?: string;
  } = {},
): http.IncomingHttpHeaders {
  const method = opts.method ?? 'GET';
  const url = opts.url ?? '/get';
  const date = opts.date ?? new Date().toUTCString();
  const alg = opts.alg ?? 'hmac-sha256';
  const list = opts.headers ?? '@request-target date';
  const items = ['john-key'];
  for (const h of list.split(' '))
    items.push(h === '@request-target' ? `${method} ${url}` : `${h}: ${date}`);
  const sig = crypto
    .createHmac(alg.slice(5), opts.secret ?? 'john-secret-key')
    .update(`${items.join('\n')}\n`)
    .digest('base64');
  return {
    date,
    authorization: `Signature keyId="john-key",algorithm="${alg}",headers="${list}",signature="${sig}"`,
  };
}

async function run(c: HmacAuthConf, ctx: RequestContext): Promise<Exit | undefined> {
  return (await hmacAuth.rewrite?.(c, ctx)) ?? undefined;
}

const refused = (message = "client request can't be validated"): Exit => ({
  status: 401,
  body: { message },
  headers: undefined,
});

describe('hmac-auth', () => {
  it('is an auth plugin at APISIX priority 2530, in the registry', () => {
    expect(hmacAuth).toMatchObject({ name: 'hmac-auth', priority: 2530, type: 'auth' });
    expect(PLUGINS.get('hmac-auth')).toBe(hmacAuth);
  });

  it('builds the signing string of APISIX’s documented example (key id, request target, headers)', () => {
    const ctx = context('GET', '/get', { date: 'Fri, 06 Sep 2024 06:41:29 GMT' });
    const params = parseSignature(
      'Signature keyId="john-key",algorithm="hmac-sha256",headers="@request-target date",signature="x"',
    );
    if (typeof params === 'string') throw new Error(params);
    const text = signingString(ctx, params);
    expect(text).toBe('john-key\nGET /get\ndate: Fri, 06 Sep 2024 06:41:29 GMT\n');
  });

  it.each(['hmac-sha1', 'hmac-sha256', 'hmac-sha512'])('authenticates %s', async (alg) => {
    const ctx = context('GET', '/get?a=1', signed({ alg, url: '/get?a=1' }));
    expect(await run(conf(), ctx)).toBeUndefined();
    expect(ctx.consumer).toBe(john);
  });

  it('puts header-level reasons in the body, and hides signature-level ones', async () => {
    expect(await run(conf(), context('GET', '/get', {}))).toEqual(
      refused("client request can't be validated: missing Authorization header"),
    );
    expect(await run(conf(), context('GET', '/get', { authorization: 'Basic x' }))).toEqual(
      refused(
        "client request can't be validated: Authorization header does not start with 'Signature'",
      ),
    );
    for (const headers of [
      signed({ secret: 'wrong' }),
      signed({ url: '/other' }),
      signed({ date: new Date(Date.now() - 600_000).toUTCString() }),
      { ...signed(), date: 'yesterday' },
      signed({ alg: 'hmac-sha1' }),
    ]) {
      expect(
        await run(conf({ allowed_algorithms: ['hmac-sha256'] }), context('GET', '/get', headers)),
      ).toEqual(refused());
    }
  });

  it('requires the configured signed headers', async () => {
    const ctx = context('GET', '/get', signed());
    expect(await run(conf({ signed_headers: ['x-custom-a'] }), ctx)).toEqual(refused());
  });

  it('hides the Authorization header when asked', async () => {
    const ctx = context('GET', '/get', signed());
    expect(await run(conf({ hide_credentials: true }), ctx)).toBeUndefined();
    expect(ctx.upstreamHeaders.get('authorization')).toBeNull();
  });
});
