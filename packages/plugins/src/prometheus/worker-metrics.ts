/**
 * @module prometheus/worker-metrics
 * The worker's metrics as a whole: the per-request metrics in prom-client's default registry,
 * the gauges read from live state at collection time (quota remaining, passive instance health
 * and breakers), and the answer to the primary's collection requests.
 */
import { aiRuntime } from '../ai-common/runtime';
import { requestMetrics, setSharedCollectors } from './definitions';
import { breakerStates, passiveHealth } from './instances';
import { QuotaRemainingTable } from './quota';
import { serveWorkerMetrics } from './worker-ipc';

const quotaTable = new QuotaRemainingTable();

setSharedCollectors({
  quotaRemaining(gauge) {
    gauge.reset();
    quotaTable.fill((labels, value) => gauge.set(labels, value));
  },
  instanceHealth(gauge) {
    gauge.reset();
    passiveHealth(aiRuntime().passive, (labels, value) => gauge.set(labels, value));
  },
  breakerState(gauge) {
    gauge.reset();
    breakerStates(aiRuntime().passive, (labels, value) => gauge.set(labels, value));
  },
});

/** This worker's quota-remaining readings. */
export function workerQuotaTable(): QuotaRemainingTable {
  return quotaTable;
}

/** Create the metrics and answer the primary (a no-op outside a cluster worker). */
export function initWorkerMetrics(): void {
  requestMetrics();
  serveWorkerMetrics();
}
