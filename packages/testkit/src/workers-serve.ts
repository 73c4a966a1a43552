/**
 * @module workers-serve
 * Waiting until every worker of a node serves a change. A run of answers on fresh connections
 * proves nothing: the workers accept from one shared socket, and an idle node may hand every new
 * connection to the same worker. The node's control API (`GET /status/config`) says which
 * revision each worker has applied.
 */
import { freshGet } from './fresh-get';
import { httpRequest } from './http-client';
import { waitFor } from './wait';

interface ConfigStatus {
  loaded: boolean;
  revision: number;
  workers?: { pid: number; listening: boolean; applied_revision: number }[];
}

/**
 * True once the node has loaded a config and has workers, each listening and holding the revision
 * its primary holds. A node always reports its workers: an answer without any is not caught up.
 */
export async function workersCaughtUp(controlPort: number): Promise<boolean> {
  const res = await httpRequest('GET', `http://127.0.0.1:${controlPort}/status/config`);
  if (res.status !== 200) return false;
  const status = res.json as ConfigStatus;
  const workers = status.workers ?? [];
  return (
    status.loaded &&
    workers.length > 0 &&
    workers.every((w) => w.listening && w.applied_revision >= status.revision)
  );
}

/**
 * Wait until `url` answers as `expect` says and, checked after that answer, every worker of the
 * node behind it has caught up with its primary: so each worker holds at least the revision that
 * answered. On timeout the error lists the answers seen.
 * @example
 * await untilWorkersServe(`http://127.0.0.1:${port}/r1`, controlPort, (status) => status === 200);
 */
export async function untilWorkersServe(
  url: string,
  controlPort: number,
  expect: (status: number, body: string) => boolean,
  timeoutMs = 15_000,
): Promise<void> {
  let last = '';
  const seen = new Map<string, number>();
  await waitFor(
    `${url} to be served by every worker`,
    async () => {
      const res = await freshGet(url).catch((err: Error) => {
        last = err.message;
        return undefined;
      });
      if (res) last = `${res.status} ${res.body.slice(-60)}`;
      seen.set(last, (seen.get(last) ?? 0) + 1);
      return (
        res !== undefined && expect(res.status, res.body) && (await workersCaughtUp(controlPort))
      );
    },
    timeoutMs,
    10,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; answers: ${JSON.stringify([...seen])}`);
  });
}
