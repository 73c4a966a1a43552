/**
 * @module logger-common/types
 * The fields every batching logger shares, as generated from schemas/common/logger-batch.json
 * and logger-body.json (resolved: defaults filled by the validator). Each logger's own schema
 * declares `name` again with its default, so a resolved configuration always has one.
 */
import type { LoggerBatchConf, LoggerBodyConf } from '@tollgate/schema';

/** A batching logger's common configuration (the fields of its schema's `allOf` fragments). */
export type LoggerConf = LoggerBatchConf & LoggerBodyConf & { name: string };

/** What the entry builder reads of a logger's configuration (file-logger has no batching). */
export type LogEntryConf = Pick<LoggerBodyConf, 'log_format' | 'log_format_extra'>;

/** What body capture reads of a logger's configuration. */
export type LogBodyConf = Pick<
  LoggerBodyConf,
  | 'include_req_body'
  | 'include_req_body_expr'
  | 'include_resp_body'
  | 'include_resp_body_expr'
  | 'max_req_body_bytes'
  | 'max_resp_body_bytes'
>;

/**
 * A logger's plugin metadata (schemas/common/logger-metadata.json), resolved. Written here:
 * the generator emits types for route schemas only.
 */
export interface LoggerMetadata {
  log_format?: Record<string, unknown>;
  log_format_extra?: Record<string, unknown>;
  max_pending_entries: number;
}
