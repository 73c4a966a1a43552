/**
 * @module ai-proxy-multi/selection/instance-picker
 * Which LLM instance serves an attempt (spec §1.5): priority groups, highest first; round robin or
 * chash inside a group (or a Tollgate load-aware algorithm, issue 12); instances tried or
 * ineligible in this request are skipped. With a load-aware algorithm, saturated instances are
 * skipped too, so a saturated group spills to the next one at once; when every group is
 * saturated the pick fails open (saturation ignored, as the endpoint picker's filter does).
 * Built once per route config and cached by the caller, so round-robin state is shared by the
 * requests of that config in a worker (APISIX's picker cache keyed by route and config version).
 */
import type { AiProxyMultiConf } from '@tollgate/schema';
import { balancerSettings, LOAD_AWARE_ALGORITHMS } from '../load/balancer-settings';
import { groupPickerFor, type PickerLoad } from '../load/load-aware-pickers';
import { effectiveWeights, type GroupPickInput, type GroupPicker } from './group-pickers';

/** What the picker needs of an instance; the caller gets its own object back. */
export interface PickableInstance {
  readonly name: string;
  /** Higher is preferred; default 0. */
  readonly priority?: number;
  readonly weight: number;
}

/** The balancer fields the picker uses; `semantic` is accepted and balanced as round robin. */
export type PickerBalancerConf = Partial<AiProxyMultiConf['balancer']>;

/** The instance a pick chose, how and why (the access log's `balancer` field). */
export interface PickedChoice {
  readonly name: string;
  readonly algorithm: string;
  readonly reason: string;
  readonly priority: number;
  /**
   * The highest priority group passed over because its members were saturated or ineligible
   * at this pick (a spill); absent when the chosen group is the first one with members left.
   */
  readonly spilledFrom?: number;
  /** The scores the group's algorithm compared, by instance name (queue_aware). */
  readonly scores?: ReadonlyMap<string, number>;
}

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
  /** Whether the client asked for a stream (least_latency). */
  readonly streaming?: boolean;
  /** Up to `chars` leading characters of the prompt (prefix affinity). */
  readonly prompt?: (chars: number) => string;
  /** Told the choice and its reason, once per pick that returns an instance of several. */
  readonly onChosen?: (choice: PickedChoice) => void;
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
  private readonly algorithm: string;
  private readonly prefixChars: number | undefined;
  private readonly saturated: ((name: string) => boolean) | undefined;

  constructor(
    readonly instances: readonly T[],
    balancer?: PickerBalancerConf,
    load?: PickerLoad,
  ) {
    for (const instance of instances) {
      // Duplicate names are a config error (check_schema); the first one wins, as a balancer node.
      if (!this.byName.has(instance.name)) this.byName.set(instance.name, instance);
    }
    const unique = [...this.byName.values()];
    const priorities = [...new Set(unique.map((i) => i.priority ?? 0))].sort((a, b) => b - a);
    const settings = balancerSettings(balancer);
    this.algorithm = settings.algorithm;
    this.prefixChars = settings.prefixChars;
    this.saturated =
      load && LOAD_AWARE_ALGORITHMS.has(settings.algorithm)
        ? (name) => load.signals.saturated(name)
        : undefined;
    this.groups = priorities.map((priority) => {
      const members = effectiveWeights(unique.filter((i) => (i.priority ?? 0) === priority));
      return { priority, picker: groupPickerFor(settings, members, load) };
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
   * is left for the next lower one only when all its members are tried, ineligible or (load-aware
   * algorithms) saturated in this request. A one-instance config always returns its instance,
   * without asking anything.
   */
  pick(req: PickRequest): T | undefined | Promise<T | undefined> {
    if (this.instances.length === 1) return this.instances[0];
    const excluded = new Set(req.tried);
    let key: string | undefined;
    let prefix: string | undefined;
    const prefixChars = this.prefixChars;
    const input = {
      hashKey: (): string => (key ??= req.hashKey?.() ?? ''),
      streaming: req.streaming === true,
      ...(prefixChars !== undefined
        ? { promptPrefix: (): string => (prefix ??= req.prompt?.(prefixChars) ?? '') }
        : {}),
    };
    const saturated = this.saturated;
    const orFailOpen = (first: T | undefined): T | undefined | Promise<T | undefined> => {
      if (first || !saturated || this.instances.every((i) => excluded.has(i.name))) return first;
      // Every group saturated: fail open rather than refuse (the endpoint picker's filter does so).
      return answer(req, this.walk(req, excluded, input, undefined, 'all saturated: '));
    };
    const first = answer(req, this.walk(req, excluded, input, saturated));
    return first instanceof Promise ? first.then(orFailOpen) : orFailOpen(first);
  }

  /**
   * One walk over the groups; `saturated` (when given) skips members for this walk only. It
   * yields each candidate's name and takes the verdict back (see {@link answer}), so that a
   * walk whose verdicts are all synchronous (health alone) runs without a promise.
   */
  private *walk(
    req: PickRequest,
    excluded: Set<string>,
    input: Omit<GroupPickInput, 'excluded'>,
    saturated: ((name: string) => boolean) | undefined,
    reasonPrefix = '',
  ): Generator<string, T | undefined, boolean> {
    let spilledFrom: number | undefined;
    let spillWhy = '';
    for (const group of this.groups) {
      // What this group skips: the excluded, and (this walk only) its saturated members; a
      // copy of `excluded` only once one is saturated.
      let skipped = excluded;
      let anySaturated = false;
      let anyIneligible = false;
      if (saturated) {
        for (const member of this.instances) {
          if ((member.priority ?? 0) !== group.priority || skipped.has(member.name)) continue;
          if (saturated(member.name)) {
            if (skipped === excluded) skipped = new Set(excluded);
            skipped.add(member.name);
            anySaturated = true;
          }
        }
      }
      // Members first, then the spread: `{ ...input, more }` makes a new map per object.
      const groupInput = { excluded: skipped, ...input };
      for (;;) {
        const choice = group.picker.next(groupInput);
        if (choice === undefined) break;
        if (yield choice.name) {
          const spill =
            spilledFrom !== undefined ? `spill: group ${spilledFrom} ${spillWhy}; ` : '';
          req.onChosen?.({
            name: choice.name,
            algorithm: this.algorithm,
            reason: `${reasonPrefix}${spill}${choice.reason}`,
            priority: group.priority,
            ...(spilledFrom !== undefined ? { spilledFrom } : {}),
            ...(choice.scores ? { scores: choice.scores } : {}),
          });
          return this.byName.get(choice.name);
        }
        excluded.add(choice.name);
        if (skipped !== excluded) skipped.add(choice.name);
        anyIneligible = true;
        req.onIneligible?.(choice.name);
      }
      if (spilledFrom === undefined && (anySaturated || anyIneligible)) {
        spilledFrom = group.priority;
        spillWhy = anyIneligible ? 'unavailable' : 'saturated';
      }
    }
    return undefined;
  }
}

/**
 * Runs a walk to its end, asking `req.isEligible` for each candidate it yields: synchronously
 * while the verdicts are booleans, through their promises from the first one that is not.
 */
function answer<T>(
  req: PickRequest,
  walk: Generator<string, T, boolean>,
  verdict?: boolean,
): T | Promise<T> {
  for (let step = verdict === undefined ? walk.next() : walk.next(verdict); ;) {
    if (step.done) return step.value;
    const next = req.isEligible(step.value);
    if (typeof next !== 'boolean') return next.then((v) => answer(req, walk, v));
    step = walk.next(next);
  }
}
