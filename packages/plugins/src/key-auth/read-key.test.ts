import http from 'node:http';
import net from 'node:net';
import { RequestContext } from '@tollgate/core';
import { readKey } from './read-key';

function context(url: string, headers: http.IncomingHttpHeaders = {}): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.headers = headers;
  req.url = url;
  req.method = 'GET';
  return new RequestContext(req, new http.ServerResponse(req));
}

const names = { header: 'X-Api-Key', query: 'key' };

describe('readKey', () => {
  it.each<[string, http.IncomingHttpHeaders, ReturnType<typeof readKey>]>([
    ['/', {}, undefined],
    ['/?apikey=a', { apikey: 'a' }, undefined],
    ['/', { 'x-api-key': 'a' }, { source: 'header', value: 'a' }],
    ['/?key=b', { 'x-api-key': 'a' }, { source: 'header', value: 'a' }],
    ['/?key=b', {}, { source: 'query', value: 'b' }],
    ['/?key=a+b%21', {}, { source: 'query', value: 'a b!' }],
    ['/?key=', {}, { source: 'query', value: '' }],
    ['/?key=a&key=b', {}, { source: 'query', value: undefined }],
    ['/', { 'x-api-key': '' }, { source: 'header', value: '' }],
  ])('%s with %j reads %j', (url, headers, expected) => {
    expect(readKey(names, context(url, headers))).toEqual(expected);
  });
});
