/**
 * @module logger-common/types
 * The fields every batching logger shares (schemas/common/logger-batch.json and
 * logger-body.json), resolved: defaults filled by the validator.
 */

/** A batching logger's common configuration (the fields of its schema's `allOf` fragments). */
export interface LoggerConf {
  name: string;
  batch_max_size: number;
  inactive_timeout: number;
  buffer_duration: number;
  max_retry_count: number;
  retry_delay: number;
  log_format?: Record<string, unknown>;
  log_format_extra?: Record<string, unknown>;
  include_req_body: boolean;
  include_req_body_expr?: unknown[][];
  include_resp_body: boolean;
  include_resp_body_expr?: unknown[][];
  max_req_body_bytes: number;
  max_resp_body_bytes: number;
}

/** A logger's plugin metadata (schemas/common/logger-metadata.json), resolved. */
export interface LoggerMetadata {
  log_format?: Record<string, unknown>;
  log_format_extra?: Record<string, unknown>;
  max_pending_entries: number;
}
