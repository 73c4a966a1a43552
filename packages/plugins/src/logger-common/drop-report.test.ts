import http from 'node:http';
import net from 'node:net';
import { RequestContext } from '@tollgate/core';
import type { LoggerConf } from './types';

const warnings: { message: string; meta: Record<string, unknown> }[] = [];
const fakeLogger = {
  warn: (message: string, meta: Record<string, unknown>) => warnings.push({ message, meta }),
  error: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};

jest.mock('@tollgate/core', () => ({
  ...jest.requireActual<Record<string, unknown>>('@tollgate/core'),
  createLogger: () => fakeLogger,
}));

// Imported after the mock so the plugin gets the fake logger.
import { defineLogger } from './define-logger';

const CONF: LoggerConf = {
  name: '',
  batch_max_size: 1000,
  inactive_timeout: 60,
  buffer_duration: 60,
  max_retry_count: 0,
  retry_delay: 1,
  include_req_body: false,
  include_resp_body: false,
  max_req_body_bytes: 524288,
  max_resp_body_bytes: 524288,
  log_format: { u: '$uri' },
};

function context(): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.headers = { host: 'example.com' };
  req.url = '/x';
  req.method = 'GET';
  const ctx = new RequestContext(req, new http.ServerResponse(req));
  ctx.route = { id: 'r9', matchedUri: '/x' };
  ctx.pluginMetadata = new Map([['report-logger', { max_pending_entries: 1 }]]);
  return ctx;
}

it('drops are reported in a warn line at most once a second, summed', async () => {
  jest.useFakeTimers();
  try {
    const plugin = defineLogger<LoggerConf>({
      name: 'report-logger',
      version: '0.1',
      priority: 1,
      batchName: 'report logger',
      createSink: () => ({ send: () => Promise.resolve() }),
    });
    // Cap 1: two entries are kept (APISIX's pushed - processed > max), the rest dropped.
    for (let i = 0; i < 5; i++) await plugin.log?.(CONF, context());
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toBe(
      'max pending entries limit exceeded, dropped 1 entries (1 in total)',
    );
    expect(warnings[0]?.meta).toMatchObject({
      plugin: 'report-logger',
      route_id: 'r9',
      dropped: 1,
    });
    jest.advanceTimersByTime(1000);
    expect(warnings).toHaveLength(2);
    expect(warnings[1]?.message).toBe(
      'max pending entries limit exceeded, dropped 2 entries (3 in total)',
    );
    jest.advanceTimersByTime(5000);
    expect(warnings).toHaveLength(2);
    await plugin.destroy?.();
  } finally {
    jest.useRealTimers();
  }
});
