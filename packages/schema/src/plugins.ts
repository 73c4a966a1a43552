/**
 * @module plugins
 * The plugin catalogue with schemas attached, and per-plugin configuration checks as the Admin
 * API runs them (schema, then the plugin's cross-field check).
 */
import { SchemaCheckError } from '@tollgate/core';
import { PLUGIN_SCHEMA_IDS } from './generated/schemas';
import { PLUGIN_CATALOG } from './catalog';
import { PLUGIN_CHECKS } from './checks';
import { metaFilterError } from './checks/plugin-meta';
import { inlinedSchema } from './registry';
import { validateAgainst, type ValidationResult } from './validator';

/** One plugin as listed by /apisix/admin/plugins (schemas are self-contained JSON). */
export interface PluginCatalogEntry {
  name: string;
  version: string;
  priority: number;
  type?: 'auth';
  schema: object;
  consumerSchema?: object;
  metadataSchema?: object;
}

// What APISIX validates plugin metadata against when a plugin declares no metadata schema.
const NO_METADATA_SCHEMA = {
  type: 'object',
  properties: { id: { $ref: 'tollgate:common/id' } },
  additionalProperties: false,
};

function entry(name: string): PluginCatalogEntry | undefined {
  const row = PLUGIN_CATALOG.find((r) => r.name === name);
  const ids = Object.hasOwn(PLUGIN_SCHEMA_IDS, name) ? PLUGIN_SCHEMA_IDS[name] : undefined;
  if (!row || !ids) return undefined;
  const out: PluginCatalogEntry = {
    name: row.name,
    version: row.version,
    priority: row.priority,
    schema: inlinedSchema(ids.schema) ?? {},
  };
  if (row.type) out.type = row.type;
  if (ids.consumerSchema) out.consumerSchema = inlinedSchema(ids.consumerSchema);
  if (ids.metadataSchema) out.metadataSchema = inlinedSchema(ids.metadataSchema);
  return out;
}

/** Every plugin Tollgate knows, sorted by priority descending (APISIX plugins/list order). */
export function listPlugins(): PluginCatalogEntry[] {
  return PLUGIN_CATALOG.map((r) => entry(r.name))
    .filter((e): e is PluginCatalogEntry => e !== undefined)
    .sort((a, b) => b.priority - a.priority);
}

/** The catalogue entry of one plugin, or undefined if Tollgate does not know it. */
export function getPlugin(name: string): PluginCatalogEntry | undefined {
  return entry(name);
}

/**
 * Schema validation plus the plugin's cross-field check for one plugin entry.
 * `schemaType`: 'route' (routes, services, plugin_configs, global_rules, consumer_groups),
 * 'consumer' (consumers and credentials: the consumer schema when the plugin has one), or
 * 'metadata'. On success `value` is a defaults-filled deep copy. On failure `message` is the
 * bare text (e.g. `invalid endpoint`, `property "key" is required`); the Admin API adds
 * `failed to check the configuration of plugin <name> err: ` unless `verbatim` (a bad
 * `_meta.filter`). Throws for an unknown plugin.
 * @example checkPluginConf('key-auth', { key: 'k' }, 'consumer') // { valid: true, value: {...} }
 */
export function checkPluginConf(
  name: string,
  conf: unknown,
  schemaType: 'route' | 'consumer' | 'metadata',
): ValidationResult {
  const ids = Object.hasOwn(PLUGIN_SCHEMA_IDS, name) ? PLUGIN_SCHEMA_IDS[name] : undefined;
  if (!ids || !PLUGIN_CATALOG.some((r) => r.name === name)) {
    throw new SchemaCheckError(`unknown plugin [${name}]`);
  }
  if (schemaType === 'metadata') {
    return validateAgainst(ids.metadataSchema ?? NO_METADATA_SCHEMA, conf);
  }
  const id = schemaType === 'consumer' ? (ids.consumerSchema ?? ids.schema) : ids.schema;
  const result = validateAgainst(id, conf);
  if (!result.valid) return result;
  // A plugin with a consumer schema checks consumer confs under `<name>.consumer` (APISIX's
  // check_schema(conf, TYPE_CONSUMER)), never with its route check.
  const checkName = schemaType === 'consumer' && ids.consumerSchema ? `${name}.consumer` : name;
  const check = Object.hasOwn(PLUGIN_CHECKS, checkName) ? PLUGIN_CHECKS[checkName] : undefined;
  const message = check?.(result.value as Record<string, unknown>);
  if (message !== undefined) return { valid: false, message };
  const metaError = metaFilterError(result.value as Record<string, unknown>);
  return metaError === undefined ? result : { valid: false, message: metaError, verbatim: true };
}
