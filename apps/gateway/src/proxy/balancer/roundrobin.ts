/**
 * @module proxy/balancer/roundrobin
 * One priority group balanced by nginx's smooth weighted round robin (core's SmoothRoundRobin);
 * nodes tried by the request take no part in the round.
 */
import { SmoothRoundRobin } from '@tollgate/core';
import type { UpstreamNode } from '../upstream-conf';
import type { GroupPicker, PickInput, WeightedNode } from './types';

export class RoundRobinPicker implements GroupPicker {
  private readonly rr: SmoothRoundRobin<UpstreamNode>;

  constructor(nodes: readonly WeightedNode[]) {
    this.rr = new SmoothRoundRobin(nodes.map(({ node, weight }) => ({ item: node, weight })));
  }

  pick(input: PickInput): UpstreamNode | undefined {
    return this.rr.next((node) => input.tried.has(node));
  }
}
