/**
 * @module ai-proxy-multi/selection/group-pickers
 * Choosing one instance inside a priority group: smooth weighted round robin (nginx's algorithm,
 * the interleaving of lua-resty-balancer's `roundrobin`) and weighted consistent hashing
 * (lua-resty-chash's idea: virtual points on a 32-bit ring). Both skip names the caller excludes
 * for the current request; neither knows about health or quotas.
 */

import {
  ConsistentHashRing,
  effectiveWeights as coreEffectiveWeights,
  SmoothRoundRobin,
} from '@tollgate/core';

/** A group member and the weight it balances with (already > 0, see `effectiveWeights`). */
export interface WeightedName {
  readonly name: string;
  readonly weight: number;
}

/** What a group picker may read of the request being balanced. */
export interface GroupPickInput {
  /** Members this pick must not return (tried, ineligible or, on a first pass, saturated). */
  readonly excluded: ReadonlySet<string>;
  /** The request's chash key, computed on first use. */
  readonly hashKey: () => string;
  /** Whether the client asked for a stream (least_latency compares TTFT then). */
  readonly streaming: boolean;
  /** The prompt's first `prefix_chars` characters (prefix affinity only). */
  readonly promptPrefix?: () => string;
}

/** A member chosen by a group picker, and why (the access log's `balancer.reason`). */
export interface GroupChoice {
  readonly name: string;
  readonly reason: string;
  /** The scores this pick compared, by member (queue_aware), for the per-instance gauge. */
  readonly scores?: ReadonlyMap<string, number>;
}

/** One priority group's picker. */
export interface GroupPicker {
  /**
   * The next member not in `input.excluded`, or undefined when every member is excluded. Round
   * robin advances its shared state on every call; chash is a pure function of the hash key.
   */
  next(input: GroupPickInput): GroupChoice | undefined;
}

/**
 * Weight 0 keeps an instance out of rotation while another member of its group has weight > 0;
 * when every member has weight 0 they rotate equally (spec §1.5, core's `effectiveWeights`).
 */
export function effectiveWeights(
  members: readonly { name: string; weight: number }[],
): WeightedName[] {
  return coreEffectiveWeights(members.map((m) => ({ item: m.name, weight: m.weight }))).map(
    (m) => ({ name: m.item, weight: m.weight }),
  );
}

/** nginx's smooth weighted round robin over a group (core's SmoothRoundRobin). */
export class RoundRobinPicker implements GroupPicker {
  private readonly rr: SmoothRoundRobin<string>;

  constructor(members: readonly WeightedName[]) {
    this.rr = new SmoothRoundRobin(members.map((m) => ({ item: m.name, weight: m.weight })));
  }

  next({ excluded }: GroupPickInput): GroupChoice | undefined {
    const name = this.rr.next((member) => excluded.has(member));
    return name === undefined ? undefined : { name, reason: 'weighted round robin' };
  }
}

/** Weighted consistent hashing over a group (core's ConsistentHashRing, placed by name). */
export class ChashPicker implements GroupPicker {
  private readonly ring: ConsistentHashRing<string>;

  constructor(members: readonly WeightedName[]) {
    this.ring = new ConsistentHashRing(
      members.map((m) => ({ id: m.name, weight: m.weight, item: m.name })),
    );
  }

  next({ excluded, hashKey }: GroupPickInput): GroupChoice | undefined {
    const name = this.ring.next(hashKey(), (member) => excluded.has(member));
    return name === undefined ? undefined : { name, reason: 'consistent hash' };
  }
}
