/**
 * @module etcd
 * A real etcd server (Debian's etcd-server) on loopback ports of its own, with its data in a
 * temporary directory, for integration tests that stop, restart or compact it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManagedProcess } from './process';
import { freePort, sleep } from './ports';

export interface EtcdServer {
  /** Client URL, e.g. `http://127.0.0.1:23791`. */
  readonly endpoint: string;
  readonly process: ManagedProcess;
  /** Stop and remove the data directory. */
  destroy(): Promise<void>;
}

async function healthy(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) });
    const body = (await res.json()) as { health?: string };
    return body.health === 'true';
  } catch {
    return false;
  }
}

/** Start a single-member etcd on free loopback ports. */
export async function startEtcd(
  binary = process.env.TOLLGATE_ETCD_BIN ?? 'etcd',
): Promise<EtcdServer> {
  const clientPort = await freePort();
  const peerPort = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-etcd-'));
  const endpoint = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const proc = new ManagedProcess({
    command: binary,
    args: [
      '--name',
      'tollgate-test',
      '--data-dir',
      dataDir,
      '--listen-client-urls',
      endpoint,
      '--advertise-client-urls',
      endpoint,
      '--listen-peer-urls',
      peer,
      '--initial-advertise-peer-urls',
      peer,
      '--initial-cluster',
      `tollgate-test=${peer}`,
      '--log-level',
      'error',
    ],
    env: { ...process.env, ETCD_UNSUPPORTED_ARCH: process.env.ETCD_UNSUPPORTED_ARCH ?? '' },
    ready: async () => {
      const deadline = Date.now() + 20_000;
      while (!(await healthy(endpoint))) {
        if (Date.now() > deadline) throw new Error(`etcd at ${endpoint} not healthy after 20 s`);
        await sleep(100);
      }
    },
  });
  await proc.start();
  return {
    endpoint,
    process: proc,
    async destroy() {
      await proc.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
