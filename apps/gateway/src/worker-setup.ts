/**
 * @module worker-setup
 * How a node's primary sets up its workers (issue 14). A worker's young generation holds every
 * in-flight request's objects: at V8's default (16 MiB semi-spaces) a busy worker scavenges about
 * every 50 ms and copies some 10 MB of live objects each time (5–7 ms). 64 MiB semi-spaces make
 * scavenges four times rarer for the same copying each, which took about 15% off the CPU per
 * request in `pnpm bench peers`, for up to ~150 MiB more memory per worker under load.
 */
import cluster from 'node:cluster';
import { readEnv } from '@tollgate/core';

/** Semi-space size of a worker's young generation, in MiB. */
export const WORKER_SEMI_SPACE_MIB = 64;

/**
 * Node arguments for a worker: the primary's own, plus the semi-space size unless the operator
 * set one (in the primary's arguments or `NODE_OPTIONS`, which workers inherit).
 */
export function workerExecArgv(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = readEnv().nodeOptions,
): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)];
  const set = given.some((arg) => /^--max[-_]semi[-_]space[-_]size\b/.test(arg));
  return set ? [...execArgv] : [...execArgv, `--max-semi-space-size=${WORKER_SEMI_SPACE_MIB}`];
}

/**
 * Who accepts connections: the workers themselves, from the shared listening socket. With
 * node's default (round robin) the primary accepts each connection and hands it to a worker,
 * awaiting that busy worker's acknowledgement before the next, so under load a burst of new
 * connections waited seconds (192 of them took 3.5 s at 2,500 rps). An operator's
 * NODE_CLUSTER_SCHED_POLICY still decides, as in any node program.
 */
export function schedulingPolicy(
  fromEnv: string | undefined = readEnv().nodeClusterSchedPolicy,
): number {
  if (fromEnv === 'rr') return cluster.SCHED_RR;
  return cluster.SCHED_NONE;
}
