/**
 * @module config/validate-item
 * The data plane's lenient load of one etcd value (style §1.3 point 4, spec §7.2): keys outside
 * the resources the data plane serves are ignored, a value that fails its resource schema or one
 * of its plugins' checks is refused with a short reason (the caller skips that one key and keeps
 * its last good version), and a valid value comes back with schema defaults filled, every plugin
 * conf replaced by its defaults-filled version, and `id` set from the key. `vars` expressions are
 * not checked here: the router compiles them and reports its own failures.
 */
import { isPlainObject, setOwn } from '@tollgate/core';
import {
  checkPluginConf,
  checkStreamPlugins,
  getPlugin,
  SCHEMA_OF_RESOURCE,
  SCHEMA_OF_SECRET_MANAGER,
  STREAM_PLUGIN_NAMES,
  validateResource,
  DataEncryption,
  type SchemaName,
} from '@tollgate/schema';
import { DATA_PLANE_RESOURCES, type ConfigValue, type DataPlaneResource } from './update';

/** APISIX's defaults: plugin fields and private keys encrypted with its public keyring. */
const APISIX_DEFAULTS = new DataEncryption();

/** The directory the data-encryption layout names (`consumers/jack/credentials/c1` → `credentials`). */
function storedDir(relativeKey: string): string {
  const parts = relativeKey.split('/');
  return parts[0] === 'consumers' && parts[2] === 'credentials' ? 'credentials' : (parts[0] ?? '');
}

/** Outcome of {@link validateItem}. */
export type ValidateItemResult =
  { ok: true; value: ConfigValue } | { ok: false; reason: string } | { ok: 'ignored' };

/** Where a key sits in the layout, once it is known to be one the data plane loads. */
type ItemSchema = Exclude<SchemaName, 'plugin_metadata'>;

type KeyKind =
  | { kind: 'resource'; schema: ItemSchema; id?: string }
  | { kind: 'metadata'; plugin: string }
  | { kind: 'ignored' }
  | { kind: 'bad'; reason: string };

const SCHEMA_OF: Record<
  Exclude<DataPlaneResource, 'consumers' | 'plugin_metadata' | 'secrets'>,
  ItemSchema
> = SCHEMA_OF_RESOURCE;

function isDataPlaneResource(dir: string): dir is DataPlaneResource {
  return (DATA_PLANE_RESOURCES as readonly string[]).includes(dir);
}

/** `secrets/<manager>/<id>`, checked by the manager's schema (APISIX's secret.lua check_secret). */
function classifySecret(manager: string, rest: string[]): KeyKind {
  const [id, ...deeper] = rest;
  if (!id || deeper.length > 0)
    return { kind: 'bad', reason: 'unexpected key layout under secrets' };
  const schema = SCHEMA_OF_SECRET_MANAGER.get(manager);
  if (schema === undefined)
    return { kind: 'bad', reason: `secret manager not exits, manager: ${manager}` };
  return { kind: 'resource', schema, id: `${manager}/${id}` };
}

function classify(relativeKey: string): KeyKind {
  const parts = relativeKey.split('/');
  const [dir = '', name, ...rest] = parts;
  // `routes`, `routes/` (APISIX's `init_dir` placeholders) and anything ending in `/` are
  // directories, not items.
  if (!isDataPlaneResource(dir) || !name || parts.at(-1) === '') return { kind: 'ignored' };
  if (dir === 'consumers') {
    if (rest.length === 0) return { kind: 'resource', schema: 'consumer' };
    if (rest.length === 2 && rest[0] === 'credentials') {
      return { kind: 'resource', schema: 'credential', id: rest[1] ?? '' };
    }
    return { kind: 'bad', reason: 'unexpected key layout under consumers' };
  }
  if (dir === 'secrets') return classifySecret(name, rest);
  if (rest.length > 0) return { kind: 'bad', reason: `unexpected key layout under ${dir}` };
  if (dir === 'plugin_metadata') return { kind: 'metadata', plugin: name };
  return { kind: 'resource', schema: SCHEMA_OF[dir], id: name };
}

/**
 * True when the data plane loads `relativeKey` (a resource item, valid or not), false for keys
 * it ignores (`plugins`, `gen_id`, `protos/...`, directory placeholders). Used for deletes, which
 * carry no value.
 * @example isDataPlaneKey('routes/1') // true
 */
export function isDataPlaneKey(relativeKey: string): boolean {
  return classify(relativeKey).kind !== 'ignored';
}

