import http from 'node:http';
import net from 'node:net';
import { RequestContext } from '@tollgate/core';
import { defineLogger, loggerStats } from './define-logger';
import type { LoggerConf } from './types';

const CONF: LoggerConf = {
  name: '',
  batch_max_size: 2,
  inactive_timeout: 5,
  buffer_duration: 60,
  max_retry_count: 0,
  retry_delay: 1,
  include_req_body: false,
  include_resp_body: false,
  max_req_body_bytes: 524288,
  max_resp_body_bytes: 524288,
};

function context(url: string, metadata?: unknown): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.headers = { host: 'example.com' };
  req.url = url;
  req.method = 'GET';
  const ctx = new RequestContext(req, new http.ServerResponse(req));
  ctx.route = { id: 'r1', matchedUri: url };
  if (metadata !== undefined) ctx.pluginMetadata = new Map([['unit-logger', metadata]]);
  return ctx;
}

describe('defineLogger', () => {
  it('batches entries per configuration, counts drops over max_pending_entries, flushes on destroy', async () => {
    const sent: unknown[][] = [];
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    let closed = 0;
    const plugin = defineLogger<LoggerConf>({
      name: 'unit-logger',
      version: '0.1',
      priority: 1,
      batchName: 'unit logger',
      createSink: () => ({
        send: async (entries) => {
          await blocked;
          sent.push(entries.map((e) => e.uri));
        },
        close: () => {
          closed += 1;
        },
      }),
    });
    const format = { ...CONF, log_format: { uri: '$uri' } };
    const metadata = { max_pending_entries: 3 };
    for (let i = 0; i < 6; i++) await plugin.log?.(format, context(`/r${i}`, metadata));
    // Backlog cap 3: APISIX accepts while pushed - processed <= 3, so 4 entries, 2 dropped.
    expect(loggerStats().get('unit-logger')).toEqual({ pending: 4, dropped: 2, failed: 0 });
    release();
    await plugin.destroy?.();
    expect(sent).toEqual([
      ['/r0', '/r1'],
      ['/r2', '/r3'],
    ]);
    expect(closed).toBe(1);
    expect(loggerStats().get('unit-logger')).toEqual({ pending: 0, dropped: 2, failed: 0 });
  });

  it('the response body is captured up to max_resp_body_bytes when include_resp_body_expr matches', async () => {
    const entries: Record<string, unknown>[] = [];
    const plugin = defineLogger<LoggerConf>({
      name: 'body-logger',
      version: '0.1',
      priority: 1,
      batchName: 'body logger',
      createSink: () => ({
        send: (batch) => {
          entries.push(...batch);
          return Promise.resolve();
        },
      }),
    });
    const conf: LoggerConf = {
      ...CONF,
      batch_max_size: 1,
      include_resp_body: true,
      include_resp_body_expr: [['arg_log', '==', 'yes']],
      max_resp_body_bytes: 5,
    };
    for (const url of ['/a?log=yes', '/a?log=no']) {
      const ctx = context(url);
      plugin.bodyFilter?.(conf, ctx, Buffer.from('hello '));
      plugin.bodyFilter?.(conf, ctx, Buffer.from('world'));
      await plugin.log?.(conf, ctx);
    }
    await plugin.destroy?.();
    expect(entries.map((e) => (e.response as { body?: string }).body)).toEqual([
      'hello',
      undefined,
    ]);
  });
});
