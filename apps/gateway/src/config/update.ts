/**
 * @module config/update
 * What the node's config sync hands to its workers: validated resource values (schema defaults
 * filled, `id` set from the key), keyed relative to the etcd prefix (`routes/1`,
 * `consumers/jack`, `consumers/jack/credentials/c1`, `plugin_metadata/prometheus`). A full update
 * replaces everything; a delta applies on top of the previous revision.
 */

export type ConfigValue = Record<string, unknown>;

/** Resource directories the data plane loads; other keys under the prefix are ignored. */
export const DATA_PLANE_RESOURCES = [
  'routes',
  'services',
  'upstreams',
  'consumers',
  'plugin_configs',
  'global_rules',
  'consumer_groups',
  'plugin_metadata',
  'ssls',
  'stream_routes',
  'secrets',
] as const;

export type DataPlaneResource = (typeof DATA_PLANE_RESOURCES)[number];

export type ConfigUpdate =
  | {
      kind: 'full';
      revision: number;
      items: [string, ConfigValue][];
      /** True when served from the on-disk copy because the store is unreachable. */
      stale: boolean;
    }
  | {
      kind: 'delta';
      revision: number;
      puts: [string, ConfigValue][];
      deletes: string[];
    };
