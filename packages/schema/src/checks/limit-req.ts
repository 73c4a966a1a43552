/**
 * @module checks/limit-req
 * limit-req's check beyond its schema (APISIX's `check_schema`): rule keys are unique.
 */

/** First cross-field failure of a schema-valid limit-req config, or undefined. */
export function checkLimitReq(conf: Record<string, unknown>): string | undefined {
  const rules = Array.isArray(conf.rules) ? (conf.rules as Record<string, unknown>[]) : [];
  const keys = new Set<string>();
  for (const rule of rules) {
    const key = String(rule.key);
    if (keys.has(key)) return `duplicate key '${key}' in rules`;
    keys.add(key);
  }
  return undefined;
}
