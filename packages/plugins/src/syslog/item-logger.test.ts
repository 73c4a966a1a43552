import http from 'node:http';
import net from 'node:net';
import { RequestContext } from '@tollgate/core';
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
});
