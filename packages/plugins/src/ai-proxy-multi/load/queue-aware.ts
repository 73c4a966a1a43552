/**
 * @module ai-proxy-multi/load/queue-aware
 * `queue_aware`, after the Gateway API Inference Extension's endpoint picker: the instance picker
 * has already left out saturated members (see `LoadSignals.saturated`); the rest are scored on
 * their queue (min-max normalised, 1 when all are equal) and their free KV cache, weighted 2 and
 * 2 as the endpoint picker's defaults, and the best score wins, ties drawn at random by weight.
 * A member without a metrics endpoint (a cloud API) is scored by its in-flight count as its queue
 * and an empty KV cache. When any member's reading is stale, scores would compare old numbers
 * with new ones, so the group is balanced by `least_busy` instead.
 */
import type {
  GroupChoice,
  GroupPickInput,
  GroupPicker,
  WeightedName,
} from '../selection/group-pickers';
import { candidatesOf, leastBusy } from './least-busy';
import type { LoadSignals } from './load-signals';
import { weightedRandom } from './weighted-random';

const QUEUE_WEIGHT = 2;
const KV_WEIGHT = 2;

/** A candidate's inputs to the score. */
interface Scored extends WeightedName {
  queue: number;
  kvCacheUsage: number;
  score: number;
}

/** Round for the access log (two decimals). */
const round2 = (value: number): number => Math.round(value * 100) / 100;

/**
 * Score each candidate in [0, 1] (higher is better), or undefined when a reading is stale.
 *
 * @example
 * queueScores([{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }], signals);
 * // a: queue 0, kv 0.2 → 0.9; b: queue 4, kv 0.5 → 0.25
 */
export function queueScores(
  candidates: readonly WeightedName[],
  signals: Pick<LoadSignals, 'inFlight' | 'reading'>,
): Scored[] | undefined {
  const scored: Scored[] = [];
  for (const member of candidates) {
    const reading = signals.reading(member.name);
    if (reading.kind === 'stale') return undefined;
    const fresh = reading.kind === 'fresh';
    scored.push({
      name: member.name,
      weight: member.weight,
      queue: fresh ? reading.queue : signals.inFlight(member.name),
      kvCacheUsage: fresh ? reading.kvCacheUsage : 0,
      score: 0,
    });
  }
  const queues = scored.map((s) => s.queue);
  const minQueue = Math.min(...queues);
  const maxQueue = Math.max(...queues);
  for (const s of scored) {
    const queueScore = maxQueue === minQueue ? 1 : (maxQueue - s.queue) / (maxQueue - minQueue);
    const kvScore = 1 - Math.min(1, Math.max(0, s.kvCacheUsage));
    s.score = (QUEUE_WEIGHT * queueScore + KV_WEIGHT * kvScore) / (QUEUE_WEIGHT + KV_WEIGHT);
  }
  return scored;
}

/** `queue_aware` over one priority group. */
export class QueueAwarePicker implements GroupPicker {
  constructor(
    private readonly members: readonly WeightedName[],
    private readonly signals: Pick<LoadSignals, 'inFlight' | 'reading'>,
    private readonly random: () => number = Math.random,
  ) {}

  next({ excluded }: GroupPickInput): GroupChoice | undefined {
    const candidates = candidatesOf(this.members, excluded);
    if (candidates.length === 0) return undefined;
    const scored = queueScores(candidates, this.signals);
    if (!scored) {
      const chosen = leastBusy(candidates, this.signals, this.random);
      return chosen && { name: chosen.name, reason: 'stale readings: least_busy' };
    }
    const best = Math.max(...scored.map((s) => s.score));
    const chosen = weightedRandom(
      scored.filter((s) => s.score === best),
      this.random,
    );
    return (
      chosen && {
        name: chosen.name,
        reason: `best score ${round2(best)} (queue ${chosen.queue}, kv ${round2(chosen.kvCacheUsage)})`,
        scores: new Map(scored.map((s) => [s.name, s.score])),
      }
    );
  }
}
