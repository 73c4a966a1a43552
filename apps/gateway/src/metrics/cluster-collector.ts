/**
 * @module metrics/cluster-collector
 * Reads the metrics of every worker of this node over the cluster IPC channel (protocol in
 * `@tollgate/plugins/primary` `workerMetricsIpc`). Only workers that said they can answer are
 * asked, so a worker still starting never delays a scrape; a worker that exits mid-collection is
 * left out.
 * A worker that is asked and stays silent fails the collection: a partial sum would make every
 * counter of that worker look reset to Prometheus.
 */
import nodeCluster, { type Worker } from 'node:cluster';
import { workerMetricsIpc } from '@tollgate/plugins/primary';

type MetricJson = workerMetricsIpc.MetricJson;

/** The part of node:cluster the collector uses. */
export interface ClusterLike {
  readonly workers?: NodeJS.Dict<Worker>;
  on(event: 'message', listener: (worker: Worker, message: unknown) => void): unknown;
  on(event: 'exit', listener: (worker: Worker) => void): unknown;
  off(event: 'message', listener: (worker: Worker, message: unknown) => void): unknown;
  off(event: 'exit', listener: (worker: Worker) => void): unknown;
}

/** What one collection gathered. */
export interface WorkerMetricsCollection {
  /** One metrics list per worker that answered. */
  perWorker: MetricJson[][];
  /** Workers asked. */
  asked: number;
}

/** A worker did not answer, or answered with an error. */
export class WorkerMetricsError extends Error {}

interface Pending {
  waiting: Set<number>;
  results: MetricJson[][];
  asked: number;
  timer: NodeJS.Timeout;
  resolve(value: WorkerMetricsCollection): void;
  reject(err: Error): void;
}

export interface ClusterCollectorOptions {
  /** Milliseconds a worker gets to answer (default 5000, prom-client's). */
  timeoutMs?: number;
  cluster?: ClusterLike;
}

/**
 * @example
 * const collector = new ClusterMetricsCollector();
 * collector.start();
 * const { perWorker } = await collector.collect();
 */
export class ClusterMetricsCollector {
  private readonly cluster: ClusterLike;
  private readonly timeoutMs: number;
  private readonly ready = new Set<number>();
  private readonly pending = new Map<number, Pending>();
  private inFlight: Promise<WorkerMetricsCollection> | undefined;
  private seq = 0;
  private started = false;

  constructor(options: ClusterCollectorOptions = {}) {
    this.cluster = options.cluster ?? nodeCluster;
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  /** Listen to the workers and ask the running ones whether they can answer. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.cluster.on('message', this.onMessage);
    this.cluster.on('exit', this.onExit);
    for (const worker of this.workers()) {
      if (worker.isConnected()) send(worker, { type: workerMetricsIpc.METRICS_IPC, op: 'hello' });
    }
  }

  /** Stop listening; pending collections fail. */
  stop(): void {
    if (!this.started) return;
    this.started = false;
    this.cluster.off('message', this.onMessage);
    this.cluster.off('exit', this.onExit);
    for (const [id, p] of this.pending) this.finish(id, p, new WorkerMetricsError('stopped'));
  }

  /** Number of workers known to answer. */
  get readyWorkers(): number {
    return this.workers().filter((w) => this.ready.has(w.id) && w.isConnected()).length;
  }

  /**
   * The metrics of every ready worker. Concurrent calls share one round of IPC. Resolves with
   * `asked: 0` when no worker can answer.
   */
  collect(): Promise<WorkerMetricsCollection> {
    this.inFlight ??= this.round().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private workers(): Worker[] {
    return Object.values(this.cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
  }

  private round(): Promise<WorkerMetricsCollection> {
    const targets = this.workers().filter((w) => this.ready.has(w.id) && w.isConnected());
    if (targets.length === 0) return Promise.resolve({ perWorker: [], asked: 0 });
    const id = ++this.seq;
    return new Promise<WorkerMetricsCollection>((resolve, reject) => {
      const pending: Pending = {
        waiting: new Set(targets.map((w) => w.id)),
        results: [],
        asked: targets.length,
        resolve,
        reject,
        timer: setTimeout(() => {
          const pids = targets.filter((w) => pending.waiting.has(w.id)).map((w) => w.process.pid);
          this.finish(
            id,
            pending,
            new WorkerMetricsError(`workers ${pids.join(', ')} did not answer`),
          );
        }, this.timeoutMs),
      };
      pending.timer.unref();
      this.pending.set(id, pending);
      for (const worker of targets) {
        send(worker, { type: workerMetricsIpc.METRICS_IPC, op: 'collect', id });
      }
    });
  }

  private finish(id: number, pending: Pending, err?: Error): void {
    clearTimeout(pending.timer);
    this.pending.delete(id);
    if (err) pending.reject(err);
    else pending.resolve({ perWorker: pending.results, asked: pending.asked });
  }

  private readonly onMessage = (worker: Worker, msg: unknown): void => {
    if (!workerMetricsIpc.isMetricsIpcMessage(msg)) return;
    if (msg.op === 'ready') {
      this.ready.add(worker.id);
      return;
    }
    if (msg.op !== 'data' && msg.op !== 'error') return;
    const pending = this.pending.get(msg.id);
    if (!pending?.waiting.delete(worker.id)) return;
    if (msg.op === 'error') {
      this.finish(
        msg.id,
        pending,
        new WorkerMetricsError(`worker ${worker.process.pid}: ${msg.message}`),
      );
      return;
    }
    pending.results.push(msg.metrics);
    if (pending.waiting.size === 0) this.finish(msg.id, pending);
  };

  private readonly onExit = (worker: Worker): void => {
    this.ready.delete(worker.id);
    for (const [id, pending] of this.pending) {
      if (pending.waiting.delete(worker.id) && pending.waiting.size === 0) this.finish(id, pending);
    }
  };
}

function send(worker: Worker, msg: workerMetricsIpc.MetricsIpcMessage): void {
  // A worker that just died may still be listed; the callback swallows the send error.
  worker.send(msg, undefined, () => undefined);
}
