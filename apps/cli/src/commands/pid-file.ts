/**
 * @module commands/pid-file
 * `<dataDir>/tollgate.pid`: the process id of the `tollgate start` that runs on a data directory
 * (APISIX's logs/nginx.pid). `quit` and `stop` find the node through it; a second start on the
 * same data directory is refused while the first is alive.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigInvalidError } from '@tollgate/core';

/** The pid file of the node that uses `dataDir`. */
export function pidFilePath(dataDir: string): string {
  return path.join(dataDir, 'tollgate.pid');
}

/** Whether a process with this id exists (EPERM: it exists, owned by another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid in `file`, or undefined when there is no such file or it holds no pid. */
export function readPid(file: string): number | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** The pid of the live node on `dataDir`, or undefined (no file, or a stale one). */
export function runningPid(dataDir: string): number | undefined {
  const pid = readPid(pidFilePath(dataDir));
  return pid !== undefined && pid !== process.pid && isAlive(pid) ? pid : undefined;
}

/** Throws when another live node already runs on `dataDir`. */
export function assertNotRunning(dataDir: string): void {
  const pid = runningPid(dataDir);
  if (pid !== undefined) {
    throw new ConfigInvalidError(
      `tollgate is already running on ${dataDir} (pid ${pid}, in ${pidFilePath(dataDir)})`,
    );
  }
}

/**
 * Writes this process's pid to the pid file of `dataDir` (replacing a stale one) and returns a
 * function that removes it, if it still holds this pid. The file is also removed when the process
 * exits without calling it (a second signal).
 *
 * @example
 * const release = writePidFile(config.dataDir);
 * await serveUntilStopped();
 * release();
 */
export function writePidFile(dataDir: string): () => void {
  const file = pidFilePath(dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, `${process.pid}\n`);
  const release = (): void => {
    process.off('exit', release);
    if (readPid(file) === process.pid) fs.rmSync(file, { force: true });
  };
  process.on('exit', release);
  return release;
}
