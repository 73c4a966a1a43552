/**
 * @module ai-proxy-multi/selection/instance-health
 * Health as an eligibility rule (spec §1.4, D4): the node's active checks say whether an instance
 * with `checks.active` is up; the worker's passive breakers and Retry-After windows say whether
 * any instance is resting. When every instance of a config is unhealthy, health is ignored.
 */
import type { HealthView } from '@tollgate/core';

/**
 * The key one instance's health is known by, node-wide: `<owner>#<plugin>#<instance>`, where the
 * owner is the config item holding the plugin (`routes/1`, `services/s`, `plugin_configs/p`,
 * `consumers/u`, `global_rules/g`). The active checker and the workers must build it alike.
 *
 * @example
 * healthTargetKey('routes/1', 'ai-proxy-multi', 'openai-a'); // 'routes/1#ai-proxy-multi#openai-a'
 */
export function healthTargetKey(owner: string, pluginName: string, instanceName: string): string {
  return `${owner}#${pluginName}#${instanceName}`;
}

/** What the health rule needs of an instance. */
export interface HealthCheckedInstance {
  readonly name: string;
  readonly checks?: { readonly active?: unknown } | undefined;
}

/** The passive side, as the health rule reads it (see `PassiveHealth`). */
export interface PassiveView {
  /** True while the instance must rest: breaker open, or inside a Retry-After window. */
  isOpen(targetKey: string): boolean;
}

/** Where a config lives and what knows about its instances' health. */
export interface HealthSources {
  /** The config item holding the plugin (`routes/1`). */
  readonly owner: string;
  /** Default `ai-proxy-multi`. */
  readonly pluginName?: string;
  /** Node-wide active check verdicts. */
  readonly active: HealthView;
  /** This worker's passive breakers; absent = no passive health. */
  readonly passive?: PassiveView;
  /** The instances' target keys, when the caller keeps them (else built per call). */
  readonly targetKeys?: ReadonlyMap<string, string>;
}

/** One request's health verdicts. */
export interface RequestHealth {
  /** Whether `name` counts as healthy for this request. */
  isHealthy(name: string): boolean;
  /** True when every instance was unhealthy, so health is being ignored. */
  readonly ignored: boolean;
  /** Instances that are unhealthy (reported even when `ignored`), for logs and metrics. */
  readonly unhealthy: readonly string[];
}

const ALL_HEALTHY: RequestHealth = Object.freeze({
  isHealthy: () => true,
  ignored: false,
  unhealthy: Object.freeze([]),
});

/** True when `names` is non-empty and none of them is healthy. */
export function allUnhealthy(
  names: Iterable<string>,
  isHealthy: (name: string) => boolean,
): boolean {
  let any = false;
  for (const name of names) {
    any = true;
    if (isHealthy(name)) return false;
  }
  return any;
}

/**
 * Snapshot the health of a config's instances for one request. An instance is unhealthy when it
 * has `checks.active` and the active checker says so, or when its passive breaker is open or a
 * Retry-After keeps it out. Instances without `checks` answer only to the passive side. If every
 * instance is unhealthy, all count as healthy ("all upstream nodes is unhealthy, use default").
 * A one-instance config is always healthy (it is never health-checked, spec §1.5).
 *
 * @example
 * const health = requestHealth(conf.instances, { owner: 'routes/1', active, passive });
 * await picker.pick({ tried, isEligible: (name) => health.isHealthy(name) });
 */
export function requestHealth(
  instances: readonly HealthCheckedInstance[],
  sources: HealthSources,
): RequestHealth {
  if (instances.length <= 1) return ALL_HEALTHY;
  const plugin = sources.pluginName ?? 'ai-proxy-multi';
  let down: Set<string> | undefined;
  for (const instance of instances) {
    const key =
      sources.targetKeys?.get(instance.name) ??
      healthTargetKey(sources.owner, plugin, instance.name);
    const activeDown = instance.checks?.active !== undefined && !sources.active.isHealthy(key);
    if (activeDown || sources.passive?.isOpen(key) === true)
      (down ??= new Set()).add(instance.name);
  }
  // The common case, every instance up, shares one answer.
  if (!down) return ALL_HEALTHY;
  const unhealthy = [...down];
  if (
    allUnhealthy(
      instances.map((i) => i.name),
      (name) => !down.has(name),
    )
  ) {
    return { isHealthy: () => true, ignored: true, unhealthy };
  }
  const resting = down;
  return { isHealthy: (name) => !resting.has(name), ignored: false, unhealthy };
}
