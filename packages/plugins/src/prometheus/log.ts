/**
 * @module prometheus/log
 * The plugin's log phase: once per request (the plugin may sit on the route and in a global rule;
 * the route's configuration wins, APISIX's `prefer_route`), after the AI request is settled so
 * its usage and model are final.
 */
import type { RequestContext } from '@tollgate/core';
import { settleAiRequest } from '../ai-common/finish';
import { requestMetrics } from './definitions';
import { recordRequest, type RecordConf } from './record';
import { workerQuotaTable } from './worker-metrics';

const NAME = 'prometheus';

/** Whether the route's own chain carries this plugin with another configuration that applies. */
function routeOverrides(conf: unknown, ctx: RequestContext): boolean {
  for (const instance of ctx.plugins) {
    if (instance.plugin.name !== NAME) continue;
    if (instance.conf === conf) return false;
    return instance.filter === undefined || instance.filter(ctx.vars.lookup);
  }
  return false;
}

function record(conf: RecordConf, ctx: RequestContext): void {
  recordRequest(requestMetrics(), conf, ctx, workerQuotaTable());
}

/** Record `ctx` unless it was recorded already or the route's configuration will. */
export function logRequest(conf: RecordConf, ctx: RequestContext): void | Promise<void> {
  // The plugin may run twice for one request (route and global rule): a per-request flag.
  const state = ctx.pluginState(NAME, () => ({ recorded: false }));
  if (state.recorded || routeOverrides(conf, ctx)) return;
  state.recorded = true;
  // Settling is idempotent: normally done before the response ended; this catches refused and
  // failed calls, so usage and model are final. Plain requests stay synchronous.
  const settling = settleAiRequest(ctx);
  if (settling) return settling.then(() => record(conf, ctx));
  record(conf, ctx);
}
