/**
 * @module commands/quit
 * `tollgate quit` and `tollgate stop` (APISIX's verbs): signal the node found through the pid
 * file of the config's data directory and wait until it is gone. `quit` sends SIGTERM (in-flight
 * requests finish first); `stop` sends SIGINT twice (the second signal ends the node at once).
 */
import { loadConfig } from '../config/load';
import { isAlive, runningPid } from './pid-file';

/** How long `quit` and `stop` wait for the node to exit. */
export const EXIT_WAIT_MS = 60_000;

/** Why `quit` or `stop` failed: the message to print and the exit code. */
export class NotStoppedError extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}

/**
 * Stops the node that runs with config `file`: `graceful` sends SIGTERM, else SIGINT until it
 * has exited (the second one ends it without waiting for in-flight requests).
 * Resolves with its pid once it has exited; throws {@link NotStoppedError} when none runs or it
 * did not exit within `timeoutMs`.
 *
 * @example
 * const pid = await stopNode('conf/config.yaml', { graceful: true });
 */
export async function stopNode(
  file: string | undefined,
  options: { graceful: boolean; timeoutMs?: number },
): Promise<number> {
  const config = loadConfig(file);
  const pid = runningPid(config.dataDir);
  if (pid === undefined) throw new NotStoppedError('tollgate is not running');
  if (options.graceful) {
    process.kill(pid, 'SIGTERM');
  } else {
    // The first SIGINT starts the drain, the next ends it. Signals sent before the node's handler
    // ran count as one, so repeat until it is gone (after its handlers are removed, SIGINT's
    // default action ends it).
    process.kill(pid, 'SIGINT');
    const repeat = setInterval(() => {
      try {
        process.kill(pid, 'SIGINT');
      } catch {
        // Gone already (ESRCH): waitOrFail sees it.
      }
    }, 200);
    try {
      return await waitOrFail(pid, options.timeoutMs);
    } finally {
      clearInterval(repeat);
    }
  }
  return waitOrFail(pid, options.timeoutMs);
}

async function waitOrFail(pid: number, timeoutMs = EXIT_WAIT_MS): Promise<number> {
  if (!(await waitForExit(pid, timeoutMs))) {
    throw new NotStoppedError(
      `tollgate (pid ${pid}) has not exited after ${Math.round(timeoutMs / 1000)} s`,
    );
  }
  return pid;
}
