/**
 * prometheus (observability spec §B.1–§B.2): records every request it applies to into the
 * worker's metrics, under APISIX's names and labels; the node's primary serves them all, summed
 * over its workers, on `plugin_attr.prometheus.export_addr`. Runs once per request when it is
 * configured on the route and as a global rule alike (APISIX `run_policy: prefer_route`: the
 * route's configuration wins).
 */
import { definePlugin } from '@tollgate/core';
import type { PrometheusConf } from '@tollgate/schema';
import { logRequest } from './log';
import { initWorkerMetrics } from './worker-metrics';

export const prometheus = definePlugin<PrometheusConf>({
  name: 'prometheus',
  version: '0.2',
  priority: 500,
  init: () => initWorkerMetrics(),
  log: (conf, ctx) => logRequest(conf, ctx),
});

export { noteFallback } from './fallbacks';
export { llmCallEnded, llmCallStarted } from './llm-connections';
