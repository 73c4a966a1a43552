/**
 * @module balancer/round-robin
 * nginx's smooth weighted round robin, shared by the upstream proxy and ai-proxy-multi: each pick
 * adds every available member's weight to its running score, takes the highest score (first
 * listed wins ties) and subtracts the available total from it. Weights 4:1 give `a a b a a`:
 * exactly 4 and 1 in every 5 consecutive picks. Excluded members (tried by this request) sit the
 * pick out and keep their score, as nginx treats tried peers.
 */

/** A member and the weight it balances with (> 0; see `effectiveWeights`). */
export interface Weighted<T> {
  readonly item: T;
  readonly weight: number;
}

/**
 * Weight 0 keeps a member out of rotation while another member has weight > 0; when every member
 * has weight 0 they rotate equally (lua-resty-balancer's behaviour, spec §1.5).
 */
export function effectiveWeights<T>(members: readonly Weighted<T>[]): Weighted<T>[] {
  const positive = members.filter((m) => m.weight > 0);
  if (positive.length === 0) return members.map((m) => ({ item: m.item, weight: 1 }));
  return [...positive];
}

/** Smooth weighted round robin over fixed members; its state is shared by all requests. */
export class SmoothRoundRobin<T> {
  private readonly scores: number[];

  constructor(private readonly members: readonly Weighted<T>[]) {
    this.scores = members.map(() => 0);
  }

  /** The next member not excluded, or undefined when all are. */
  next(excluded: (item: T) => boolean): T | undefined {
    let best = -1;
    let total = 0;
    for (let i = 0; i < this.members.length; i++) {
      const member = this.members[i] as Weighted<T>;
      if (excluded(member.item)) continue;
      const score = (this.scores[i] as number) + member.weight;
      this.scores[i] = score;
      total += member.weight;
      if (best === -1 || score > (this.scores[best] as number)) best = i;
    }
    if (best === -1) return undefined;
    this.scores[best] = (this.scores[best] as number) - total;
    return (this.members[best] as Weighted<T>).item;
  }
}
