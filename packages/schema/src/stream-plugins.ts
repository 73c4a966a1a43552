/**
 * @module stream-plugins
 * The plugins Tollgate runs in the stream (L4) phase and APISIX's check of a stream route's
 * `plugins` (plugin.lua `stream_check_schema`): shared by the Admin API, which refuses what it
 * does not know, and the data plane, which loads the same confs with defaults filled.
 */
import { setOwn } from '@tollgate/core';
import { checkPluginConf } from './plugins';

/** APISIX's stream variants Tollgate implements (`apisix/stream/plugins/*.lua`). */
export const STREAM_PLUGIN_NAMES: readonly string[] = ['ip-restriction', 'limit-conn'];

/** Outcome of {@link checkStreamPlugins}. */
export type StreamPluginsResult =
  { ok: true; value: Record<string, unknown> } | { ok: false; message: string };

/**
 * Checks each entry of a stream route's `plugins` with APISIX's texts and returns them with
 * defaults filled.
 * @example checkStreamPlugins({ 'mqtt-proxy': {} }) // { ok: false, message: 'unknown plugin [mqtt-proxy]' }
 */
export function checkStreamPlugins(plugins: Record<string, unknown>): StreamPluginsResult {
  const value: Record<string, unknown> = {};
  for (const [name, conf] of Object.entries(plugins)) {
    if (typeof conf !== 'object' || conf === null || Array.isArray(conf)) {
      return {
        ok: false,
        message: `invalid plugin conf ${JSON.stringify(conf)} for plugin [${name}]`,
      };
    }
    if (!STREAM_PLUGIN_NAMES.includes(name))
      return { ok: false, message: `unknown plugin [${name}]` };
    const result = checkPluginConf(name, conf, 'route');
    if (!result.valid) {
      return {
        ok: false,
        message: `failed to check the configuration of stream plugin [${name}]: ${result.message}`,
      };
    }
    setOwn(value, name, result.value);
  }
  return { ok: true, value };
}
