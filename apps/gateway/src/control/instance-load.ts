/**
 * @module control/instance-load
 * LLM instance load in the control API (issue 12, Tollgate extension): `/v1/instance_load` lists
 * every scraped metrics endpoint, the node-wide in-flight counts and what load-aware picks did
 * (each instance's latest score and the spills to it); each `/v1/healthcheck` node of an instance
 * with a scraped `override.metrics_endpoint` gets a `load` field next to its health, and `score`
 * / `spills` once a load-aware pick has scored it or spilled to it. Endpoints and keys are shown
 * without URL user info or query (no credentials).
 */
import { isPlainObject } from '@tollgate/core';
import { endpointLabel } from '../load/endpoint-label';
import type { InstanceLoadSnapshot } from '../load/load-metrics';
import type { PickStat } from '../load/pick-stats';
import type { ScrapeStatus } from '../load/scraper';
import type { HealthcheckEntry } from './healthcheck';
import type { ControlSource } from './source';

/** One scraped endpoint as the control API shows it. */
export interface InstanceLoadReading {
  endpoint: string;
  interval_ms: number;
  waiting?: number;
  running?: number;
  kv_cache_usage?: number;
  /** Epoch ms of the last successful scrape. */
  scraped_at?: number;
  failures: number;
  last_error?: string;
}

function reading(scrape: ScrapeStatus): InstanceLoadReading {
  const { reading: load } = scrape;
  return {
    endpoint: scrape.endpoint,
    interval_ms: scrape.intervalMs,
    ...(load
      ? {
          waiting: load.waiting,
          running: load.running,
          ...(load.kvCacheUsage !== undefined ? { kv_cache_usage: load.kvCacheUsage } : {}),
          scraped_at: load.at,
        }
      : {}),
    failures: scrape.failures,
    ...(scrape.lastError !== undefined ? { last_error: scrape.lastError } : {}),
  };
}

/** `/v1/instance_load`. */
export function instanceLoadBody(snapshot: InstanceLoadSnapshot | undefined): unknown {
  return {
    scrapes: (snapshot?.scrapes ?? []).map(reading),
    in_flight: (snapshot?.inFlight ?? []).map(([key, count]) => ({
      load_key: endpointLabel(key),
      count,
    })),
    picks: (snapshot?.picks ?? []).map(pickFields),
  };
}

/** An instance's pick stats as the control API shows them. */
function pickFields(stat: PickStat): { target_key: string; score?: number; spills: number } {
  return {
    target_key: stat.targetKey,
    ...(stat.score !== undefined ? { score: stat.score } : {}),
    spills: stat.spills,
  };
}

/** The `override.metrics_endpoint` of instance `name` of the ai-proxy-multi in item `owner`. */
function metricsEndpointOf(source: ControlSource, owner: string, name: string): string | undefined {
  const plugins = source.configItems().get(owner)?.plugins;
  const conf = isPlainObject(plugins) ? plugins['ai-proxy-multi'] : undefined;
  const instances = isPlainObject(conf) && Array.isArray(conf.instances) ? conf.instances : [];
  const instance = instances.find((i) => isPlainObject(i) && i.name === name) as unknown;
  const override = isPlainObject(instance) ? instance.override : undefined;
  const url = isPlainObject(override) ? override.metrics_endpoint : undefined;
  return typeof url === 'string' ? url : undefined;
}

/** `entries` with each scraped instance's reading added to its node as `load`. */
export function withInstanceLoad(
  source: ControlSource,
  entries: HealthcheckEntry[],
): HealthcheckEntry[] {
  const snapshot = source.instanceLoad?.();
  const scrapes = snapshot?.scrapes ?? [];
  const picks = snapshot?.picks ?? [];
  if (scrapes.length === 0 && picks.length === 0) return entries;
  const byUrl = new Map(scrapes.map((s) => [s.url, s]));
  const byTarget = new Map(picks.map((p) => [p.targetKey, p]));
  const ownerFrom = (name: string) => name.slice(source.prefix.length + 1);
  return entries.map((entry) => ({
    ...entry,
    nodes: entry.nodes.map((node) => {
      const url = metricsEndpointOf(source, ownerFrom(entry.name), node.instance);
      const scrape = url === undefined ? undefined : byUrl.get(url);
      const pick = byTarget.get(node.target_key);
      return {
        ...node,
        ...(scrape ? { load: reading(scrape) } : {}),
        ...(pick?.score !== undefined ? { score: pick.score } : {}),
        ...(pick ? { spills: pick.spills } : {}),
      };
    }),
  }));
}
