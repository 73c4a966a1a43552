/**
 * @module proxy/balancer/roundrobin
 * nginx's smooth weighted round robin: every pick adds each node's weight to its running score,
 * takes the highest, and subtracts the total from it. Weights 4:1 give exactly four and one in
 * every five consecutive picks, interleaved (A A B A A).
 */
import type { UpstreamNode } from '../upstream-conf';
import type { GroupPicker, PickInput, WeightedNode } from './types';

/** Smooth weighted round robin over one group; state is shared by all requests. */
export class RoundRobinPicker implements GroupPicker {
  private readonly current: number[];

  constructor(private readonly nodes: readonly WeightedNode[]) {
    this.current = nodes.map(() => 0);
  }

  pick(input: PickInput): UpstreamNode | undefined {
    let total = 0;
    let best = -1;
    for (let i = 0; i < this.nodes.length; i++) {
      const entry = this.nodes[i] as WeightedNode;
      // Tried nodes take no part in the round, as in nginx's ngx_http_upstream_get_peer.
      if (input.tried.has(entry.node)) continue;
      const score = (this.current[i] as number) + entry.weight;
      this.current[i] = score;
      total += entry.weight;
      if (best === -1 || score > (this.current[best] as number)) best = i;
    }
    if (best === -1) return undefined;
    this.current[best] = (this.current[best] as number) - total;
    return (this.nodes[best] as WeightedNode).node;
  }
}
