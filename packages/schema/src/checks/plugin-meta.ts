/**
 * @module checks/plugin-meta
 * APISIX's checks of the `_meta` block every plugin accepts (plugin.lua
 * `check_single_plugin_schema`), run after the plugin's own check. Both answers are whole error
 * messages (APISIX adds no `failed to check …` prefix).
 */
import { compileExpr } from '@tollgate/core';

function metaOf(conf: Record<string, unknown>): Record<string, unknown> | undefined {
  const meta = Object.hasOwn(conf, '_meta') ? conf._meta : undefined;
  return typeof meta === 'object' && meta !== null ? (meta as Record<string, unknown>) : undefined;
}

/** `_meta.filter` must compile as a vars expression (Admin API and data plane alike). */
export function metaFilterError(conf: Record<string, unknown>): string | undefined {
  const filter = metaOf(conf)?.filter;
  if (filter === undefined) return undefined;
  try {
    compileExpr(filter);
    return undefined;
  } catch (err) {
    return `failed to validate the 'vars' expression: ${(err as Error).message}`;
  }
}

/**
 * `_meta.pre_function` is Lua source and Tollgate runs no Lua, so the Admin API refuses it with
 * the message APISIX gives for source that does not load. The data plane instead serves a
 * config APISIX wrote with one, without it, as APISIX does when the function fails (logged).
 */
export function metaPreFunctionError(
  name: string,
  conf: Record<string, unknown>,
): string | undefined {
  if (metaOf(conf)?.pre_function === undefined) return undefined;
  return `failed to load _meta.pre_function in plugin ${name}: Tollgate does not run Lua code`;
}
