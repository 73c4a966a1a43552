/**
 * @module schema-endpoint
 * `GET /apisix/admin/schema/<resource>` and `POST /apisix/admin/schema/validate/<resource>`.
 * Resource names are accepted singular (`route`, as APISIX's GET) or plural (`routes`, as its validate).
 */
import { ownValue } from '@tollgate/core';
import {
  checkStreamPlugins,
  getResourceSchema,
  SCHEMA_OF_RESOURCE,
  validateResource,
  type SchemaName,
} from '@tollgate/schema';
import { isObject } from './json-tree';
import { errorResponse, type AdminResponse } from './response';
import type { EnabledPlugins } from './enabled-plugins';
import { pluginsError } from './resources/checks';

const PLURALS: Readonly<Record<string, SchemaName>> = SCHEMA_OF_RESOURCE;

function schemaName(name: string): SchemaName | undefined {
  return ownValue(PLURALS, name) ?? Object.values(PLURALS).find((n) => n === name);
}

/** The core JSON schema of a resource. */
export function resourceSchema(name: string): AdminResponse {
  const resolved = schemaName(name);
  const schema = resolved ? getResourceSchema(resolved) : undefined;
  return schema ? { status: 200, body: schema } : errorResponse(400, `not found schema: ${name}`);
}

/** Validate a body without storing it: 200 with no body, or 400 with the bare validator message. */
export function validateAgainst(
  enabled: EnabledPlugins,
  name: string,
  body: unknown,
): AdminResponse {
  const resolved = schemaName(name);
  if (!resolved) return errorResponse(400, `not found schema: ${name}`);
  const result = validateResource(resolved, body);
  if (!result.valid) return errorResponse(400, result.message);
  if (isObject(body) && resolved === 'stream_route') {
    const plugins = isObject(body.plugins) ? checkStreamPlugins(body.plugins) : undefined;
    if (plugins && !plugins.ok) return errorResponse(400, plugins.message);
  } else if (isObject(body)) {
    const schemaType = resolved === 'consumer' || resolved === 'credential' ? 'consumer' : 'route';
    const err = pluginsError(enabled, body.plugins, schemaType);
    if (err !== undefined) return errorResponse(400, err);
  }
  return { status: 200 };
}
