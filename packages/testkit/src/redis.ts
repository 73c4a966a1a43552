/**
 * @module redis
 * A real redis-server (Debian's redis-server) on a loopback port of its own, without persistence.
 */
import fs from 'node:fs';
import net from 'node:net';
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

/** A RESP reply: a string, an integer, null, or an array of replies. */
export type RedisReply = string | number | null | RedisReply[];

/** Parse one RESP reply at `offset`; undefined while `buf` holds only part of it. */
function parseReply(buf: string, offset: number): { value: RedisReply; end: number } | undefined {
  const eol = buf.indexOf('\r\n', offset);
  if (eol < 0) return undefined;
  const type = buf[offset];
  const head = buf.slice(offset + 1, eol);
  if (type === '+') return { value: head, end: eol + 2 };
  if (type === '-') throw new Error(`redis: ${head}`);
  if (type === ':') return { value: Number(head), end: eol + 2 };
  if (type === '$') {
    const len = Number(head);
    if (len < 0) return { value: null, end: eol + 2 };
    // Bulk lengths are bytes; test values are ASCII keys and JSON, read as latin1 below.
    if (buf.length < eol + 2 + len + 2) return undefined;
    return { value: buf.slice(eol + 2, eol + 2 + len), end: eol + 2 + len + 2 };
  }
  if (type === '*') {
    const count = Number(head);
    if (count < 0) return { value: null, end: eol + 2 };
    const items: RedisReply[] = [];
    let at = eol + 2;
    for (let i = 0; i < count; i++) {
      const item = parseReply(buf, at);
      if (!item) return undefined;
      items.push(item.value);
      at = item.end;
    }
    return { value: items, end: at };
  }
  throw new Error(`redis: unexpected reply type ${String(type)}`);
}

/**
 * Send one command to the Redis on `port` (loopback) and return its reply, for tests that look
 * at what a plugin stored (`KEYS`, `TTL`, `FLUSHALL`) without a client library. Bulk strings are
 * read as latin1, so compare bytes with `Buffer.from(reply, 'latin1')`.
 *
 * @example
 * const keys = (await redisCommand(redis.port, 'KEYS', 'ai-cache:l1:*')) as string[];
 */
export function redisCommand(port: number, ...args: (string | number)[]): Promise<RedisReply> {
  const parts = args.map((a) => Buffer.from(String(a), 'utf8'));
  const request = Buffer.concat([
    Buffer.from(`*${parts.length}\r\n`),
    ...parts.flatMap((p) => [Buffer.from(`$${p.length}\r\n`), p, Buffer.from('\r\n')]),
  ]);
  return new Promise<RedisReply>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let buf = '';
    socket.setTimeout(5000, () => socket.destroy(new Error('redis: no reply within 5 s')));
    socket.on('error', reject);
    socket.on('data', (data) => {
      buf += data.toString('latin1');
      try {
        const reply = parseReply(buf, 0);
        if (!reply) return;
        socket.end();
        resolve(reply.value);
      } catch (err) {
        socket.destroy();
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
    socket.write(request);
  });
}
