/**
 * @module checks/ai-consumer-rate-limiting
 * ai-consumer-rate-limiting's check beyond its schema (Tollgate's plugin, see
 * tollgate-decisions.md D3): unique instance names, and a compilable cost_expr wherever the
 * effective strategy is `expression` (an instance falls back to the plugin's strategy and
 * expression).
 */
import { costExprError } from './ai-rate-limiting';

type Conf = Record<string, unknown>;

/** First cross-field failure of a schema-valid ai-consumer-rate-limiting config, or undefined. */
export function checkAiConsumerRateLimiting(conf: Conf): string | undefined {
  const top = costExprError(conf.limit_strategy, conf.cost_expr);
  if (top) return top;
  const instances = Array.isArray(conf.instances) ? (conf.instances as Conf[]) : [];
  const seen = new Map<unknown, number>();
  for (const [index, instance] of instances.entries()) {
    const i = index + 1;
    const first = seen.get(instance.name);
    if (first !== undefined) {
      return `duplicate instance name '${String(instance.name)}' at instances[${first}] and instances[${i}]`;
    }
    seen.set(instance.name, i);
    const err = costExprError(
      instance.limit_strategy ?? conf.limit_strategy,
      instance.cost_expr ?? conf.cost_expr,
    );
    if (err) return `instance '${String(instance.name)}': ${err}`;
  }
  return undefined;
}
