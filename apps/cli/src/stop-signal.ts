/**
 * @module stop-signal
 * SIGTERM and SIGINT for `tollgate start`, listened for from its first moment. A node serves
 * traffic as soon as its first worker listens, before its start-up is over (the other workers,
 * the control API): a signal in that window must drain those requests like any other, not end
 * the process at once (a signal's default action). So a signal during start-up waits for the
 * start to finish and then shuts down gracefully. Only a second signal, or a start-up still not
 * finished {@link STARTUP_GRACE_MS} after the signal, ends the process at once.
 */
import cluster from 'node:cluster';
import { createLogger } from '@tollgate/core';

const log = createLogger('cli');

/** How long a signal waits for a start-up in progress before the process exits anyway. */
export const STARTUP_GRACE_MS = 30_000;

export interface StopSignal {
  /** The first SIGTERM or SIGINT. */
  readonly requested: Promise<NodeJS.Signals>;
  /** Start-up is over: a signal now only resolves `requested`. */
  started(): void;
  /** Stop listening (signals get their default action again). */
  dispose(): void;
}

/**
 * Ends the process at once, and its gateway workers with it: a worker left behind would go on
 * answering the requests it holds, which is what the second signal refuses to wait for.
 */
function exitNow(code: number): void {
  for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
  process.exit(code);
}

/**
 * @example
 * const stop = listenForStop();
 * await startEverything();
 * stop.started();
 * log.info('shutting down', { signal: await stop.requested });
 */
export function listenForStop(exit: (code: number) => void = exitNow): StopSignal {
  let started = false;
  let signalled = false;
  let resolveRequested: (signal: NodeJS.Signals) => void = () => undefined;
  const requested = new Promise<NodeJS.Signals>((resolve) => (resolveRequested = resolve));
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      log.warn('second signal: exiting without waiting for in-flight requests', { signal });
      exit(1);
      return;
    }
    signalled = true;
    resolveRequested(signal);
    if (started) return;
    log.info('signal during start-up: shutting down once started', { signal });
    setTimeout(() => {
      if (started) return;
      log.error('start-up did not finish after the signal: exiting', {
        signal,
        waited_ms: STARTUP_GRACE_MS,
      });
      exit(1);
    }, STARTUP_GRACE_MS).unref();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return {
    requested,
    started: () => {
      started = true;
    },
    dispose: () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    },
  };
}
