/**
 * @module embedded/lock
 * One process per data directory: a `LOCK` file naming the owner's pid. The file is created
 * complete in one step (written under a temporary name, then hard-linked into place, which fails
 * if a lock exists), so a reader never sees a half-written lock. A lock whose pid is no longer
 * running on this host is stale (its owner was killed) and is taken over.
 *
 * Known limit: if the dead owner's pid has been reused by an unrelated live process, the lock
 * looks live; the error message names the file so an operator can remove it.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { StoreLockedError, type Logger } from '@tollgate/core';

const LOCK_FILE = 'LOCK';

interface LockContent {
  pid: number;
  hostname: string;
  nonce: string;
  createdAt: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readLock(file: string): Promise<LockContent | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<LockContent>;
    if (typeof parsed.pid !== 'number' || typeof parsed.hostname !== 'string') return undefined;
    return parsed as LockContent;
  } catch {
    return undefined;
  }
}

/** A held data-directory lock. */
export class DirLock {
  private constructor(
    private readonly file: string,
    private readonly content: LockContent,
  ) {}

  /**
   * Take the lock of `dataDir`, taking over a stale one; rejects with StoreLockedError when a
   * live process (this one included) holds it.
   */
  static async acquire(dataDir: string, logger: Logger): Promise<DirLock> {
    const file = path.join(dataDir, LOCK_FILE);
    const content: LockContent = {
      pid: process.pid,
      hostname: os.hostname(),
      nonce: randomUUID(),
      createdAt: new Date().toISOString(),
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      if (await tryCreate(file, content)) return new DirLock(file, content);
      const holder = await readLock(file);
      if (holder && (holder.hostname !== content.hostname || isAlive(holder.pid))) {
        throw new StoreLockedError(
          `data directory ${dataDir} is in use by process ${holder.pid} on ${holder.hostname} ` +
            `(lock file ${file}); stop that process, or remove the lock file if no Tollgate process uses the directory`,
        );
      }
      logger.warn('stale data directory lock taken over', { file, stalePid: holder?.pid });
      await fs.rm(file, { force: true });
    }
    throw new StoreLockedError(
      `data directory ${dataDir} is being locked by another process (lock file ${file})`,
    );
  }

  /** Remove the lock file if it is still ours. */
  async release(): Promise<void> {
    const holder = await readLock(this.file);
    if (holder?.nonce === this.content.nonce) await fs.rm(this.file, { force: true });
  }
}

async function tryCreate(file: string, content: LockContent): Promise<boolean> {
  const tmp = `${file}.${content.pid}.${content.nonce}`;
  await fs.writeFile(tmp, JSON.stringify(content), { mode: 0o600 });
  try {
    await fs.link(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await fs.rm(tmp, { force: true });
  }
}
