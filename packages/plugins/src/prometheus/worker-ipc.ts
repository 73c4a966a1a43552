/**
 * @module prometheus/worker-ipc
 * How a node's primary reads its workers' metrics over the cluster IPC channel. The primary asks
 * (`collect`), each worker answers with its registry as JSON (`data`), and the primary sums them
 * with prom-client's aggregation. A worker says `ready` once it can answer (and again when the
 * primary says `hello`), so the primary never waits on a worker that is still starting.
 */
import cluster from 'node:cluster';
import {
  register,
  type MetricObjectWithValues,
  type MetricValue,
  type Registry,
} from 'prom-client';

/** The health gauge workers fill for `source="passive"` and the primary for `source="active"`. */
export { INSTANCE_HEALTH_HELP, INSTANCE_HEALTH_METRIC } from './definitions';

/** The `type` of every metrics message (other IPC traffic has no such field). */
export const METRICS_IPC = 'tollgate:metrics';

/** One metric family as a worker serialises it. */
export type MetricJson = MetricObjectWithValues<MetricValue<string>>;

export type MetricsIpcMessage =
  /** Primary → worker: say whether you can answer. */
  | { type: typeof METRICS_IPC; op: 'hello' }
  /** Primary → worker: send your metrics, quoting `id`. */
  | { type: typeof METRICS_IPC; op: 'collect'; id: number }
  /** Worker → primary: I can answer `collect`. */
  | { type: typeof METRICS_IPC; op: 'ready' }
  /** Worker → primary: my metrics for request `id`. */
  | { type: typeof METRICS_IPC; op: 'data'; id: number; metrics: MetricJson[] }
  /** Worker → primary: reading my metrics failed. */
  | { type: typeof METRICS_IPC; op: 'error'; id: number; message: string };

const OPS = new Set(['hello', 'collect', 'ready', 'data', 'error']);

/** Whether `msg` belongs to the metrics protocol. */
export function isMetricsIpcMessage(msg: unknown): msg is MetricsIpcMessage {
  const m = msg as { type?: unknown; op?: unknown } | null;
  return m?.type === METRICS_IPC && typeof m.op === 'string' && OPS.has(m.op);
}

/** The IPC side of a worker process (the `process` object of a cluster worker). */
export interface IpcChannel {
  on(event: 'message', listener: (msg: unknown) => void): unknown;
  off(event: 'message', listener: (msg: unknown) => void): unknown;
  send(msg: MetricsIpcMessage): void;
}

const processChannel: IpcChannel = {
  on: (event, listener) => process.on(event, listener),
  off: (event, listener) => process.off(event, listener),
  send(msg) {
    if (!process.connected) return;
    // The callback keeps a closed channel from raising an 'error' event on process.
    process.send?.(msg, undefined, {}, () => undefined);
  },
};

let installed: (() => void) | undefined;

/**
 * Answer the primary's `collect` requests with `registry` (default: prom-client's). Without an
 * explicit channel this only acts in a node:cluster worker. Returns a function that stops
 * answering. Idempotent for the process channel.
 *
 * @example
 * serveWorkerMetrics(); // in a worker's plugin init
 */
export function serveWorkerMetrics(
  options: { registry?: Registry; channel?: IpcChannel } = {},
): () => void {
  const channel = options.channel;
  if (!channel) {
    if (!cluster.isWorker) return () => undefined;
    installed ??= listen(processChannel, options.registry ?? register);
    return installed;
  }
  return listen(channel, options.registry ?? register);
}

function listen(channel: IpcChannel, registry: Registry): () => void {
  const onMessage = (msg: unknown) => {
    if (!isMetricsIpcMessage(msg)) return;
    if (msg.op === 'hello') {
      channel.send({ type: METRICS_IPC, op: 'ready' });
    } else if (msg.op === 'collect') {
      const { id } = msg;
      registry.getMetricsAsJSON().then(
        (metrics) => channel.send({ type: METRICS_IPC, op: 'data', id, metrics }),
        (err: unknown) =>
          channel.send({
            type: METRICS_IPC,
            op: 'error',
            id,
            message: err instanceof Error ? err.message : String(err),
          }),
      );
    }
  };
  channel.on('message', onMessage);
  channel.send({ type: METRICS_IPC, op: 'ready' });
  return () => {
    channel.off('message', onMessage);
    if (channel === processChannel) installed = undefined;
  };
}
