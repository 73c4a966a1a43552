/**
 * @module checks/logger
 * The batching loggers' `check_schema` beyond the schema (APISIX's `log_util.check_log_schema`):
 * `include_req_body_expr`, `include_resp_body_expr` (and file-logger's `match`) must compile as
 * lua-resty-expr rules.
 */
import { compileExpr } from '@tollgate/core';

/** The bare failure message, or undefined when both conditions compile (or are absent). */
export function checkLoggerExprs(conf: Record<string, unknown>): string | undefined {
  for (const field of ['include_req_body_expr', 'include_resp_body_expr', 'match']) {
    const rules = Object.hasOwn(conf, field) ? conf[field] : undefined;
    if (rules === undefined) continue;
    try {
      compileExpr(rules);
    } catch (err) {
      return `failed to validate the '${field}' expression: ${(err as Error).message}`;
    }
  }
  return undefined;
}
