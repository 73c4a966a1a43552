/**
 * @module resources/checks
 * The checks resources share: resource schema, plugin configurations, references to other
 * resources and the routes' `vars` expression. Each returns a refusal or nothing, with APISIX's
 * messages.
 */
import { compileExpr } from '@tollgate/core';
import {
  checkPluginConf,
  metaPreFunctionError,
  validateResource,
  type SchemaName,
} from '@tollgate/schema';
import type { EnabledPlugins } from '../enabled-plugins';
import { idText, isObject, type JsonObject } from '../json-tree';
import { errorResponse, type AdminResponse } from '../response';
import { AdminContext } from './context';

/** `invalid configuration: <validator message>` when `conf` fails the resource schema. */
export function checkSchema(schema: SchemaName, conf: JsonObject): AdminResponse | undefined {
  const result = validateResource(schema, conf);
  if (result.valid) return undefined;
  // Some of APISIX's code-level checks answer without the prefix (`only one of host or hosts is allowed`).
  return errorResponse(
    400,
    result.verbatim ? result.message : `invalid configuration: ${result.message}`,
  );
}

/** APISIX's plugin.check_schema over a `plugins` map; resolves the bare error text. */
export function pluginsError(
  enabled: EnabledPlugins,
  plugins: unknown,
  schemaType: 'route' | 'consumer',
): string | undefined {
  if (!isObject(plugins)) return undefined;
  for (const [name, conf] of Object.entries(plugins)) {
    if (!isObject(conf)) {
      return `invalid plugin conf ${JSON.stringify(conf)} for plugin [${name}]`;
    }
    if (!enabled.get(name)) return `unknown plugin [${name}]`;
    const result = checkPluginConf(name, conf, schemaType);
    if (!result.valid) {
      return result.verbatim
        ? result.message
        : `failed to check the configuration of plugin ${name} err: ${result.message}`;
    }
    const preFunction = metaPreFunctionError(name, conf);
    if (preFunction !== undefined) return preFunction;
  }
  return undefined;
}

/**
 * routes.lua's checks before the schema: `host`/`hosts` and `remote_addr`/`remote_addrs` are
 * exclusive, answered without the `invalid configuration` prefix.
 */
export function checkExclusiveFields(conf: JsonObject): AdminResponse | undefined {
  for (const [one, many] of [
    ['host', 'hosts'],
    ['remote_addr', 'remote_addrs'],
  ] as const) {
    if (conf[one] !== undefined && conf[many] !== undefined) {
      return errorResponse(400, `only one of ${one} or ${many} is allowed`);
    }
  }
  return undefined;
}

/** Route-style plugin check: the error text is the whole error_msg. */
export function checkPlugins(ctx: AdminContext, conf: JsonObject): AdminResponse | undefined {
  const err = pluginsError(ctx.plugins, conf.plugins, 'route');
  return err === undefined ? undefined : errorResponse(400, err);
}

/** A field through which one resource refers to another. */
export type ReferenceField = keyof typeof REFERENCES;

const REFERENCES = {
  service_id: { dir: 'services', what: 'service info by service id' },
  upstream_id: { dir: 'upstreams', what: 'upstream info by upstream id' },
  plugin_config_id: { dir: 'plugin_configs', what: 'plugin config info by plugin config id' },
  group_id: { dir: 'consumer_groups', what: 'consumer group info by consumer group id' },
} as const;

/** Refuses a value whose `field` names a resource that does not exist. */
export async function checkReference(
  ctx: AdminContext,
  conf: JsonObject,
  field: ReferenceField,
): Promise<AdminResponse | undefined> {
  const id = conf[field];
  if (id === undefined) return undefined;
  const { dir, what } = REFERENCES[field];
  if (await ctx.exists(dir, idText(id))) return undefined;
  return errorResponse(400, `failed to fetch ${what} [${idText(id)}], response code: 404`);
}

/**
 * upstream.lua's `tls.client_cert_id` check, for an upstream or a route's or service's inline
 * one: the ssl exists and is of type `client`.
 */
export async function checkClientCertId(
  ctx: AdminContext,
  upstream: unknown,
): Promise<AdminResponse | undefined> {
  const tls = isObject(upstream) ? upstream.tls : undefined;
  const id = isObject(tls) ? tls.client_cert_id : undefined;
  if (id === undefined) return undefined;
  const item = await ctx.store.get(ctx.keys.item('ssls', idText(id)));
  const what = `failed to fetch ssl info by ssl id [${idText(id)}]`;
  if (!item) return errorResponse(400, `${what}, response code: 404`);
  if (AdminContext.decode(item)?.type !== 'client') {
    return errorResponse(400, `${what}, wrong ssl type`);
  }
  return undefined;
}

/** `failed to validate the 'vars' expression: <err>` */
export function checkVars(conf: JsonObject): AdminResponse | undefined {
  if (conf.vars === undefined) return undefined;
  try {
    compileExpr(conf.vars);
    return undefined;
  } catch (err) {
    return errorResponse(
      400,
      `failed to validate the 'vars' expression: ${(err as Error).message}`,
    );
  }
}

/** Runs checks in order and stops at the first refusal. */
export async function firstRefusal(
  checks: (() => AdminResponse | undefined | Promise<AdminResponse | undefined>)[],
): Promise<AdminResponse | undefined> {
  for (const check of checks) {
    const refusal = await check();
    if (refusal) return refusal;
  }
  return undefined;
}

/**
 * Refuses deleting `id` while values in `dirs` reference it through `field` (APISIX's
 * delete_checker): `can not delete this <what>, <kind> [<id>] is still using it now`.
 */
export async function checkInUse(
  ctx: AdminContext,
  id: string,
  field: ReferenceField,
  what: string,
  users: { dir: string; kind: string }[],
): Promise<AdminResponse | undefined> {
  for (const { dir, kind } of users) {
    const { entries } = await ctx.list(dir);
    const user = entries.find((e) => e.value[field] !== undefined && idText(e.value[field]) === id);
    if (user)
      return errorResponse(
        400,
        `can not delete this ${what}, ${kind} [${user.id}] is still using it now`,
      );
  }
  return undefined;
}
