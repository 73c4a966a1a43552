import { EventEmitter } from 'node:events';
import { workerMetricsIpc } from '@tollgate/plugins';
import { ClusterMetricsCollector, type ClusterLike } from './cluster-collector';

const { METRICS_IPC } = workerMetricsIpc;

class FakeWorker {
  readonly sent: workerMetricsIpc.MetricsIpcMessage[] = [];
  connected = true;
  constructor(
    readonly id: number,
    readonly process = { pid: 1000 + id },
  ) {}
  isConnected() {
    return this.connected;
  }
  send(msg: workerMetricsIpc.MetricsIpcMessage, _handle: unknown, cb: () => void) {
    this.sent.push(msg);
    cb();
    return true;
  }
}

class FakeCluster extends EventEmitter {
  workers: Record<string, FakeWorker> = {};
  add(w: FakeWorker) {
    this.workers[w.id] = w;
  }
  reply(w: FakeWorker, msg: unknown) {
    this.emit('message', w, msg);
  }
}

function setup(timeoutMs = 200) {
  const cluster = new FakeCluster();
  const collector = new ClusterMetricsCollector({
    cluster: cluster as unknown as ClusterLike,
    timeoutMs,
  });
  return { cluster, collector };
}

const metric = (v: number) => [
  { name: 'c', help: 'h', type: 'counter', aggregator: 'sum', values: [{ value: v, labels: {} }] },
];
const lastCollect = (w: FakeWorker) => {
  const msg = [...w.sent].reverse().find((m) => m.op === 'collect');
  if (msg?.op !== 'collect') throw new Error('no collect');
  return msg.id;
};

it('greets running workers and asks only those that are ready', async () => {
  const { cluster, collector } = setup();
  const a = new FakeWorker(1);
  const b = new FakeWorker(2);
  cluster.add(a);
  cluster.add(b);
  collector.start();
  expect(a.sent).toEqual([{ type: METRICS_IPC, op: 'hello' }]);
  expect(await collector.collect()).toEqual({ perWorker: [], asked: 0 });
  cluster.reply(a, { type: METRICS_IPC, op: 'ready' });
  const round = collector.collect();
  expect(collector.collect()).toBe(round);
  cluster.reply(a, { type: METRICS_IPC, op: 'data', id: lastCollect(a), metrics: metric(3) });
  expect(await round).toEqual({ perWorker: [metric(3)], asked: 1 });
  expect(b.sent.filter((m) => m.op === 'collect')).toHaveLength(0);
  collector.stop();
});

it('fails when a ready worker stays silent or errs, and leaves out a worker that exits', async () => {
  const { cluster, collector } = setup(50);
  const a = new FakeWorker(1);
  const b = new FakeWorker(2);
  cluster.add(a);
  cluster.add(b);
  collector.start();
  cluster.reply(a, { type: METRICS_IPC, op: 'ready' });
  cluster.reply(b, { type: METRICS_IPC, op: 'ready' });
  await expect(collector.collect()).rejects.toThrow('workers 1001, 1002 did not answer');

  const failing = collector.collect();
  cluster.reply(a, { type: METRICS_IPC, op: 'error', id: lastCollect(a), message: 'boom' });
  await expect(failing).rejects.toThrow('worker 1001: boom');

  const round = collector.collect();
  cluster.reply(a, { type: METRICS_IPC, op: 'data', id: lastCollect(a), metrics: metric(1) });
  b.connected = false;
  cluster.emit('exit', b);
  expect(await round).toEqual({ perWorker: [metric(1)], asked: 2 });
  expect(collector.readyWorkers).toBe(1);
  collector.stop();
});
