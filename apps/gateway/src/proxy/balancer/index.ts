/**
 * @module proxy/balancer
 * Node selection for one upstream: nodes grouped by `priority` (highest first; a request moves to
 * a lower group only once every node of the higher ones failed for it, APISIX `priority.lua`),
 * one picker per group, and in-flight counts for `least_conn`.
 */
import type { BalancerType, UpstreamNode } from '../upstream-conf';
import { ChashPicker } from './chash';
import { LeastConnPicker } from './least-conn';
import { RoundRobinPicker } from './roundrobin';
import type { GroupPicker, PickInput, WeightedNode } from './types';

export type { PickInput } from './types';

/**
 * Weight 0 keeps a node out of rotation while another node of its group has weight; when every
 * node of a group has weight 0 they share traffic equally.
 */
function weighted(nodes: readonly UpstreamNode[]): WeightedNode[] {
  const positive = nodes.filter((n) => n.weight > 0);
  if (positive.length === 0) return nodes.map((node) => ({ node, weight: 1 }));
  return positive.map((node) => ({ node, weight: node.weight }));
}

/** Per-upstream balancer state, shared by every request to that upstream. */
export class Balancer {
  private readonly groups: GroupPicker[];
  private readonly inFlight = new Map<UpstreamNode, number>();

  constructor(
    private readonly nodes: readonly UpstreamNode[],
    type: BalancerType,
  ) {
    const priorities = [...new Set(nodes.map((n) => n.priority))].sort((a, b) => b - a);
    this.groups = priorities.map((priority) => {
      const members = weighted(nodes.filter((n) => n.priority === priority));
      if (type === 'chash') return new ChashPicker(members);
      if (type === 'least_conn') return new LeastConnPicker(members, this.inFlight);
      return new RoundRobinPicker(members);
    });
  }

  /**
   * The next node for a request, or undefined once every eligible node was tried. A single-node
   * upstream always returns its node, so retries go back to it (APISIX `pick_server`).
   */
  pick(input: PickInput): UpstreamNode | undefined {
    if (this.nodes.length === 1) return this.nodes[0];
    for (const group of this.groups) {
      const node = group.pick(input);
      if (node) return node;
    }
    return undefined;
  }

  /** Counts a request in flight on `node`; call the returned function when it ends. */
  acquire(node: UpstreamNode): () => void {
    this.inFlight.set(node, (this.inFlight.get(node) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight.set(node, (this.inFlight.get(node) ?? 1) - 1);
    };
  }
}
