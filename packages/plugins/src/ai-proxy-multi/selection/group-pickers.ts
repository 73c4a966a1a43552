/**
 * @module ai-proxy-multi/selection/group-pickers
 * Choosing one instance inside a priority group: smooth weighted round robin (nginx's algorithm,
 * the interleaving of lua-resty-balancer's `roundrobin`) and weighted consistent hashing
 * (lua-resty-chash's idea: virtual points on a 32-bit ring). Both skip names the caller excludes
 * for the current request; neither knows about health or quotas.
 */

/** A group member and the weight it balances with (already > 0, see `effectiveWeights`). */
export interface WeightedName {
  readonly name: string;
  readonly weight: number;
}

/** One priority group's picker. */
export interface GroupPicker {
  /**
   * The next member not in `excluded`, or undefined when every member is excluded. Round robin
   * advances its shared state on every call; chash is a pure function of `hashKey`.
   */
  next(excluded: ReadonlySet<string>, hashKey: () => string): string | undefined;
}

/**
 * Weight 0 keeps an instance out of rotation while another member of its group has weight > 0;
 * when every member has weight 0 they rotate equally (spec §1.5) [INFERRED from
 * lua-resty-balancer]. So a zero-weight member is picked only in an all-zero group.
 */
export function effectiveWeights(
  members: readonly { name: string; weight: number }[],
): WeightedName[] {
  const positive = members.filter((m) => m.weight > 0);
  if (positive.length === 0) return members.map((m) => ({ name: m.name, weight: 1 }));
  return positive.map((m) => ({ name: m.name, weight: m.weight }));
}

/**
 * nginx's smooth weighted round robin: each pick adds every available member's weight to its
 * running score, takes the highest score (first listed wins ties) and subtracts the available
 * total from it. Weights 4:1 give `a a b a a`: exactly 4 and 1 in every 5 consecutive picks.
 * Excluded members sit the pick out and keep their score, as nginx treats tried peers.
 */
export class RoundRobinPicker implements GroupPicker {
  private readonly scores: number[];

  constructor(private readonly members: readonly WeightedName[]) {
    this.scores = members.map(() => 0);
  }

  next(excluded: ReadonlySet<string>): string | undefined {
    let best = -1;
    let total = 0;
    for (let i = 0; i < this.members.length; i++) {
      const member = this.members[i] as WeightedName;
      if (excluded.has(member.name)) continue;
      const score = (this.scores[i] as number) + member.weight;
      this.scores[i] = score;
      total += member.weight;
      if (best === -1 || score > (this.scores[best] as number)) best = i;
    }
    if (best === -1) return undefined;
    this.scores[best] = (this.scores[best] as number) - total;
    return (this.members[best] as WeightedName).name;
  }
}

/** Points per unit of weight, lua-resty-chash's density. */
const POINTS_PER_WEIGHT = 160;
/** Bounds the ring (and its build time) for large weights; proportions are kept. */
const MAX_POINTS = 1 << 16;

/**
 * A well-mixed 32-bit hash of a string: FNV-1a over UTF-16 code units, then murmur3's 32-bit
 * finaliser so that similar keys (`key-1`, `key-2`) land far apart on the ring.
 */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Weighted consistent hashing over one group. Every member owns `160 × weight` points (scaled
 * down together past 65,536 points, at least one each), placed by hashing `name#i`, so placement
 * depends only on names and weights. A key maps to the first point at or after its hash; excluded
 * members (tried, unhealthy, out of quota) are walked past along the ring, so a key's second
 * choice is stable too. Immutable once built.
 */
export class ChashPicker implements GroupPicker {
  private readonly points: Uint32Array;
  private readonly owners: Uint16Array;

  constructor(private readonly members: readonly WeightedName[]) {
    const totalWeight = members.reduce((sum, m) => sum + m.weight, 0);
    const scale = Math.min(1, MAX_POINTS / (POINTS_PER_WEIGHT * totalWeight));
    const ring: [number, number][] = [];
    members.forEach((member, index) => {
      const count = Math.max(1, Math.round(POINTS_PER_WEIGHT * member.weight * scale));
      for (let i = 0; i < count; i++) ring.push([hash32(`${member.name}#${i}`), index]);
    });
    ring.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    this.points = Uint32Array.from(ring, (p) => p[0]);
    this.owners = Uint16Array.from(ring, (p) => p[1]);
  }

  next(excluded: ReadonlySet<string>, hashKey: () => string): string | undefined {
    if (this.members.every((m) => excluded.has(m.name))) return undefined;
    const start = this.firstPointAtOrAfter(hash32(hashKey()));
    const size = this.points.length;
    for (let step = 0; step < size; step++) {
      const owner = this.owners[(start + step) % size] as number;
      const name = (this.members[owner] as WeightedName).name;
      if (!excluded.has(name)) return name;
    }
    return undefined;
  }

  private firstPointAtOrAfter(h: number): number {
    let lo = 0;
    let hi = this.points.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.points[mid] as number) < h) lo = mid + 1;
      else hi = mid;
    }
    return lo === this.points.length ? 0 : lo;
  }
}
