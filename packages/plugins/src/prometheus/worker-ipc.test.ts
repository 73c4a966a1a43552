import { Counter, Registry } from 'prom-client';
import {
  METRICS_IPC,
  isMetricsIpcMessage,
  serveWorkerMetrics,
  type IpcChannel,
  type MetricsIpcMessage,
} from './worker-ipc';

class FakeChannel implements IpcChannel {
  readonly sent: MetricsIpcMessage[] = [];
  private listeners: ((msg: unknown) => void)[] = [];
  on(_event: 'message', listener: (msg: unknown) => void) {
    this.listeners.push(listener);
  }
  off(_event: 'message', listener: (msg: unknown) => void) {
    this.listeners = this.listeners.filter((l) => l !== listener);
  }
  send(msg: MetricsIpcMessage) {
    this.sent.push(msg);
  }
  deliver(msg: unknown) {
    for (const l of this.listeners) l(msg);
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

it('says ready, answers collect requests with its registry, and stops when told', async () => {
  const registry = new Registry();
  new Counter({ name: 'c', help: 'h', labelNames: ['a'], registers: [registry] }).inc(
    { a: 'x' },
    3,
  );
  const channel = new FakeChannel();
  const stop = serveWorkerMetrics({ registry, channel });
  expect(channel.sent).toEqual([{ type: METRICS_IPC, op: 'ready' }]);
  channel.deliver({ type: METRICS_IPC, op: 'hello' });
  channel.deliver({ t: 'config' });
  channel.deliver({ type: METRICS_IPC, op: 'collect', id: 7 });
  await flush();
  expect(channel.sent[1]).toEqual({ type: METRICS_IPC, op: 'ready' });
  expect(channel.sent[2]).toMatchObject({ type: METRICS_IPC, op: 'data', id: 7 });
  const data = channel.sent[2] as Extract<MetricsIpcMessage, { op: 'data' }>;
  expect(data.metrics).toEqual([
    expect.objectContaining({ name: 'c', values: [{ value: 3, labels: { a: 'x' } }] }),
  ]);
  stop();
  channel.deliver({ type: METRICS_IPC, op: 'collect', id: 8 });
  await flush();
  expect(channel.sent).toHaveLength(3);
});

it('reports a registry that fails', async () => {
  const registry = new Registry();
  registry.getMetricsAsJSON = () => Promise.reject(new Error('boom'));
  const channel = new FakeChannel();
  serveWorkerMetrics({ registry, channel });
  channel.deliver({ type: METRICS_IPC, op: 'collect', id: 1 });
  await flush();
  expect(channel.sent[1]).toEqual({ type: METRICS_IPC, op: 'error', id: 1, message: 'boom' });
});

it('recognises only its own messages, and does nothing outside a cluster worker', () => {
  expect(isMetricsIpcMessage({ type: METRICS_IPC, op: 'data' })).toBe(true);
  expect(isMetricsIpcMessage({ type: METRICS_IPC, op: 'other' })).toBe(false);
  expect(isMetricsIpcMessage({ type: 'prom-client:getMetricsReq' })).toBe(false);
  expect(isMetricsIpcMessage(null)).toBe(false);
  const before = process.listenerCount('message');
  const stop = serveWorkerMetrics();
  expect(process.listenerCount('message')).toBe(before);
  stop();
});
