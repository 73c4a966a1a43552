/**
 * @module @tollgate/plugins/primary
 * What a node's primary uses of the plugins, without loading them. The package's main entry is
 * the registry, which loads every plugin with its libraries (OpenTelemetry, JOSE, AWS signing,
 * undici, ...): the workers run those, the primary never does. Importing this entry instead keeps
 * the primary's heap to its own work (issue 14: a primary that stays small and idle as the
 * workers serve).
 */

/** The node-wide health key of an LLM instance; the gateway's active checker builds the same. */
export { healthTargetKey } from './ai-proxy-multi/selection/instance-health';
/** The ai-proxy-multi balancers that read the node's load view (the gateway's load sharing). */
export { LOAD_AWARE_ALGORITHMS } from './ai-proxy-multi/load/balancer-settings';
/** The metrics protocol between a node's primary and its workers (the exporter's side). */
export * as workerMetricsIpc from './prometheus/worker-ipc';
