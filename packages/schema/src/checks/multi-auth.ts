/**
 * @module checks/multi-auth
 * multi-auth's check beyond its schema (APISIX's check_schema): every entry of `auth_plugins`
 * names a known plugin of type `auth` whose configuration passes that plugin's own check. Each
 * entry is replaced by its defaults-filled version, so the data plane runs filled confs.
 */
import { isPlainObject } from '@tollgate/core';
import { checkPluginConf, getPlugin } from '../plugins';

/** First failure of a schema-valid multi-auth conf, or undefined (fills defaults in place). */
export function checkMultiAuth(conf: Record<string, unknown>): string | undefined {
  const entries = Array.isArray(conf.auth_plugins) ? (conf.auth_plugins as unknown[]) : [];
  for (const entry of entries) {
    if (!isPlainObject(entry)) return 'auth_plugins entries must be objects';
    for (const [name, pluginConf] of Object.entries(entry)) {
      const plugin = getPlugin(name);
      if (!plugin) return `${name} plugin did not found`;
      if (plugin.type !== 'auth' || name === 'multi-auth') return `${name} plugin is not supported`;
      const result = checkPluginConf(name, pluginConf, 'route');
      if (!result.valid) return `plugin ${name} check schema failed: ${result.message}`;
      Object.defineProperty(entry, name, {
        value: result.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return undefined;
}
