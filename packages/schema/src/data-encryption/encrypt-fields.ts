/**
 * @module data-encryption/encrypt-fields
 * Which plugin fields are stored encrypted, read from the `encrypt_fields` list each plugin
 * schema declares (schemas/plugins/*.json, APISIX's keyword), and how a dotted path of that list
 * reaches its values, as APISIX's `process_encrypt_field` (plugin.lua) walks it: an object is
 * entered, an array has each of its objects entered, and at the end a string is one value, an
 * array its string items and an object its string members (`auth.header` is a map of headers).
 */
import { isPlainObject, ownValue, setOwn } from '@tollgate/core';
import { PLUGIN_SCHEMA_IDS, SCHEMAS } from '../generated/schemas';

/** Which of a plugin's schemas applies: on routes and the like, on consumers, as metadata. */
export type PluginSchemaType = 'route' | 'consumer' | 'metadata';

/**
 * Maps one stored string; undefined leaves it as it is. `field` names where the value sits
 * (`plugin [basic-auth] key [password]`, APISIX's wording), never the value.
 */
export type ValueMapper = (value: string, field: string) => string | undefined;

const NONE: readonly string[] = [];

/**
 * The `encrypt_fields` of `plugin` for a schema type. On a consumer a plugin without a consumer
 * schema is read with its route schema, as APISIX does; an unknown plugin has none.
 * @example encryptFieldsOf('key-auth', 'consumer') // ['key']
 */
export function encryptFieldsOf(plugin: string, type: PluginSchemaType): readonly string[] {
  const ids = ownValue(PLUGIN_SCHEMA_IDS, plugin);
  if (!ids) return NONE;
  const id =
    type === 'metadata'
      ? ids.metadataSchema
      : type === 'consumer'
        ? (ids.consumerSchema ?? ids.schema)
        : ids.schema;
  const fields = id === undefined ? undefined : SCHEMAS[id].encrypt_fields;
  return Array.isArray(fields) ? (fields as string[]) : NONE;
}

function mapLeaf(
  holder: Record<string, unknown>,
  name: string,
  map: (value: string) => string | undefined,
): void {
  const value = ownValue(holder, name);
  if (typeof value === 'string') {
    const mapped = map(value);
    if (mapped !== undefined) setOwn(holder, name, mapped);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const mapped = typeof item === 'string' ? map(item) : undefined;
      if (mapped !== undefined) value[i] = mapped;
    });
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      const mapped = typeof item === 'string' ? map(item) : undefined;
      if (mapped !== undefined) setOwn(value, key, mapped);
    }
  }
}

/** Applies `map` to every value `path` (`instances.auth.header`) reaches in `conf`, in place. */
export function mapEncryptField(
  conf: Record<string, unknown>,
  path: string,
  map: (value: string) => string | undefined,
): void {
  const dot = path.indexOf('.');
  if (dot < 0) {
    mapLeaf(conf, path, map);
    return;
  }
  const next = ownValue(conf, path.slice(0, dot));
  const rest = path.slice(dot + 1);
  const holders = Array.isArray(next) ? next : [next];
  for (const holder of holders) if (isPlainObject(holder)) mapEncryptField(holder, rest, map);
}

/** Applies `map` to every encrypted field of one plugin's conf, in place. */
export function mapPluginConfSecrets(
  plugin: string,
  conf: Record<string, unknown>,
  type: PluginSchemaType,
  map: ValueMapper,
): void {
  for (const path of encryptFieldsOf(plugin, type)) {
    mapEncryptField(conf, path, (value) => map(value, `plugin [${plugin}] key [${path}]`));
  }
}

/** Applies `map` to every encrypted field of each plugin conf of a `plugins` map, in place. */
export function mapPluginSecrets(
  plugins: unknown,
  type: 'route' | 'consumer',
  map: ValueMapper,
): void {
  if (!isPlainObject(plugins)) return;
  for (const [name, conf] of Object.entries(plugins)) {
    if (isPlainObject(conf)) mapPluginConfSecrets(name, conf, type, map);
  }
}
