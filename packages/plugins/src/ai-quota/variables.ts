/**
 * @module ai-quota/variables
 * The names a token quota plugin publishes per request: the `<plugin>_decision`,
 * `<plugin>_reserved_tokens` and `<plugin>_settled_tokens` variables (read by the access log
 * and prometheus) and its request state key. Built once per plugin, not per request: a name
 * concatenated per request is a new string whose hash every map lookup computes again.
 */

/** The per-request names of one quota plugin. */
export interface QuotaNames {
  /** `allowed`, `rejected` or `degraded`. */
  readonly decision: string;
  readonly reservedTokens: string;
  readonly settledTokens: string;
  /** The key of the plugin's request state (`ctx.pluginState`). */
  readonly state: string;
}

/** By plugin name; the quota plugins are a fixed few, so this stays as small. */
const byPlugin = new Map<string, QuotaNames>();

/** The names `plugin` publishes. */
export function quotaNames(plugin: string): QuotaNames {
  let names = byPlugin.get(plugin);
  if (!names) {
    names = {
      decision: `${plugin}_decision`,
      reservedTokens: `${plugin}_reserved_tokens`,
      settledTokens: `${plugin}_settled_tokens`,
      state: `${plugin}:quota`,
    };
    byPlugin.set(plugin, names);
  }
  return names;
}
