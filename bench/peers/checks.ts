/**
 * Whether a peers run measured the targets and nothing else: the mock upstream and the load
 * generator stayed below SATURATED of their cores in every load step, every connection seen on
 * the benchmark's ports was between loopback addresses, and no target answered with errors. Also
 * says how much CPU other programs took meanwhile (a warning, not a failure: the development
 * machines are shared).
 */
import { fixed } from './report';
import { coreCount, type Layout } from './machine';
import type { Outcome, Step } from './measure';

/** Above this share of their cores, the mock or the load generator may be what was measured. */
export const SATURATED = 0.9;
/** Other programs' CPU (cores) in a load step above which the step counts as disturbed. */
export const QUIET_CORES = 0.15;

export interface Verdict {
  /** One line per check, for the terminal and the results file. */
  lines: string[];
  /** What makes the run invalid (empty when it is valid). */
  problems: string[];
}

/**
 * `optional` names targets that may go unmeasured (Portkey, installed from the network); any
 * other target that could not be measured makes the run invalid.
 */
export function verify(
  outcomes: readonly Outcome[],
  place: Layout,
  optional: ReadonlySet<string>,
): Verdict {
  const problems: string[] = [];
  let mockPeak = 0;
  let loadgenPeak = 0;
  let otherPeak = 0;
  let softirqPeak = 0;
  let connections = 0;
  let foreign = 0;
  let repeated = 0;
  const mockCores = coreCount(place.mockCores);
  const loadgenThreads = Math.max(1, place.loadgenThreads);
  for (const o of outcomes) {
    const x = o.measured;
    if (!x) {
      if (!optional.has(o.name)) problems.push(`${o.name} not measured: ${o.error ?? 'unknown'}`);
      continue;
    }
    const steps: [Step, string][] = [
      ...x.steps.map((s): [Step, string] => [s, `${s.blast.connections} connections`]),
      [x.longStream, `${x.longStream.blast.connections} connections, long streams`],
    ];
    for (const [s, load] of steps) {
      const cores = (micros: number) => micros / 1e6 / s.wallSeconds;
      const loadgen = cores(s.loadgenMicros) / loadgenThreads;
      // Sharing their cores, the mock and the load generator are saturated together.
      const mock = place.shared
        ? (cores(s.mockMicros) + cores(s.loadgenMicros)) / mockCores
        : cores(s.mockMicros) / mockCores;
      mockPeak = Math.max(mockPeak, mock);
      loadgenPeak = Math.max(loadgenPeak, loadgen);
      otherPeak = Math.max(otherPeak, cores(s.otherMicros));
      softirqPeak = Math.max(softirqPeak, cores(s.softirqMicros));
      repeated += s.attempts > 1 ? 1 : 0;
      const during = `during ${o.name} at ${load}`;
      if (mock >= SATURATED) {
        problems.push(
          `${place.shared ? 'mock + load generator' : 'mock'} at ${fixed(mock * 100, 0)}% ${during}`,
        );
      }
      if (loadgen >= SATURATED)
        problems.push(`load generator at ${fixed(loadgen * 100, 0)}% ${during}`);
      if (s.blast.failed > 0) problems.push(`${s.blast.failed} requests failed ${during}`);
    }
    connections += x.sockets.connections;
    foreign += x.sockets.foreign.length;
    if (x.sockets.connections === 0)
      problems.push(`no connection of ${o.name} seen in /proc/net/tcp`);
    for (const f of x.sockets.foreign) problems.push(`not on loopback: ${f}`);
  }
  const lines = [
    `${place.shared ? 'mock + load generator' : 'mock'} at most ${fixed(mockPeak * 100, 0)}% of core${mockCores > 1 ? 's' : ''} ${place.mockCores}, ` +
      `load generator at most ${fixed(loadgenPeak * 100, 0)}% of ${loadgenThreads} thread${loadgenThreads > 1 ? 's' : ''} ` +
      `(limit ${SATURATED * 100}%${Math.max(mockPeak, loadgenPeak) < SATURATED ? ': neither was the bottleneck' : ''})`,
    `${connections} connections on the benchmark's ports in /proc/net/tcp{,6} halfway through the 256-connection steps, ` +
      `${foreign === 0 ? 'all' : `${foreign} NOT`} between 127.0.0.1 addresses; every URL asserted to be 127.0.0.1 before use`,
    `other programs took up to ${fixed(otherPeak, 2)} cores during a kept load step` +
      `${repeated > 0 ? ` (${repeated} step${repeated > 1 ? 's' : ''} run again because others were busy, the quietest attempt kept)` : ''}` +
      `${otherPeak > QUIET_CORES ? ' (the machine was not idle: compare rows of this run only)' : ''}; ` +
      `kernel softirq (loopback TCP) up to ${fixed(softirqPeak, 2)} cores`,
    problems.length === 0 ? 'checks passed' : `CHECKS FAILED: ${problems.join('; ')}`,
  ];
  return { lines, problems };
}
