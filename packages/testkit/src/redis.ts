/**
 * @module redis
 * A real redis-server (Debian's redis-server) on a loopback port of its own, without persistence.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManagedProcess } from './process';
import { freePort, waitForPort } from './ports';

export interface RedisServer {
  /** e.g. `redis://127.0.0.1:63791` */
  readonly url: string;
  readonly port: number;
  readonly process: ManagedProcess;
  destroy(): Promise<void>;
}

/** Start redis-server on a free loopback port. */
export async function startRedis(
  binary = process.env.TOLLGATE_REDIS_BIN ?? 'redis-server',
): Promise<RedisServer> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-redis-'));
  const proc = new ManagedProcess({
    command: binary,
    args: [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ],
    ready: () => waitForPort(port),
  });
  await proc.start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    process: proc,
    async destroy() {
      await proc.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
