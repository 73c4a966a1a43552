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

/** `{ip, port}` of one of the node's listeners, with the defaults load.ts applies. */
function listenerAt(what: string, defaultIp: string, defaultPort: number, ipNote = '') {
  return {
    type: 'object',
    properties: {
      ip: { ...ip, description: `address the ${what} binds${ipNote}`, default: defaultIp },
      port: { ...port, description: `port of the ${what}`, default: defaultPort },
    },
  } as const;
}

/**
 * config.yaml's JSON Schema. `description` (markdown, links relative to docs/) and `default` are
 * annotations: ajv is not asked to fill defaults (load.ts), and docs/configuration-reference.md
 * is generated from them (reference.ts). `x-default-text` is how the reference shows a default
 * that is computed or too long for its table.
 */
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
          description:
            'gateway port, or a list of ports / `{ip, port}` (ip default `0.0.0.0`, every interface)',
          default: 9080,
        },
        enable_admin: {
          type: 'boolean',
          description: 'run the Admin API (roles traditional and control_plane)',
          default: true,
        },
        enable_control: { type: 'boolean', description: 'run the control API', default: true },
        control: listenerAt('control API listener', '127.0.0.1', 9090),
        disable_upstream_healthcheck: {
          type: 'boolean',
          description:
            '`true` turns every health check off: see [configuration.md](configuration.md#disabling-health-checks)',
          default: false,
        },
        ...DATA_ENCRYPTION_SCHEMA,
        lru: {
          type: 'object',
          properties: {
            secret: {
              type: 'object',
              properties: {
                ttl: {
                  type: 'number',
                  exclusiveMinimum: 0,
                  description:
                    'seconds, for both `success.ttl` and `failure.ttl` where they are unset',
                },
                count: {
                  type: 'integer',
                  minimum: 1,
                  maximum: 1000000,
                  description: 'cached values (and failures) per worker; the oldest goes first',
                  default: 512,
                },
                success: {
                  type: 'object',
                  properties: {
                    ttl: {
                      type: 'number',
                      exclusiveMinimum: 0,
                      description:
                        'seconds a resolved `$secret://`/`$env://` value is reused ([secrets.md](secrets.md)); unset: `apisix.lru.secret.ttl`, else 300',
                      default: 300,
                    },
                  },
                },
                failure: {
                  type: 'object',
                  properties: {
                    ttl: {
                      type: 'number',
                      exclusiveMinimum: 0,
                      description:
                        'seconds a reference that failed answers 503 before it is fetched again; unset: `apisix.lru.secret.ttl`, else 60',
                      default: 60,
                    },
                  },
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
        role: {
          enum: ['traditional', 'control_plane', 'data_plane'],
          description:
            '`traditional` (Admin API + gateway), `control_plane` (Admin API), `data_plane` (gateway)',
          default: 'traditional',
        },
        role_traditional: {
          type: 'object',
          properties: {
            config_provider: {
              enum: ['etcd', 'yaml'],
              description:
                '`etcd` (the embedded store when there is no `deployment.etcd`), or `yaml`: API-driven standalone, `/apisix/admin/configs` ([standalone.md](standalone.md))',
              default: 'etcd',
            },
          },
        },
        role_control_plane: {
          type: 'object',
          properties: {
            config_provider: {
              enum: ['etcd'],
              description: '`etcd`, the only provider of this role',
              default: 'etcd',
            },
          },
        },
        role_data_plane: {
          type: 'object',
          properties: {
            config_provider: {
              enum: ['etcd', 'yaml', 'json'],
              description:
                '`etcd`, or `yaml` / `json`: standalone file mode, the node reads `config_file` ([standalone.md](standalone.md))',
              default: 'etcd',
            },
            config_file: {
              type: 'string',
              minLength: 1,
              description: 'Tollgate extension: the file standalone file mode reads',
              'x-default-text': '`apisix.yaml` / `apisix.json` beside config.yaml',
            },
          },
        },
        admin: {
          type: 'object',
          properties: {
            admin_key_required: {
              type: 'boolean',
              description: '`false` disables Admin API authentication (not recommended)',
              default: true,
            },
            admin_key: {
              type: 'array',
              description:
                'Admin API keys, `{name, key, role}`; with none, a key is generated: see [configuration.md](configuration.md#admin-key)',
              items: {
                type: 'object',
                description: 'one Admin API key',
                required: ['name', 'role'],
                properties: {
                  name: { type: 'string', minLength: 1, description: 'name of the key' },
                  key: {
                    type: ['string', 'null'],
                    description:
                      'the key; empty or null (`key:`): generated for role `admin`, the entry left out for a `viewer` ([configuration.md](configuration.md#admin-key))',
                  },
                  role: {
                    enum: ['admin', 'viewer'],
                    description: '`admin` (everything) or `viewer` (GET only)',
                  },
                },
              },
            },
            admin_listen: listenerAt(
              'Admin API listener',
              '127.0.0.1',
              9180,
              ' (APISIX binds 0.0.0.0; Tollgate defaults to loopback)',
            ),
            allow_admin: {
              type: 'array',
              items: { type: 'string', minLength: 1 },
              description: 'client addresses allowed to reach the Admin API; `[]` allows all',
              default: ['127.0.0.0/24', '::1/128'],
            },
          },
        },
        etcd: {
          type: 'object',
          required: ['host'],
          description: 'setting it switches from the embedded store to etcd',
          properties: {
            host: {
              type: 'array',
              minItems: 1,
              items: { type: 'string', pattern: '^https?://' },
              description: 'etcd endpoints, `http://` or `https://` URLs',
            },
            prefix: {
              type: 'string',
              pattern: '^/',
              description: "key prefix, APISIX's layout below it",
              default: '/apisix',
            },
            timeout: {
              type: 'integer',
              minimum: 1,
              description: 'seconds an etcd operation may take before the Admin API answers 503',
              default: 30,
            },
            user: { type: 'string', description: 'etcd authentication: user name' },
            password: { type: 'string', description: 'etcd authentication: password' },
          },
        },
      },
    },
    nginx_config: {
      type: 'object',
      properties: {
        worker_processes: {
          anyOf: [{ const: 'auto' }, { type: 'integer', minimum: 1, maximum: 256 }],
          description: 'gateway worker processes per node (`auto` = CPU cores)',
          default: 'auto',
        },
        http: {
          type: 'object',
          properties: {
            enable_access_log: {
              type: 'boolean',
              description: 'one JSON line per request ([access-log.md](access-log.md))',
              default: true,
            },
            access_log: {
              type: 'string',
              minLength: 1,
              description: 'file the access log is appended to',
              'x-default-text': 'stdout',
            },
          },
        },
      },
    },
    // APISIX's allow list of HTTP plugins; names are checked against the catalogue in load.ts.
    plugins: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      uniqueItems: true,
      description:
        'the HTTP plugins the node runs and its Admin API accepts: see [configuration.md](configuration.md#plugins)',
      'x-default-text': 'every plugin',
    },
    // Each plugin's node-level settings; a plugin checks its own block when it starts.
    plugin_attr: {
      type: 'object',
      description: "plugins' node-level settings, by plugin name",
      additionalProperties: {
        type: 'object',
        description:
          "a plugin's node-level settings, given to it when the node starts (each plugin's doc lists its fields)",
      },
      properties: {
        prometheus: {
          type: 'object',
          properties: {
            export_addr: listenerAt('metrics listener', '127.0.0.1', 9091),
          },
        },
        opentelemetry: {
          type: 'object',
          description:
            'node-level tracing settings, used when the plugin metadata is not set ([opentelemetry.md](plugins/opentelemetry.md))',
        },
        'proxy-mirror': {
          type: 'object',
          description:
            'timeouts of mirrored requests, `timeout.{connect, read, send}` ([proxy-mirror.md](plugins/proxy-mirror.md))',
        },
      },
    },
    tollgate: {
      type: 'object',
      properties: {
        data_dir: {
          type: 'string',
          minLength: 1,
          description:
            'Tollgate extension: embedded store files, generated admin key, saved data-plane config',
          default: '.tollgate',
        },
      },
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
