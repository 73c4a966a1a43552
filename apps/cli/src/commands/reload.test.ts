/** Issue 15 item 2: the node's side of `tollgate reload` (SIGHUP, the report file, what applies). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GatewayReloadOptions } from '@tollgate/gateway';
import { loadConfig } from '../config/load';
import {
  gatewayReloadOptions,
  listenForReload,
  readReloadStatus,
  reloadNode,
  restartOnlyChanges,
  type ReloadStatus,
} from './reload';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-reload-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeConfig(workers: number | string, adminPort = 9180): string {
  const file = path.join(dir, 'config.yaml');
  fs.writeFileSync(
    file,
    `nginx_config:\n  worker_processes: ${workers}\n` +
      `deployment:\n  admin:\n    admin_listen:\n      port: ${adminPort}\n` +
      `tollgate:\n  data_dir: ${JSON.stringify(path.join(dir, 'data'))}\n`,
  );
  return file;
}

/** A gateway that records what it was asked to reload to. */
function fakeGateway() {
  const calls: GatewayReloadOptions[] = [];
  return {
    calls,
    reload(next: GatewayReloadOptions) {
      calls.push(next);
      return Promise.resolve({
        workers: Array.from({ length: next.workers }, (_, i) => 100 + i),
        retired: [99],
        drained: Promise.resolve(),
      });
    },
  };
}

it('re-reads the file and hands the gateway the new worker count', async () => {
  const file = writeConfig(1);
  const config = loadConfig(file);
  writeConfig(3);
  const gateway = fakeGateway();
  const outcome = await reloadNode({ config, configFile: file }, gateway);
  expect(outcome).toEqual({
    ok: true,
    message: '3 gateway workers started, 1 retired',
    workers: 3,
  });
  expect(gateway.calls[0]).toEqual(gatewayReloadOptions(loadConfig(file)));
  expect(gateway.calls[0]?.workers).toBe(3);
});

it('names the settings only a restart applies, and still reloads the rest', async () => {
  const file = writeConfig(1, 9180);
  const config = loadConfig(file);
  writeConfig(2, 9181);
  expect(restartOnlyChanges(config, loadConfig(file))).toEqual(['deployment.admin']);
  const outcome = await reloadNode({ config, configFile: file }, fakeGateway());
  expect(outcome.message).toBe(
    '2 gateway workers started, 1 retired; changes to deployment.admin need a restart',
  );
});

it('keeps the running config when the file no longer loads', async () => {
  const file = writeConfig(1);
  const config = loadConfig(file);
  writeConfig('many');
  const gateway = fakeGateway();
  const outcome = await reloadNode({ config, configFile: file }, gateway);
  expect(outcome.ok).toBe(false);
  expect(outcome.message).toContain('nginx_config.worker_processes');
  expect(outcome.message).toMatch(/the node keeps its config$/);
  expect(gateway.calls).toEqual([]);
});

it('answers SIGHUP in the report file: refused during start-up, then each reload in turn', async () => {
  const dataDir = path.join(dir, 'data');
  fs.mkdirSync(dataDir);
  const listeners = process.listenerCount('SIGHUP');
  const hup = listenForReload(dataDir);
  const report = async (generation: number): Promise<ReloadStatus | undefined> => {
    for (let i = 0; i < 100; i++) {
      const status = readReloadStatus(dataDir);
      if (status && status.generation >= generation) return status;
      await new Promise((r) => setTimeout(r, 10));
    }
    return readReloadStatus(dataDir);
  };
  try {
    process.emit('SIGHUP', 'SIGHUP');
    expect(await report(1)).toMatchObject({
      pid: process.pid,
      generation: 1,
      ok: false,
      message: 'the node is still starting; nothing reloaded',
    });
    let runs = 0;
    hup.started(() => {
      runs++;
      return runs === 1
        ? Promise.resolve({ ok: true, message: 'done', workers: 2 })
        : Promise.reject(new Error('new gateway worker did not start: it exited'));
    });
    process.emit('SIGHUP', 'SIGHUP');
    process.emit('SIGHUP', 'SIGHUP');
    expect(await report(3)).toMatchObject({
      generation: 3,
      ok: false,
      message: 'new gateway worker did not start: it exited',
    });
    expect(runs).toBe(2);
  } finally {
    hup.dispose();
  }
  expect(process.listenerCount('SIGHUP')).toBe(listeners);
});
