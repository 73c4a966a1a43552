/**
 * @module health/active-checker
 * The active health checks of one gateway node (spec §1.4), run in the primary process so a node
 * probes each instance once however many workers it has; the workers get the verdicts over IPC.
 * Every `ai-proxy-multi` instance with `checks.active`, in any config item that carries plugins
 * (routes, services, plugin_configs, consumers, global_rules), gets its own probe loop, keyed by
 * `healthTargetKey(<item key>, 'ai-proxy-multi', <instance name>)`.
 *
 * Differences from APISIX, by design:
 * - checks start with the config, not lazily on the first request;
 * - one target per instance, the endpoint host as is (DNS resolved by each connect), rather than
 *   one per resolved IP with "healthy if any IP is";
 * - one-instance configs and disabled plugins (`_meta.disable`) are not probed: their verdict is
 *   never read (a lone instance is always used, spec §1.5);
 * - instances with no endpoint to probe (openai-compatible or azure-openai without
 *   `override.endpoint`) are skipped with a warning.
 *
 * `apisix.disable_upstream_healthcheck: true` (the `disabled` option) creates no probe at all, as
 * APISIX's `create_checker` then creates no checker: every instance counts as healthy.
 */
import { createLogger } from '@tollgate/core';
import { ProbeLoop, type TargetStatus } from './probe-loop';
import { probeSpec, type ProbeSpec } from './probe-spec';
import { Prober } from './prober';
import { healthTargetKey } from '@tollgate/plugins/primary';

const PLUGIN = 'ai-proxy-multi';

/** Minimal logger (winston's shape). */
export interface HealthLogger {
  info(msg: string, meta?: Record<string, unknown>): unknown;
  warn(msg: string, meta?: Record<string, unknown>): unknown;
  error(msg: string, meta?: Record<string, unknown>): unknown;
}

export interface ActiveHealthCheckerOptions {
  /** Called only on transitions, and with `true` when an unhealthy target is removed or reset. */
  onChange(targetKey: string, healthy: boolean): void;
  /**
   * Called after each successful probe of a healthy target: decision D4 lets a passing active
   * probe end an instance's passive rest (its worker breakers) even without a verdict change.
   */
  onHealthyProbe?(targetKey: string): void;
  /** `apisix.disable_upstream_healthcheck`: probe nothing, whatever the config asks for. */
  disabled?: boolean;
  logger?: HealthLogger;
}

export type { TargetStatus } from './probe-loop';

interface Desired {
  readonly owner: string;
  readonly instance: string;
  readonly spec: ProbeSpec;
  readonly fingerprint: string;
}

interface Running {
  readonly loop: ProbeLoop;
  readonly fingerprint: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every probe target the config items ask for, by target key. The fingerprint covers everything
 * that shapes a probe (target, request, thresholds, intervals), so any change restarts the target.
 */
function desiredTargets(
  items: ReadonlyMap<string, Record<string, unknown>>,
  unprobeable: (key: string, instance: Obj) => void,
): Map<string, Desired> {
  const desired = new Map<string, Desired>();
  for (const [owner, value] of items) {
    const plugins = isObj(value) ? value.plugins : undefined;
    const conf = isObj(plugins) ? plugins[PLUGIN] : undefined;
    if (!isObj(conf) || (isObj(conf._meta) && conf._meta.disable === true)) continue;
    const instances = Array.isArray(conf.instances) ? conf.instances : [];
    if (instances.length < 2) continue;
    for (const instance of instances) {
      if (!isObj(instance) || typeof instance.name !== 'string') continue;
      if (!isObj(instance.checks) || !isObj(instance.checks.active)) continue;
      const key = healthTargetKey(owner, PLUGIN, instance.name);
      if (desired.has(key)) continue;
      const spec = probeSpec(instance);
      if (!spec) {
        unprobeable(key, instance);
        continue;
      }
      desired.set(key, { owner, instance: instance.name, spec, fingerprint: JSON.stringify(spec) });
    }
  }
  return desired;
}

/**
 * Active health checks of one node.
 *
 * @example
 * const checker = new ActiveHealthChecker({
 *   onChange: (key, healthy) => broadcast({ t: 'health-change', key, healthy }),
 * });
 * checker.update(items.items); // after every config update
 * checker.unhealthy(); // for a worker that just started
 */
export class ActiveHealthChecker {
  private readonly loops = new Map<string, Running>();
  private readonly stopping = new Set<Promise<void>>();
  private readonly warned = new Set<string>();
  private readonly log: HealthLogger;
  private stopped = false;

  constructor(private readonly options: ActiveHealthCheckerOptions) {
    this.log = options.logger ?? createLogger('health');
    if (options.disabled) {
      this.log.info('active health checks disabled: apisix.disable_upstream_healthcheck is true');
    }
  }

  /**
   * Align the probes with the node's validated config items (`routes/1` → value with `plugins`):
   * start new targets, stop removed ones, restart changed ones (fresh counters, starting
   * healthy); unchanged targets keep probing with their counters.
   */
  update(items: ReadonlyMap<string, Record<string, unknown>>): void {
    if (this.stopped || this.options.disabled) return;
    const desired = desiredTargets(items, (key, instance) => {
      if (this.warned.has(key)) return;
      this.warned.add(key);
      this.log.warn('instance not health-checked: no endpoint to probe', {
        target: key,
        provider: instance.provider,
      });
    });
    for (const [key, running] of this.loops) {
      if (desired.get(key)?.fingerprint !== running.fingerprint) this.remove(key, running);
    }
    for (const [key, want] of desired) {
      if (!this.loops.has(key)) this.add(key, want);
    }
    for (const key of this.warned) {
      if (!items.has(key.slice(0, key.indexOf('#')))) this.warned.delete(key);
    }
  }

  /** Target keys currently unhealthy. */
  unhealthy(): string[] {
    return [...this.loops].filter(([, r]) => !r.loop.healthy).map(([key]) => key);
  }

  /** Every target's verdict and counters. */
  status(): TargetStatus[] {
    return [...this.loops.values()].map((r) => r.loop.status());
  }

  /** Stop every probe and close every client; later updates are ignored. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const [key, running] of this.loops) this.remove(key, running, false);
    await Promise.all([...this.stopping]);
  }

  private add(key: string, want: Desired): void {
    const loop = new ProbeLoop({
      targetKey: key,
      owner: want.owner,
      instance: want.instance,
      spec: want.spec,
      prober: new Prober(want.spec),
      onTransition: (healthy) => this.changed(key, healthy),
      onHealthyProbe: () => this.options.onHealthyProbe?.(key),
      onError: (err) => this.log.error('health probe failed unexpectedly', { target: key, err }),
    });
    this.loops.set(key, { loop, fingerprint: want.fingerprint });
    loop.start();
  }

  private remove(key: string, running: Running, report = true): void {
    this.loops.delete(key);
    const done: Promise<void> = running.loop
      .stop()
      .catch((err: unknown) => {
        this.log.error('health probe did not stop cleanly', { target: key, err });
      })
      .finally(() => this.stopping.delete(done));
    this.stopping.add(done);
    // Workers must not keep a verdict nobody updates any more.
    if (report && !running.loop.healthy) this.changed(key, true);
  }

  private changed(key: string, healthy: boolean): void {
    try {
      this.options.onChange(key, healthy);
    } catch (err) {
      this.log.error('health change listener failed', { target: key, err });
    }
  }
}
