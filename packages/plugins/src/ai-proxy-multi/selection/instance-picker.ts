/**
 * @module ai-proxy-multi/selection/instance-picker
 * Which LLM instance serves an attempt (spec §1.5): priority groups, highest first; round robin or
 * chash inside a group; instances tried or ineligible in this request are skipped. Built once per
 * route config and cached by the caller, so round-robin state is shared by the requests of that
 * config in a worker (APISIX's picker cache keyed by route and config version).
 */
import type { AiProxyMultiConf } from '@tollgate/schema';
import { ChashPicker, RoundRobinPicker, effectiveWeights, type GroupPicker } from './group-pickers';

/** What the picker needs of an instance; the caller gets its own object back. */
export interface PickableInstance {
  readonly name: string;
  /** Higher is preferred; default 0. */
  readonly priority?: number;
  readonly weight: number;
}

/** The balancer fields the picker uses; `semantic` is accepted and balanced as round robin. */
export type PickerBalancerConf = Pick<Partial<AiProxyMultiConf['balancer']>, 'algorithm'>;

/** One pick's view of the request. */
export interface PickRequest {
  /** Instances already tried by this request; never picked again. */
  readonly tried: ReadonlySet<string>;
  /**
   * Whether an instance may serve now (health, rate-limit gates). Called only for candidates, in
   * pick order; a `false` excludes the instance for the rest of this pick.
   */
  readonly isEligible: (name: string) => boolean | Promise<boolean>;
  /** The request's chash key (see `hashKeyOf`); read at most once per pick, chash only. */
  readonly hashKey?: () => string;
  /** Told about each candidate found ineligible, so the caller can mark it tried. */
  readonly onIneligible?: (name: string) => void;
}

interface Group {
  readonly priority: number;
  readonly picker: GroupPicker;
}

/**
 * The instance picker of one ai-proxy-multi config.
 *
 * @example
 * const picker = new InstancePicker(conf.instances, conf.balancer);
 * const tried = new Set<string>();
 * const instance = await picker.pick({ tried, isEligible: (name) => health.isHealthy(name) });
 * if (!instance) return exit(503, 'all servers tried');
 */
export class InstancePicker<T extends PickableInstance = PickableInstance> {
  private readonly groups: readonly Group[];
  private readonly byName = new Map<string, T>();

  constructor(
    readonly instances: readonly T[],
    balancer?: PickerBalancerConf,
  ) {
    for (const instance of instances) {
      // Duplicate names are a config error (check_schema); the first one wins, as a balancer node.
      if (!this.byName.has(instance.name)) this.byName.set(instance.name, instance);
    }
    const unique = [...this.byName.values()];
    const priorities = [...new Set(unique.map((i) => i.priority ?? 0))].sort((a, b) => b - a);
    const chash = balancer?.algorithm === 'chash';
    this.groups = priorities.map((priority) => {
      const members = effectiveWeights(unique.filter((i) => (i.priority ?? 0) === priority));
      return {
        priority,
        picker: chash ? new ChashPicker(members) : new RoundRobinPicker(members),
      };
    });
  }

  /** True for a one-instance config: no balancing, no health, no retries. */
  get single(): boolean {
    return this.instances.length === 1;
  }

  /** The instance named `name`, if the config has it. */
  get(name: string): T | undefined {
    return this.byName.get(name);
  }

  /**
   * The instance for the next attempt, or undefined when no group has an untried eligible
   * instance (the caller answers 503 `all servers tried`, or 502 after failed retries). A group
   * is left for the next lower one only when all its members are tried or ineligible in this
   * request. A one-instance config always returns its instance, without asking anything.
   */
  async pick(req: PickRequest): Promise<T | undefined> {
    if (this.instances.length === 1) return this.instances[0];
    const excluded = new Set(req.tried);
    let key: string | undefined;
    const hashKey = (): string => (key ??= req.hashKey?.() ?? '');
    for (const group of this.groups) {
      for (;;) {
        const name = group.picker.next(excluded, hashKey);
        if (name === undefined) break;
        const verdict = req.isEligible(name);
        if (typeof verdict === 'boolean' ? verdict : await verdict) return this.byName.get(name);
        excluded.add(name);
        req.onIneligible?.(name);
      }
    }
    return undefined;
  }
}
