import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { adaptHttp2Exchange, isConnectionHeader, stripConnectionHeaders } from './http2-exchange';

describe('stripConnectionHeaders', () => {
  it('drops the headers HTTP/2 forbids, in any case, and keeps the rest as given', () => {
    expect(
      stripConnectionHeaders({
        Connection: 'close',
        'Keep-Alive': 'timeout=60',
        'transfer-encoding': 'chunked',
        Upgrade: 'websocket',
        'proxy-connection': 'keep-alive',
        'Content-Type': 'text/event-stream',
        'x-multi': ['a', 'b'],
        'content-length': 3,
      }),
    ).toEqual({ 'Content-Type': 'text/event-stream', 'x-multi': ['a', 'b'], 'content-length': 3 });
  });

  it('keeps te (allowed as "trailers" in requests) and a __proto__ header as a header', () => {
    expect(isConnectionHeader('TE')).toBe(false);
    const out = stripConnectionHeaders(JSON.parse('{"__proto__":"x","connection":"close"}'));
    expect(Object.keys(out)).toEqual(['__proto__']);
  });
});

function fakeExchange() {
  const stream = { destroyed: false, writableFinished: false, aborted: false };
  const set: [string, unknown][] = [];
  const heads: unknown[][] = [];
  const req = {
    url: '/v1/chat?x=1',
    headers: {
      ':method': 'POST',
      ':path': '/v1/chat?x=1',
      ':authority': 'api.example.com:9443',
      ':scheme': 'https',
      'content-type': 'application/json',
    },
    rawHeaders: [':method', 'POST', ':authority', 'api.example.com:9443', 'content-type', 'a/b'],
  };
  const res = {
    stream,
    setHeader(name: string, value: unknown) {
      set.push([name, value]);
      return res;
    },
    writeHead(...args: unknown[]) {
      heads.push(args);
      return res;
    },
  };
  return {
    req: req as unknown as Http2ServerRequest,
    res: res as unknown as Http2ServerResponse,
    stream,
    set,
    heads,
  };
}

describe('adaptHttp2Exchange', () => {
  it('hides pseudo-headers and takes host from :authority', () => {
    const { req, res } = fakeExchange();
    const [request] = adaptHttp2Exchange(req, res);
    expect(request.headers).toEqual({
      host: 'api.example.com:9443',
      'content-type': 'application/json',
    });
    expect(request.rawHeaders).toEqual(['host', 'api.example.com:9443', 'content-type', 'a/b']);
    expect(request.url).toBe('/v1/chat?x=1');
  });

  it('keeps a Host header the client sent', () => {
    const { req, res } = fakeExchange();
    (req.headers as Record<string, string>).host = 'other.example.com';
    expect(adaptHttp2Exchange(req, res)[0].headers.host).toBe('other.example.com');
  });

  it('drops connection-specific headers from setHeader and writeHead', () => {
    const { req, res, set, heads } = fakeExchange();
    const [, response] = adaptHttp2Exchange(req, res);
    response.setHeader('Connection', 'close');
    response.setHeader('x-a', '1');
    response.writeHead(200, { 'transfer-encoding': 'chunked', 'keep-alive': 'x', 'x-b': '2' });
    response.writeHead(204, 'No Content', { upgrade: 'h2c', 'x-c': '3' });
    expect(set).toEqual([['x-a', '1']]);
    expect(heads).toEqual([
      [200, { 'x-b': '2' }],
      [204, 'No Content', { 'x-c': '3' }],
    ]);
  });

  it('reads destroyed and writableFinished from the stream (a reset stream is a client gone)', () => {
    const { req, res, stream } = fakeExchange();
    const [, response] = adaptHttp2Exchange(req, res);
    expect(response.destroyed).toBe(false);
    // A reset: node:http2 marks the stream finished and aborted.
    Object.assign(stream, { destroyed: true, writableFinished: true, aborted: true });
    expect(response.destroyed && !response.writableFinished).toBe(true);
    stream.aborted = false;
    expect(response.writableFinished).toBe(true);
  });
});
