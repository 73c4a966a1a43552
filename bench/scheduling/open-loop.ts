/**
 * Open-loop Poisson load for the scheduling benchmark (issue 12). Closed-loop clients slow down
 * with the server and hide queueing; real users do not wait for each other, so arrivals here
 * follow a fixed schedule of exponential inter-arrival times (seeded, so every algorithm sees the
 * same arrivals), whatever the answers do. Bounded twice: arrivals stop after `seconds`, and an
 * arrival that finds `maxInFlight` requests outstanding is not sent but counted as shed.
 */

/** A deterministic uniform [0, 1) generator (mulberry32): the same seed, the same arrivals. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Arrival offsets (ms from the start) of a Poisson process of `perSecond` over `seconds`. */
export function poissonArrivals(perSecond: number, seconds: number, seed: number): number[] {
  const random = seededRandom(seed);
  const offsets: number[] = [];
  let at = 0;
  for (;;) {
    at += (-Math.log(1 - random()) / perSecond) * 1000;
    if (at >= seconds * 1000) return offsets;
    offsets.push(at);
  }
}

/** What one request reports: whether it succeeded and its time to first token. */
export interface Outcome {
  ok: boolean;
  ttftMs?: number;
  error?: string;
}

/** One arrival: when it was sent (`Date.now()`) and how it ended. */
export interface Sample extends Outcome {
  sentAt: number;
}

export interface OpenLoopResult {
  samples: Sample[];
  /** Arrivals not sent because `maxInFlight` requests were outstanding. */
  shed: number;
  startedAt: number;
}

export interface OpenLoopOptions {
  perSecond: number;
  seconds: number;
  seed: number;
  maxInFlight: number;
  /** Sends request number `i`; never rejects (failures are outcomes). */
  send: (i: number) => Promise<Outcome>;
}

/** Sends the arrivals on schedule and resolves once every sent request has ended. */
export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const offsets = poissonArrivals(options.perSecond, options.seconds, options.seed);
  const startedAt = Date.now();
  const samples: Sample[] = [];
  const pending = new Set<Promise<void>>();
  let shed = 0;
  for (let i = 0; i < offsets.length; i++) {
    const wait = startedAt + (offsets[i] ?? 0) - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (pending.size >= options.maxInFlight) {
      shed++;
      continue;
    }
    const sentAt = Date.now();
    const one = options.send(i).then((outcome) => {
      samples.push({ sentAt, ...outcome });
      pending.delete(one);
    });
    pending.add(one);
  }
  await Promise.all(pending);
  return { samples, shed, startedAt };
}
