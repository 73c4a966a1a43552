/**
 * @module proxy/balancer/chash
 * Weighted consistent hashing: each node owns 160 points per unit of weight on a 32-bit ring
 * (lua-resty-chash's density); a key goes to the first point at or after its hash. A retry walks
 * on along the ring to the next node not tried yet, as APISIX's `chash.lua` does with
 * `picker:next`. Placement is our own hash, not lua-resty-chash's bit for bit.
 */
import type { UpstreamNode } from '../upstream-conf';
import type { GroupPicker, PickInput, WeightedNode } from './types';

const POINTS_PER_WEIGHT = 160;
/** Bounds ring size (and build time) for large weights; proportions are kept. */
const MAX_POINTS = 65_536;

/** FNV-1a over UTF-16 code units, then murmur3's finaliser for avalanche. */
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

/** A consistent-hash ring over one group; immutable once built. */
export class ChashPicker implements GroupPicker {
  private readonly points: Uint32Array;
  private readonly owners: Uint32Array;

  constructor(private readonly nodes: readonly WeightedNode[]) {
    const totalWeight = nodes.reduce((sum, n) => sum + n.weight, 0);
    const scale = Math.min(1, MAX_POINTS / (POINTS_PER_WEIGHT * totalWeight));
    const ring: [number, number][] = [];
    nodes.forEach(({ node, weight }, index) => {
      const count = Math.max(1, Math.round(POINTS_PER_WEIGHT * weight * scale));
      for (let i = 0; i < count; i++) ring.push([hash32(`${node.addr}#${i}`), index]);
    });
    ring.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    this.points = Uint32Array.from(ring, (p) => p[0]);
    this.owners = Uint32Array.from(ring, (p) => p[1]);
  }

  pick(input: PickInput): UpstreamNode | undefined {
    if (this.nodes.every((n) => input.tried.has(n.node))) return undefined;
    const start = this.firstPointAtOrAfter(hash32(input.hashKey()));
    for (let step = 0; step < this.points.length; step++) {
      const owner = this.owners[(start + step) % this.points.length] as number;
      const node = (this.nodes[owner] as WeightedNode).node;
      if (!input.tried.has(node)) return node;
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
