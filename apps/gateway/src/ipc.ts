/**
 * @module ipc
 * Messages between a node's primary process and its workers (node:cluster IPC).
 */
import type { ConfigUpdate } from './config/update';

export type PrimaryMessage = { t: 'config'; update: ConfigUpdate } | { t: 'shutdown' };

export type WorkerMessage =
  { t: 'hello' } | { t: 'listening' } | { t: 'applied'; revision: number; problems: number };

/** Options a worker receives from its primary (JSON in its environment). */
export interface WorkerOptions {
  listen: { ip: string; port: number }[];
  /** Milliseconds in-flight requests get to finish at shutdown. */
  shutdownGraceMs: number;
}

export const WORKER_OPTIONS_ENV = 'TOLLGATE_WORKER_OPTIONS';

export function isPrimaryMessage(msg: unknown): msg is PrimaryMessage {
  return (
    typeof msg === 'object' &&
    msg !== null &&
    ((msg as { t?: unknown }).t === 'config' || (msg as { t?: unknown }).t === 'shutdown')
  );
}

export function isWorkerMessage(msg: unknown): msg is WorkerMessage {
  const t = (msg as { t?: unknown } | null)?.t;
  return t === 'hello' || t === 'listening' || t === 'applied';
}
