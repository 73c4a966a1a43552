import http from 'node:http';
import net from 'node:net';
import { RequestContext } from '@tollgate/core';
import { hashKeyOf, type HashKeyConf } from './hash-key';

function context(
  url: string,
  headers: http.IncomingHttpHeaders = {},
  consumer?: string,
): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.headers = headers;
  req.url = url;
  req.method = 'POST';
  const ctx = new RequestContext(req, new http.ServerResponse(req));
  ctx.vars.set('remote_addr', '10.0.0.9');
  if (consumer) ctx.consumer = { username: consumer, plugins: [] };
  return ctx;
}

describe('hashKeyOf', () => {
  it.each<
    [string, HashKeyConf | undefined, string, http.IncomingHttpHeaders, string | undefined, string]
  >([
    ['vars arg', { hash_on: 'vars', key: 'arg_user' }, '/?user=u1', {}, undefined, 'u1'],
    [
      'vars query_string',
      { hash_on: 'vars', key: 'query_string' },
      '/?index=3',
      {},
      undefined,
      'index=3',
    ],
    ['vars uri', { hash_on: 'vars', key: 'uri' }, '/v1/chat?x=1', {}, undefined, '/v1/chat'],
    [
      'vars missing → remote_addr',
      { hash_on: 'vars', key: 'arg_user' },
      '/',
      {},
      undefined,
      '10.0.0.9',
    ],
    [
      'vars empty → remote_addr',
      { hash_on: 'vars', key: 'arg_user' },
      '/?user=',
      {},
      undefined,
      '10.0.0.9',
    ],
    [
      'header',
      { hash_on: 'header', key: 'X-User-Id' },
      '/',
      { 'x-user-id': 'h1' },
      undefined,
      'h1',
    ],
    ['header missing', { hash_on: 'header', key: 'X-User-Id' }, '/', {}, undefined, '10.0.0.9'],
    ['cookie', { hash_on: 'cookie', key: 'sid' }, '/', { cookie: 'a=1; sid=s9' }, undefined, 's9'],
    ['consumer', { hash_on: 'consumer' }, '/', {}, 'jack', 'jack'],
    ['consumer anonymous', { hash_on: 'consumer' }, '/', {}, undefined, '10.0.0.9'],
    [
      'vars_combinations',
      { hash_on: 'vars_combinations', key: '$remote_addr-${arg_x}' },
      '/?x=7',
      {},
      undefined,
      '10.0.0.9-7',
    ],
    [
      'vars_combinations missing part',
      { hash_on: 'vars_combinations', key: '$arg_a$arg_b' },
      '/?b=2',
      {},
      undefined,
      '2',
    ],
    [
      'vars_combinations all missing',
      { hash_on: 'vars_combinations', key: '$arg_a' },
      '/',
      {},
      undefined,
      '10.0.0.9',
    ],
    ['no balancer → remote_addr', undefined, '/', {}, undefined, '10.0.0.9'],
  ])('%s', (_label, balancer, url, headers, consumer, expected) => {
    expect(hashKeyOf(balancer, context(url, headers, consumer))).toBe(expected);
  });
});
