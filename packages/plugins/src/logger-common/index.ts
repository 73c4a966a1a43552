/**
 * @module logger-common
 * The runtime the batching logger plugins share (http-logger, file-logger, tcp-logger, ...):
 * APISIX's batch processor, log entries (`get_full_log`, `log_format`, plugin metadata), body
 * capture, and `defineLogger`, which turns a sink into a plugin.
 */
export {
  BatchProcessor,
  PendingBudget,
  type BatchFailure,
  type BatchProcessorOptions,
  type BatchSend,
} from './batch-processor';
export {
  countDroppedEntry,
  defineLogger,
  loggerStats,
  DEFAULT_MAX_PENDING_ENTRIES,
  FLUSH_ON_DESTROY_MS,
  type LogSink,
  type LoggerSpec,
  type LoggerStats,
} from './define-logger';
export { buildLogEntry, resolveLogFormat, type CapturedBodies } from './log-entry';
export { logVarLookup, timeIso8601, timeLocal } from './log-vars';
export {
  captureRequestBody,
  capturedBodies,
  captureResponseChunk,
  MAX_LOGGED_REQUEST_READ,
} from './body-capture';
export type { LogBodyConf, LogEntryConf, LoggerConf, LoggerMetadata } from './types';
