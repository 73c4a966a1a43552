/**
 * @module ipc
 * Messages between a node's primary process and its workers (node:cluster IPC). Node-wide
 * counters and LLM instance load have their own messages, in counters/counter-ipc.ts and
 * load/load-messages.ts.
 */
import type { Serializable } from 'node:child_process';
import type { ConfigUpdate } from './config/update';
import type { StreamListeners } from './stream';
import type { SecretCacheOptions } from './secrets/resolver';
import type { TlsSettings } from './tls/listener';

export type PrimaryMessage =
  | { t: 'config'; update: ConfigUpdate }
  /** Active health verdicts: every unhealthy target (full), or one change. */
  | { t: 'health'; unhealthy: string[] }
  | { t: 'health-change'; key: string; healthy: boolean }
  /** A probe of a healthy target passed (ends passive rests, decision D4). */
  | { t: 'health-ok'; key: string }
  /** Stop serving; `reload`: a reload retires this worker (drain its keep-alive connections gently). */
  | { t: 'shutdown'; reload?: boolean };

export type WorkerMessage =
  { t: 'hello' } | { t: 'listening' } | { t: 'applied'; revision: number; problems: number };

/** Options a worker receives from its primary (JSON in its environment). */
export interface WorkerOptions {
  listen: { ip: string; port: number }[];
  /** `apisix.ssl`: the HTTPS listeners and their settings; absent = none. */
  tls?: TlsSettings & { listen: { ip: string; port: number }[] };
  /** nginx_config.http.enable_access_log / access_log. */
  accessLog: { enabled: boolean; path?: string };
  /** Milliseconds in-flight requests get to finish at shutdown. */
  shutdownGraceMs: number;
  /** apisix.disable_upstream_healthcheck: the worker keeps no passive health. */
  disableUpstreamHealthcheck: boolean;
  /** config.yaml `plugins`: the plugins this worker runs; absent = every plugin. */
  plugins?: string[];
  /** config.yaml `plugin_attr`, by plugin name. */
  pluginAttr: Record<string, Record<string, unknown>>;
  /** `apisix.stream_proxy` listeners; `udp` only in the worker that owns the node's UDP ports. */
  stream?: StreamListeners;
  /** `apisix.lru.secret`: how long resolved secret references are cached; absent = APISIX's defaults. */
  secretCache?: SecretCacheOptions;
}

/**
 * Several messages in one write, so the other side wakes once for them (issue 14): a worker's
 * background messages of one report (load report, pick report, token quota usage), and the
 * primary's answers to them. Never nested.
 */
export interface IpcBatch {
  t: 'batch';
  messages: unknown[];
}

/** The most messages one batch may carry (a report carries three, their answers two). */
const MAX_BATCH = 16;

export function isIpcBatch(msg: unknown): msg is IpcBatch {
  const batch = msg as { t?: unknown; messages?: unknown } | null;
  return (
    batch?.t === 'batch' && Array.isArray(batch.messages) && batch.messages.length <= MAX_BATCH
  );
}

/** Hand each message of `msg` (a batch, or one message) to `handle`. */
export function unbatch(msg: unknown, handle: (message: unknown) => void): void {
  if (!isIpcBatch(msg)) handle(msg);
  else for (const message of msg.messages) if (!isIpcBatch(message)) handle(message);
}

/** `messages` as one message: the only one, or a batch. */
export function asOneMessage(messages: Serializable[]): Serializable {
  const [only] = messages;
  return messages.length === 1 && only !== undefined
    ? only
    : ({ t: 'batch', messages } satisfies IpcBatch);
}

export const WORKER_OPTIONS_ENV = 'TOLLGATE_WORKER_OPTIONS';

const PRIMARY_TYPES = new Set(['config', 'health', 'health-change', 'health-ok', 'shutdown']);

export function isPrimaryMessage(msg: unknown): msg is PrimaryMessage {
  const t = (msg as { t?: unknown } | null)?.t;
  return typeof t === 'string' && PRIMARY_TYPES.has(t);
}

export function isWorkerMessage(msg: unknown): msg is WorkerMessage {
  const t = (msg as { t?: unknown } | null)?.t;
  return t === 'hello' || t === 'listening' || t === 'applied';
}
