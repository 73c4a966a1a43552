import http from 'node:http';
import net from 'node:net';
import { RequestContext } from '@tollgate/core';
import { register } from 'prom-client';
import type { LoggerConf } from '../logger-common';
import { defineItemLogger } from './item-logger';

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

function context(url: string, host: string): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.headers = { host };
  req.url = url;
  req.method = 'GET';
  const ctx = new RequestContext(req, new http.ServerResponse(req));
  ctx.route = { id: 'r1', matchedUri: url };
  return ctx;
}

describe('defineItemLogger', () => {
  it('batches per-request items per configuration, makes the sink from the first request, flushes on destroy', async () => {
    const sent: string[][] = [];
    const sinkHosts: string[] = [];
    let closed = 0;
    const plugin = defineItemLogger<LoggerConf, string>({
      name: 'unit-item-logger',
      version: '0.1',
      priority: 1,
      batchName: 'unit',
      toItem: (entry, ctx) => `${String(ctx.vars.get('host'))} ${String(entry.uri)}`,
      createSink: (_conf, ctx) => {
        sinkHosts.push(String(ctx.vars.get('host')));
        return {
          send: (items) => {
            sent.push([...items]);
            return Promise.resolve();
          },
          close: () => {
            closed += 1;
          },
        };
      },
    });
    const conf = { ...CONF, log_format: { uri: '$uri' } };
    await plugin.log?.(conf, context('/a', 'one.example'));
    await plugin.log?.(conf, context('/b', 'two.example'));
    await plugin.log?.(conf, context('/c', 'three.example'));
    expect(sinkHosts).toEqual(['one.example']);
    expect(sent).toEqual([['one.example /a', 'two.example /b']]);
    await plugin.destroy?.();
    expect(sent).toEqual([['one.example /a', 'two.example /b'], ['three.example /c']]);
    expect(closed).toBe(1);
  });

  it('counts entries dropped over max_pending_entries in tollgate_logger_dropped_entries_total (syslog, loki-logger)', async () => {
    const plugin = defineItemLogger<LoggerConf, string>({
      name: 'unit-item-drops',
      version: '0.1',
      priority: 1,
      batchName: 'unit',
      toItem: (entry) => String(entry.uri),
      createSink: () => ({ send: () => Promise.resolve() }),
    });
    const conf = { ...CONF, batch_max_size: 1000, log_format: { uri: '$uri' } };
    const dropped = async () => {
      const metric = await register.getSingleMetric('tollgate_logger_dropped_entries_total')?.get();
      return metric?.values.find(
        (v) => v.labels.plugin === 'unit-item-drops' && v.labels.route_id === 'r1',
      )?.value;
    };
    for (let i = 0; i < 5; i++) {
      const ctx = context(`/${i}`, 'drops.example');
      ctx.pluginMetadata = new Map([['unit-item-drops', { max_pending_entries: 1 }]]);
      await plugin.log?.(conf, ctx);
    }
    // Cap 1: two entries are kept (APISIX's pushed - processed > max), three dropped.
    expect(await dropped()).toBe(3);
    await plugin.destroy?.();
  });
});
