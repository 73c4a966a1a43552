import http from 'node:http';
import net from 'node:net';
import { RequestContext, type Exit } from '@tollgate/core';
import type { RedirectConf } from '@tollgate/schema';
import { PLUGINS } from '../index';
import { redirect } from './index';

function context(
  url: string,
  headers: http.IncomingHttpHeaders = { host: 'foo.com' },
  method = 'GET',
): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.headers = headers;
  req.url = url;
  req.method = method;
  return new RequestContext(req, new http.ServerResponse(req));
}

function run(conf: Partial<RedirectConf>, ctx: RequestContext): Exit | undefined {
  const full: RedirectConf = {
    ret_code: 302,
    encode_uri: false,
    append_query_string: false,
    ...conf,
  };
  return (redirect.rewrite?.(full, ctx) as Exit | undefined) ?? undefined;
}

describe('redirect', () => {
  it('is registered under APISIX name and priority', () => {
    expect(PLUGINS.get('redirect')).toBe(redirect);
    expect(redirect.priority).toBe(900);
  });

  it('uri with variables; \\$ kept as written', () => {
    const res = run({ uri: '$uri/foo?name=${arg_a}&x=\\$host' }, context('/hello?a=1'));
    expect(res?.status).toBe(302);
    expect(res?.headers?.Location).toBe('/hello/foo?name=1&x=\\$host');
    expect(res?.body).toContain('302 Found');
  });

  it('regex_uri redirects only when it matches', () => {
    const conf = {
      regex_uri: ['^/test/(.*)', 'http://test.com/$1'] as [string, string],
      ret_code: 301,
    };
    expect(run(conf, context('/test/a/b'))?.headers?.Location).toBe('http://test.com/a/b');
    expect(run(conf, context('/other'))).toBeUndefined();
  });

  it('http_to_https: 301 for GET/HEAD, 308 otherwise, nothing over https', () => {
    const get = run({ http_to_https: true }, context('/hello?a=1'));
    expect(get?.status).toBe(301);
    expect(get?.headers?.Location).toBe('https://foo.com/hello?a=1');
    expect(run({ http_to_https: true }, context('/x', { host: 'foo.com' }, 'POST'))?.status).toBe(
      308,
    );
    const proxied = context('/x', { host: 'foo.com', 'x-forwarded-proto': 'https' });
    expect(run({ http_to_https: true }, proxied)).toBeUndefined();
  });

  it("http_to_https names the HTTPS port: plugin_attr's https_port, else apisix.ssl.listen's", async () => {
    const env = (attr: Record<string, unknown> | undefined, httpsPorts: number[]) => ({
      processId: 'test',
      health: { isHealthy: () => true, onChange: () => undefined },
      localCounters: undefined as never,
      pluginAttr: (name: string) => (name === 'redirect' ? attr : undefined),
      httpsPorts,
    });
    const location = () => run({ http_to_https: true }, context('/a'))?.headers?.Location;
    await redirect.init?.(env(undefined, [9443]));
    expect(location()).toBe('https://foo.com:9443/a');
    await redirect.init?.(env({ https_port: 8443 }, [9443]));
    expect(location()).toBe('https://foo.com:8443/a');
    await redirect.init?.(env(undefined, [443]));
    expect(location()).toBe('https://foo.com/a');
    await redirect.init?.(env(undefined, []));
    expect(location()).toBe('https://foo.com/a');
  });

  it('encode_uri and append_query_string', () => {
    expect(run({ uri: '$uri', encode_uri: true }, context('/a%20b'))?.headers?.Location).toBe(
      '/a%20b',
    );
    const q = run({ uri: '/foo?bar=baz', append_query_string: true }, context('/h?test=1'));
    expect(q?.headers?.Location).toBe('/foo?bar=baz&test=1');
    expect(run({ uri: '/foo', append_query_string: true }, context('/h'))?.headers?.Location).toBe(
      '/foo',
    );
  });

  it('a non-redirect ret_code has no page', () => {
    const res = run({ uri: '/x', ret_code: 200 }, context('/'));
    expect(res?.status).toBe(200);
    expect(res?.body).toBeUndefined();
  });
});
