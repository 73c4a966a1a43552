/**
 * @module accept
 * How a node's workers get their connections (issue 14). Node's default on Linux (round robin)
 * has the primary accept every connection and pass it to a worker over IPC, one at a time per
 * worker, each waiting for the worker to acknowledge it: a busy worker takes one new connection
 * per turn of its event loop, so 256 clients connecting at once waited up to a second or more
 * (`pnpm bench peers`, p99 at 256 connections: 0.75–1.3 s against 0.1 s for the bare proxy), and
 * the primary's CPU grew with connections. Tollgate's workers accept from the shared listening
 * socket themselves, as nginx's (APISIX's) workers do. With several workers each accepts one
 * connection and yields (libuv's single-accept mode) so that a burst is spread over the workers
 * rather than taken whole by the first one awake (256 connections over 2 workers: 127/129 rather
 * than 72/184). An operator's `NODE_CLUSTER_SCHED_POLICY` or `UV_TCP_SINGLE_ACCEPT` is kept.
 */
import cluster from 'node:cluster';
import { readEnv, type TollgateEnv } from '@tollgate/core';

/** Workers accept their own connections unless the operator chose a policy; before any fork. */
export function useWorkerAccept(env: Pick<TollgateEnv, 'clusterSchedPolicy'> = readEnv()): void {
  if (env.clusterSchedPolicy === undefined) cluster.schedulingPolicy = cluster.SCHED_NONE;
}

/** What a worker's environment adds: single accepts when siblings share its sockets. */
export function workerAcceptEnv(
  workers: number,
  env: Pick<TollgateEnv, 'singleAccept'> = readEnv(),
): Record<string, string> {
  return workers > 1 && env.singleAccept === undefined ? { UV_TCP_SINGLE_ACCEPT: '1' } : {};
}
