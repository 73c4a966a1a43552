/**
 * @module plugin/instance
 * A plugin bound to one configuration and its owner (the resource it came from), and how chains of
 * them are built: APISIX's `_meta` (disable, priority, filter, error_response, pre_function),
 * merging by name, ordering.
 */
import { compileExpr, type ExprMatcher } from '../expr';
import { createLogger } from '../logger';
import type { PluginDefinition } from './define-plugin';

/** One configured plugin. `conf` is the resolved configuration (schema defaults filled). */
export interface PluginInstance {
  readonly plugin: PluginDefinition<unknown>;
  readonly conf: unknown;
  /** `_meta.priority` when set, else the plugin's priority. */
  readonly priority: number;
  /** The resource the configuration belongs to: `routes/1`, `consumers/jack`, `global_rules/g`. */
  readonly owner: string;
  /** `_meta.filter`: the plugin runs only for requests that match. */
  readonly filter?: ExprMatcher;
  /** `_meta.error_response`: the body of every refusal (status ≥ 400) the plugin answers. */
  readonly errorResponse?: string | Record<string, unknown>;
}

const OWNERS = new WeakMap<object, string>();

/**
 * The resource a bound plugin configuration belongs to (`routes/1`, `consumers/jack`), for
 * plugins whose state is per owner (rate-limit counters, health keys). Undefined for a conf
 * that was never bound.
 */
export function ownerOf(conf: unknown): string | undefined {
  return typeof conf === 'object' && conf !== null ? OWNERS.get(conf) : undefined;
}

/** Plugin definitions by name. */
export type PluginRegistry = ReadonlyMap<string, PluginDefinition<unknown>>;

interface PluginMeta {
  disable?: boolean;
  priority?: number;
  filter?: unknown;
  error_response?: string | Record<string, unknown>;
  pre_function?: string;
}

const log = createLogger('plugins');
/** Confs whose ignored `_meta.pre_function` was reported, so each is reported once. */
const PRE_FUNCTION_REPORTED = new WeakSet<object>();

/**
 * `_meta.pre_function` is Lua source. The Admin API refuses it; a config that APISIX wrote with
 * one is served without it, as APISIX serves a plugin whose pre_function fails (logged).
 */
function reportPreFunction(name: string, owner: string, conf: object): void {
  if (PRE_FUNCTION_REPORTED.has(conf)) return;
  PRE_FUNCTION_REPORTED.add(conf);
  log.warn('_meta.pre_function is not run: Tollgate does not run Lua code', {
    plugin: name,
    owner,
  });
}

/**
 * Bind a `plugins` map to definitions. Unknown plugins and bad `_meta.filter`s are reported
 * through `onError` and left out; `_meta.disable` entries are dropped silently.
 */
export function bindPlugins(
  plugins: Record<string, unknown> | undefined,
  owner: string,
  registry: PluginRegistry,
  onError: (name: string, message: string) => void,
): PluginInstance[] {
  const out: PluginInstance[] = [];
  for (const [name, conf] of Object.entries(plugins ?? {})) {
    const plugin = registry.get(name);
    if (!plugin) {
      onError(name, `unknown plugin [${name}]`);
      continue;
    }
    const meta: PluginMeta = (conf as { _meta?: PluginMeta } | null)?._meta ?? {};
    if (meta.disable) continue;
    let filter: ExprMatcher | undefined;
    if (meta.filter !== undefined) {
      try {
        filter = compileExpr(meta.filter);
      } catch (err) {
        onError(name, `failed to validate the 'vars' expression: ${(err as Error).message}`);
        continue;
      }
    }
    if (typeof conf === 'object' && conf !== null) {
      OWNERS.set(conf, owner);
      if (meta.pre_function !== undefined) reportPreFunction(name, owner, conf);
    }
    out.push({
      plugin,
      conf,
      owner,
      priority: meta.priority ?? plugin.priority,
      filter,
      errorResponse: meta.error_response,
    });
  }
  return sortChain(out);
}

/** Highest priority first; equal priorities keep their order (stable sort). */
export function sortChain(chain: PluginInstance[]): PluginInstance[] {
  return [...chain].sort((a, b) => b.priority - a.priority);
}

/**
 * `base` with every plugin of `overrides` replacing the same-named one wholesale (APISIX's
 * route ← service, route ← plugin_config and consumer → route merges). `keep` may refuse an
 * override (consumers' auth plugins never replace the route's).
 */
export function mergeChains(
  base: readonly PluginInstance[],
  overrides: readonly PluginInstance[],
  keep: (override: PluginInstance) => boolean = () => true,
): PluginInstance[] {
  const merged = new Map<string, PluginInstance>();
  for (const p of base) merged.set(p.plugin.name, p);
  for (const p of overrides) if (keep(p)) merged.set(p.plugin.name, p);
  return sortChain([...merged.values()]);
}
