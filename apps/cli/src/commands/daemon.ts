/**
 * @module commands/daemon
 * `tollgate start --daemon`: runs `tollgate start` (the same options, less `--daemon`) as a
 * detached process in its own session, its output appended to `<data_dir>/tollgate.log`, and
 * returns once that node has written its pid file (start-up over, every listener open) or has
 * failed (its exit code and the end of its log are reported).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigInvalidError } from '@tollgate/core';
import { loadConfig } from '../config/load';
import { assertNotRunning, pidFilePath, readPid } from './pid-file';

/** How long `start --daemon` waits for the node to finish its start-up. */
export const DAEMON_START_WAIT_MS = 60_000;

/** The log file of a daemon node on `dataDir`. */
export function daemonLogPath(dataDir: string): string {
  return path.join(dataDir, 'tollgate.log');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function logTail(file: string, lines = 20): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Starts `node <bin> start <args>` detached. `configFile` is the `-c` value (the node resolves it
 * the same way: the daemon keeps this process's working directory and environment). Resolves with
 * the node's pid and log file; throws {@link ConfigInvalidError} when the config does not load,
 * another node runs on its data directory, or the node does not start.
 *
 * @example
 * const { pid, logFile } = await startDaemon(['-c', 'conf/config.yaml'], 'conf/config.yaml');
 */
export async function startDaemon(
  args: string[],
  configFile: string | undefined,
  timeoutMs = DAEMON_START_WAIT_MS,
): Promise<{ pid: number; logFile: string }> {
  // Fail here, in the user's terminal, for what the node would only write to its log.
  const { dataDir } = loadConfig(configFile);
  assertNotRunning(dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const logFile = daemonLogPath(dataDir);
  const out = fs.openSync(logFile, 'a');
  const bin = process.argv[1] ?? path.join(__dirname, '..', '..', 'bin', 'tollgate.js');
  // Node's own arguments (`--max-semi-space-size`, `--max-old-space-size`) reach the daemon too.
  const child = spawn(process.execPath, [...process.execArgv, bin, 'start', ...args], {
    detached: true,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  let exit: string | undefined;
  child.once('exit', (code, signal) => (exit = signal ? `signal ${signal}` : `code ${code}`));
  child.once('error', (err) => (exit = err.message));
  const pid = child.pid;
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (pid !== undefined && readPid(pidFilePath(dataDir)) === pid) return { pid, logFile };
      if (exit !== undefined || pid === undefined) {
        const tail = logTail(logFile);
        throw new ConfigInvalidError(
          `tollgate did not start (it exited with ${exit ?? 'no pid'}); the end of ${logFile}:\n${tail}`,
        );
      }
      if (Date.now() >= deadline) {
        child.kill('SIGKILL');
        throw new ConfigInvalidError(
          `tollgate did not finish starting within ${Math.round(timeoutMs / 1000)} s (killed); see ${logFile}`,
        );
      }
      await sleep(50);
    }
  } finally {
    // The node outlives this process.
    child.unref();
  }
}
