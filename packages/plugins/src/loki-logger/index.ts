/**
 * @module loki-logger
 * APISIX's loki-logger (priority 414, log phase): every request's entry (the default
 * `get_full_log` one, or `log_format` from the route or `plugin_metadata/loki-logger`; `route_id`
 * `no-matched` without a route) is paired with the request's start time in nanoseconds, goes
 * through the batch processor and is pushed to Loki as one stream labelled `log_labels`, whose
 * `$variables` are resolved from the first request a batch processor sees (as APISIX does).
 *
 * @example
 * // route: { "plugins": { "loki-logger": { "endpoint_addrs": ["http://127.0.0.1:3100"] } } }
 */
import type { LokiLoggerConf } from '@tollgate/schema';
import { logVarLookup } from '../logger-common';
import { defineItemLogger } from '../syslog/item-logger';
import { resolveLabels } from './labels';
import { createLokiSink, type LokiItem } from './sink';

/** The loki-logger plugin definition. */
export const lokiLogger = defineItemLogger<LokiLoggerConf, LokiItem>({
  name: 'loki-logger',
  version: '0.1',
  priority: 414,
  batchName: 'loki logger',
  toItem: (entry, ctx) => {
    if (entry.route_id === undefined) entry.route_id = 'no-matched';
    return [`${Math.floor(ctx.startedAtEpochMs)}000000`, entry];
  },
  createSink: (conf, ctx) =>
    createLokiSink(
      conf,
      resolveLabels(conf.log_labels, logVarLookup(ctx, performance.now(), Date.now())),
    ),
});
