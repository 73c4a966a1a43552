import http from 'node:http';
import net from 'node:net';
import { RequestContext } from '@tollgate/core';
import type { ProxyRewriteConf } from '@tollgate/schema';
import { PLUGINS } from '../index';
import { proxyRewrite } from './index';
import { escapeUri } from './uri';

function context(url: string, headers: http.IncomingHttpHeaders = {}): RequestContext {
  const socket = new net.Socket();
  Object.defineProperty(socket, 'remoteAddress', { value: '127.0.0.1' });
  const req = new http.IncomingMessage(socket);
  req.headers = headers;
  req.url = url;
  req.method = 'GET';
  return new RequestContext(req, new http.ServerResponse(req));
}

function run(conf: Partial<ProxyRewriteConf>, ctx: RequestContext): RequestContext {
  void proxyRewrite.rewrite?.({ use_real_request_uri_unsafe: false, ...conf }, ctx);
  return ctx;
}

describe('proxy-rewrite', () => {
  it('is registered under APISIX name and priority', () => {
    expect(PLUGINS.get('proxy-rewrite')).toBe(proxyRewrite);
    expect(proxyRewrite.priority).toBe(1008);
  });

  it('escapes like ngx.escape_uri', () => {
    expect(escapeUri('/a b#c%d?e/é')).toBe('/a%20b%23c%25d%3Fe/%C3%A9');
  });

  it('uri: replaces the path, resolves variables, keeps the query', () => {
    expect(run({ uri: '/test/add' }, context('/hello?a=1')).upstreamUri).toBe('/test/add?a=1');
    expect(run({ uri: '/test?x=$arg_a' }, context('/hello?a=1')).upstreamUri).toBe('/test?x=1&a=1');
    expect(run({ uri: '/$uri/x' }, context('/hello')).upstreamUri).toBe('//hello/x');
    // A `?` from a variable is escaped, not a separator.
    expect(run({ uri: '/v/$arg_q' }, context('/h?q=a%3Fb')).upstreamUri).toBe('/v/a%253Fb?q=a%3Fb');
  });

  it('regex_uri: the first matching pair rewrites; captures reach header values', () => {
    const conf: Partial<ProxyRewriteConf> = {
      regex_uri: ['^/nomatch/(.*)', '/n/$1', '^/test/(.*)/(.*)/(.*)', '/$1_$2_$3'],
      headers: { set: { 'X-Cap': 'c=$2' } },
    };
    const ctx = run(conf, context('/test/a/b/c'));
    expect(ctx.upstreamUri).toBe('/a_b_c');
    expect(ctx.upstreamHeaders.get('x-cap')).toBe('c=b');
    expect(run(conf, context('/other')).upstreamUri).toBe('/other');
  });

  it('without uri rules: the decoded path re-escaped', () => {
    expect(run({ host: 'a.com' }, context('/a%20b%3Fc?x=1')).upstreamUri).toBe('/a%20b%3Fc?x=1');
  });

  it('use_real_request_uri_unsafe sends the raw request URI', () => {
    const ctx = context('/a%2Fb/../c?x=1');
    void proxyRewrite.rewrite?.({ use_real_request_uri_unsafe: true, host: 'a.com' }, ctx);
    expect(ctx.upstreamUri).toBe('/a%2Fb/../c?x=1');
  });

  it('host, method and headers add/set/remove, and the 2.x object form', () => {
    const ctx = run(
      {
        host: 'test.com:6443',
        method: 'POST',
        headers: {
          add: { 'X-Add': 'v2' },
          set: { 'X-Api-Version': 'v2', 'X-Addr': '$remote_addr' },
          remove: ['X-Drop'],
        },
      },
      context('/', { 'x-add': 'v1', 'x-drop': '1' }),
    );
    expect(ctx.upstreamHeaders.get('host')).toBe('test.com:6443');
    expect(ctx.upstreamMethod).toBe('POST');
    expect(ctx.upstreamHeaders.get('x-add')).toBe('v1, v2');
    expect(ctx.upstreamHeaders.get('x-api-version')).toBe('v2');
    expect(ctx.upstreamHeaders.get('x-addr')).toBe('127.0.0.1');
    expect(ctx.upstreamHeaders.get('x-drop')).toBeNull();

    const old = run({ headers: { 'X-Api': 1, 'X-Empty': '' } }, context('/'));
    expect(old.upstreamHeaders.get('x-api')).toBe('1');
    expect(old.upstreamHeaders.get('x-empty')).toBe('');
  });
});
