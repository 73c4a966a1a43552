/**
 * @module traffic-split/picker
 * APISIX's `resty.roundrobin` picker (lua-resty-balancer): interleaved weighted round robin.
 * Entries are walked in order; each step lowers the current weight by the weights' greatest
 * common divisor and picks the next entry whose weight reaches it, so every run of
 * `sum(weights) / gcd` picks gives each entry exactly `weight / gcd` of them. Like APISIX, the
 * walk starts after a random entry; an entry of weight 0 is never picked unless all are 0.
 */

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/** A weighted round-robin picker over a fixed list of entries. */
export class RoundRobin<T> {
  private readonly items: readonly T[];
  private readonly weights: readonly number[];
  private readonly gcd: number;
  private readonly maxWeight: number;
  /** The most steps one pick can take (every entry once per weight level, plus a lap). */
  private readonly maxSteps: number;
  private current: number;
  private last: number;

  /** `start` is the index the first walk begins after (random, as APISIX, when omitted). */
  constructor(entries: readonly (readonly [T, number])[], start?: number) {
    if (entries.length === 0) throw new Error('empty nodes');
    this.items = entries.map(([item]) => item);
    this.weights = entries.map(([, weight]) => weight);
    this.gcd = this.weights.reduce((g, w) => gcd(g, w));
    this.maxWeight = Math.max(...this.weights);
    const levels = this.gcd > 0 ? this.maxWeight / this.gcd : 0;
    this.maxSteps = (entries.length + 1) * (levels + 2);
    this.current = this.maxWeight;
    this.last = start ?? Math.floor(Math.random() * entries.length);
  }

  /** The next entry. */
  pick(): T {
    const count = this.items.length;
    if (count === 1) return this.items[0] as T;
    let index = this.last;
    let current = this.current;
    for (let step = 0; step < this.maxSteps; step++) {
      index++;
      if (index >= count) {
        index = -1;
        current -= this.gcd;
        if (current <= 0) current = this.maxWeight;
        continue;
      }
      if ((this.weights[index] ?? 0) >= current) {
        this.current = current;
        this.last = index;
        return this.items[index] as T;
      }
    }
    // Unreachable: the heaviest entry always reaches the current weight within one lap.
    return this.items[0] as T;
  }
}
