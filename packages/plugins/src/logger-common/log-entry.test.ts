import http from 'node:http';
import net from 'node:net';
import { RequestContext } from '@tollgate/core';
import { buildLogEntry, resolveLogFormat } from './log-entry';
import { timeIso8601, timeLocal } from './log-vars';
import type { LoggerConf } from './types';

const CONF: LoggerConf = {
  name: 'test logger',
  batch_max_size: 1000,
  inactive_timeout: 5,
  buffer_duration: 60,
  max_retry_count: 0,
  retry_delay: 1,
  include_req_body: false,
  include_resp_body: false,
  max_req_body_bytes: 524288,
  max_resp_body_bytes: 524288,
};

function context(url: string, headers: http.IncomingHttpHeaders = {}): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.headers = { host: 'example.com:9080', ...headers };
  req.url = url;
  req.method = 'GET';
  const ctx = new RequestContext(req, new http.ServerResponse(req));
  ctx.route = { id: 'r1', serviceId: 's1', matchedUri: '/hello' };
  ctx.vars.set('route_id', 'r1');
  return ctx;
}

describe('buildLogEntry (APISIX log-util)', () => {
  it('without a log_format: the get_full_log entry', () => {
    const ctx = context('/hello?a=1&a=2&flag', { 'user-agent': 'ua' });
    ctx.consumer = { username: 'jack', plugins: [] };
    const entry = buildLogEntry(CONF, ctx, undefined, {}, ctx.startedAt + 12, Date.now());
    expect(entry).toMatchObject({
      request: {
        uri: '/hello?a=1&a=2&flag',
        method: 'GET',
        headers: { host: 'example.com:9080', 'user-agent': 'ua' },
        querystring: { a: ['1', '2'], flag: true },
        size: 0,
      },
      response: { status: 200, size: 0 },
      service_id: 's1',
      route_id: 'r1',
      consumer: { username: 'jack' },
      latency: 12,
      apisix_latency: 12,
    });
    expect(entry.request).toHaveProperty('url', expect.stringMatching(/^http:\/\/example\.com:/));
    expect(entry).toHaveProperty('server.hostname');
    expect(entry).toHaveProperty('start_time', ctx.startedAtEpochMs);
    expect(entry).not.toHaveProperty('upstream_latency', expect.anything());
  });

  it('upstream_latency from $upstream_response_time, apisix_latency the rest', () => {
    const ctx = context('/hello');
    ctx.vars.set('upstream_response_time', 0.004);
    const entry = buildLogEntry(CONF, ctx, undefined, {}, ctx.startedAt + 10);
    expect(entry.upstream_latency).toBe(4);
    expect(entry.apisix_latency).toBe(6);
  });

  it('the route log_format wins over the metadata one; route_id and service_id are added', () => {
    const ctx = context('/hello', { 'x-k': 'v' });
    const entry = buildLogEntry(
      { ...CONF, log_format: { host: '$host', client: '$remote_addr', k: '$http_x_k', lit: 'x' } },
      ctx,
      { log_format: { other: '$host' }, max_pending_entries: 8192 },
    );
    expect(entry).toEqual({
      host: 'example.com',
      client: '',
      k: 'v',
      lit: 'x',
      route_id: 'r1',
      service_id: 's1',
    });
  });

  it('the metadata log_format applies when the route has none', () => {
    const ctx = context('/hello');
    const entry = buildLogEntry(CONF, ctx, { log_format: { h: '$host', s: '$status' } });
    expect(entry).toEqual({ h: 'example.com', s: 200, route_id: 'r1', service_id: 's1' });
  });

  it('an empty metadata log_format means the default entry', () => {
    const entry = buildLogEntry(CONF, context('/hello'), { log_format: {} });
    expect(entry).toHaveProperty('request.method', 'GET');
  });

  it('log_format_extra adds fields but never overwrites a default one; the route value wins', () => {
    const ctx = context('/hello');
    const entry = buildLogEntry(
      { ...CONF, log_format_extra: { route_id: 'x', extra: '$host' } },
      ctx,
      { log_format_extra: { meta: 'm' } },
    );
    expect(entry.route_id).toBe('r1');
    expect(entry.extra).toBe('example.com');
    expect(entry).not.toHaveProperty('meta');
    const fromMeta = buildLogEntry(CONF, ctx, { log_format_extra: { meta: 'm' } });
    expect(fromMeta.meta).toBe('m');
  });

  it('nested log_format objects resolve to five levels; deeper ones are left out', () => {
    const lookup = (name: string) => (name === 'host' ? 'h' : undefined);
    // APISIX file-logger.t TEST 12: a.b.c.d.e stays a table, e.f is cut off.
    const format = {
      a: { b: { c: { d: { e: { f: { g: '$host' } }, x: '$host' } } } },
      missing: '$nope',
    };
    expect(resolveLogFormat(format, lookup)).toEqual({
      a: { b: { c: { d: { e: {}, x: 'h' } } } },
    });
  });

  it('AI variables resolve to APISIX initial values on a plain request', () => {
    const entry = buildLogEntry(
      { ...CONF, log_format: { p: '$llm_prompt_tokens', m: '$llm_model', t: '$request_type' } },
      context('/hello'),
      undefined,
    );
    expect(entry).toMatchObject({ p: '0', m: '', t: 'traditional_http' });
  });

  it('captured bodies go to request.body and response.body', () => {
    const entry = buildLogEntry(CONF, context('/hello'), undefined, {
      request: 'q',
      response: 'r',
    });
    expect(entry).toHaveProperty('request.body', 'q');
    expect(entry).toHaveProperty('response.body', 'r');
  });

  it('query arguments named like prototype keys are plain data, never prototypes', () => {
    const entry = buildLogEntry(CONF, context('/hello?__proto__=x&constructor=y'), undefined);
    const qs = (entry.request as { querystring: Record<string, unknown> }).querystring;
    expect(Object.getPrototypeOf(qs)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(qs, '__proto__')?.value).toBe('x');
    expect(Object.getOwnPropertyDescriptor(qs, 'constructor')?.value).toBe('y');
    expect(JSON.parse(JSON.stringify(qs))).toEqual({ ['__proto__']: 'x', constructor: 'y' });
  });
});

describe('time variables', () => {
  it('$time_iso8601 and $time_local as nginx writes them (UTC)', () => {
    const t = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    expect(timeIso8601(t)).toBe('2026-01-02T03:04:05+00:00');
    expect(timeLocal(t)).toBe('02/Jan/2026:03:04:05 +0000');
  });
});
