/**
 * @module proxy/balancer/types
 * The contract between the per-priority-group pickers and the balancer that chains them.
 */
import type { UpstreamNode } from '../upstream-conf';

/** A node with the weight the picker uses (zero weights already resolved). */
export interface WeightedNode {
  node: UpstreamNode;
  weight: number;
}

/** Per-request input to a pick. */
export interface PickInput {
  /** Nodes already tried by this request; a picker never returns one of them. */
  tried: ReadonlySet<UpstreamNode>;
  /** The chash key, computed only when a chash picker asks for it. */
  hashKey(): string;
}

/** Picks among the nodes of one priority group. */
export interface GroupPicker {
  /** The next node to try, or undefined when every node of the group was tried. */
  pick(input: PickInput): UpstreamNode | undefined;
}
