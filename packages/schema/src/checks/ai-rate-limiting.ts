/**
 * @module checks/ai-rate-limiting
 * ai-rate-limiting's check beyond its schema: an `expression` strategy needs a cost_expr that
 * compiles.
 */
import { compileCostExpr } from '../cost-expr';

/** `cost_expr is required ...` / `invalid cost_expr: <err>` for one strategy + expression pair. */
export function costExprError(strategy: unknown, expr: unknown): string | undefined {
  if (strategy !== 'expression') return undefined;
  if (typeof expr !== 'string' || expr === '') {
    return "cost_expr is required when limit_strategy is 'expression'";
  }
  try {
    compileCostExpr(expr);
    return undefined;
  } catch (err) {
    return `invalid cost_expr: ${(err as Error).message}`;
  }
}

/** First cross-field failure of a schema-valid ai-rate-limiting config, or undefined. */
export function checkAiRateLimiting(conf: Record<string, unknown>): string | undefined {
  return costExprError(conf.limit_strategy, conf.cost_expr);
}
