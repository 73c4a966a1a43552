import http from 'node:http';
import net from 'node:net';
import { RequestContext } from '@tollgate/core';
import type { RequestIdConf } from '@tollgate/schema';
import { PLUGINS } from '../index';
import { ksuid } from './generate';
import { requestId } from './index';

const CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIGKLMNOPQRSTUVWXYZ0123456789';

function conf(overrides: Partial<RequestIdConf> = {}): RequestIdConf {
  return {
    header_name: 'X-Request-Id',
    include_in_response: true,
    algorithm: 'uuid',
    range_id: { length: 16, char_set: CHARS },
    ...overrides,
  };
}

function context(headers: http.IncomingHttpHeaders = {}): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.headers = headers;
  req.url = '/hello';
  req.method = 'GET';
  return new RequestContext(req, new http.ServerResponse(req));
}

function run(c: RequestIdConf, ctx: RequestContext): string | null | undefined {
  void requestId.rewrite?.(c, ctx);
  return ctx.upstreamHeaders.get(c.header_name.toLowerCase());
}

describe('request-id', () => {
  it('is registered under APISIX name and priority', () => {
    expect(PLUGINS.get('request-id')).toBe(requestId);
    expect(requestId.priority).toBe(12015);
  });

  it('generates a uuid v4 for the upstream and sets request_id', () => {
    const ctx = context();
    const id = run(conf(), ctx);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ctx.vars.get('request_id')).toBe(id);
  });

  it('keeps a non-empty ID the client sent, and replaces an empty one', () => {
    const kept = context({ 'x-request-id': 'abc' });
    expect(run(conf(), kept)).toBeUndefined();
    expect(kept.vars.get('request_id')).toBe('abc');
    expect(run(conf(), context({ 'x-request-id': '' }))).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('nanoid, range_id and ksuid have their shapes', () => {
    expect(run(conf({ algorithm: 'nanoid' }), context())).toMatch(/^[A-Za-z0-9_-]{21}$/);
    const range = conf({ algorithm: 'range_id', range_id: { length: 8, char_set: 'abcdef' } });
    expect(run(range, context())).toMatch(/^[a-f]{8}$/);
    expect(run(conf({ algorithm: 'ksuid' }), context())).toMatch(/^[0-9A-Za-z]{27}$/);
  });

  it('ksuid sorts by time', () => {
    expect(ksuid(1_700_000_000_000) < ksuid(1_800_000_000_000)).toBe(true);
  });

  it('answers with the ID unless the response has the header already', () => {
    const ctx = context();
    const id = run(conf({ header_name: 'X-Trace' }), ctx);
    requestId.headerFilter?.(conf({ header_name: 'X-Trace' }), ctx);
    expect(ctx.response.getHeader('x-trace')).toBe(id);

    const answered = context();
    run(conf(), answered);
    answered.response.headers = { 'x-request-id': 'from-upstream' };
    requestId.headerFilter?.(conf(), answered);
    expect(answered.response.getHeader('X-Request-Id')).toBe('from-upstream');
  });

  it('leaves the response alone without include_in_response', () => {
    const ctx = context();
    run(conf({ include_in_response: false }), ctx);
    requestId.headerFilter?.(conf({ include_in_response: false }), ctx);
    expect(ctx.response.getHeader('X-Request-Id')).toBeUndefined();
  });
});
