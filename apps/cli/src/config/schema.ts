/**
 * @module config/schema
 * JSON Schema of the config file keys Tollgate reads. Unknown keys are allowed (APISIX configs
 * carry many) and reported separately as warnings.
 */

import { DATA_ENCRYPTION_KEYS, DATA_ENCRYPTION_SCHEMA } from './data-encryption';
import { SSL_KEYS, SSL_SCHEMA } from './ssl';
import { STREAM_PROXY_KEYS, STREAM_PROXY_SCHEMA } from './stream-proxy';

const port = { type: 'integer', minimum: 1, maximum: 65535 };
const ip = { type: 'string', minLength: 1 };
const listen = { type: 'object', properties: { ip, port } };

export const CONFIG_SCHEMA = {
  type: 'object',
  properties: {
    apisix: {
      type: 'object',
      properties: {
        node_listen: {
          anyOf: [
            port,
            {
              type: 'array',
              minItems: 1,
              items: { anyOf: [port, { ...listen, required: ['port'] }] },
            },
          ],
        },
        enable_admin: { type: 'boolean' },
        enable_control: { type: 'boolean' },
        control: listen,
        disable_upstream_healthcheck: { type: 'boolean' },
        ...DATA_ENCRYPTION_SCHEMA,
        lru: {
          type: 'object',
          properties: {
            secret: {
              type: 'object',
              properties: {
                ttl: { type: 'number', exclusiveMinimum: 0 },
                count: { type: 'integer', minimum: 1, maximum: 1000000 },
                success: {
                  type: 'object',
                  properties: { ttl: { type: 'number', exclusiveMinimum: 0 } },
                },
                failure: {
                  type: 'object',
                  properties: { ttl: { type: 'number', exclusiveMinimum: 0 } },
                },
              },
            },
          },
        },
        ...STREAM_PROXY_SCHEMA,
        ...SSL_SCHEMA,
      },
    },
    deployment: {
      type: 'object',
      properties: {
        role: { enum: ['traditional', 'control_plane', 'data_plane'] },
        role_traditional: {
          type: 'object',
          properties: { config_provider: { enum: ['etcd', 'yaml'] } },
        },
        role_control_plane: { type: 'object', properties: { config_provider: { enum: ['etcd'] } } },
        role_data_plane: {
          type: 'object',
          properties: {
            config_provider: { enum: ['etcd', 'yaml', 'json'] },
            // Tollgate extension: where standalone mode reads its configuration.
            config_file: { type: 'string', minLength: 1 },
          },
        },
        admin: {
          type: 'object',
          properties: {
            admin_key_required: { type: 'boolean' },
            admin_key: {
              type: 'array',
              items: {
                type: 'object',
                required: ['name', 'role'],
                properties: {
                  name: { type: 'string', minLength: 1 },
                  // Empty or null (`key:`): generated for role admin, left out for a viewer.
                  key: { type: ['string', 'null'] },
                  role: { enum: ['admin', 'viewer'] },
                },
              },
            },
            admin_listen: listen,
            allow_admin: { type: 'array', items: { type: 'string', minLength: 1 } },
          },
        },
        etcd: {
          type: 'object',
          required: ['host'],
          properties: {
            host: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^https?://' } },
            prefix: { type: 'string', pattern: '^/' },
            timeout: { type: 'integer', minimum: 1 },
            user: { type: 'string' },
            password: { type: 'string' },
          },
        },
      },
    },
    nginx_config: {
      type: 'object',
      properties: {
        worker_processes: {
          anyOf: [{ const: 'auto' }, { type: 'integer', minimum: 1, maximum: 256 }],
        },
        http: {
          type: 'object',
          properties: {
            enable_access_log: { type: 'boolean' },
            access_log: { type: 'string', minLength: 1 },
          },
        },
      },
    },
    // APISIX's allow list of HTTP plugins; names are checked against the catalogue in load.ts.
    plugins: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true },
    // Each plugin's node-level settings; a plugin checks its own block when it starts.
    plugin_attr: {
      type: 'object',
      additionalProperties: { type: 'object' },
      properties: {
        prometheus: { type: 'object', properties: { export_addr: listen } },
      },
    },
    tollgate: {
      type: 'object',
      properties: { data_dir: { type: 'string', minLength: 1 } },
    },
  },
} as const;

/** Every key path Tollgate reads; anything else in the file is reported as unsupported. */
export const SUPPORTED_KEYS = [
  'apisix.node_listen',
  'apisix.enable_admin',
  'apisix.enable_control',
  'apisix.control.ip',
  'apisix.control.port',
  'apisix.disable_upstream_healthcheck',
  ...DATA_ENCRYPTION_KEYS,
  'apisix.lru.secret.ttl',
  'apisix.lru.secret.count',
  'apisix.lru.secret.success.ttl',
  'apisix.lru.secret.failure.ttl',
  ...STREAM_PROXY_KEYS,
  ...SSL_KEYS,
  'deployment.role',
  'deployment.role_traditional.config_provider',
  'deployment.role_control_plane.config_provider',
  'deployment.role_data_plane.config_provider',
  'deployment.role_data_plane.config_file',
  'deployment.admin.admin_key_required',
  'deployment.admin.admin_key',
  'deployment.admin.admin_listen.ip',
  'deployment.admin.admin_listen.port',
  'deployment.admin.allow_admin',
  'deployment.etcd.host',
  'deployment.etcd.prefix',
  'deployment.etcd.timeout',
  'deployment.etcd.user',
  'deployment.etcd.password',
  'nginx_config.worker_processes',
  'nginx_config.http.enable_access_log',
  'nginx_config.http.access_log',
  'plugins',
  'plugin_attr.prometheus.export_addr.ip',
  'plugin_attr.prometheus.export_addr.port',
  'plugin_attr.opentelemetry',
  'plugin_attr.proxy-mirror',
  'tollgate.data_dir',
] as const;
