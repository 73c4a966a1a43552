/**
 * @module ai-proxy-multi/load/least-busy
 * `least_busy`: the member with the fewest requests in flight from the whole node, per unit of
 * weight (a weight-2 instance is as busy with 2 requests as a weight-1 one with 1); ties are
 * broken at random in proportion to weight, so an idle group is still spread by weight.
 */
import type {
  GroupChoice,
  GroupPickInput,
  GroupPicker,
  WeightedName,
} from '../selection/group-pickers';
import type { LoadSignals } from './load-signals';
import { weightedRandom } from './weighted-random';

/**
 * The least busy of `candidates`, or undefined when there is none.
 *
 * @example
 * leastBusy([{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }], signals, Math.random);
 * // { name: 'b', inFlight: 0 } when a has 2 in flight and b none
 */
export function leastBusy(
  candidates: readonly WeightedName[],
  signals: Pick<LoadSignals, 'inFlight'>,
  random: () => number,
): { name: string; inFlight: number } | undefined {
  let best = Infinity;
  let tied: { name: string; weight: number; inFlight: number }[] = [];
  for (const member of candidates) {
    const inFlight = signals.inFlight(member.name);
    const load = inFlight / member.weight;
    if (load < best) {
      best = load;
      tied = [];
    }
    if (load === best) tied.push({ name: member.name, weight: member.weight, inFlight });
  }
  const chosen = weightedRandom(tied, random);
  return chosen && { name: chosen.name, inFlight: chosen.inFlight };
}

/** The members of a group not excluded from this pick. */
export function candidatesOf(
  members: readonly WeightedName[],
  excluded: ReadonlySet<string>,
): WeightedName[] {
  return members.filter((m) => !excluded.has(m.name));
}

/** `least_busy` over one priority group. */
export class LeastBusyPicker implements GroupPicker {
  constructor(
    private readonly members: readonly WeightedName[],
    private readonly signals: Pick<LoadSignals, 'inFlight'>,
    private readonly random: () => number = Math.random,
  ) {}

  next({ excluded }: GroupPickInput): GroupChoice | undefined {
    const chosen = leastBusy(candidatesOf(this.members, excluded), this.signals, this.random);
    return chosen && { name: chosen.name, reason: `least busy: ${chosen.inFlight} in flight` };
  }
}
