/**
 * @module checks/traffic-split
 * traffic-split's check beyond its schema (APISIX `check_schema`): every `match[].vars` compiles
 * as a lua-resty-expr expression.
 */
import { compileExpr } from '@tollgate/core';

/** First failure of a schema-valid traffic-split config, or undefined. */
export function checkTrafficSplit(conf: Record<string, unknown>): string | undefined {
  const rules = Array.isArray(conf.rules) ? (conf.rules as { match?: unknown }[]) : [];
  for (const rule of rules) {
    const match = Array.isArray(rule.match) ? (rule.match as { vars?: unknown }[]) : [];
    for (const condition of match) {
      if (condition.vars === undefined) continue;
      try {
        compileExpr(condition.vars);
      } catch (err) {
        return `failed to validate the 'vars' expression: ${(err as Error).message}`;
      }
    }
  }
  return undefined;
}