/** Checks each entry of `plugins` and returns the map with defaults filled, or a reason. */
function checkPlugins(
  plugins: Record<string, unknown>,
  schemaType: 'route' | 'consumer',
): { ok: true; value: Record<string, unknown> } | { ok: false; reason: string } {
  const out: Record<string, unknown> = {};
  for (const [name, conf] of Object.entries(plugins)) {
    if (!getPlugin(name)) return { ok: false, reason: `unknown plugin [${name}]` };
    if (!isPlainObject(conf)) return { ok: false, reason: `invalid conf of plugin [${name}]` };
    const result = checkPluginConf(name, conf, schemaType);
    if (!result.valid) {
      return {
        ok: false,
        reason: `failed to check the configuration of plugin ${name} err: ${result.message}`,
      };
    }
    setOwn(out, name, result.value);
  }
  return { ok: true, value: out };
}

/**
 * A stream route's plugins: those without a stream variant are left out (APISIX's data plane
 * skips plugins it did not load), the rest checked and defaults-filled.
 */
function streamPlugins(
  plugins: Record<string, unknown>,
): { ok: true; value: Record<string, unknown> } | { ok: false; reason: string } {
  const known: Record<string, unknown> = {};
  for (const name of STREAM_PLUGIN_NAMES) {
    if (Object.hasOwn(plugins, name)) setOwn(known, name, plugins[name]);
  }
  const checked = checkStreamPlugins(known);
  return checked.ok ? checked : { ok: false, reason: checked.message };
}

function validateMetadata(plugin: string, body: Record<string, unknown>): ValidateItemResult {
  if (!getPlugin(plugin)) return { ok: false, reason: `unknown plugin [${plugin}]` };
  const { id: _id, ...conf } = body;
  const result = checkPluginConf(plugin, conf, 'metadata');
  if (!result.valid) return { ok: false, reason: `invalid configuration: ${result.message}` };
  return { ok: true, value: { ...(result.value as ConfigValue), id: plugin } };
}

/**
 * Lenient load of one value read from etcd.
 *
 * - `relativeKey` is the key without the prefix and its slash (`routes/1`, `consumers/jack`,
 *   `consumers/jack/credentials/c1`, `plugin_metadata/ai-proxy`).
 * - `{ ok: 'ignored' }` for keys the data plane does not load.
 * - Secrets stored encrypted (`apisix.data_encryption`: plugin `encrypt_fields`, private keys)
 *   are decrypted with `encryption` first; a value no key decrypts is used as stored.
 * - `{ ok: false, reason }` for a value that is not a JSON object, fails its resource schema or
 *   code-level checks, names an unknown plugin, or has a plugin conf that fails its check. The
 *   reason never quotes the value (it may hold secrets).
 * - `{ ok: true, value }`: a new object (the parsed input is not shared), defaults filled, each
 *   plugin conf defaults-filled (consumers and credentials by the plugin's consumer schema),
 *   `id` set from the key suffix except on consumers, whose identity is `username`.
 * - Never throws.
 *
 * @example
 * validateItem('routes/1', '{"uri":"/a","upstream_id":"1"}')
 * // { ok: true, value: { uri: '/a', upstream_id: '1', id: '1', priority: 0, status: 1, ... } }
 */
export function validateItem(
  relativeKey: string,
  raw: string,
  encryption: DataEncryption = APISIX_DEFAULTS,
): ValidateItemResult {
  try {
    return validate(relativeKey, raw, encryption);
  } catch (err) {
    // A throwing plugin check must cost one key, never the whole sync.
    return { ok: false, reason: `validation failed: ${(err as Error).message}` };
  }
}

function validate(
  relativeKey: string,
  raw: string,
  encryption: DataEncryption,
): ValidateItemResult {
  const where = classify(relativeKey);
  if (where.kind === 'ignored') return { ok: 'ignored' };
  if (where.kind === 'bad') return { ok: false, reason: where.reason };
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    // The parser's message quotes the text, which may hold secrets.
    return { ok: false, reason: 'value is not valid JSON' };
  }
  if (!isPlainObject(body)) return { ok: false, reason: 'value is not a JSON object' };
  // Checks and plugins see plain text (APISIX's plugin_checker decrypts before checking).
  const plugin = where.kind === 'metadata' ? where.plugin : undefined;
  encryption.decryptStored(storedDir(relativeKey), body, plugin);
  if (where.kind === 'metadata') return validateMetadata(where.plugin, body);

  const checked = validateResource(where.schema, body);
  if (!checked.valid) {
    return {
      ok: false,
      reason: checked.verbatim ? checked.message : `invalid configuration: ${checked.message}`,
    };
  }
  const value = checked.value as ConfigValue;
  if (isPlainObject(value.plugins) && where.schema === 'stream_route') {
    const plugins = streamPlugins(value.plugins);
    if (!plugins.ok) return plugins;
    value.plugins = plugins.value;
  } else if (isPlainObject(value.plugins)) {
    const schemaType =
      where.schema === 'consumer' || where.schema === 'credential' ? 'consumer' : 'route';
    const plugins = checkPlugins(value.plugins, schemaType);
    if (!plugins.ok) return plugins;
    value.plugins = plugins.value;
  }
  if (where.id !== undefined) value.id = where.id;
  return { ok: true, value };
}
