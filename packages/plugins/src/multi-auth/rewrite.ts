/**
 * @module multi-auth/rewrite
 * multi-auth's rewrite phase: run each configured auth plugin's rewrite in order; the first that
 * attaches a consumer ends the search. When all fail, each failure is logged and the answer is
 * 401 `{"message":"Authorization Failed"}`.
 */
import {
  createLogger,
  exit,
  isPlainObject,
  type Exit,
  type PluginDefinition,
  type RequestContext,
} from '@tollgate/core';
import type { MultiAuthConf } from '@tollgate/schema';

const log = createLogger('multi-auth');

/** Finds an auth plugin's definition by name (the registry, given by the plugin's index). */
export type AuthPluginLookup = (name: string) => PluginDefinition<unknown> | undefined;

function messageOf(result: Exit): string {
  const body: unknown = result.body;
  if (isPlainObject(body) && typeof body.message === 'string') return body.message;
  return typeof body === 'string' ? body : '';
}

/**
 * Build the rewrite phase over `lookup`. The entries were checked and defaults-filled by the
 * plugin's schema check (each names an auth plugin).
 *
 * @example
 * const rewrite = makeRewrite((name) => PLUGINS.get(name));
 * await rewrite({ auth_plugins: [{ 'basic-auth': {...} }, { 'jwt-auth': {...} }] }, ctx);
 */
export function makeRewrite(lookup: AuthPluginLookup) {
  return async function rewrite(
    conf: MultiAuthConf,
    ctx: RequestContext,
  ): Promise<Exit | undefined> {
    const failures: string[] = [];
    for (const entry of conf.auth_plugins) {
      if (!isPlainObject(entry)) continue;
      for (const [name, pluginConf] of Object.entries(entry)) {
        const plugin = lookup(name);
        if (!plugin?.rewrite || plugin.type !== 'auth') continue;
        const result = await plugin.rewrite(pluginConf, ctx);
        if (!result) return undefined;
        failures.push(
          `${name} failed to authenticate the request, code: ${result.status}. error: ${messageOf(result)}`,
        );
      }
    }
    for (const failure of failures) log.warn(failure);
    return exit(401, { message: 'Authorization Failed' });
  };
}
