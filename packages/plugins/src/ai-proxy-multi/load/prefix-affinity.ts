/**
 * @module ai-proxy-multi/load/prefix-affinity
 * `balancer.prefix_affinity`: prompts that start alike go to the same instance, so its KV cache
 * already holds their shared prefix. The first `prefix_chars` characters are placed on a
 * consistent-hash ring of the group (by weight); that home instance is chosen while it may serve
 * this pick (not saturated, not tried, eligible); otherwise the group's own algorithm chooses.
 */
import { ConsistentHashRing } from '@tollgate/core';
import type {
  GroupChoice,
  GroupPickInput,
  GroupPicker,
  WeightedName,
} from '../selection/group-pickers';

/** A group picker with prefix affinity in front of it. */
export class PrefixAffinityPicker implements GroupPicker {
  private readonly ring: ConsistentHashRing<string>;

  constructor(
    members: readonly WeightedName[],
    private readonly inner: GroupPicker,
  ) {
    this.ring = new ConsistentHashRing(
      members.map((m) => ({ id: m.name, weight: m.weight, item: m.name })),
    );
  }

  next(input: GroupPickInput): GroupChoice | undefined {
    const prefix = input.promptPrefix?.() ?? '';
    if (prefix !== '') {
      const home = this.ring.next(prefix, () => false);
      if (home !== undefined && !input.excluded.has(home)) {
        return { name: home, reason: 'prefix affinity' };
      }
    }
    return this.inner.next(input);
  }
}
