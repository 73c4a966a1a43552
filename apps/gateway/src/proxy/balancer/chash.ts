/**
 * @module proxy/balancer/chash
 * One priority group balanced by weighted consistent hashing (core's ConsistentHashRing, placed
 * by node address). A retry walks on along the ring to the next node not tried yet, as APISIX's
 * `chash.lua` does with `picker:next`.
 */
import { ConsistentHashRing } from '@tollgate/core';
import type { UpstreamNode } from '../upstream-conf';
import type { GroupPicker, PickInput, WeightedNode } from './types';

export class ChashPicker implements GroupPicker {
  private readonly ring: ConsistentHashRing<UpstreamNode>;

  constructor(nodes: readonly WeightedNode[]) {
    this.ring = new ConsistentHashRing(
      nodes.map(({ node, weight }) => ({ id: node.addr, weight, item: node })),
    );
  }

  pick(input: PickInput): UpstreamNode | undefined {
    return this.ring.next(input.hashKey(), (node) => input.tried.has(node));
  }
}
