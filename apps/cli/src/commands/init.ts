/**
 * @module commands/init
 * `tollgate init`: writes a starter config.yaml (APISIX's shape) that `tollgate test` accepts and
 * `tollgate start` runs as is: the embedded store (no etcd), the Admin API on loopback with a key
 * generated into the data directory, the gateway on 9080.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigInvalidError } from '@tollgate/core';

/** Where `tollgate init` writes without `-c`. */
export const DEFAULT_CONFIG_FILE = 'conf/config.yaml';

/** The starter config.yaml. */
export const STARTER_CONFIG = `# Tollgate config file: APISIX's conf/config.yaml shape (docs/configuration.md).
# Written by \`tollgate init\`. Check it with \`tollgate test\`, run it with \`tollgate start\`.
# \`\${{NAME}}\` and \`\${{NAME:=default}}\` in a value are replaced from the environment.

apisix:
  node_listen: 9080 # gateway port(s)
  enable_admin: true
  enable_control: true
  control:
    ip: 127.0.0.1
    port: 9090

deployment:
  role: traditional
  # No deployment.etcd: the configuration lives in the embedded store under tollgate.data_dir.
  # To use etcd, add:
  #   etcd:
  #     host: ['http://127.0.0.1:2379']
  #     prefix: /apisix
  admin:
    admin_key:
      - name: admin
        # Unset: the first start generates a key into <data_dir>/admin_key.
        key: \${{TOLLGATE_ADMIN_KEY:=}}
        role: admin
    admin_listen:
      ip: 127.0.0.1
      port: 9180
    allow_admin:
      - 127.0.0.0/24

nginx_config:
  worker_processes: auto # gateway workers (auto = number of cores)

plugin_attr:
  prometheus:
    export_addr:
      ip: 127.0.0.1
      port: 9091

tollgate:
  data_dir: .tollgate # embedded store, generated admin key, tollgate.pid
`;

/**
 * Writes {@link STARTER_CONFIG} to `file` (default {@link DEFAULT_CONFIG_FILE}), creating its
 * folder; refuses to replace an existing file unless `force`. Returns the path written.
 *
 * @example
 * initConfig(undefined, { force: false }); // 'conf/config.yaml'
 */
export function initConfig(file: string | undefined, options: { force: boolean }): string {
  const target = file ?? DEFAULT_CONFIG_FILE;
  if (!options.force && fs.existsSync(target)) {
    throw new ConfigInvalidError(`${target} already exists (use --force to overwrite it)`);
  }
  fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  fs.writeFileSync(target, STARTER_CONFIG);
  return target;
}
