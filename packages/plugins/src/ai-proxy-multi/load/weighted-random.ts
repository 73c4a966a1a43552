/**
 * @module ai-proxy-multi/load/weighted-random
 * A random member drawn in proportion to its weight: how the load-aware pickers break ties and
 * how least_latency draws its two choices.
 */

/** A member and its weight (> 0). */
export interface Weighted {
  readonly name: string;
  readonly weight: number;
}

/**
 * One of `members`, drawn with probability weight / total; undefined for an empty list.
 *
 * @example
 * weightedRandom([{ name: 'a', weight: 3 }, { name: 'b', weight: 1 }], Math.random); // 'a' 3 times in 4
 */
export function weightedRandom<T extends Weighted>(
  members: readonly T[],
  random: () => number,
): T | undefined {
  let total = 0;
  for (const m of members) total += m.weight;
  let point = random() * total;
  for (const m of members) {
    point -= m.weight;
    if (point < 0) return m;
  }
  return members.at(-1);
}
