/**
 * @module env
 * The only file that reads process.env. Every environment variable Tollgate honours is named here
 * and documented in docs/configuration.md.
 */

export interface TollgateEnv {
  /** TOLLGATE_LOG_LEVEL: winston level (default `info`). */
  logLevel: string;
  /** TOLLGATE_LOG_FORMAT: `json` (default) or `pretty`. */
  logFormat: 'json' | 'pretty';
  /** TOLLGATE_CONFIG: path of the config file when `-c` is not given. */
  configFile: string | undefined;
  /** TOLLGATE_DATA_DIR: data directory of the embedded store and saved config. */
  dataDir: string | undefined;
  /** TOLLGATE_ADMIN_KEY: admin key to use instead of the generated one (single admin role). */
  adminKey: string | undefined;
  /** TOLLGATE_ETCD_HOST: comma-separated etcd endpoints, overrides deployment.etcd.host. */
  etcdHost: string | undefined;
  /** TOLLGATE_ETCD_PREFIX: overrides deployment.etcd.prefix. */
  etcdPrefix: string | undefined;
  /** NODE_OPTIONS (Node's own, inherited by workers): read to keep an operator's heap sizes. */
  nodeOptions: string;
  /** NODE_CLUSTER_SCHED_POLICY (Node's own): `rr` or `none`, kept when set (see apps/gateway accept). */
  clusterSchedPolicy: string | undefined;
  /** UV_TCP_SINGLE_ACCEPT (libuv's own): kept when set (see apps/gateway accept). */
  singleAccept: string | undefined;
}

/**
 * Every environment variable, for the config file's `${{NAME}}` substitution (APISIX's syntax),
 * where the file, not this module, names the variables.
 */
export function environment(): NodeJS.ProcessEnv {
  return process.env;
}

/** Read Tollgate's environment variables once. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): TollgateEnv {
  const empty = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);
  return {
    logLevel: empty(source.TOLLGATE_LOG_LEVEL) ?? 'info',
    logFormat: source.TOLLGATE_LOG_FORMAT === 'pretty' ? 'pretty' : 'json',
    configFile: empty(source.TOLLGATE_CONFIG),
    dataDir: empty(source.TOLLGATE_DATA_DIR),
    adminKey: empty(source.TOLLGATE_ADMIN_KEY),
    etcdHost: empty(source.TOLLGATE_ETCD_HOST),
    etcdPrefix: empty(source.TOLLGATE_ETCD_PREFIX),
    nodeOptions: source.NODE_OPTIONS ?? '',
    clusterSchedPolicy: empty(source.NODE_CLUSTER_SCHED_POLICY),
    singleAccept: empty(source.UV_TCP_SINGLE_ACCEPT),
  };
}
