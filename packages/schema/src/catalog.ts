/**
 * @module catalog
 * The plugins Tollgate knows, as data: APISIX's name, version, priority and type for ported
 * plugins. Schemas are attached from `schemas/plugins/<name>[.consumer|.metadata].json` by the
 * generator; `scripts/generate.mjs` fails when a schema file has no entry here or vice versa
 * (it reads the `name: '...'` lines of this file, so keep one entry per line group).
 */

/** One row of the catalogue. */
export interface CatalogRow {
  readonly name: string;
  readonly version: string;
  readonly priority: number;
  readonly type?: 'auth';
}

/** Every plugin, in no particular order (listPlugins sorts by priority). */
export const PLUGIN_CATALOG: readonly CatalogRow[] = [
  { name: 'consumer-restriction', version: '0.1', priority: 2400 },
  { name: 'uri-blocker', version: '0.1', priority: 2900 },
  { name: 'request-validation', version: '0.1', priority: 2800 },
  { name: 'referer-restriction', version: '0.1', priority: 2990 },
  { name: 'ua-restriction', version: '0.1', priority: 2999 },
  { name: 'ip-restriction', version: '0.1', priority: 3000 },
  { name: 'cors', version: '0.1', priority: 4000 },
  { name: 'request-id', version: '0.1', priority: 12015 },
  { name: 'real-ip', version: '0.1', priority: 23000 },
  { name: 'proxy-rewrite', version: '0.1', priority: 1008 },
  { name: 'response-rewrite', version: '0.1', priority: 899 },
  { name: 'redirect', version: '0.1', priority: 900 },
  { name: 'fault-injection', version: '0.1', priority: 11000 },
  { name: 'client-control', version: '0.1', priority: 22000 },
  { name: 'traffic-split', version: '0.1', priority: 966 },
  { name: 'proxy-mirror', version: '0.1', priority: 1010 },
  { name: 'multi-auth', version: '0.1', priority: 2600, type: 'auth' },
  { name: 'hmac-auth', version: '0.1', priority: 2530, type: 'auth' },
  { name: 'jwt-auth', version: '0.1', priority: 2510, type: 'auth' },
  { name: 'basic-auth', version: '0.1', priority: 2520, type: 'auth' },
  { name: 'key-auth', version: '0.1', priority: 2500, type: 'auth' },
  { name: 'ai-request-rewrite', version: '0.1', priority: 1073 },
  { name: 'ai-rag', version: '0.1', priority: 1060 },
  { name: 'ai-prompt-guard', version: '0.1', priority: 1072 },
  { name: 'ai-prompt-template', version: '0.1', priority: 1071 },
  { name: 'ai-prompt-decorator', version: '0.1', priority: 1070 },
  { name: 'ai-proxy-multi', version: '0.5', priority: 1041 },
  { name: 'ai-proxy', version: '0.5', priority: 1040 },
  // Not an APISIX plugin: its response hook must register after ai-proxy's access, before ai-cache's.
  { name: 'ai-runaway-guard', version: '0.1', priority: 1038 },
  { name: 'ai-cache', version: '0.1', priority: 1035 },
  // Not an APISIX plugin: must be checked before ai-rate-limiting (1030), after the proxies.
  { name: 'ai-consumer-rate-limiting', version: '0.1', priority: 1035 },
  { name: 'ai-aws-content-moderation', version: '0.1', priority: 1031 },
  { name: 'ai-rate-limiting', version: '0.1', priority: 1030 },
  { name: 'ai-aliyun-content-moderation', version: '0.1', priority: 1029 },
  { name: 'ai-lakera-guard', version: '0.1', priority: 1028 },
  { name: 'prometheus', version: '0.2', priority: 500 },
  { name: 'limit-count', version: '0.5', priority: 1002 },
  { name: 'limit-req', version: '0.1', priority: 1001 },
  { name: 'limit-conn', version: '0.1', priority: 1003 },
  { name: 'forward-auth', version: '0.1', priority: 2002 },
  { name: 'http-logger', version: '0.1', priority: 410 },
  { name: 'file-logger', version: '0.1', priority: 399 },
  { name: 'opentelemetry', version: '0.1', priority: 12009 },
  { name: 'openid-connect', version: '0.2', priority: 2599 },
  { name: 'tcp-logger', version: '0.1', priority: 405 },
  { name: 'udp-logger', version: '0.1', priority: 400 },
  { name: 'syslog', version: '0.1', priority: 401 },
  { name: 'loki-logger', version: '0.1', priority: 414 },
  { name: 'elasticsearch-logger', version: '0.1', priority: 413 },
];
