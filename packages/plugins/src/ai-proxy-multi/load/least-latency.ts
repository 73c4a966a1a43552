/**
 * @module ai-proxy-multi/load/least-latency
 * `least_latency`: the lower moving-average latency of two members drawn at random by weight
 * (power of two choices, as APISIX's `ewma` balancer does), so the current fastest instance is
 * not stampeded by every worker at once. Streams compare time to first token, other requests
 * milliseconds per output token. A member with no sample, or one older than
 * `STALE_DECAY_PERIODS` decay periods, takes no part in the draw while another member is
 * measured; it gets an exploratory request at most once per tenth of a decay period instead, so
 * an instance that recovered (or was just added) is measured again without being flooded.
 */
import type {
  GroupChoice,
  GroupPickInput,
  GroupPicker,
  WeightedName,
} from '../selection/group-pickers';
import { candidatesOf } from './least-busy';
import type { LatencyKind, LatencyTable } from './latency-table';
import { weightedRandom } from './weighted-random';

/** A sample older than this many decay periods no longer says much about the instance. */
export const STALE_DECAY_PERIODS = 3;
/** At most one exploratory request per instance per this fraction of a decay period. */
export const EXPLORE_FRACTION = 0.1;

/** What the picker needs besides the group's members. */
export interface LatencySources {
  readonly table: LatencyTable;
  readonly loadKey: (name: string) => string;
  readonly decayMs: number;
  readonly now?: () => number;
  readonly random?: () => number;
}

/** The kind of latency a request is judged by. */
export const latencyKindOf = (streaming: boolean): LatencyKind =>
  streaming ? 'ttft' : 'per_token';

const round1 = (value: number): number => Math.round(value * 10) / 10;

/** `least_latency` over one priority group. */
export class LeastLatencyPicker implements GroupPicker {
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(
    private readonly members: readonly WeightedName[],
    private readonly sources: LatencySources,
  ) {
    this.now = sources.now ?? Date.now;
    this.random = sources.random ?? Math.random;
  }

  next({ excluded, streaming }: GroupPickInput): GroupChoice | undefined {
    const candidates = candidatesOf(this.members, excluded);
    const only = candidates.length === 1 ? candidates[0] : undefined;
    if (only) return { name: only.name, reason: 'only candidate' };
    if (candidates.length === 0) return undefined;
    const { table, loadKey, decayMs } = this.sources;
    const kind = latencyKindOf(streaming);
    const now = this.now();
    const known = new Map<string, number>();
    for (const member of candidates) {
      const sample = table.sample(loadKey(member.name), kind);
      if (sample && now - sample.at <= STALE_DECAY_PERIODS * decayMs) {
        known.set(member.name, sample.value);
      }
    }
    for (const member of candidates) {
      if (known.has(member.name)) continue;
      if (table.claimExploration(loadKey(member.name), decayMs * EXPLORE_FRACTION)) {
        return { name: member.name, reason: 'explore: no recent latency sample' };
      }
    }
    if (known.size === 0) {
      const drawn = weightedRandom(candidates, this.random);
      return drawn && { name: drawn.name, reason: 'no latency samples: weighted random' };
    }
    const measured = candidates.filter((m) => known.has(m.name));
    const first = weightedRandom(measured, this.random);
    const second = weightedRandom(
      measured.filter((m) => m !== first),
      this.random,
    );
    if (!first) return undefined;
    const a = known.get(first.name) ?? Infinity;
    const b = second ? (known.get(second.name) ?? Infinity) : Infinity;
    const [winner, mine, other] = second && b < a ? [second, b, a] : [first, a, b];
    const unit = kind === 'ttft' ? 'ms ttft' : 'ms/token';
    return {
      name: winner.name,
      reason: second
        ? `lower latency of two: ${round1(mine)} vs ${round1(other)} ${unit}`
        : `only measured: ${round1(mine)} ${unit}`,
    };
  }
}
