import http from 'node:http';
import net from 'node:net';
import { AiContext, RequestContext } from '@tollgate/core';
import {
  bytesSent,
  latencies,
  modelLabel,
  requestIdentity,
  requestLength,
  responseSource,
  statusCode,
  textLabel,
} from './labels';

function context(method = 'GET', url = '/', headers: http.IncomingHttpHeaders = {}) {
  const req = new http.IncomingMessage(new net.Socket());
  req.method = method;
  req.url = url;
  req.headers = headers;
  req.rawHeaders = Object.entries(headers).flatMap(([k, v]) => [k, String(v)]);
  return new RequestContext(req, new http.ServerResponse(req));
}

describe('model labels', () => {
  it('keeps short names, cuts long ones to 128 bytes on a character boundary', () => {
    expect(modelLabel('gpt-4')).toBe('gpt-4');
    expect(modelLabel('a'.repeat(200))).toBe('a'.repeat(128));
    expect(modelLabel('a'.repeat(128))).toBe('a'.repeat(128));
    // 127 ASCII bytes + a 3-byte character: the character does not fit, so it goes entirely.
    const cut = modelLabel(`${'a'.repeat(127)}€tail`);
    expect(cut).toBe('a'.repeat(127));
    expect(Buffer.byteLength(modelLabel('€'.repeat(100)))).toBe(126);
  });

  it('labels absent values "" and objects <non-scalar>', () => {
    expect(modelLabel(undefined)).toBe('');
    expect(modelLabel({ name: 'x' })).toBe('<non-scalar>');
    expect(modelLabel(42)).toBe('42');
    expect(textLabel(undefined)).toBe('');
    expect(textLabel(false)).toBe('false');
  });
});

describe('request identity', () => {
  it('is all "" (and traditional_http) when no route matched', () => {
    expect(requestIdentity(context(), true)).toEqual({
      route: '',
      service: '',
      routeId: '',
      routeName: '',
      serviceId: '',
      serviceName: '',
      matchedUri: '',
      matchedHost: '',
      consumer: '',
      node: '',
      requestType: 'traditional_http',
      requestLlmModel: '',
      llmModel: '',
    });
  });

  it('uses ids, or names with prefer_name (falling back to the id when unnamed)', () => {
    const ctx = context();
    ctx.route = {
      id: '1',
      name: 'chat',
      serviceId: 's1',
      matchedUri: '/v1/*',
      matchedHost: 'a.io',
    };
    ctx.vars.set('service_name', 'svc');
    ctx.vars.set('balancer_ip', '10.0.0.1');
    ctx.consumer = { username: 'jack', plugins: [] };
    expect(requestIdentity(ctx, false)).toMatchObject({
      route: '1',
      service: 's1',
      routeName: 'chat',
      serviceName: 'svc',
      matchedUri: '/v1/*',
      matchedHost: 'a.io',
      consumer: 'jack',
      node: '10.0.0.1',
    });
    expect(requestIdentity(ctx, true)).toMatchObject({ route: 'chat', service: 'svc' });
    ctx.route = { id: '2', matchedUri: '/x' };
    expect(requestIdentity(ctx, true)).toMatchObject({ route: '2', service: '' });
  });

  it('takes AI fields from ctx.ai: the upstream model, else the client one', () => {
    const ctx = context('POST', '/chat');
    const ai = (ctx.ai = new AiContext());
    ai.requestType = 'ai_stream';
    ai.requestModel = 'gpt-3';
    expect(requestIdentity(ctx, false)).toMatchObject({
      requestType: 'ai_stream',
      requestLlmModel: 'gpt-3',
      llmModel: 'gpt-3',
    });
    ai.model = 'gpt-4';
    expect(requestIdentity(ctx, false).llmModel).toBe('gpt-4');
  });
});

describe('status and response source', () => {
  it('is the status sent, or 499 when the client left before any head', () => {
    const ctx = context();
    expect(statusCode(ctx.response.res)).toBe(499);
    ctx.response.send(403, { message: 'no' });
    expect(statusCode(ctx.response.res)).toBe(403);
  });

  it('tells the gateway, the proxy and the upstream apart', () => {
    const plain = context();
    expect(responseSource(plain, 404)).toBe('apisix');
    plain.vars.set('upstream_addr', '127.0.0.1:1');
    expect(responseSource(plain, 502)).toBe('nginx');
    plain.vars.set('upstream_header_time', '0.002');
    expect(responseSource(plain, 200)).toBe('upstream');
    const ai = context();
    ai.ai = new AiContext();
    expect(responseSource(ai, 429)).toBe('apisix');
    ai.ai.upstreamStatus = 500;
    expect(responseSource(ai, 500)).toBe('upstream');
    expect(responseSource(ai, 502)).toBe('apisix');
  });
});

describe('sizes and latencies', () => {
  it('counts the request line, headers and body; the response head and body', () => {
    const ctx = context('POST', '/v1/chat', { host: 'a', 'content-length': '10' });
    // "POST /v1/chat HTTP/1.1\r\n" (24) + "host: a\r\n" (9) + "content-length: 10\r\n" (20) + "\r\n" (2) + 10
    expect(requestLength(ctx.req)).toBe(24 + 9 + 20 + 2 + 10);
    ctx.response.send(200, 'hello');
    const head = (ctx.response.res as unknown as { _header: string })._header;
    expect(bytesSent(ctx)).toBe(head.length + 5);
  });

  it('splits request time into upstream and gateway time', () => {
    const ctx = context();
    const t0 = ctx.startedAt;
    expect(latencies(ctx, t0 + 50)).toEqual({ request: 50, apisix: 50 });
    ctx.vars.set('upstream_response_time', '0.030');
    expect(latencies(ctx, t0 + 50)).toEqual({ request: 50, upstream: 30, apisix: 20 });
    ctx.vars.set('upstream_response_time', '0.080');
    expect(latencies(ctx, t0 + 50).apisix).toBe(0);
    const ai = context();
    ai.ai = new AiContext();
    ai.ai.upstreamResponseTimeMs = 40;
    expect(latencies(ai, ai.startedAt + 45)).toEqual({ request: 45, upstream: 40, apisix: 5 });
  });
});
