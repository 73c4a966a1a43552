/**
 * Entry point of a gateway worker process (forked by node.ts through node:cluster).
 */
import { createLogger, environment } from '@tollgate/core';
import { WORKER_OPTIONS_ENV, type WorkerOptions } from './ipc';
import { runWorker } from './worker';

const options = JSON.parse(environment()[WORKER_OPTIONS_ENV] ?? '{}') as WorkerOptions;
runWorker(options).then(
  () => process.exit(0),
  (err: unknown) => {
    createLogger('gateway').error('worker failed', { err });
    process.exit(1);
  },
);
