/**
 * @module balancer/consistent-hash
 * Weighted consistent hashing (lua-resty-chash's idea, not its placement bit for bit): every
 * member owns `160 × weight` points on a 32-bit ring (scaled down together past 65,536 points, at
 * least one each), placed by hashing `id#i`, so placement depends only on ids and weights. A key
 * maps to the first point at or after its hash; excluded members are walked past along the ring,
 * so a key's second choice is stable too. Immutable once built.
 */

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

export interface RingMember<T> {
  /** Stable identity that places the member's points (a node address, an instance name). */
  readonly id: string;
  readonly weight: number;
  readonly item: T;
}

export class ConsistentHashRing<T> {
  private readonly points: Uint32Array;
  private readonly owners: Uint32Array;

  constructor(private readonly members: readonly RingMember<T>[]) {
    const totalWeight = members.reduce((sum, m) => sum + m.weight, 0);
    const scale = Math.min(1, MAX_POINTS / (POINTS_PER_WEIGHT * Math.max(totalWeight, 1)));
    const ring: [number, number][] = [];
    members.forEach((member, index) => {
      const count = Math.max(1, Math.round(POINTS_PER_WEIGHT * member.weight * scale));
      for (let i = 0; i < count; i++) ring.push([hash32(`${member.id}#${i}`), index]);
    });
    ring.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    this.points = Uint32Array.from(ring, (p) => p[0]);
    this.owners = Uint32Array.from(ring, (p) => p[1]);
  }

  /** The member owning `key`, walking past excluded ones; undefined when all are excluded. */
  next(key: string, excluded: (item: T) => boolean): T | undefined {
    if (this.members.every((m) => excluded(m.item))) return undefined;
    const start = this.firstPointAtOrAfter(hash32(key));
    const size = this.points.length;
    for (let step = 0; step < size; step++) {
      const member = this.members[this.owners[(start + step) % size] as number] as RingMember<T>;
      if (!excluded(member.item)) return member.item;
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
