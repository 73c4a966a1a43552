/**
 * @module resources
 * Resource schemas (route, service, upstream, ...) and their validation as the Admin API does
 * it before looking at plugins: the schema, then APISIX's storage-free code-level checks.
 */
import { RESOURCE_SCHEMA_IDS } from './generated/schemas';
import { inlinedSchema } from './registry';
import { validateAgainst, type ValidationResult } from './validator';
import { checkResource } from './checks/resource';

/** Resources that have a schema. */
export type SchemaName =
  | 'route'
  | 'service'
  | 'upstream'
  | 'consumer'
  | 'credential'
  | 'plugin_config'
  | 'global_rule'
  | 'consumer_group'
  | 'plugin_metadata'
  | 'ssl'
  | 'stream_route'
  | 'proto'
  | 'secret.vault'
  | 'secret.aws'
  | 'secret.gcp';

/**
 * The schema of each Admin API resource, by its URL segment and etcd directory (`routes` →
 * `route`): the one table the Admin API and the data plane's loader share.
 */
export const SCHEMA_OF_RESOURCE = {
  routes: 'route',
  services: 'service',
  upstreams: 'upstream',
  consumers: 'consumer',
  credentials: 'credential',
  plugin_configs: 'plugin_config',
  global_rules: 'global_rule',
  consumer_groups: 'consumer_group',
  plugin_metadata: 'plugin_metadata',
  ssls: 'ssl',
  stream_routes: 'stream_route',
  protos: 'proto',
} as const satisfies Record<string, SchemaName>;

/** The schemas of the secret managers. */
export type SecretSchemaName = Extract<SchemaName, `secret.${string}`>;

/**
 * The schema of each secret manager, by the name in `/apisix/admin/secrets/<manager>/<id>`, etcd's
 * `secrets/<manager>/<id>` and `$secret://<manager>/...` (APISIX's apisix/secret/<manager>.lua).
 */
export const SCHEMA_OF_SECRET_MANAGER: ReadonlyMap<string, SecretSchemaName> = new Map<
  string,
  SecretSchemaName
>([
  ['vault', 'secret.vault'],
  ['aws', 'secret.aws'],
  ['gcp', 'secret.gcp'],
]);

/**
 * The resource schema as JSON (served by GET /apisix/admin/schema/<name>), self-contained
 * (no `$ref`s) and safe to mutate; undefined if unknown.
 * @example getResourceSchema('route')?.properties
 */
export function getResourceSchema(name: string): object | undefined {
  if (!Object.hasOwn(RESOURCE_SCHEMA_IDS, name)) return undefined;
  return inlinedSchema(RESOURCE_SCHEMA_IDS[name as SchemaName]);
}

/**
 * Validates a resource body (not its plugins' configs). On success `value` is a deep copy with
 * schema defaults filled; the input is never mutated (APISIX does not persist defaults).
 * On failure `message` is the validator text without the `invalid configuration: ` prefix,
 * e.g. `property "methods" validation failed: failed to validate item 1: matches none of the
 * enum values`; code-level failures that APISIX prints without that prefix (`missing key`,
 * `only one of host or hosts is allowed`, ...) carry `verbatim: true`.
 * Does not validate `vars` expressions nor referenced ids.
 * @example
 * const r = validateResource('route', { uri: '/a', upstream_id: 1 });
 * if (!r.valid) reply(400, { error_msg: r.verbatim ? r.message : `invalid configuration: ${r.message}` });
 */
export function validateResource(name: SchemaName, body: unknown): ValidationResult {
  if (!Object.hasOwn(RESOURCE_SCHEMA_IDS, name)) throw new Error(`unknown resource ${name}`);
  const result = validateAgainst(RESOURCE_SCHEMA_IDS[name], body);
  if (!result.valid) return result;
  const failure = checkResource(name, result.value as Record<string, unknown>);
  if (!failure) return result;
  return failure.verbatim
    ? { valid: false, message: failure.message, verbatim: true }
    : { valid: false, message: failure.message };
}
