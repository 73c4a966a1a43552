/**
 * @module config/types
 * The resolved `conf/config.yaml` (APISIX's shape, the subset Tollgate supports) with every
 * default applied. docs/configuration.md documents each key.
 */
import type { AdminKey } from '@tollgate/admin-api';
import type { DataEncryptionSettings } from '@tollgate/schema';

export type Role = 'traditional' | 'control_plane' | 'data_plane';

export interface Listen {
  ip: string;
  port: number;
}

/** One `apisix.stream_proxy` address. */
export interface StreamListen extends Listen {
  /** `tls_passthrough: true` (TCP): routes match the ClientHello's SNI, TLS is not terminated. */
  tlsPassthrough: boolean;
}

/** `apisix.proxy_mode` `stream` or `http&stream` with its `apisix.stream_proxy` addresses. */
export interface StreamProxy {
  tcp: StreamListen[];
  udp: StreamListen[];
  /** `http&stream`: the HTTP listeners run too (`stream` alone: none). */
  httpToo: boolean;
}

/** `apisix.ssl` when enabled: the HTTPS listeners and their TLS settings. */
export interface TlsConfig {
  listen: Listen[];
  /** `ssl_protocols`, split. */
  protocols: ('TLSv1.1' | 'TLSv1.2' | 'TLSv1.3')[];
  /** `ssl_ciphers` (OpenSSL cipher list). */
  ciphers: string;
  /** `fallback_sni`: the SNI assumed for clients that send none. */
  fallbackSni?: string;
  /** `apisix.enable_http2`: ALPN offers `h2` beside `http/1.1`. */
  http2: boolean;
}

export interface TollgateConfig {
  /** Where the config came from (file path, or `defaults`). */
  source: string;
  role: Role;
  /** apisix.node_listen: gateway listeners. */
  nodeListen: Listen[];
  /** apisix.ssl: HTTPS listeners; absent when `apisix.ssl.enable` is false. */
  tls?: TlsConfig;
  /** apisix.proxy_mode + stream_proxy; absent in `http` mode (the default). */
  streamProxy?: StreamProxy;
  enableAdmin: boolean;
  admin: {
    listen: Listen;
    keys: AdminKey[];
    keyRequired: boolean;
    allowAdmin: string[];
  };
  /** deployment.etcd; absent means the embedded store (single node). */
  etcd?: {
    hosts: string[];
    prefix: string;
    timeoutSeconds: number;
    user?: string;
    password?: string;
  };
  /**
   * Standalone mode (issue 15): `file` for `data_plane` with `config_provider: yaml`/`json` (the
   * configuration comes from that file, reloaded when it changes); `api` for `traditional` with
   * `config_provider: yaml` (it comes from `PUT /apisix/admin/configs`). Absent: etcd or embedded.
   */
  standalone?: { mode: 'file'; format: 'yaml' | 'json'; file: string } | { mode: 'api' };
  /** Embedded store files, generated admin key and saved data-plane config. */
  dataDir: string;
  /** nginx_config.worker_processes resolved to a number. */
  workerProcesses: number;
  /** nginx_config.http.enable_access_log / access_log (a file path, or stdout when absent). */
  accessLog: { enabled: boolean; path?: string };
  control: { enabled: boolean; listen: Listen };
  /**
   * apisix.disable_upstream_healthcheck: no health checks of any kind (active probes, passive
   * breakers) for upstreams and ai-proxy-multi instances; weights alone decide.
   */
  disableUpstreamHealthcheck: boolean;
  /**
   * apisix.lru.secret: resolved `$secret://`/`$env://` references are cached `success.ttl` (else
   * `ttl`, else 300) seconds, failures `failure.ttl` (else `ttl`, else 60), `count` (512) of each.
   */
  secretCache: { successTtlMs: number; failureTtlMs: number; count: number };
  prometheus: { exportAddr: Listen };
  /** `plugins`: the HTTP plugins this node runs and its Admin API accepts; absent = all. */
  plugins?: string[];
  /** `plugin_attr`: node-level settings by plugin name, handed to each plugin at start. */
  pluginAttr: Record<string, Record<string, unknown>>;
  /** apisix.data_encryption, APISIX's defaults applied. */
  dataEncryption: DataEncryptionSettings;
  /** Keys present in the file that Tollgate does not use (reported as warnings). */
  unsupportedKeys: string[];
}
