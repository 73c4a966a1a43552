/**
 * @module worker-heap
 * The V8 flags a node gives its workers (issue 14). A worker's young generation holds every
 * in-flight request's objects: at V8's default (16 MiB semi-spaces) a busy worker scavenges about
 * every 50 ms and copies some 10 MB of live objects each time (5–7 ms). 64 MiB semi-spaces make
 * scavenges four times rarer for the same copying each, which took about 15% off the CPU per
 * request in `pnpm bench peers`, for up to ~150 MiB more memory per worker under load.
 */
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
