/**
 * @module metrics/render
 * One exposition text from many metric lists (the workers' and the primary's): prom-client's
 * aggregation combines series of the same name and labels with each family's aggregator (sum for
 * counters and histograms), then histogram buckets get `le` back as their last label, where
 * APISIX's exporter puts it (prom-client's JSON form moves it first).
 */
import { AggregatorRegistry, type Registry, type RegistryContentType } from 'prom-client';
import { ownValue, setOwn } from '@tollgate/core';
import type { workerMetricsIpc } from '@tollgate/plugins/primary';

type MetricJson = workerMetricsIpc.MetricJson;

function leLast(labels: Record<string, string | number>): Record<string, string | number> {
  if (!('le' in labels)) return labels;
  // Assigned one by one: a spread with more members gives every bucket a map of its own.
  const out: Record<string, string | number> = {};
  for (const key of Object.keys(labels)) {
    if (key !== 'le') setOwn(out, key, ownValue(labels, key));
  }
  out.le = labels.le;
  return out;
}

/** The aggregated registry of `lists` (families keep the order they first appear in). */
export async function aggregateMetrics(
  lists: MetricJson[][],
): Promise<Registry<RegistryContentType>> {
  const registry = AggregatorRegistry.aggregate(lists);
  for (const metric of registry.getMetricsAsArray()) {
    if (String(metric.type) !== 'histogram') continue;
    const data = await (metric as unknown as { get(): Promise<MetricJson> }).get();
    for (const value of data.values) {
      value.labels = leLast(value.labels as Record<string, string | number>);
    }
  }
  return registry;
}

/** Exposition text (Prometheus text format 0.0.4) of `lists` combined. */
export async function renderMetrics(lists: MetricJson[][]): Promise<string> {
  return (await aggregateMetrics(lists)).metrics();
}
