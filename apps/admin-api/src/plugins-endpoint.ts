/**
 * @module plugins-endpoint
 * `/apisix/admin/plugins/list`, `/apisix/admin/plugins/<name>`, `/apisix/admin/plugins?all=true`
 * and `PUT /apisix/admin/plugins/reload`, answered from the schema catalogue.
 */
import { STREAM_PLUGIN_NAMES } from '@tollgate/schema';
import type { EnabledPlugins } from './enabled-plugins';
import { errorResponse, type AdminResponse } from './response';

/**
 * GET /apisix/admin/plugins/list: enabled HTTP plugin names by descending priority; with
 * `subsystem=stream` the stream plugins (docs/stream.md), also by descending priority.
 */
export function pluginList(enabled: EnabledPlugins, subsystem: unknown): AdminResponse {
  if (subsystem === undefined || subsystem === 'http') {
    return { status: 200, body: enabled.list().map((p) => p.name) };
  }
  if (subsystem === 'stream') return { status: 200, body: [...STREAM_PLUGIN_NAMES] };
  return errorResponse(400, 'invalid subsystem passed');
}

/** GET /apisix/admin/plugins/<name>[?schema_type=consumer|metadata]: the plugin's JSON schema. */
export function pluginSchema(
  enabled: EnabledPlugins,
  name: string,
  schemaType: unknown,
): AdminResponse {
  const plugin = enabled.get(name);
  if (!plugin) return errorResponse(404, 'plugin not found in subsystem http');
  if (schemaType === 'consumer') {
    return plugin.consumerSchema
      ? { status: 200, body: plugin.consumerSchema }
      : errorResponse(400, 'not found schema');
  }
  if (schemaType === 'metadata') {
    return plugin.metadataSchema
      ? { status: 200, body: plugin.metadataSchema }
      : errorResponse(400, 'not found schema');
  }
  return { status: 200, body: plugin.schema };
}

/** GET /apisix/admin/plugins?all=true (deprecated in APISIX, kept for old tools). */
export function allPlugins(enabled: EnabledPlugins): AdminResponse {
  const all = enabled.list().map((p) => [
    p.name,
    {
      version: p.version,
      priority: p.priority,
      schema: p.schema,
      ...(p.type ? { type: p.type } : {}),
      ...(p.consumerSchema ? { consumer_schema: p.consumerSchema } : {}),
      ...(p.metadataSchema ? { metadata_schema: p.metadataSchema } : {}),
    },
  ]);
  return { status: 200, body: Object.fromEntries(all) };
}
