/**
 * @module fuzz
 * How a fuzz file runs its property: one seed per run (random, printed, or replayed from
 * `TOLLGATE_FUZZ_SEED`), a case budget and a time budget, and a tally of the statuses seen.
 */
import fc from 'fast-check';
import { describeRequest, type RawReply, type RawRequest } from './raw-http';

/** The run's seed: `TOLLGATE_FUZZ_SEED` when set (to replay a failure), else a fresh one. */
export function fuzzSeed(): number {
  const given = process.env.TOLLGATE_FUZZ_SEED;
  if (given === undefined || given === '') return Math.floor(Math.random() * 2 ** 31);
  const seed = Number(given);
  if (!Number.isSafeInteger(seed))
    throw new Error(`TOLLGATE_FUZZ_SEED must be an integer: ${given}`);
  return seed;
}

/** Gives a generated request a short printable form, so fast-check's report stays readable. */
export function printable(req: RawRequest): RawRequest {
  return Object.assign(req, { [fc.toStringMethod]: () => describeRequest(req) });
}

/** Counts of what the fuzzed server answered. */
export class Tally {
  cases = 0;
  private readonly statuses = new Map<string, number>();

  record(reply: RawReply): void {
    this.cases++;
    const key = reply.ok ? `${Math.floor(reply.status / 100)}xx` : 'no response';
    this.statuses.set(key, (this.statuses.get(key) ?? 0) + 1);
  }

  count(key: string): number {
    return this.statuses.get(key) ?? 0;
  }

  summary(): string {
    const parts = [...this.statuses].sort().map(([k, n]) => `${k}=${n}`);
    return `${this.cases} cases (${parts.join(', ')})`;
  }
}

export interface FuzzBudget {
  seed: number;
  /** Most cases to run. */
  numRuns: number;
  /** Stop generating new cases after this long (the cases run so far still count). */
  timeLimitMs: number;
}

/**
 * Runs `check` over `arb` within `budget`. fast-check shrinks a failure to a minimal input and
 * reports it with the seed and path that replay it.
 */
export async function runFuzz<T>(
  name: string,
  arb: fc.Arbitrary<T>,
  budget: FuzzBudget,
  check: (value: T) => Promise<void>,
): Promise<void> {
  process.stdout.write(
    `[fuzz] ${name}: seed ${budget.seed} (replay with TOLLGATE_FUZZ_SEED=${budget.seed})\n`,
  );
  await fc.assert(fc.asyncProperty(arb, check), {
    seed: budget.seed,
    numRuns: budget.numRuns,
    plugins: [fc.interruptAfterTimeLimit(budget.timeLimitMs)],
  });
}

/** Prints one line of results (cases and statuses) for the run log. */
export function report(name: string, line: string): void {
  process.stdout.write(`[fuzz] ${name}: ${line}\n`);
}
