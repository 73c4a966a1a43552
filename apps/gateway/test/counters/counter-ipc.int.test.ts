// Node-wide counters over a real IPC channel: worker processes (child_process.fork, the transport
// node:cluster uses) charge the primary's LocalCounterStore through IpcCounterStore/CounterHost.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { LocalCounterStore } from '@tollgate/limiter';
import { CounterHost, isCounterRequest } from '../../src/counters/counter-ipc';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '../../../..');
const WORKER = path.join(__dirname, 'fixtures/charge-worker.ts');

interface Done {
  t: 'done';
  totals: number[];
  errors: string[];
  ms: number;
}

function spawnWorker(host: CounterHost): Promise<ChildProcess> {
  const child = fork(WORKER, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, TSX_TSCONFIG_PATH: path.join(ROOT, 'tsconfig.eslint.json') },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.on('message', (msg: unknown) => {
    if (isCounterRequest(msg)) host.handle(msg, (result) => child.send(result));
  });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before hello`)));
  });
}

const nextDone = (child: ChildProcess) =>
  new Promise<Done>((resolve) => {
    const onMessage = (msg: unknown) => {
      if ((msg as Done).t !== 'done') return;
      child.off('message', onMessage);
      resolve(msg as Done);
    };
    child.on('message', onMessage);
  });

it('four worker processes charging one key concurrently get an exact node-wide total', async () => {
  const store = new LocalCounterStore();
  const host = new CounterHost(store);
  const workers = await Promise.all(Array.from({ length: 4 }, () => spawnWorker(host)));
  try {
    const done = workers.map(nextDone);
    for (const w of workers) w.send({ t: 'go', key: 'route/1:gpt', charges: 500, cost: 7 });
    const results = await Promise.all(done);
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    expect((await store.peek('route/1:gpt')).consumed).toBe(4 * 500 * 7);
    const totals = results.flatMap((r) => r.totals);
    expect(new Set(totals).size).toBe(2000);
    const ms = Math.max(...results.map((r) => r.ms));
    process.stdout.write(`node-wide counters over IPC: 2000 charges from 4 workers in ${ms} ms\n`);
  } finally {
    for (const w of workers) w.kill();
    await store.close();
  }
});
