/**
 * @module proxy/balancer/least-conn
 * Least connections scaled by weight, as APISIX's `least_conn.lua` scores a node: in-flight
 * requests divided by weight, lowest first; ties go to the node listed first.
 */
import type { UpstreamNode } from '../upstream-conf';
import type { GroupPicker, PickInput, WeightedNode } from './types';

/** Picks the node with the lowest (in-flight + 1) / weight. */
export class LeastConnPicker implements GroupPicker {
  constructor(
    private readonly nodes: readonly WeightedNode[],
    private readonly inFlight: ReadonlyMap<UpstreamNode, number>,
  ) {}

  pick(input: PickInput): UpstreamNode | undefined {
    let best: UpstreamNode | undefined;
    let bestScore = Infinity;
    for (const { node, weight } of this.nodes) {
      if (input.tried.has(node)) continue;
      const score = ((this.inFlight.get(node) ?? 0) + 1) / weight;
      if (score < bestScore) {
        best = node;
        bestScore = score;
      }
    }
    return best;
  }
}
