/**
 * One target's measurement in the peers benchmark: a probe (a chat completion and a finished
 * stream), a warm-up, autocannon at each connection count with the CPU time of every party read
 * from /proc around the step, then the added p50 at one connection, plain and streamed.
 */
import { cpuMicros } from '../lib';
import { addedP50, blast, probe, type Added, type Blast, type Request } from './load';
import { machineCpu, socketsOn, type SocketCheck } from './machine';
import type { Mock, Target } from './targets';

const MESSAGES = [
  { role: 'system', content: 'You are a helpful assistant.' },
  { role: 'user', content: 'Say hello.' },
];
export const BODY = JSON.stringify({ model: 'gpt-4o-mini', messages: MESSAGES, max_tokens: 16 });
export const STREAM_BODY = JSON.stringify({
  model: 'gpt-4o-mini',
  messages: MESSAGES,
  max_tokens: 16,
  stream: true,
  stream_options: { include_usage: true },
});

export interface Step {
  blast: Blast;
  wallSeconds: number;
  /** CPU time in the step, µs: the target's tree, a Tollgate primary alone, the mock's tree. */
  targetMicros: number;
  primaryMicros: number;
  mockMicros: number;
  /** This process: autocannon (and its worker threads). */
  loadgenMicros: number;
  /** Process CPU time on the machine spent by none of the above (other programs). */
  otherMicros: number;
  /** Kernel softirq time (loopback TCP is mostly that), charged to no process. */
  softirqMicros: number;
}

export interface Measured {
  steps: Step[];
  plain: Added;
  streamed: Added;
  sockets: SocketCheck;
}

export interface MeasureOptions {
  connections: readonly number[];
  seconds: number;
  warmupSeconds: number;
  latencySeconds: number;
  /** autocannon worker threads (0: on this thread). */
  threads: number;
}

function snapshot(target: Target, mock: Mock) {
  const pids = target.pids();
  const mockPids = mock.pids();
  const primary = target.primaryPid === undefined ? [] : [target.primaryPid];
  return () => ({
    target: cpuMicros(pids),
    primary: cpuMicros(primary),
    mock: cpuMicros(mockPids),
    loadgen: cpuMicros([process.pid]),
    machine: machineCpu(),
    at: performance.now(),
  });
}

export async function measure(target: Target, mock: Mock, o: MeasureOptions): Promise<Measured> {
  await probe(target, BODY, STREAM_BODY);
  await blast(target, BODY, 64, o.warmupSeconds, o.threads);
  const steps: Step[] = [];
  let sockets: SocketCheck = { connections: 0, foreign: [] };
  const most = Math.max(...o.connections);
  for (const connections of o.connections) {
    const read = snapshot(target, mock);
    // Halfway through the busiest step every connection is open: read them all from /proc.
    const look =
      connections === most
        ? setTimeout(() => {
            sockets = socketsOn([...target.ports, mock.port]);
          }, o.seconds * 500)
        : undefined;
    const before = read();
    const result = await blast(target, BODY, connections, o.seconds, o.threads);
    const after = read();
    clearTimeout(look);
    const spent = (k: 'target' | 'primary' | 'mock' | 'loadgen') => after[k] - before[k];
    steps.push({
      blast: result,
      wallSeconds: (after.at - before.at) / 1000,
      targetMicros: spent('target'),
      primaryMicros: spent('primary'),
      mockMicros: spent('mock'),
      loadgenMicros: spent('loadgen'),
      otherMicros:
        after.machine.processMicros -
        before.machine.processMicros -
        spent('target') -
        spent('mock') -
        spent('loadgen'),
      softirqMicros: after.machine.softirqMicros - before.machine.softirqMicros,
    });
  }
  const direct: Request = { url: mock.url, headers: { authorization: 'Bearer sk-bench' } };
  const plain = await addedP50(target, direct, BODY, false, o.latencySeconds);
  const streamed = await addedP50(target, direct, STREAM_BODY, true, o.latencySeconds);
  return { steps, plain, streamed, sockets };
}

/** A target's row: measured, or the reason it could not be. */
export interface Outcome {
  name: string;
  cores: string;
  /** A Tollgate node's worker count (undefined for the single-process targets). */
  workers?: number;
  measured?: Measured;
  error?: string;
}

/** CPU µs per answer over all load steps, of the part `f` picks. */
export function perRequest(x: Measured, f: (s: Step) => number): number {
  const answers = x.steps.reduce((sum, s) => sum + s.blast.completed, 0);
  return x.steps.reduce((sum, s) => sum + f(s), 0) / answers;
}
