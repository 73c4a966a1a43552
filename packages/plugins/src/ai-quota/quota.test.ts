import http from 'node:http';
import net from 'node:net';
import { RequestContext } from '@tollgate/core';
import { checkPluginConf } from '@tollgate/schema';
import { quotasFor, type QuotaConf, type QuotaFlavour } from './quota';

const ROUTE: QuotaFlavour = { plugin: 'ai-rate-limiting', headerStem: 'X-AI-RateLimit' };
const CONSUMER: QuotaFlavour = {
  plugin: 'ai-consumer-rate-limiting',
  headerStem: 'X-AI-Consumer-RateLimit',
  counterOwner: (_conf, ctx) => `consumers/${ctx.consumer?.username ?? 'anonymous'}`,
};

function resolved(conf: Record<string, unknown>): QuotaConf {
  const result = checkPluginConf('ai-rate-limiting', conf, 'route');
  if (!result.valid) throw new Error(result.message);
  return result.value as QuotaConf;
}

function request(headers: Record<string, string> = {}, consumer?: string): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.url = '/chat';
  req.method = 'POST';
  req.headers = headers;
  const ctx = new RequestContext(req, new http.ServerResponse(req));
  if (consumer) ctx.consumer = { username: consumer } as never;
  return ctx;
}

describe('quotasFor: quotas built once per configuration (issue 14)', () => {
  it('gives every request the same quotas when the limit and window are numbers', () => {
    const conf = resolved({ limit: 100, time_window: 60 });
    const first = quotasFor(conf, request(), 'a', ROUTE);
    expect(first).toEqual([
      expect.objectContaining({
        limit: 100,
        windowSeconds: 60,
        headers: [
          'X-AI-RateLimit-Limit-a',
          'X-AI-RateLimit-Remaining-a',
          'X-AI-RateLimit-Reset-a',
          'X-AI-RateLimit-Reserved-a',
        ],
      }),
    ]);
    expect(quotasFor(conf, request(), 'a', ROUTE)).toBe(first);
    const other = quotasFor(conf, request(), 'b', ROUTE);
    expect(other).not.toBe(first);
    expect(other[0]?.counterKey).not.toBe(first[0]?.counterKey);
    // A new configuration object (a config change) starts afresh.
    expect(quotasFor(resolved({ limit: 100, time_window: 60 }), request(), 'a', ROUTE)).not.toBe(
      first,
    );
  });

  it('keeps a counter per consumer when the owner is the consumer', () => {
    const conf = resolved({ limit: 100, time_window: 60 });
    const jack = quotasFor(conf, request({}, 'jack'), 'a', CONSUMER);
    const jill = quotasFor(conf, request({}, 'jill'), 'a', CONSUMER);
    expect(jack[0]?.counterKey).toContain('consumers/jack');
    expect(jill[0]?.counterKey).toContain('consumers/jill');
    expect(quotasFor(conf, request({}, 'jack'), 'a', CONSUMER)).toBe(jack);
  });

  it('resolves a templated limit on every request', () => {
    const conf = resolved({ limit: '${http_x_limit ?? 5}', time_window: 60 });
    expect(quotasFor(conf, request({ 'x-limit': '7' }), 'a', ROUTE)[0]?.limit).toBe(7);
    expect(quotasFor(conf, request(), 'a', ROUTE)[0]?.limit).toBe(5);
  });
});
