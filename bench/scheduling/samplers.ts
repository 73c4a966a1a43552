/**
 * What the scheduling benchmark watches on the mock LLMs while load runs: how the traffic splits
 * over time (from the requests each mock recorded) and how long their waiting queues get (the
 * capacity model's `vllm:num_requests_waiting`, sampled every 100 ms as a scraper would).
 */
import type { MockLlm } from '@tollgate/mock-llm';

/** The share of requests `mock` received among all of `mocks` in the window ending at `at`. */
export function shareAt(mock: MockLlm, mocks: readonly MockLlm[], at: number, windowMs: number) {
  const inWindow = (m: MockLlm) =>
    m.requests.filter((r) => r.receivedAt > at - windowMs && r.receivedAt <= at).length;
  const total = mocks.reduce((sum, m) => sum + inWindow(m), 0);
  return total === 0 ? undefined : inWindow(mock) / total;
}

/**
 * When `mock`'s share of the last second's requests (checked every 100 ms from `from` to
 * `until`) first fell below `below`, and from when on it stayed below, in ms after `from`;
 * undefined when it never did (or did not stay).
 */
export function shareFallsBelow(
  mock: MockLlm,
  mocks: readonly MockLlm[],
  below: number,
  from: number,
  until: number,
): { first?: number; settled?: number } {
  let first: number | undefined;
  let settled: number | undefined;
  for (let at = from + 100; at <= until; at += 100) {
    const share = shareAt(mock, mocks, at, 1000);
    if (share === undefined) continue;
    if (share < below) {
      first ??= at - from;
      settled ??= at - from;
    } else settled = undefined;
  }
  return { first, settled };
}

/** `mock`'s share of the requests all `mocks` received from `from` on. */
export function shareSince(mock: MockLlm, mocks: readonly MockLlm[], from: number): number {
  const count = (m: MockLlm) => m.requests.filter((r) => r.receivedAt >= from).length;
  const total = mocks.reduce((sum, m) => sum + count(m), 0);
  return total === 0 ? 0 : count(mock) / total;
}

/** Samples every mock's waiting queue each `intervalMs` for `forMs`, into the returned array. */
export function sampleQueues(mocks: readonly MockLlm[], forMs: number, intervalMs = 100): number[] {
  const samples: number[] = [];
  const until = Date.now() + forMs;
  const timer = setInterval(() => {
    if (Date.now() > until) return clearInterval(timer);
    for (const m of mocks) samples.push(m.capacity?.stats.waiting ?? 0);
  }, intervalMs);
  return samples;
}
