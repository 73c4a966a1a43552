// generated — do not edit. Source: schemas/**/*.json; run `pnpm gen` to regenerate.

// Resolved types: configurations after validation filled the schema defaults.

/**
 * Resource id: a string of 1..64 characters from [a-zA-Z0-9-_.], or an integer >= 1.
 */
export type Id = string | number;
/**
 * Human-readable name of a resource (1..256 characters).
 */
export type Name = string;
/**
 * Free-text description of a resource (at most 256 characters).
 */
export type Desc = string;
/**
 * Unix time in seconds, set by the Admin API (create_time, update_time).
 */
export type Timestamp = number;
/**
 * An HTTP method name, upper case.
 */
export type HttpMethod =
  'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD' | 'OPTIONS' | 'CONNECT' | 'TRACE' | 'PURGE';
/**
 * A host name, an IP address (optionally with a port), a wildcard such as *.example.com, or * alone.
 */
export type Host = string;
/**
 * Client IP address: IPv4, IPv4 CIDR, IPv6 or IPv6 CIDR.
 */
export type RemoteAddr = string;
/**
 * Upstream nodes: an object {"host:port": weight} (or {"host": weight}, the port then being the scheme's default) or an array of node objects.
 */
export type UpstreamNodes =
  | {
      /**
       * Weight of the node.
       *
       * This interface was referenced by `undefined`'s JSON-Schema definition
       * via the `patternProperty` ".*".
       */
      [k: string]: number;
    }
  | UpstreamNode[];
/**
 * Name of an LLM provider supported by ai-proxy and ai-proxy-multi.
 */
export type AiProvider =
  | 'openai'
  | 'deepseek'
  | 'aimlapi'
  | 'anthropic'
  | 'openai-compatible'
  | 'azure-openai'
  | 'openrouter'
  | 'gemini'
  | 'vertex-ai'
  | 'bedrock';
/**
 * APISIX's elasticsearch-logger: each request's log entry, batched, indexed in Elasticsearch through the `_bulk` API (`create` actions, NDJSON).
 */
export type ElasticsearchLoggerConf = LoggerBatchConf &
  LoggerBodyConf & {
    /**
     * Deprecated: one Elasticsearch address; use `endpoint_addrs`.
     */
    endpoint_addr?: string;
    /**
     * Elasticsearch addresses (no trailing `/`); each batch goes to one picked at random.
     *
     * @minItems 1
     */
    endpoint_addrs?: [string, ...string[]];
    /**
     * Where the entries are indexed.
     */
    field?: {
      /**
       * The `_index` of every entry.
       */
      index: string;
      /**
       * The `_type` of every entry (Elasticsearch 7 and 8 only; dropped for 9).
       */
      type?: string;
    };
    /**
     * Basic authentication to Elasticsearch.
     */
    auth?: {
      /**
       * User name.
       */
      username: string;
      /**
       * Password.
       */
      password: string;
    };
    /**
     * Extra headers of every request to Elasticsearch.
     */
    headers?: {
      [k: string]: string;
    };
    /**
     * Seconds one request to Elasticsearch may take.
     */
    timeout: number;
    /**
     * Verify Elasticsearch's TLS certificate for an `https` address.
     */
    ssl_verify: boolean;
    /**
     * Name of the batch processor, in its log lines.
     */
    name: string;
  };
/**
 * APISIX's http-logger: each request's log entry, batched, POSTed to an HTTP(S) server as JSON.
 */
export type HttpLoggerConf = LoggerBatchConf &
  LoggerBodyConf & {
    /**
     * URI of the HTTP(S) server that receives the batches.
     */
    uri: string;
    /**
     * Sent as the `Authorization` header of each batch, when set.
     */
    auth_header?: string;
    /**
     * Seconds one send of a batch may take (connecting included).
     */
    timeout: number;
    /**
     * Name of the batch processor, in its log lines.
     */
    name: string;
    /**
     * `json`: a batch is one JSON array; `new_line`: one JSON object per line.
     */
    concat_method: 'json' | 'new_line';
    /**
     * Verify the server's TLS certificate for an `https` uri.
     */
    ssl_verify: boolean;
  };
/**
 * APISIX's loki-logger: each request's log entry, batched, pushed to Grafana Loki (`POST <endpoint><endpoint_uri>`, one stream with `log_labels`).
 */
export type LokiLoggerConf = LoggerBatchConf &
  LoggerBodyConf & {
    /**
     * Loki base URLs, such as `http://127.0.0.1:3100`; each batch goes to one picked at random.
     *
     * @minItems 1
     */
    endpoint_addrs: [string, ...string[]];
    /**
     * Path of Loki's push API.
     */
    endpoint_uri: string;
    /**
     * Loki tenant, sent as `X-Scope-OrgID`.
     */
    tenant_id: string;
    /**
     * Labels of the stream; values may hold `$variables`, resolved from the first request a batch processor sees.
     */
    log_labels: {
      /**
       * This interface was referenced by `undefined`'s JSON-Schema definition
       * via the `patternProperty` ".*".
       */
      [k: string]: string;
    };
    /**
     * Verify Loki's TLS certificate for an `https` endpoint.
     */
    ssl_verify: boolean;
    /**
     * Milliseconds one push may take.
     */
    timeout: number;
    /**
     * Keep connections to Loki open between pushes.
     */
    keepalive: boolean;
    /**
     * Milliseconds an idle kept connection stays open.
     */
    keepalive_timeout: number;
    /**
     * Connections kept per endpoint.
     */
    keepalive_pool: number;
    /**
     * Name of the batch processor, in its log lines.
     */
    name: string;
  };
/**
 * APISIX's syslog: each request's log entry as JSON in an RFC 5424 message (facility SYSLOG, severity INFO, app name apisix), batched, buffered and written to a syslog server over TCP, TLS or UDP.
 */
export type SyslogConf = LoggerBatchConf &
  LoggerBodyConf & {
    /**
     * IP address or hostname of the syslog server.
     */
    host: string;
    /**
     * Port of the syslog server.
     */
    port: number;
    /**
     * Bytes buffered (messages already waiting plus the new ones) at which the buffer is written to the server; below it, messages wait for more.
     */
    flush_limit: number;
    /**
     * Bytes buffered above which new messages are refused (the batch fails and is retried).
     */
    drop_limit: number;
    /**
     * Milliseconds that connecting and writing may each take.
     */
    timeout: number;
    /**
     * Transport to the server.
     */
    sock_type: 'tcp' | 'udp';
    /**
     * Keep-alive pool size of the TCP connection (one kept connection per configuration in Tollgate).
     */
    pool_size: number;
    /**
     * Speak TLS to the server over TCP (its certificate is not verified).
     */
    tls: boolean;
    /**
     * Name of the batch processor, in its log lines.
     */
    name: string;
  };
/**
 * APISIX's tcp-logger: each request's log entry, batched, written as JSON to a TCP (or TLS) server over a new connection per batch.
 */
export type TcpLoggerConf = LoggerBatchConf &
  LoggerBodyConf & {
    /**
     * IP address or hostname of the TCP server.
     */
    host: string;
    /**
     * Port of the TCP server.
     */
    port: number;
    /**
     * Speak TLS to the server (its certificate is not verified, as in APISIX).
     */
    tls: boolean;
    /**
     * Server name (SNI) sent in the TLS handshake.
     */
    tls_options?: string;
    /**
     * Milliseconds that connecting and sending one batch may each take.
     */
    timeout: number;
    /**
     * Name of the batch processor, in its log lines.
     */
    name: string;
  };
/**
 * APISIX's udp-logger: each request's log entry, batched, sent as JSON in one UDP datagram per batch.
 */
export type UdpLoggerConf = LoggerBatchConf &
  LoggerBodyConf & {
    /**
     * IP address or hostname of the UDP server.
     */
    host: string;
    /**
     * Port of the UDP server.
     */
    port: number;
    /**
     * Seconds that sending one batch may take.
     */
    timeout: number;
    /**
     * Name of the batch processor, in its log lines.
     */
    name: string;
  };

/**
 * Root of the generated types; use the maps it references.
 */
export interface TollgateConfMaps {
  resources: ResourceConfMap;
  plugins: PluginConfMap;
  consumerPlugins: PluginConsumerConfMap;
}
/**
 * Resource name to its configuration type.
 */
export interface ResourceConfMap {
  route: RouteConf;
  service: ServiceConf;
  upstream: UpstreamConf;
  consumer: ConsumerConf;
  credential: CredentialConf;
  plugin_config: PluginConfigConf;
  global_rule: GlobalRuleConf;
  consumer_group: ConsumerGroupConf;
  plugin_metadata: PluginMetadataConf;
  ssl: SslConf;
  stream_route: StreamRouteConf;
  proto: ProtoConf;
  'secret.vault': SecretVaultConf;
  'secret.aws': SecretAwsConf;
  'secret.gcp': SecretGcpConf;
}
/**
 * A route: request matching rules plus the plugins and upstream that serve matched requests.
 */
export interface RouteConf {
  /**
   * Route id.
   */
  id?: Id;
  /**
   * Route name.
   */
  name?: Name;
  /**
   * Route description.
   */
  desc?: Desc;
  /**
   * Labels of the route.
   */
  labels?: Labels;
  /**
   * Creation time.
   */
  create_time?: Timestamp;
  /**
   * Last update time.
   */
  update_time?: Timestamp;
  /**
   * Request path to match; a trailing * matches a prefix.
   */
  uri?: string;
  /**
   * Request paths to match (use instead of uri).
   *
   * @minItems 1
   */
  uris?: [string, ...string[]];
  /**
   * Higher priorities are matched first when several routes share a uri.
   */
  priority: number;
  /**
   * HTTP methods to match (all when unset).
   */
  methods?: HttpMethod[];
  /**
   * Host to match.
   */
  host?: Host;
  /**
   * Hosts to match (use instead of host).
   *
   * @minItems 1
   */
  hosts?: [Host, ...Host[]];
  /**
   * Client address to match.
   */
  remote_addr?: RemoteAddr;
  /**
   * Client addresses to match (use instead of remote_addr).
   *
   * @minItems 1
   */
  remote_addrs?: [RemoteAddr, ...RemoteAddr[]];
  /**
   * lua-resty-expr expressions over request variables, all of which must match.
   */
  vars?: unknown[];
  /**
   * Lua function source used as an extra match condition (accepted for compatibility).
   */
  filter_func?: string;
  /**
   * Plugin orchestration script (APISIX dashboard); excludes plugins and plugin_config_id.
   */
  script?: string;
  /**
   * Id of the script.
   */
  script_id?: Id;
  /**
   * Plugins of the route.
   */
  plugins?: PluginsMap;
  /**
   * Id of a plugin_config whose plugins are merged in.
   */
  plugin_config_id?: Id;
  /**
   * Inline upstream.
   */
  upstream?: UpstreamConf;
  /**
   * Id of an upstream resource.
   */
  upstream_id?: Id;
  /**
   * Id of a service this route belongs to.
   */
  service_id?: Id;
  /**
   * Protocol of the service (grpc or http).
   */
  service_protocol?: 'grpc' | 'http';
  /**
   * Upstream timeouts for this route.
   */
  timeout?: Timeout;
  /**
   * Proxy WebSocket upgrades.
   */
  enable_websocket?: boolean;
  /**
   * 1 enables the route, 0 disables it (never matched).
   */
  status: 1 | 0;
}
/**
 * Key/value pairs that tag a resource; values are 1..256 non-blank characters.
 */
export interface Labels {
  /**
   * Value of the label.
   *
   * This interface was referenced by `Labels`'s JSON-Schema definition
   * via the `patternProperty` ".*".
   */
  [k: string]: string;
}
/**
 * Plugin name to plugin configuration; each entry is validated against its plugin's own schema.
 */
export interface PluginsMap {
  [k: string]: unknown;
}
/**
 * An upstream: a set of backend nodes and how to balance, check and reach them (APISIX schema_def upstream).
 */
export interface UpstreamConf {
  /**
   * Upstream id.
   */
  id?: Id;
  /**
   * Upstream name.
   */
  name?: Name;
  /**
   * Upstream description.
   */
  desc?: Desc;
  /**
   * Labels of the upstream.
   */
  labels?: Labels;
  /**
   * Creation time.
   */
  create_time?: Timestamp;
  /**
   * Last update time.
   */
  update_time?: Timestamp;
  /**
   * Backend nodes.
   */
  nodes?: UpstreamNodes;
  /**
   * Service name looked up in the discovery registry.
   */
  service_name?: string;
  /**
   * Service discovery registry type.
   */
  discovery_type?: string;
  /**
   * Extra arguments for the discovery registry.
   */
  discovery_args?: {
    /**
     * Namespace id.
     */
    namespace_id?: string;
    /**
     * Group name.
     */
    group_name?: string;
    /**
     * Metadata the discovered nodes must carry.
     */
    metadata?: {
      [k: string]: unknown;
    };
  };
  /**
   * Load-balancing algorithm.
   */
  type: 'chash' | 'roundrobin' | 'ewma' | 'least_conn';
  /**
   * What chash hashes on; `key` names the variable, header or cookie.
   */
  hash_on: 'vars' | 'header' | 'cookie' | 'consumer' | 'vars_combinations';
  /**
   * The chash key.
   */
  key?: string;
  /**
   * Health checks of the nodes.
   */
  checks?: HealthCheck;
  /**
   * Times a failed request is retried on another node.
   */
  retries?: number;
  /**
   * Seconds during which retries may happen (0 = no limit).
   */
  retry_timeout?: number;
  /**
   * Connect, send and read timeouts.
   */
  timeout?: Timeout;
  /**
   * Protocol used to talk to the nodes (tcp, tls, udp, kafka are APISIX stream/pubsub schemes).
   */
  scheme: 'grpc' | 'grpcs' | 'http' | 'https' | 'tcp' | 'tls' | 'udp' | 'kafka';
  /**
   * Host header sent upstream: the client's (pass), the node's (node) or upstream_host (rewrite).
   */
  pass_host: 'pass' | 'node' | 'rewrite';
  /**
   * Host header used when pass_host is rewrite.
   */
  upstream_host?: Host;
  /**
   * Connection pool towards the nodes.
   */
  keepalive_pool?: {
    /**
     * Maximum idle connections kept.
     */
    size: number;
    /**
     * Seconds an idle connection is kept.
     */
    idle_timeout: number;
    /**
     * Requests served by one connection before it is closed.
     */
    requests: number;
  };
  /**
   * Client certificate presented to the nodes (mTLS).
   */
  tls?: {
    /**
     * Id of an SSL resource of type client.
     */
    client_cert_id?: Id;
    /**
     * Client certificate (PEM).
     */
    client_cert?: string;
    /**
     * Client private key (PEM).
     */
    client_key?: string;
    /**
     * Verify the https nodes' certificate and name (APISIX 3.18: kafka only; Tollgate and APISIX master: https too).
     */
    verify: boolean;
  };
}
/**
 * One upstream node in the array form of `nodes`.
 */
export interface UpstreamNode {
  /**
   * Host name or IP of the node.
   */
  host: Host;
  /**
   * Port of the node; when absent, the default port of the upstream's scheme (80 for http and grpc, 443 for https and grpcs).
   */
  port?: number;
  /**
   * Weight of the node.
   */
  weight: number;
  /**
   * Priority of the node; lower priorities are used only when higher ones fail (0 when unset).
   */
  priority?: number;
  /**
   * Free-form metadata of the node.
   */
  metadata?: {
    [k: string]: unknown;
  };
}
/**
 * Upstream health checks: `active` is required, `passive` optional; no other keys.
 */
export interface HealthCheck {
  /**
   * Active probes.
   */
  active?: HealthCheckActive;
  /**
   * Health judged from live traffic.
   */
  passive?: HealthCheckPassive;
}
/**
 * Active health check: probes sent on a timer. Unknown keys are accepted, as in APISIX.
 */
export interface HealthCheckActive {
  /**
   * Probe protocol.
   */
  type: 'http' | 'https' | 'tcp';
  /**
   * Probe timeout in seconds.
   */
  timeout: number;
  /**
   * Number of targets probed at the same time.
   */
  concurrency: number;
  /**
   * Host header sent with HTTP probes (defaults to the target host).
   */
  host?: Host;
  /**
   * Port to probe instead of the target's own port.
   */
  port?: number;
  /**
   * HTTP method of the probe request.
   */
  http_method: HttpMethod;
  /**
   * Path of the HTTP probe request.
   */
  http_path: string;
  /**
   * Body of the HTTP probe request.
   */
  http_req_body: string;
  /**
   * Verify the target's certificate on https probes.
   */
  https_verify_certificate: boolean;
  /**
   * Extra probe request headers, each written as "Name: value".
   *
   * @minItems 1
   */
  req_headers?: [string, ...string[]];
  /**
   * When a target counts as healthy again.
   */
  healthy?: {
    /**
     * Seconds between probes of a healthy target.
     */
    interval: number;
    /**
     * Probe statuses that count as a success.
     *
     * @minItems 1
     */
    http_statuses: [number, ...number[]];
    /**
     * Consecutive successes that mark a target healthy.
     */
    successes: number;
  };
  /**
   * When a target counts as unhealthy.
   */
  unhealthy?: {
    /**
     * Seconds between probes of an unhealthy target.
     */
    interval: number;
    /**
     * Probe statuses that count as a failure.
     *
     * @minItems 1
     */
    http_statuses: [number, ...number[]];
    /**
     * HTTP failures that mark a target unhealthy.
     */
    http_failures: number;
    /**
     * TCP connect failures that mark a target unhealthy.
     */
    tcp_failures: number;
    /**
     * Probe timeouts that mark a target unhealthy.
     */
    timeouts: number;
  };
}
/**
 * Passive health check: target health judged from live traffic.
 */
export interface HealthCheckPassive {
  /**
   * Protocol of the observed traffic.
   */
  type: 'http' | 'https' | 'tcp';
  /**
   * When a target counts as healthy again.
   */
  healthy?: {
    /**
     * Response statuses that count as a success.
     *
     * @minItems 1
     */
    http_statuses: [number, ...number[]];
    /**
     * Consecutive successes that mark a target healthy.
     */
    successes: number;
  };
  /**
   * When a target counts as unhealthy.
   */
  unhealthy?: {
    /**
     * Response statuses that count as a failure.
     *
     * @minItems 1
     */
    http_statuses: [number, ...number[]];
    /**
     * TCP failures that mark a target unhealthy.
     */
    tcp_failures: number;
    /**
     * Timeouts that mark a target unhealthy.
     */
    timeouts: number;
    /**
     * HTTP failures that mark a target unhealthy.
     */
    http_failures: number;
  };
}
/**
 * Upstream timeouts in seconds; all three are required.
 */
export interface Timeout {
  /**
   * Connect timeout in seconds.
   */
  connect: number;
  /**
   * Send timeout in seconds.
   */
  send: number;
  /**
   * Read timeout in seconds.
   */
  read: number;
}
/**
 * A service: plugins and an upstream shared by the routes that reference it.
 */
export interface ServiceConf {
  /**
   * Service id.
   */
  id?: Id;
  /**
   * Service name.
   */
  name?: Name;
  /**
   * Service description.
   */
  desc?: Desc;
  /**
   * Labels of the service.
   */
  labels?: Labels;
  /**
   * Creation time.
   */
  create_time?: Timestamp;
  /**
   * Last update time.
   */
  update_time?: Timestamp;
  /**
   * Plugins of the service.
   */
  plugins?: PluginsMap;
  /**
   * Inline upstream.
   */
  upstream?: UpstreamConf;
  /**
   * Id of an upstream resource.
   */
  upstream_id?: Id;
  /**
   * Plugin orchestration script (APISIX dashboard).
   */
  script?: string;
  /**
   * Proxy WebSocket upgrades.
   */
  enable_websocket?: boolean;
  /**
   * Hosts the service's routes match.
   *
   * @minItems 1
   */
  hosts?: [Host, ...Host[]];
}
/**
 * A consumer: an API client identified by username, with its auth and other plugins.
 */
export interface ConsumerConf {
  /**
   * Unique consumer name; also the resource's key.
   */
  username: string;
  /**
   * Optional id (the key is the username).
   */
  id?: Id;
  /**
   * Consumer description.
   */
  desc?: Desc;
  /**
   * Labels of the consumer.
   */
  labels?: Labels;
  /**
   * Creation time.
   */
  create_time?: Timestamp;
  /**
   * Last update time.
   */
  update_time?: Timestamp;
  /**
   * Id of the consumer group it belongs to.
   */
  group_id?: Id;
  /**
   * Plugins of the consumer.
   */
  plugins?: PluginsMap;
}
/**
 * A credential of a consumer: one more set of auth-plugin secrets for the same consumer.
 */
export interface CredentialConf {
  /**
   * Credential id.
   */
  id?: Id;
  /**
   * Credential name.
   */
  name?: Name;
  /**
   * Credential description.
   */
  desc?: Desc;
  /**
   * Labels of the credential.
   */
  labels?: Labels;
  /**
   * Creation time.
   */
  create_time?: Timestamp;
  /**
   * Last update time.
   */
  update_time?: Timestamp;
  /**
   * Auth plugins of the credential.
   */
  plugins?: PluginsMap;
}
/**
 * A plugin config: a reusable plugin set that routes reference with plugin_config_id.
 */
export interface PluginConfigConf {
  /**
   * Plugin config id.
   */
  id?: Id;
  /**
   * Plugin config name.
   */
  name?: Name;
  /**
   * Plugin config description.
   */
  desc?: Desc;
  /**
   * Labels of the plugin config.
   */
  labels?: Labels;
  /**
   * Creation time.
   */
  create_time?: Timestamp;
  /**
   * Last update time.
   */
  update_time?: Timestamp;
  /**
   * The plugins.
   */
  plugins: PluginsMap;
}
/**
 * A global rule: plugins that run on every request before the route's plugins.
 */
export interface GlobalRuleConf {
  /**
   * Global rule id.
   */
  id?: Id;
  /**
   * Creation time.
   */
  create_time?: Timestamp;
  /**
   * Last update time.
   */
  update_time?: Timestamp;
  /**
   * Plugins run on every request.
   */
  plugins: PluginsMap;
}
/**
 * A consumer group: plugins shared by the consumers whose group_id points at it.
 */
export interface ConsumerGroupConf {
  /**
   * Consumer group id.
   */
  id?: Id;
  /**
   * Consumer group name.
   */
  name?: Name;
  /**
   * Consumer group description.
   */
  desc?: Desc;
  /**
   * Labels of the group.
   */
  labels?: Labels;
  /**
   * Creation time.
   */
  create_time?: Timestamp;
  /**
   * Last update time.
   */
  update_time?: Timestamp;
  /**
   * Plugins of the group.
   */
  plugins: PluginsMap;
}
/**
 * Plugin metadata: settings shared by every instance of one plugin, checked against that plugin's metadata schema.
 */
export interface PluginMetadataConf {
  /**
   * Name of the plugin the metadata belongs to.
   */
  id?: Id;
  [k: string]: unknown;
}
/**
 * A certificate and its key: served to clients whose SNI matches (type server) or presented to upstreams (type client) (APISIX schema_def ssl).
 */
export interface SslConf {
  /**
   * SSL id.
   */
  id?: Id;
  /**
   * server: served to clients by SNI; client: presented to upstreams (tls.client_cert_id).
   */
  type: 'server' | 'client';
  /**
   * Certificate (PEM), or a $secret:// / $env:// reference.
   */
  cert?: string;
  /**
   * Private key (PEM), or a $secret:// / $env:// reference.
   */
  key?: string;
  /**
   * The one SNI served, exact or wildcard (*.example.com).
   */
  sni?: string;
  /**
   * The SNIs served, exact or wildcard.
   *
   * @minItems 1
   */
  snis?: [string, ...string[]];
  /**
   * More certificates for the same SNIs (e.g. an ECDSA one next to RSA), paired with keys.
   */
  certs?: string[];
  /**
   * The private keys of certs, in the same order.
   */
  keys?: string[];
  /**
   * Client certificate verification (mTLS) for this SNI.
   */
  client?: {
    /**
     * CA certificate (PEM) client certificates must chain to.
     */
    ca: string;
    /**
     * Maximum verification depth of client certificate chains.
     */
    depth: number;
    /**
     * URIs (PCRE) for which no client certificate is required.
     *
     * @minItems 1
     */
    skip_mtls_uri_regex?: [string, ...string[]];
  };
  /**
   * 1 enables the SSL, 0 disables it.
   */
  status: 1 | 0;
  /**
   * TLS versions accepted for this SNI.
   *
   * @maxItems 3
   */
  ssl_protocols?:
    | []
    | ['TLSv1.1' | 'TLSv1.2' | 'TLSv1.3']
    | ['TLSv1.1' | 'TLSv1.2' | 'TLSv1.3', 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3']
    | [
        'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3',
        'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3',
        'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3',
      ];
  /**
   * SSL description.
   */
  desc?: Desc;
  /**
   * Labels of the SSL.
   */
  labels?: Labels;
  /**
   * Creation time.
   */
  create_time?: Timestamp;
  /**
   * Last update time.
   */
  update_time?: Timestamp;
}
/**
 * A stream route: matches L4 (TCP/UDP) connections by server address and port, client address and TLS SNI, and proxies their bytes to an upstream.
 */
export interface StreamRouteConf {
  /**
   * Stream route id.
   */
  id?: Id;
  /**
   * Stream route name.
   */
  name?: Name;
  /**
   * Stream route description.
   */
  desc?: Desc;
  /**
   * Labels of the stream route.
   */
  labels?: Labels;
  /**
   * Creation time.
   */
  create_time?: Timestamp;
  /**
   * Last update time.
   */
  update_time?: Timestamp;
  /**
   * Client address (IP or CIDR) to match.
   */
  remote_addr?: RemoteAddr;
  /**
   * Address (IP or CIDR) of the gateway that accepted the connection.
   */
  server_addr?: RemoteAddr;
  /**
   * Port of the gateway that accepted the connection.
   */
  server_port?: number;
  /**
   * TLS server name (from the ClientHello) to match; `*.example.com` matches one more label.
   */
  sni?: string;
  /**
   * Inline upstream.
   */
  upstream?: UpstreamConf;
  /**
   * Id of an upstream resource.
   */
  upstream_id?: Id;
  /**
   * Id of a service resource.
   */
  service_id?: Id;
  /**
   * Stream plugins (ip-restriction, limit-conn).
   */
  plugins?: PluginsMap;
  /**
   * xRPC protocol of the connections (APISIX's xRPC framework).
   */
  protocol?: {
    /**
     * Protocol name.
     */
    name: string;
    /**
     * Stream route whose router this one shares.
     */
    superior_id?: Id;
    /**
     * Protocol-specific configuration.
     */
    conf?: {
      [k: string]: unknown;
    };
    /**
     * Loggers of the protocol's requests.
     */
    logger?: {
      /**
       * Logger plugin name.
       */
      name?: string;
      /**
       * Logger filter rules.
       */
      filter?: unknown[];
      /**
       * Logger plugin configuration.
       */
      conf?: {
        [k: string]: unknown;
      };
    }[];
  };
}
/**
 * A protocol buffers definition (`/apisix/admin/protos/<id>`, APISIX's schema_def proto) that grpc-transcode plugin confs name by `proto_id`: a `.proto` source, or a base64 `FileDescriptorSet` (compiled `.pb`).
 */
export interface ProtoConf {
  /**
   * Proto id.
   */
  id?: Id;
  /**
   * Proto name.
   */
  name?: Name;
  /**
   * Proto description.
   */
  desc?: Desc;
  /**
   * Labels of the proto.
   */
  labels?: Labels;
  /**
   * Creation time.
   */
  create_time?: Timestamp;
  /**
   * Last update time.
   */
  update_time?: Timestamp;
  /**
   * The `.proto` source, or a base64-encoded `FileDescriptorSet`; compiled at write time.
   */
  content: string;
}
/**
 * A HashiCorp Vault secret manager (`/apisix/admin/secrets/vault/<id>`, APISIX's apisix/secret/vault.lua): `$secret://vault/<id>/<path>/<field>` reads `<field>` of `<uri>/v1/<prefix>/<path>`.
 */
export interface SecretVaultConf {
  /**
   * `<manager>/<id>`, set by the Admin API from the URL (APISIX's layout).
   */
  id?: string;
  /**
   * Creation time.
   */
  create_time?: Timestamp;
  /**
   * Last update time.
   */
  update_time?: Timestamp;
  /**
   * Vault's address, `http(s)://host[:port]`.
   */
  uri: string;
  /**
   * Path under `/v1/` the secret paths are relative to: a KV v1 mount (`kv/apisix`), or a KV v2 mount's read path (`secret/data`, Tollgate).
   */
  prefix: string;
  /**
   * Vault token sent as `X-Vault-Token`; may be an `$env://` reference.
   */
  token: string;
  /**
   * Vault Enterprise / HCP namespace sent as `X-Vault-Namespace`.
   */
  namespace?: string;
}
/**
 * An AWS Secrets Manager secret manager (`/apisix/admin/secrets/aws/<id>`, APISIX's apisix/secret/aws.lua): `$secret://aws/<id>/<secret_name>/<field>` reads `<field>` of the secret's JSON `SecretString`.
 */
export interface SecretAwsConf {
  /**
   * `<manager>/<id>`, set by the Admin API from the URL (APISIX's layout).
   */
  id?: string;
  /**
   * Creation time.
   */
  create_time?: Timestamp;
  /**
   * Last update time.
   */
  update_time?: Timestamp;
  /**
   * AWS access key id; may be an `$env://` reference.
   */
  access_key_id: string;
  /**
   * AWS secret access key; may be an `$env://` reference.
   */
  secret_access_key: string;
  /**
   * Temporary credentials' session token; may be an `$env://` reference.
   */
  session_token?: string;
  /**
   * AWS region the requests are signed for.
   */
  region: string;
  /**
   * Secrets Manager endpoint (default `https://secretsmanager.<region>.amazonaws.com`).
   */
  endpoint_url?: string;
}
/**
 * A GCP Secret Manager secret manager (`/apisix/admin/secrets/gcp/<id>`, APISIX's apisix/secret/gcp.lua): `$secret://gcp/<id>/<secret_name>/<field>` reads `<field>` of the latest version's JSON payload.
 */
export interface SecretGcpConf {
  /**
   * `<manager>/<id>`, set by the Admin API from the URL (APISIX's layout).
   */
  id?: string;
  /**
   * Creation time.
   */
  create_time?: Timestamp;
  /**
   * Last update time.
   */
  update_time?: Timestamp;
  /**
   * Service account credentials.
   */
  auth_config?: {
    /**
     * Service account e-mail.
     */
    client_email: string;
    /**
     * Service account private key (PEM).
     */
    private_key: string;
    /**
     * Project holding the secrets.
     */
    project_id: string;
    /**
     * OAuth 2.0 token endpoint.
     */
    token_uri: string;
    /**
     * OAuth scopes asked for.
     */
    scopes: string;
    /**
     * Secret Manager API base.
     */
    entries_uri: string;
  };
  /**
   * Verify the TLS certificates of Google's endpoints.
   */
  ssl_verify: boolean;
  /**
   * Path of a service account JSON file, read instead of `auth_config`.
   */
  auth_file?: string;
}
/**
 * Plugin name to the type of its route/service configuration.
 */
export interface PluginConfMap {
  'ai-aliyun-content-moderation': AiAliyunContentModerationConf;
  'ai-aws-content-moderation': AiAwsContentModerationConf;
  'ai-cache': AiCacheConf;
  'ai-consumer-rate-limiting': AiConsumerRateLimitingConf;
  'ai-lakera-guard': AiLakeraGuardConf;
  'ai-prompt-decorator': AiPromptDecoratorConf;
  'ai-prompt-guard': AiPromptGuardConf;
  'ai-prompt-template': AiPromptTemplateConf;
  'ai-proxy': AiProxyConf;
  'ai-proxy-multi': AiProxyMultiConf;
  'ai-rag': AiRagConf;
  'ai-rate-limiting': AiRateLimitingConf;
  'ai-request-rewrite': AiRequestRewriteConf;
  'ai-runaway-guard': AiRunawayGuardConf;
  'basic-auth': BasicAuthConf;
  'client-control': ClientControlConf;
  'consumer-restriction': ConsumerRestrictionConf;
  cors: CorsConf;
  'elasticsearch-logger': ElasticsearchLoggerConf;
  'fault-injection': FaultInjectionConf;
  'file-logger': FileLoggerConf;
  'forward-auth': ForwardAuthConf;
  'hmac-auth': HmacAuthConf;
  'http-logger': HttpLoggerConf;
  'ip-restriction': IpRestrictionConf;
  'jwt-auth': JwtAuthConf;
  'key-auth': KeyAuthConf;
  'limit-conn': LimitConnConf;
  'limit-count': LimitCountConf;
  'limit-req': LimitReqConf;
  'loki-logger': LokiLoggerConf;
  'multi-auth': MultiAuthConf;
  'openid-connect': OpenidConnectConf;
  opentelemetry: OpentelemetryConf;
  prometheus: PrometheusConf;
  'proxy-mirror': ProxyMirrorConf;
  'proxy-rewrite': ProxyRewriteConf;
  'real-ip': RealIpConf;
  redirect: RedirectConf;
  'referer-restriction': RefererRestrictionConf;
  'request-id': RequestIdConf;
  'request-validation': RequestValidationConf;
  'response-rewrite': ResponseRewriteConf;
  syslog: SyslogConf;
  'tcp-logger': TcpLoggerConf;
  'traffic-split': TrafficSplitConf;
  'ua-restriction': UaRestrictionConf;
  'udp-logger': UdpLoggerConf;
  'uri-blocker': UriBlockerConf;
}
/**
 * APISIX 3.18's ai-aliyun-content-moderation: send AI prompts and answers to Alibaba Cloud's TextModerationPlus and refuse those at or above a risk level. Needs ai-proxy or ai-proxy-multi on the route.
 */
export interface AiAliyunContentModerationConf {
  /**
   * Base URL of the Alibaba Cloud content moderation service (for example `https://green-cip.cn-shanghai.aliyuncs.com`); requests go to `POST /` of its origin (a path in it is not used).
   */
  endpoint: string;
  /**
   * Region sent as `RegionId` (for example `cn-shanghai`).
   */
  region_id: string;
  /**
   * AccessKey ID sent as `AccessKeyId`.
   */
  access_key_id: string;
  /**
   * AccessKey secret the requests are signed with (HMAC-SHA1). Stored encrypted; `$secret://` and `$env://` references are resolved.
   */
  access_key_secret: string;
  /**
   * Moderate the prompt before the LLM is called.
   */
  check_request: boolean;
  /**
   * Moderate the LLM's answer (see `stream_check_mode` for streams).
   */
  check_response: boolean;
  /**
   * Which user/tool messages are moderated: `last`, only the latest consecutive block of messages of the selected roles; `all`, every one. System messages are always checked when `system` is selected.
   */
  request_check_mode: 'last' | 'all';
  /**
   * Message roles moderated on the request side. `user` and `tool` follow `request_check_mode`; `system` (and `developer`, Responses `instructions`) is checked on every request.
   *
   * @minItems 1
   */
  request_check_roles: ['user' | 'tool' | 'system', ...('user' | 'tool' | 'system')[]];
  /**
   * TextModerationPlus `Service` for prompts.
   */
  request_check_service: string;
  /**
   * Characters of prompt text per moderation call; longer text is cut into pieces, one call each, and the first risky piece refuses.
   */
  request_check_length_limit: number;
  /**
   * TextModerationPlus `Service` for answers.
   */
  response_check_service: string;
  /**
   * Characters of answer text per moderation call.
   */
  response_check_length_limit: number;
  /**
   * Lowest `Data.RiskLevel` that refuses (`none` < `low` < `medium` < `high` < `max`).
   */
  risk_level_bar: 'none' | 'low' | 'medium' | 'high' | 'max';
  /**
   * Status of a refusal. 200 (the default) lets client SDKs read the completion-shaped refusal as an answer; a refused stream keeps the status already sent.
   */
  deny_code: number;
  /**
   * The assistant text of a refusal; when unset, the service's `Data.Advice[0].Answer`, else `Your request violate our content policy.`.
   */
  deny_message?: string;
  /**
   * Streams: `final_packet` moderates the whole answer at its end and adds `risk_level` to the data events of the last chunk; `realtime` moderates batches of text as they stream and ends the stream with the refusal on a hit.
   */
  stream_check_mode: 'realtime' | 'final_packet';
  /**
   * Realtime mode: characters of streamed text that make a batch.
   */
  stream_check_cache_size: number;
  /**
   * Realtime mode: seconds after which the text gathered so far is checked even if the batch is not full (checked when a chunk arrives).
   */
  stream_check_interval: number;
  /**
   * Milliseconds one moderation call may take.
   */
  timeout: number;
  /**
   * Keep connections to the service open between calls.
   */
  keepalive: boolean;
  /**
   * Most idle connections kept per endpoint.
   */
  keepalive_pool: number;
  /**
   * Milliseconds an idle connection is kept.
   */
  keepalive_timeout: number;
  /**
   * Verify the TLS certificate of an `https` endpoint.
   */
  ssl_verify: boolean;
  /**
   * Traffic the plugin cannot inspect (no AI instance picked, a content type other than JSON, a protocol without a conversation): `skip` passes it with an info log, `warn` with a warning, `error` refuses it.
   */
  fail_mode: 'skip' | 'warn' | 'error';
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * APISIX's `_meta` block, accepted by every plugin: controls whether and when the plugin runs.
 */
export interface PluginMeta {
  /**
   * When true the plugin is configured but skipped.
   */
  disable?: boolean;
  /**
   * Body sent instead of the plugin's own when the plugin ends the request.
   */
  error_response?:
    | string
    | {
        [k: string]: unknown;
      };
  /**
   * Overrides the plugin's priority for this configuration (higher runs first).
   */
  priority?: number;
  /**
   * Vars expression (lua-resty-expr syntax); the plugin runs only when it matches.
   */
  filter?: unknown[];
  /**
   * Lua function source APISIX runs before the plugin in each phase. Refused by Tollgate's Admin API (Tollgate does not run Lua); ignored with a warning in configurations APISIX wrote into etcd.
   */
  pre_function?: string;
}
/**
 * ai-aws-content-moderation: score prompts (and optionally answers) with Amazon Comprehend DetectToxicContent and refuse those over the thresholds. Needs ai-proxy or ai-proxy-multi on the same route.
 */
export interface AiAwsContentModerationConf {
  /**
   * The Comprehend endpoint and the AWS credentials that sign its calls (Signature V4).
   */
  comprehend: {
    /**
     * AWS access key id.
     */
    access_key_id: string;
    /**
     * AWS secret access key (stored encrypted; may be a $secret:// or $env:// reference).
     */
    secret_access_key: string;
    /**
     * Session token of temporary credentials (read by APISIX though not declared in its schema).
     */
    session_token?: string;
    /**
     * AWS region, e.g. us-east-1.
     */
    region: string;
    /**
     * Comprehend endpoint; only its scheme, host and port are used. Default https://comprehend.<region>.amazonaws.com.
     */
    endpoint?: string;
    /**
     * Verify the endpoint's TLS certificate.
     */
    ssl_verify: boolean;
  };
  /**
   * Per-category thresholds (0 to 1): a label scoring strictly above its threshold is refused.
   */
  moderation_categories?: {
    /**
     * This interface was referenced by `undefined`'s JSON-Schema definition
     * via the `patternProperty` "^(PROFANITY|HATE_SPEECH|INSULT|HARASSMENT_OR_ABUSE|SEXUAL|VIOLENCE_OR_THREAT)$".
     */
    [k: string]: number;
  };
  /**
   * Threshold of the overall Toxicity score: strictly above it is refused.
   */
  moderation_threshold: number;
  /**
   * Moderate the prompt before the LLM is called.
   */
  check_request: boolean;
  /**
   * Moderate the LLM's answer.
   */
  check_response: boolean;
  /**
   * Roles whose messages are moderated on the request side; system is checked on every request when listed, user and tool follow request_check_mode. Assistant turns are never moderated.
   *
   * @minItems 1
   */
  request_check_roles: ['user' | 'tool' | 'system', ...('user' | 'tool' | 'system')[]];
  /**
   * all: every user/tool message of the selected roles; last: only the last consecutive block of them.
   */
  request_check_mode: 'last' | 'all';
  /**
   * Most bytes of request text per Comprehend text segment; longer text is split (never inside a UTF-8 character).
   */
  request_check_length_limit: number;
  /**
   * Most bytes of answer text per Comprehend text segment.
   */
  response_check_length_limit: number;
  /**
   * realtime: moderate batches while the answer streams and end the stream with the deny on a hit; final_packet: moderate the whole answer at the end and add risk_level to the last chunk's events.
   */
  stream_check_mode: 'realtime' | 'final_packet';
  /**
   * realtime: size of a batch (UTF-8 bytes of answer text, as APISIX counts).
   */
  stream_check_cache_size: number;
  /**
   * realtime: seconds after which a batch is checked even when smaller than stream_check_cache_size.
   */
  stream_check_interval: number;
  /**
   * Status of a refusal; 200 lets client SDKs read the refusal as an ordinary completion.
   */
  deny_code: number;
  /**
   * Text of the refusal; by default the reason (`request body exceeds toxicity threshold`).
   */
  deny_message?: string;
  /**
   * Timeout of each Comprehend call in milliseconds.
   */
  timeout: number;
  /**
   * Reuse connections to Comprehend.
   */
  keepalive: boolean;
  /**
   * Idle time in milliseconds before a pooled Comprehend connection is closed.
   */
  keepalive_timeout: number;
  /**
   * What to do with a request the plugin cannot inspect (no ai-proxy in front, not JSON, no conversation): skip (pass, info log), warn (pass, warn log) or error (refuse).
   */
  fail_mode: 'skip' | 'warn' | 'error';
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * ai-cache: answers of the LLM cached in Redis and replayed for identical requests (APISIX 3.18's ai-cache; the semantic layer is accepted but not yet supported).
 */
export interface AiCacheConf {
  /**
   * The exact-match layer (L1).
   */
  exact: {
    /**
     * Seconds an exact entry lives.
     */
    ttl: number;
  };
  /**
   * What separates cache entries besides the request itself.
   */
  cache_key: {
    /**
     * Share entries between routes; by default each route has its own.
     */
    share_across_routes: boolean;
    /**
     * Give each consumer its own entries; by default consumers of a route share them.
     */
    include_consumer: boolean;
    /**
     * Variables whose values separate entries (e.g. `http_x_tenant`).
     */
    include_vars: string[];
  };
  /**
   * Largest response, in bytes, that is stored.
   */
  max_cache_body_size: number;
  /**
   * Send X-AI-Cache-Status (and X-AI-Cache-Age on a hit).
   */
  cache_headers: boolean;
  /**
   * What to do with a request the cache cannot handle (no ai-proxy or ai-proxy-multi in front): skip, warn (pass it on uncached) or error (refuse it).
   */
  fail_mode: 'skip' | 'warn' | 'error';
  /**
   * Rules that skip the cache (no lookup, no store) when any matches.
   *
   * @minItems 1
   */
  bypass_on?: [AiCacheBypassRule, ...AiCacheBypassRule[]];
  /**
   * Storage backend: a single Redis server.
   */
  policy: 'redis';
  /**
   * Cache layers; must contain exact. semantic is accepted but not yet supported by Tollgate (ignored with a warning).
   *
   * @minItems 1
   */
  layers: ['exact' | 'semantic', ...('exact' | 'semantic')[]];
  /**
   * The semantic layer (L2): accepted so APISIX configurations load; not yet supported (needs Redis 8 vector sets or RediSearch).
   */
  semantic?: {
    /**
     * Least cosine similarity of a match.
     */
    similarity_threshold: number;
    /**
     * Nearest neighbours fetched.
     */
    top_k: number;
    /**
     * Vector distance.
     */
    distance_metric: 'cosine';
    /**
     * Seconds a semantic entry lives.
     */
    ttl: number;
    /**
     * Which messages are embedded.
     */
    match: {
      /**
       * Last messages embedded.
       */
      message_countback: number;
      /**
       * Leave system messages out.
       */
      ignore_system_prompts: boolean;
      /**
       * Leave assistant messages out.
       */
      ignore_assistant_prompts: boolean;
      /**
       * Leave tool messages out.
       */
      ignore_tool_prompts: boolean;
    };
    /**
     * Embeddings service: exactly one of openai and azure_openai.
     */
    embedding: {
      /**
       * OpenAI-compatible embeddings API.
       */
      openai?: {
        /**
         * Embeddings endpoint URL.
         */
        endpoint?: string;
        /**
         * Embedding model.
         */
        model: string;
        /**
         * API key.
         */
        api_key: string;
        /**
         * Output dimensions.
         */
        dimensions?: number;
        /**
         * Verify the service's certificate.
         */
        ssl_verify: boolean;
        /**
         * Request timeout in milliseconds.
         */
        timeout: number;
      };
      /**
       * Azure OpenAI embeddings deployment.
       */
      azure_openai?: {
        /**
         * Deployment endpoint URL.
         */
        endpoint: string;
        /**
         * API key.
         */
        api_key: string;
        /**
         * Output dimensions.
         */
        dimensions?: number;
        /**
         * Verify the service's certificate.
         */
        ssl_verify: boolean;
        /**
         * Request timeout in milliseconds.
         */
        timeout: number;
      };
    };
    /**
     * Vector index.
     */
    vector_search: {
      /**
       * Redis vector index.
       */
      redis: {
        /**
         * Index name.
         */
        index: string;
      };
    };
  };
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
  /**
   * Redis server address.
   */
  redis_host?: string;
  /**
   * Redis server port.
   */
  redis_port?: number;
  /**
   * Redis ACL user name (Redis 6+).
   */
  redis_username?: string;
  /**
   * Redis password.
   */
  redis_password?: string;
  /**
   * Redis logical database number.
   */
  redis_database?: number;
  /**
   * Redis command timeout in milliseconds.
   */
  redis_timeout?: number;
  /**
   * Connect to Redis over TLS.
   */
  redis_ssl?: boolean;
  /**
   * Verify the Redis server certificate.
   */
  redis_ssl_verify?: boolean;
  /**
   * Idle time in milliseconds before a pooled Redis connection is closed.
   */
  redis_keepalive_timeout?: number;
  /**
   * Maximum number of pooled Redis connections.
   */
  redis_keepalive_pool?: number;
}
export interface AiCacheBypassRule {
  /**
   * Request header name.
   */
  header: string;
  /**
   * The header value that bypasses the cache.
   */
  equals: string;
}
/**
 * ai-consumer-rate-limiting (Tollgate's take on the API7 plugin): a consumer's own token quota per LLM instance, checked before the route's ai-rate-limiting.
 */
export interface AiConsumerRateLimitingConf {
  /**
   * Default tokens per time_window for instances not listed in instances; an integer or a variable template.
   */
  limit?: number | string;
  /**
   * Window length in seconds for limit; an integer or a variable template.
   */
  time_window?: number | string;
  /**
   * Which token count is charged, or `expression` to charge cost_expr.
   */
  limit_strategy: 'total_tokens' | 'prompt_tokens' | 'completion_tokens' | 'expression';
  /**
   * Arithmetic over the provider's raw usage fields (missing ones are 0); required when a strategy is expression.
   */
  cost_expr?: string;
  /**
   * The consumer's quota per instance.
   *
   * @minItems 1
   */
  instances?: [AiConsumerRateLimitingInstance, ...AiConsumerRateLimitingInstance[]];
  /**
   * Status of a refused request.
   */
  rejected_code: number;
  /**
   * Body message of a refused request, sent as {"error_msg": ...}.
   */
  rejected_msg?: string;
  /**
   * Tollgate extension: reserve each request's estimated tokens at admission (prompt tokens counted from the body plus max_tokens, or reserve_completion_tokens), so requests in flight count against the quota and concurrent requests cannot overshoot it; the estimate is replaced by the usage when it is known, and released when the request is refused or fails (on by default here; false gives APISIX's check-then-charge).
   */
  reserve_tokens: boolean;
  /**
   * Completion tokens reserved for a request that sets no max_tokens (with reserve_tokens).
   */
  reserve_completion_tokens: number;
  /**
   * Send the X-AI-Consumer-RateLimit-* headers.
   */
  show_limit_quota_header: boolean;
  /**
   * Where counters live.
   */
  policy: 'local' | 'redis' | 'redis-cluster';
  /**
   * Let requests through when the counter store fails.
   */
  allow_degradation: boolean;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
  /**
   * Redis server address.
   */
  redis_host?: string;
  /**
   * Redis server port.
   */
  redis_port?: number;
  /**
   * Redis ACL user name (Redis 6+).
   */
  redis_username?: string;
  /**
   * Redis password.
   */
  redis_password?: string;
  /**
   * Redis logical database number.
   */
  redis_database?: number;
  /**
   * Redis command timeout in milliseconds.
   */
  redis_timeout?: number;
  /**
   * Connect to Redis over TLS.
   */
  redis_ssl?: boolean;
  /**
   * Verify the Redis server certificate.
   */
  redis_ssl_verify?: boolean;
  /**
   * Idle time in milliseconds before a pooled Redis connection is closed.
   */
  redis_keepalive_timeout?: number;
  /**
   * Maximum number of pooled Redis connections.
   */
  redis_keepalive_pool?: number;
  /**
   * Addresses (host:port) of the cluster's seed nodes.
   *
   * @minItems 1
   */
  redis_cluster_nodes?: [string, ...string[]];
  /**
   * Name of the Redis cluster.
   */
  redis_cluster_name?: string;
  /**
   * Connect to the cluster over TLS.
   */
  redis_cluster_ssl?: boolean;
  /**
   * Verify the cluster nodes' certificates.
   */
  redis_cluster_ssl_verify?: boolean;
}
export interface AiConsumerRateLimitingInstance {
  /**
   * Instance name, as in ai-proxy-multi (or ai-proxy-<provider>).
   */
  name: string;
  /**
   * Tokens allowed per time_window; an integer or a variable template.
   */
  limit: number | string;
  /**
   * Window length in seconds; an integer or a variable template.
   */
  time_window: number | string;
  /**
   * Strategy for this instance (the plugin's limit_strategy when unset).
   */
  limit_strategy?: 'total_tokens' | 'prompt_tokens' | 'completion_tokens' | 'expression';
  /**
   * Expression for this instance (the plugin's cost_expr when unset).
   */
  cost_expr?: string;
}
/**
 * APISIX 3.18's ai-lakera-guard: scan AI prompts and answers with Lakera Guard v2 (POST /v2/guard) and refuse or log what it flags. Needs ai-proxy or ai-proxy-multi on the route.
 */
export interface AiLakeraGuardConf {
  /**
   * Lakera Guard API key, sent as `Authorization: Bearer`. Stored encrypted; `$secret://` and `$env://` references are resolved.
   */
  api_key: string;
  /**
   * Lakera Guard v2 endpoint.
   */
  lakera_endpoint: string;
  /**
   * Lakera project whose policy (detectors and thresholds) to apply; the account's default policy when unset.
   */
  project_id?: string;
  /**
   * Which traffic to scan: `input` (the prompt), `output` (the answer), or `both` (the prompt, then the answer when the prompt passed).
   */
  direction: 'input' | 'output' | 'both';
  /**
   * What a flagged verdict does: `block` refuses; `alert` only logs (shadow mode). Lakera errors stay governed by `fail_open` in both.
   */
  action: 'block' | 'alert';
  /**
   * When Lakera cannot answer (error status, timeout, undecodable body) or an answer cannot be scanned: `false` refuses, `true` lets it through.
   */
  fail_open: boolean;
  /**
   * Traffic the plugin cannot inspect (no AI instance picked, a protocol without a conversation): `skip` passes it with an info log, `warn` with a warning, `error` refuses it with 500.
   */
  fail_mode: 'skip' | 'warn' | 'error';
  /**
   * Milliseconds one Lakera call may take.
   */
  timeout: number;
  /**
   * Verify the TLS certificate of an `https` endpoint.
   */
  ssl_verify: boolean;
  /**
   * Append the detectors that fired (`. Flagged categories: <detector_type> (<result>), ...`) to the refusal text.
   */
  reveal_failure_categories: boolean;
  /**
   * Status of a refusal. 200 (the default) lets client SDKs read the completion-shaped refusal as an answer; a refused stream keeps the status already sent.
   */
  deny_code: number;
  /**
   * The assistant text of a refused prompt.
   */
  request_failure_message: string;
  /**
   * The assistant text of a refused answer.
   */
  response_failure_message: string;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * ai-prompt-decorator on a route, service, consumer or global rule: add configured messages before and after the conversation of an AI request.
 */
export interface AiPromptDecoratorConf {
  /**
   * Largest request body, in bytes, read to decorate; a larger body is refused with 400.
   */
  max_req_body_size: number;
  /**
   * Messages put before the conversation (Responses API: their contents, joined with newlines, before `instructions`).
   */
  prepend?: {
    /**
     * Role of the message.
     */
    role: 'system' | 'user' | 'assistant';
    /**
     * Text of the message.
     */
    content: string;
  }[];
  /**
   * Messages put after the conversation (Responses API: their contents, joined with newlines, after `input`).
   */
  append?: {
    /**
     * Role of the message.
     */
    role: 'system' | 'user' | 'assistant';
    /**
     * Text of the message.
     */
    content: string;
  }[];
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * ai-prompt-guard on a route, service, consumer or global rule: refuse AI requests whose prompt does not match an allow pattern or matches a deny pattern.
 */
export interface AiPromptGuardConf {
  /**
   * Largest request body, in bytes, read to check; a larger body is refused with 400 `Empty request body`, as APISIX answers.
   */
  max_req_body_size: number;
  /**
   * Check the messages of every role; when false, only `user` messages are checked.
   */
  match_all_roles: boolean;
  /**
   * Check every message of the conversation; when false, only the last one (the Responses API's `instructions` and `input` are always all checked).
   */
  match_all_conversation_history: boolean;
  /**
   * PCRE patterns (case-sensitive, UTF-8); when any is given, the checked text must match at least one, or the request is refused with 400 `Request doesn't match allow patterns`.
   *
   * @maxItems 100
   */
  allow_patterns: string[];
  /**
   * PCRE patterns (case-sensitive, UTF-8); when the checked text matches any, the request is refused with 400 `Request contains prohibited content`.
   *
   * @maxItems 100
   */
  deny_patterns: string[];
  /**
   * Traffic the plugin cannot inspect (a body that is not JSON, no AI protocol recognised): `skip` passes it with an info log, `warn` with a warning, `error` refuses it with 400.
   */
  fail_mode: 'skip' | 'warn' | 'error';
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * ai-prompt-template on a route, service, consumer or global rule: replace an AI request's body with a configured template chosen by `template_name` and filled from the request's fields.
 */
export interface AiPromptTemplateConf {
  /**
   * Largest request body, in bytes, read; a larger body is refused with 400.
   */
  max_req_body_size: number;
  /**
   * The templates; a request names one with `template_name` (the first of a name wins).
   *
   * @minItems 1
   */
  templates: [
    {
      /**
       * Name a request gives in `template_name`.
       */
      name: string;
      /**
       * The request body to send, whose strings may hold `{{ field }}` and `{{ field.sub }}` tags filled from the client's body.
       */
      template: {
        /**
         * Model of the rendered request.
         */
        model?: string;
        /**
         * Messages of the rendered request.
         *
         * @minItems 1
         */
        messages?: [
          {
            /**
             * Role of the message.
             */
            role: 'system' | 'user' | 'assistant';
            /**
             * Text of the message, with tags.
             */
            content: string;
          },
          ...{
            /**
             * Role of the message.
             */
            role: 'system' | 'user' | 'assistant';
            /**
             * Text of the message, with tags.
             */
            content: string;
          }[],
        ];
      };
    },
    ...{
      /**
       * Name a request gives in `template_name`.
       */
      name: string;
      /**
       * The request body to send, whose strings may hold `{{ field }}` and `{{ field.sub }}` tags filled from the client's body.
       */
      template: {
        /**
         * Model of the rendered request.
         */
        model?: string;
        /**
         * Messages of the rendered request.
         *
         * @minItems 1
         */
        messages?: [
          {
            /**
             * Role of the message.
             */
            role: 'system' | 'user' | 'assistant';
            /**
             * Text of the message, with tags.
             */
            content: string;
          },
          ...{
            /**
             * Role of the message.
             */
            role: 'system' | 'user' | 'assistant';
            /**
             * Text of the message, with tags.
             */
            content: string;
          }[],
        ];
      };
    }[],
  ];
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * ai-proxy: proxy the request to one LLM provider instance.
 */
export interface AiProxyConf {
  /**
   * The LLM provider.
   */
  provider: AiProvider;
  /**
   * Provider-specific settings (vertex-ai, bedrock).
   */
  provider_conf?: AiProviderConf;
  /**
   * Access-log options.
   */
  logging?: AiLogging;
  /**
   * Credentials sent to the provider.
   */
  auth: AiAuth;
  /**
   * Fields merged into the request body.
   */
  options?: AiOptions;
  /**
   * Endpoint and body overrides.
   */
  override?: AiOverride;
  /**
   * Timeout in milliseconds of each socket operation (connect, send, read).
   */
  timeout: number;
  /**
   * Refusals on this route add the client protocol's error object to APISIX's body (Tollgate extension; unset means true).
   */
  client_protocol_errors?: boolean;
  /**
   * Largest accepted client request body in bytes; larger bodies get 413.
   */
  max_req_body_size: number;
  /**
   * Longest a streamed response may last, in milliseconds (no cap when unset).
   */
  max_stream_duration_ms?: number;
  /**
   * Most bytes read from the provider for one response (no cap when unset).
   */
  max_response_bytes?: number;
  /**
   * Reuse connections to the provider.
   */
  keepalive: boolean;
  /**
   * Idle time in milliseconds before a pooled connection is closed.
   */
  keepalive_timeout: number;
  /**
   * Maximum pooled connections per provider host.
   */
  keepalive_pool: number;
  /**
   * How often streamed bytes are flushed to the client, in milliseconds (0 = every chunk).
   */
  streaming_flush_interval_ms: number;
  /**
   * Verify the provider's TLS certificate.
   */
  ssl_verify: boolean;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * Provider-specific settings (vertex-ai: project_id + region; bedrock: region).
 */
export interface AiProviderConf {
  /**
   * Google Cloud project id (vertex-ai).
   */
  project_id?: string;
  /**
   * Region: the GCP region for vertex-ai, the AWS region for bedrock.
   */
  region?: string;
}
/**
 * What the AI proxy adds to access-log entries.
 */
export interface AiLogging {
  /**
   * Log a summary of each LLM call (model, duration, token counts).
   */
  summaries: boolean;
  /**
   * Log request messages and response text.
   */
  payloads: boolean;
}
/**
 * Credentials sent to the LLM provider. Keys are matched as patterns, as in APISIX; no other keys.
 */
export interface AiAuth {
  /**
   * Request headers added to every LLM request (they win over client headers).
   */
  header?: {
    /**
     * Header value.
     *
     * This interface was referenced by `undefined`'s JSON-Schema definition
     * via the `patternProperty` "^[a-zA-Z0-9._-]+$".
     */
    [k: string]: string;
  };
  /**
   * Query parameters added to every LLM request.
   */
  query?: {
    /**
     * Parameter value.
     *
     * This interface was referenced by `undefined`'s JSON-Schema definition
     * via the `patternProperty` "^[a-zA-Z0-9._-]+$".
     */
    [k: string]: string;
  };
  /**
   * Google Cloud service-account authentication (vertex-ai); env GCP_SERVICE_ACCOUNT also works.
   */
  gcp?: {
    /**
     * Service account key file content (JSON), or a secret reference.
     */
    service_account_json?: string;
    /**
     * Maximum lifetime in seconds of a cached access token.
     */
    max_ttl?: number;
    /**
     * Refresh the access token this many seconds before it expires.
     */
    expire_early_secs: number;
  };
  /**
   * AWS IAM credentials used to SigV4-sign requests (bedrock).
   */
  aws?: {
    /**
     * AWS access key id.
     */
    access_key_id: string;
    /**
     * AWS secret access key.
     */
    secret_access_key: string;
    /**
     * AWS session token for temporary credentials.
     */
    session_token?: string;
  };
}
/**
 * Fields merged into the top level of every LLM request body (they overwrite client values).
 */
export interface AiOptions {
  /**
   * Model to use; for bedrock a model id or an inference profile ARN.
   */
  model?: string;
  [k: string]: unknown;
}
/**
 * Overrides of the provider's endpoint and of the outgoing request body.
 */
export interface AiOverride {
  /**
   * LLM endpoint URL; scheme and host only (provider path used) or a full URL with path and query.
   */
  endpoint?: string;
  /**
   * Prometheus metrics URL of the instance (vLLM, SGLang), scraped for ai-proxy-multi's queue_aware balancer (Tollgate extension; default none; ai-proxy ignores it).
   */
  metrics_endpoint?: string;
  /**
   * Provider-independent options mapped to each provider's field names.
   */
  llm_options?: {
    /**
     * Maximum number of output tokens; always overwrites the client's value.
     */
    max_tokens?: number;
  };
  /**
   * Per target-protocol partial bodies deep-merged into the outgoing request body.
   */
  request_body?: {
    /**
     * Merged when the target protocol is anthropic-messages.
     */
    'anthropic-messages'?: {
      [k: string]: unknown;
    };
    /**
     * Merged when the target protocol is bedrock-converse.
     */
    'bedrock-converse'?: {
      [k: string]: unknown;
    };
    /**
     * Merged when the target protocol is openai-chat.
     */
    'openai-chat'?: {
      [k: string]: unknown;
    };
    /**
     * Merged when the target protocol is openai-embeddings.
     */
    'openai-embeddings'?: {
      [k: string]: unknown;
    };
    /**
     * Merged when the target protocol is openai-responses.
     */
    'openai-responses'?: {
      [k: string]: unknown;
    };
    /**
     * Merged when the target protocol is passthrough.
     */
    passthrough?: {
      [k: string]: unknown;
    };
  };
  /**
   * When true request_body values overwrite client fields; when false they only fill missing ones.
   */
  request_body_force_override: boolean;
}
/**
 * ai-proxy-multi: balance requests over several LLM instances with priorities, health checks and fallback.
 */
export interface AiProxyMultiConf {
  /**
   * How an instance is picked within a priority group. The load-aware algorithms and their settings (least_busy, least_latency, queue_aware, scrape_interval_ms ... prefix_affinity) are a Tollgate extension (docs/scheduling.md); their defaults are applied at run time, not stored.
   */
  balancer: {
    /**
     * Balancing algorithm: APISIX's roundrobin, chash, semantic; Tollgate's least_busy, least_latency, queue_aware.
     */
    algorithm?:
      'chash' | 'roundrobin' | 'semantic' | 'least_busy' | 'least_latency' | 'queue_aware';
    /**
     * What chash hashes on.
     */
    hash_on: 'vars' | 'header' | 'cookie' | 'consumer' | 'vars_combinations';
    /**
     * The chash key (variable, header or cookie name, or a template).
     */
    key?: string;
    /**
     * How often the node's primary scrapes each instance's metrics_endpoint, in milliseconds (queue_aware; default 100).
     */
    scrape_interval_ms?: number;
    /**
     * queue_aware keeps each instance's waiting requests (scraped, plus those sent since the scrape) at or below this: an instance that one more request would take over it is saturated and skipped (default 5).
     */
    queue_threshold?: number;
    /**
     * An instance whose KV-cache use (0..1) is above this is saturated and skipped (default 0.8).
     */
    kv_cache_threshold?: number;
    /**
     * Readings older than this many milliseconds are ignored; the group is then balanced by least_busy (default 500).
     */
    stale_after_ms?: number;
    /**
     * Time constant of least_latency's moving averages, in milliseconds (default 10000).
     */
    latency_decay_ms?: number;
    /**
     * Send prompts that share their first prefix_chars characters to the same instance while it is not saturated (KV-cache reuse).
     */
    prefix_affinity?: {
      /**
       * How many leading characters of the prompt are hashed.
       */
      prefix_chars: number;
    };
  };
  /**
   * The LLM instances; names must be unique.
   *
   * @minItems 1
   */
  instances: [AiInstance, ...AiInstance[]];
  /**
   * Access-log options.
   */
  logging?: AiLogging;
  /**
   * When to try another instance: skip rate-limited instances, and/or retry on 429 / 5xx.
   */
  fallback_strategy?:
    | ('instance_health_and_rate_limiting' | 'http_429' | 'http_5xx')
    | ('rate_limiting' | 'http_429' | 'http_5xx')[];
  /**
   * Extra upstream statuses (400..599) that trigger a retry on another instance.
   *
   * @minItems 1
   */
  fallback_http_statuses?: [number, ...number[]];
  /**
   * Most retries per request (no cap when unset).
   */
  max_retries?: number;
  /**
   * Retry only when the failed attempt took at most this many milliseconds.
   */
  retry_on_failure_within_ms?: number;
  /**
   * Timeout in milliseconds of each socket operation (connect, send, read).
   */
  timeout: number;
  /**
   * Refusals on this route add the client protocol's error object to APISIX's body (Tollgate extension; unset means true).
   */
  client_protocol_errors?: boolean;
  /**
   * Largest accepted client request body in bytes; larger bodies get 413.
   */
  max_req_body_size: number;
  /**
   * Longest a streamed response may last, in milliseconds (no cap when unset).
   */
  max_stream_duration_ms?: number;
  /**
   * Most bytes read from the provider for one response (no cap when unset).
   */
  max_response_bytes?: number;
  /**
   * Reuse connections to the providers.
   */
  keepalive: boolean;
  /**
   * Idle time in milliseconds before a pooled connection is closed.
   */
  keepalive_timeout: number;
  /**
   * Maximum pooled connections per provider host.
   */
  keepalive_pool: number;
  /**
   * How often streamed bytes are flushed to the client, in milliseconds (0 = every chunk).
   */
  streaming_flush_interval_ms: number;
  /**
   * Verify the providers' TLS certificates.
   */
  ssl_verify: boolean;
  /**
   * Options of the semantic balancing algorithm (accepted, not implemented by Tollgate).
   */
  semantic_opts?: {
    [k: string]: unknown;
  };
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
export interface AiInstance {
  /**
   * Instance name, used in rate-limit counters and headers.
   */
  name: string;
  /**
   * The LLM provider.
   */
  provider: AiProvider;
  /**
   * Higher priorities are preferred; lower ones serve only on fallback.
   */
  priority: number;
  /**
   * Weight within its priority group.
   */
  weight: number;
  /**
   * Credentials sent to the provider.
   */
  auth: AiAuth;
  /**
   * Fields merged into the request body.
   */
  options?: AiOptions;
  /**
   * Endpoint and body overrides.
   */
  override?: AiOverride;
  /**
   * Provider-specific settings (vertex-ai, bedrock).
   */
  provider_conf?: AiProviderConf;
  /**
   * Health checks of the instance's endpoint.
   */
  checks?: {
    /**
     * Active probes.
     */
    active: HealthCheckActive;
    /**
     * Health judged from live traffic (Tollgate extension; APISIX ignores it).
     */
    passive?: HealthCheckPassive;
  };
  /**
   * Example prompts describing the instance (semantic algorithm).
   *
   * @minItems 1
   * @maxItems 64
   */
  examples?: [string, ...string[]];
  /**
   * Minimum similarity for the instance to be picked (semantic algorithm).
   */
  threshold?: number;
}
/**
 * ai-rag: embed the request's query with Azure OpenAI, search Azure AI Search with the vector, and append the result to the messages.
 */
export interface AiRagConf {
  /**
   * Where embeddings come from (one provider).
   */
  embeddings_provider: {
    azure_openai: AiRagAzureOpenai;
  };
  /**
   * Where the vector search runs (one provider).
   */
  vector_search_provider: {
    azure_ai_search: AiRagAzureAiSearch;
  };
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * Azure OpenAI embeddings deployment.
 */
export interface AiRagAzureOpenai {
  /**
   * Embeddings URL, with the deployment path and `api-version` query.
   */
  endpoint: string;
  /**
   * Sent as the `api-key` header.
   */
  api_key: string;
}
/**
 * Azure AI Search index.
 */
export interface AiRagAzureAiSearch {
  /**
   * Search URL (`.../indexes/<index>/docs/search?api-version=...`).
   */
  endpoint: string;
  /**
   * Sent as the `api-key` header.
   */
  api_key: string;
}
/**
 * ai-rate-limiting: token quotas per LLM instance (or per rule), charged after each response.
 */
export interface AiRateLimitingConf {
  /**
   * Tokens allowed per time_window for each instance not listed in instances; an integer or a variable template.
   */
  limit?: number | string;
  /**
   * Window length in seconds for limit; an integer or a variable template.
   */
  time_window?: number | string;
  /**
   * Tollgate extension: reserve each request's estimated tokens at admission (prompt tokens counted from the body plus max_tokens, or reserve_completion_tokens), so requests in flight count against the quota and concurrent requests cannot overshoot it; the estimate is replaced by the usage when it is known, and released when the request is refused or fails (off by default here, for APISIX's check-then-charge).
   */
  reserve_tokens: boolean;
  /**
   * Completion tokens reserved for a request that sets no max_tokens (with reserve_tokens).
   */
  reserve_completion_tokens: number;
  /**
   * Send the X-AI-RateLimit-* headers.
   */
  show_limit_quota_header: boolean;
  /**
   * Which token count is charged, or `expression` to charge cost_expr.
   */
  limit_strategy: 'total_tokens' | 'prompt_tokens' | 'completion_tokens' | 'expression';
  /**
   * Arithmetic over the provider's raw usage fields (missing ones are 0); required when limit_strategy is expression.
   */
  cost_expr?: string;
  /**
   * Per-instance quotas.
   *
   * @minItems 1
   */
  instances?: [AiRateLimitingInstance, ...AiRateLimitingInstance[]];
  /**
   * Status of a refused request.
   */
  rejected_code: number;
  /**
   * Body message of a refused request, sent as {"error_msg": ...}.
   */
  rejected_msg?: string;
  /**
   * Where counters live.
   */
  policy: 'local' | 'redis' | 'redis-cluster' | 'redis-sentinel';
  /**
   * Let requests through when the counter store fails.
   */
  allow_degradation: boolean;
  /**
   * Quotas keyed by request variables instead of instance names.
   */
  rules?: AiRateLimitingRule[];
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
  /**
   * Redis server address.
   */
  redis_host?: string;
  /**
   * Redis server port.
   */
  redis_port?: number;
  /**
   * Redis ACL user name (Redis 6+).
   */
  redis_username?: string;
  /**
   * Redis password.
   */
  redis_password?: string;
  /**
   * Redis logical database number.
   */
  redis_database?: number;
  /**
   * Redis command timeout in milliseconds.
   */
  redis_timeout?: number;
  /**
   * Connect to Redis over TLS.
   */
  redis_ssl?: boolean;
  /**
   * Verify the Redis server certificate.
   */
  redis_ssl_verify?: boolean;
  /**
   * Idle time in milliseconds before a pooled Redis connection is closed.
   */
  redis_keepalive_timeout?: number;
  /**
   * Maximum number of pooled Redis connections.
   */
  redis_keepalive_pool?: number;
  /**
   * Addresses (host:port) of the cluster's seed nodes.
   *
   * @minItems 1
   */
  redis_cluster_nodes?: [string, ...string[]];
  /**
   * Name of the Redis cluster.
   */
  redis_cluster_name?: string;
  /**
   * Connect to the cluster over TLS.
   */
  redis_cluster_ssl?: boolean;
  /**
   * Verify the cluster nodes' certificates.
   */
  redis_cluster_ssl_verify?: boolean;
  /**
   * Sentinel servers to ask for the current master.
   *
   * @minItems 1
   */
  redis_sentinels?: [
    {
      /**
       * Sentinel host.
       */
      host: string;
      /**
       * Sentinel port.
       */
      port: number;
    },
    ...{
      /**
       * Sentinel host.
       */
      host: string;
      /**
       * Sentinel port.
       */
      port: number;
    }[],
  ];
  /**
   * Name of the master group watched by the sentinels.
   */
  redis_master_name?: string;
  /**
   * Connect to the master or to a replica.
   */
  redis_role?: 'master' | 'slave';
  /**
   * Connect timeout in milliseconds.
   */
  redis_connect_timeout?: number;
  /**
   * Read timeout in milliseconds.
   */
  redis_read_timeout?: number;
  /**
   * User name for the sentinels.
   */
  sentinel_username?: string;
  /**
   * Password for the sentinels.
   */
  sentinel_password?: string;
}
export interface AiRateLimitingInstance {
  /**
   * Instance name, as in ai-proxy-multi (or ai-proxy-<provider>).
   */
  name: string;
  /**
   * Tokens allowed per time_window; an integer or a variable template.
   */
  limit: number | string;
  /**
   * Window length in seconds; an integer or a variable template.
   */
  time_window: number | string;
}
export interface AiRateLimitingRule {
  /**
   * Tokens allowed per time_window; an integer or a variable template.
   */
  count: number | string;
  /**
   * Window length in seconds; an integer or a variable template.
   */
  time_window: number | string;
  /**
   * Counter key template; the rule applies when it resolves.
   */
  key: string;
  /**
   * Prefix of this rule's rate-limit headers.
   */
  header_prefix?: string;
}
/**
 * ai-request-rewrite: send the client body to an LLM with a prompt and forward the LLM's answer as the new request body.
 */
export interface AiRequestRewriteConf {
  /**
   * The system prompt sent to the LLM with the client body as the user message.
   */
  prompt: string;
  /**
   * The LLM provider.
   */
  provider: AiProvider;
  /**
   * Credentials sent to the LLM provider.
   */
  auth: {
    /**
     * Request headers added to the LLM request.
     */
    header?: {
      /**
       * Header value.
       *
       * This interface was referenced by `undefined`'s JSON-Schema definition
       * via the `patternProperty` "^[a-zA-Z0-9._-]+$".
       */
      [k: string]: string;
    };
    /**
     * Query parameters added to the LLM request.
     */
    query?: {
      /**
       * Parameter value.
       *
       * This interface was referenced by `undefined`'s JSON-Schema definition
       * via the `patternProperty` "^[a-zA-Z0-9._-]+$".
       */
      [k: string]: string;
    };
  };
  /**
   * Fields merged into the LLM request body (`model` and any other key).
   */
  options?: {
    /**
     * Model to use.
     */
    model?: string;
    [k: string]: unknown;
  };
  /**
   * Total time in milliseconds allowed for the LLM call (connect, send and read).
   */
  timeout: number;
  /**
   * Reuse connections to the LLM.
   */
  keepalive: boolean;
  /**
   * Maximum pooled connections to the LLM.
   */
  keepalive_pool: number;
  /**
   * Verify the LLM's TLS certificate.
   */
  ssl_verify: boolean;
  /**
   * Endpoint override.
   */
  override?: {
    /**
     * LLM endpoint URL, replacing the provider's; required for openai-compatible.
     */
    endpoint?: string;
  };
  /**
   * Largest client body in bytes sent to the LLM; a larger one gets 400.
   */
  max_req_body_size: number;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * ai-runaway-guard (a Tollgate extension, not an APISIX plugin) on a route, service, plugin config or consumer of an ai-proxy route: ends an LLM answer that loops (an n-gram repeated too often), grows past a token count, or streams past a duration; the tokens already produced are charged.
 */
export interface AiRunawayGuardConf {
  /**
   * The loop detector: the same n-gram of word-ish tokens seen more than `max_repeats` times among the last `window_tokens` n-grams ends the answer.
   */
  repetition: {
    /**
     * Run the loop detector.
     */
    enabled: boolean;
    /**
     * Tokens per n-gram: words, runs of punctuation, or single CJK characters.
     */
    ngram_tokens: number;
    /**
     * How many of the latest n-grams are counted (a sliding window over the answer); must be greater than `max_repeats`. A loop whose period is longer than `window_tokens / max_repeats` tokens is not seen.
     */
    window_tokens: number;
    /**
     * How many times one n-gram may occur in the window; one more ends the answer.
     */
    max_repeats: number;
  };
  /**
   * Most completion tokens an answer may have: the answer's text at about 4 characters a token (as usage is estimated), or the upstream's completion tokens when it reports more. Unset: no limit.
   */
  max_output_tokens?: number;
  /**
   * Streams only: most milliseconds from the access phase (time to first token included) to the end of the stream. Unset: no limit.
   */
  max_duration_ms?: number;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * basic-auth on a route or service: HTTP Basic authentication of consumers.
 */
export interface BasicAuthConf {
  /**
   * Remove the Authorization header from the request before it is proxied.
   */
  hide_credentials: boolean;
  /**
   * Consumer used when authentication fails, instead of answering 401.
   */
  anonymous_consumer?: string;
  /**
   * Realm sent in the WWW-Authenticate header of a 401 for a request without Authorization.
   */
  realm: string;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * client-control on a route or service: limits on what a client may send (nginx's client_max_body_size, per route).
 */
export interface ClientControlConf {
  /**
   * Largest request body in bytes; a larger one is answered 413. 0 means no limit.
   */
  max_body_size?: number;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * consumer-restriction on a route, service or consumer: allow or refuse requests by consumer name, consumer group, route or service, and a consumer's methods.
 */
export interface ConsumerRestrictionConf {
  /**
   * What the lists name: the authenticated consumer, its consumer group, or the matched route or service.
   */
  type: 'consumer_name' | 'consumer_group_id' | 'service_id' | 'route_id';
  /**
   * Values refused; checked first.
   *
   * @minItems 1
   */
  blacklist?: [string, ...string[]];
  /**
   * Values allowed; every other value is refused.
   *
   * @minItems 1
   */
  whitelist?: [string, ...string[]];
  /**
   * Per consumer (`user`, matched against the value of `type`), the HTTP methods it may use; values not listed may use any. Not applied to whitelisted values.
   */
  allowed_by_methods?: {
    /**
     * The consumer (value of `type`) the entry is for.
     */
    user?: string;
    /**
     * Methods allowed to that consumer.
     *
     * @minItems 1
     */
    methods?: [HttpMethod, ...HttpMethod[]];
  }[];
  /**
   * Status of a refusal (not of the 401 for a request without the value).
   */
  rejected_code: number;
  /**
   * Message of a refusal; default `The <type> is forbidden.`.
   */
  rejected_msg?: string;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * cors on a route or service: which origins may read the response, and the CORS headers sent to them.
 */
export interface CorsConf {
  /**
   * Origins allowed, `scheme://host:port` separated by `,`; `*` for any origin (not with `allow_credential`), `**` for any origin even with credentials (echoes the request's Origin), `null` for the `null` origin.
   */
  allow_origins: string;
  /**
   * Access-Control-Allow-Methods, `,` separated; `*` for any (not with `allow_credential`), `**` for every method even with credentials.
   */
  allow_methods: string;
  /**
   * Access-Control-Allow-Headers, `,` separated; `*` for any (not with `allow_credential`), `**` to echo the request's Access-Control-Request-Headers.
   */
  allow_headers: string;
  /**
   * Access-Control-Expose-Headers, `,` separated; `*` for any (not with `allow_credential`). Not sent when unset or empty.
   */
  expose_headers?: string;
  /**
   * Access-Control-Max-Age: seconds a browser may cache the preflight result; -1 disables caching.
   */
  max_age: number;
  /**
   * Send Access-Control-Allow-Credentials: true. When true, no other option may be `*`.
   */
  allow_credential: boolean;
  /**
   * Regular expressions an allowed Origin matches (searched, not anchored). When set, they replace `allow_origins`.
   *
   * @minItems 1
   */
  allow_origins_by_regex?: [string, ...string[]];
  /**
   * Keys of the `allow_origins` map in the plugin metadata of `cors`; an Origin allowed by any of them is allowed.
   *
   * @minItems 1
   */
  allow_origins_by_metadata?: [string, ...string[]];
  /**
   * Origins sent Timing-Allow-Origin, in the format of `allow_origins`.
   */
  timing_allow_origins?: string;
  /**
   * Regular expressions an Origin matches to be sent Timing-Allow-Origin. When set, they replace `timing_allow_origins`.
   *
   * @minItems 1
   */
  timing_allow_origins_by_regex?: [string, ...string[]];
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * APISIX's batch processor options (apisix/utils/batch-processor.lua), merged into every batching logger's schema. Each logger declares `name` again with its own default (`http logger`, ...).
 */
export interface LoggerBatchConf {
  /**
   * Name of the batch processor, in its log lines.
   */
  name?: string;
  /**
   * Entries per batch: a full batch is sent at once. With 1, each entry is sent on its own.
   */
  batch_max_size: number;
  /**
   * Seconds without a new entry after which the buffer is sent.
   */
  inactive_timeout: number;
  /**
   * Maximum age in seconds of the oldest buffered entry before the buffer is sent.
   */
  buffer_duration: number;
  /**
   * How many times a failed batch is sent again before it is dropped.
   */
  max_retry_count: number;
  /**
   * Seconds between the attempts to send a failed batch.
   */
  retry_delay: number;
}
/**
 * What a logger puts in each entry (apisix/utils/log-util.lua): a custom `log_format`, extra fields, and the request and response bodies.
 */
export interface LoggerBodyConf {
  /**
   * Custom entry: key → `$variable`, literal, or nested object (five levels). Replaces the default entry; wins over the plugin metadata's `log_format`.
   */
  log_format?: {
    [k: string]: unknown;
  };
  /**
   * Fields added to the default entry, never overwriting a default field; same value syntax as `log_format`. Ignored when a `log_format` applies.
   */
  log_format_extra?: {
    [k: string]: unknown;
  };
  /**
   * Put the request body in the entry (`request.body`).
   */
  include_req_body: boolean;
  /**
   * lua-resty-expr conditions: the request body is logged only when they match.
   *
   * @minItems 1
   */
  include_req_body_expr?: [unknown[], ...unknown[][]];
  /**
   * Put the response body in the entry (`response.body`).
   */
  include_resp_body: boolean;
  /**
   * lua-resty-expr conditions: the response body is logged only when they match.
   *
   * @minItems 1
   */
  include_resp_body_expr?: [unknown[], ...unknown[][]];
  /**
   * Bytes of the request body kept in the entry; the rest is cut off.
   */
  max_req_body_bytes: number;
  /**
   * Bytes of the response body kept in the entry; the rest is cut off.
   */
  max_resp_body_bytes: number;
}
/**
 * fault-injection on a route or service: delay requests and/or answer them with a given status instead of proxying, for resilience tests.
 */
export interface FaultInjectionConf {
  /**
   * Answer the request with `http_status` (and `body`, `headers`) instead of proxying it.
   */
  abort?: {
    /**
     * Status of the answer.
     */
    http_status: number;
    /**
     * Body of the answer; `$var` is replaced by request variables.
     */
    body?: string;
    /**
     * Headers of the abort response; values may use `$var`.
     */
    headers?: {
      /**
       * This interface was referenced by `undefined`'s JSON-Schema definition
       * via the `patternProperty` "^[^:]+$".
       */
      [k: string]: string | number;
    };
    /**
     * Percentage of requests aborted (all when unset).
     */
    percentage?: number;
    /**
     * Inject only into requests matching these rules (lua-resty-expr syntax).
     */
    vars?:
      | []
      | [string | number | boolean | (string | number | boolean)[]]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ][];
  };
  /**
   * Hold the request for `duration` seconds before it goes on.
   */
  delay?: {
    /**
     * Delay in seconds (decimals allowed).
     */
    duration: number;
    /**
     * Percentage of requests delayed (all when unset).
     */
    percentage?: number;
    /**
     * Inject only into requests matching these rules (lua-resty-expr syntax).
     */
    vars?:
      | []
      | [string | number | boolean | (string | number | boolean)[]]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ][];
  };
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * APISIX's file-logger: each request's log entry appended to a file as one JSON line.
 */
export interface FileLoggerConf {
  /**
   * The log file (relative to the gateway's working directory unless absolute).
   */
  path: string;
  /**
   * Custom entry: key → `$variable`, literal, or nested object (five levels). Replaces the default entry; wins over the plugin metadata's `log_format`.
   */
  log_format?: {
    [k: string]: unknown;
  };
  /**
   * Put the request body in the entry (`request.body`).
   */
  include_req_body: boolean;
  /**
   * lua-resty-expr conditions: the request body is logged only when they match.
   *
   * @minItems 1
   */
  include_req_body_expr?: [unknown[], ...unknown[][]];
  /**
   * Put the response body in the entry (`response.body`).
   */
  include_resp_body: boolean;
  /**
   * lua-resty-expr conditions: the response body is logged only when they match.
   *
   * @minItems 1
   */
  include_resp_body_expr?: [unknown[], ...unknown[][]];
  /**
   * lua-resty-expr conditions: a request is logged only when they match.
   *
   * @maxItems 20
   */
  match?: unknown[][];
}
/**
 * forward-auth on a route or service: ask an external authorization service about each request before proxying it.
 */
export interface ForwardAuthConf {
  /**
   * URI of the authorization service.
   */
  uri: string;
  /**
   * Let the request through when the authorization service cannot be reached.
   */
  allow_degradation: boolean;
  /**
   * Status answered when the authorization service cannot be reached (and allow_degradation is false).
   */
  status_on_error: number;
  /**
   * Verify the authorization service's TLS certificate.
   */
  ssl_verify: boolean;
  /**
   * Method of the request to the authorization service; POST forwards the client's body.
   */
  request_method: 'GET' | 'POST';
  /**
   * Client request headers sent to the authorization service.
   */
  request_headers: string[];
  /**
   * Extra headers sent to the authorization service; values may contain variables such as $remote_addr.
   */
  extra_headers?: {
    /**
     * This interface was referenced by `undefined`'s JSON-Schema definition
     * via the `patternProperty` "^[^:]+$".
     */
    [k: string]: string;
  };
  /**
   * Authorization service response headers set on the upstream request when it allows the request.
   */
  upstream_headers: string[];
  /**
   * Authorization service response headers sent to the client when it refuses the request.
   */
  client_headers: string[];
  /**
   * Timeout of the call to the authorization service, in milliseconds.
   */
  timeout: number;
  /**
   * Keep connections to the authorization service open for reuse.
   */
  keepalive: boolean;
  /**
   * How long an idle connection is kept, in milliseconds.
   */
  keepalive_timeout: number;
  /**
   * Most idle connections kept per authorization service.
   */
  keepalive_pool: number;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * hmac-auth on a route or service: which HMAC signatures (draft-cavage-http-signatures) are accepted.
 */
export interface HmacAuthConf {
  /**
   * HMAC algorithms a request may sign with.
   *
   * @minItems 1
   */
  allowed_algorithms: [
    'hmac-sha1' | 'hmac-sha256' | 'hmac-sha512',
    ...('hmac-sha1' | 'hmac-sha256' | 'hmac-sha512')[],
  ];
  /**
   * Largest difference in seconds allowed between the Date (or X-Date) header and the gateway's clock.
   */
  clock_skew: number;
  /**
   * Headers every request must include in its signature.
   */
  signed_headers?: string[];
  /**
   * Check the body against the Digest header (SHA-256=<base64>).
   */
  validate_request_body: boolean;
  /**
   * Remove the Authorization header from the request before it is proxied.
   */
  hide_credentials: boolean;
  /**
   * Consumer used when authentication fails, instead of answering 401.
   */
  anonymous_consumer?: string;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * ip-restriction on a route or service: allow only, or refuse, client addresses in a list of IPs and CIDR ranges.
 */
export interface IpRestrictionConf {
  /**
   * Message of the refusal body `{"message": ...}`.
   */
  message: string;
  /**
   * Status of the refusal.
   */
  response_code: number;
  /**
   * IPv4/IPv6 addresses and CIDR ranges allowed; every other client is refused.
   *
   * @minItems 1
   */
  whitelist?: [RemoteAddr, ...RemoteAddr[]];
  /**
   * IPv4/IPv6 addresses and CIDR ranges refused; every other client is allowed.
   *
   * @minItems 1
   */
  blacklist?: [RemoteAddr, ...RemoteAddr[]];
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * jwt-auth on a route or service: where to read the JSON Web Token and which claims to check.
 */
export interface JwtAuthConf {
  /**
   * Request header that carries the token (a `Bearer ` prefix is removed).
   */
  header: string;
  /**
   * Query parameter that carries the token (read when the header is absent).
   */
  query: string;
  /**
   * Cookie that carries the token (read when the header and query parameter are absent).
   */
  cookie: string;
  /**
   * Remove the token from where it was found before the request is proxied.
   */
  hide_credentials: boolean;
  /**
   * Payload claim that holds the consumer's key.
   */
  key_claim_name: string;
  /**
   * Keep the verified payload in the request context for later plugins.
   */
  store_in_ctx: boolean;
  /**
   * Realm sent in the WWW-Authenticate header of a 401.
   */
  realm: string;
  /**
   * Consumer used when authentication fails, instead of answering 401.
   */
  anonymous_consumer?: string;
  /**
   * Registered claims checked when present in the payload.
   */
  claims_to_verify: ('exp' | 'nbf')[];
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * key-auth on a route or service: where to read the API key and what to do with it.
 */
export interface KeyAuthConf {
  /**
   * Request header that carries the key.
   */
  header: string;
  /**
   * Query parameter that carries the key (read when the header is absent).
   */
  query: string;
  /**
   * Also read the key from `Authorization: Bearer` and `x-api-key` (Tollgate extension; unset means false).
   */
  sdk_key_headers?: boolean;
  /**
   * Remove the key from the request before it is proxied.
   */
  hide_credentials: boolean;
  /**
   * Consumer used when authentication fails, instead of answering 401.
   */
  anonymous_consumer?: string;
  /**
   * Realm sent in the WWW-Authenticate header of a 401.
   */
  realm: string;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * limit-conn: at most `conn` concurrent requests per key; up to `burst` more are delayed, the rest refused.
 */
export interface LimitConnConf {
  /**
   * Concurrent requests allowed.
   */
  conn: number;
  /**
   * Concurrent requests beyond conn that are delayed instead of refused.
   */
  burst: number;
  /**
   * Seconds a typical request takes: the unit of the delay of requests beyond conn.
   */
  default_conn_delay: number;
  /**
   * Always delay by default_conn_delay units instead of adapting the unit to measured request latency.
   */
  only_use_default_delay: boolean;
  /**
   * What requests are counted by: a variable name (key_type var) or variables like `$http_a $http_b` (var_combination).
   */
  key: string;
  /**
   * How key is read.
   */
  key_type: 'var' | 'var_combination';
  /**
   * Seconds a Redis counter outlives its last change (bounds counts left by a node that died with requests in flight).
   */
  key_ttl: number;
  /**
   * Where counters live: this node (`local`, exact across its workers) or Redis (shared by nodes).
   */
  policy: 'redis' | 'redis-cluster' | 'local';
  /**
   * Prefix of the Redis keys.
   */
  redis_prefix: string;
  /**
   * Status of a refused request.
   */
  rejected_code: number;
  /**
   * Body of a refused request, sent as {"error_msg": ...}.
   */
  rejected_msg?: string;
  /**
   * Let requests through when the counters cannot be reached (otherwise 500).
   */
  allow_degradation: boolean;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
  /**
   * Redis server address.
   */
  redis_host?: string;
  /**
   * Redis server port.
   */
  redis_port?: number;
  /**
   * Redis ACL user name (Redis 6+).
   */
  redis_username?: string;
  /**
   * Redis password.
   */
  redis_password?: string;
  /**
   * Redis logical database number.
   */
  redis_database?: number;
  /**
   * Redis command timeout in milliseconds.
   */
  redis_timeout?: number;
  /**
   * Connect to Redis over TLS.
   */
  redis_ssl?: boolean;
  /**
   * Verify the Redis server certificate.
   */
  redis_ssl_verify?: boolean;
  /**
   * Idle time in milliseconds before a pooled Redis connection is closed.
   */
  redis_keepalive_timeout?: number;
  /**
   * Maximum number of pooled Redis connections.
   */
  redis_keepalive_pool?: number;
  /**
   * Addresses (host:port) of the cluster's seed nodes.
   *
   * @minItems 1
   */
  redis_cluster_nodes?: [string, ...string[]];
  /**
   * Name of the Redis cluster.
   */
  redis_cluster_name?: string;
  /**
   * Connect to the cluster over TLS.
   */
  redis_cluster_ssl?: boolean;
  /**
   * Verify the cluster nodes' certificates.
   */
  redis_cluster_ssl_verify?: boolean;
}
/**
 * limit-count: at most `count` requests per `time_window` seconds per key (a fixed window), refused with rejected_code beyond that.
 */
export interface LimitCountConf {
  /**
   * Requests allowed per time_window; an integer or a variable template such as `${http_count ?? 10}`. Required unless rules are set.
   */
  count?: number | string;
  /**
   * Window length in seconds; an integer or a variable template. Required unless rules are set.
   */
  time_window?: number | string;
  /**
   * `fixed` (a window opens at a key's first request and lasts time_window) or `sliding` (the previous window's count weighs in by the share of it still inside the last time_window).
   */
  window_type: 'fixed' | 'sliding';
  /**
   * Several limits, each with its own key template; a rule applies when its key resolves.
   */
  rules?: LimitCountRule[];
  /**
   * Routes with the same group share one counter; their limit-count configurations must be equal.
   */
  group?: string;
  /**
   * What requests are counted by: a variable name (key_type var), variables like `$http_a $http_b` (var_combination) or a constant.
   */
  key: string;
  /**
   * How key is read.
   */
  key_type: 'var' | 'var_combination' | 'constant';
  /**
   * Status of a refused request.
   */
  rejected_code: number;
  /**
   * Body of a refused request, sent as {"error_msg": ...}.
   */
  rejected_msg?: string;
  /**
   * Where counters live: this node (`local`, exact across its workers) or Redis (shared by nodes): one server, a Redis Cluster, or the master a Redis Sentinel names.
   */
  policy: 'local' | 'redis' | 'redis-cluster' | 'redis-sentinel';
  /**
   * Let requests through when the counters cannot be reached (otherwise 500).
   */
  allow_degradation: boolean;
  /**
   * Send X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset.
   */
  show_limit_quota_header: boolean;
  /**
   * APISIX's delayed Redis sync interval in seconds (-1: off). Accepted and checked; Tollgate always counts in Redis directly.
   */
  sync_interval: number;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
  /**
   * Redis server address.
   */
  redis_host?: string;
  /**
   * Redis server port.
   */
  redis_port?: number;
  /**
   * Redis ACL user name (Redis 6+).
   */
  redis_username?: string;
  /**
   * Redis password.
   */
  redis_password?: string;
  /**
   * Redis logical database number.
   */
  redis_database?: number;
  /**
   * Redis command timeout in milliseconds.
   */
  redis_timeout?: number;
  /**
   * Connect to Redis over TLS.
   */
  redis_ssl?: boolean;
  /**
   * Verify the Redis server certificate.
   */
  redis_ssl_verify?: boolean;
  /**
   * Idle time in milliseconds before a pooled Redis connection is closed.
   */
  redis_keepalive_timeout?: number;
  /**
   * Maximum number of pooled Redis connections.
   */
  redis_keepalive_pool?: number;
  /**
   * Addresses (host:port) of the cluster's seed nodes.
   *
   * @minItems 1
   */
  redis_cluster_nodes?: [string, ...string[]];
  /**
   * Name of the Redis cluster.
   */
  redis_cluster_name?: string;
  /**
   * Connect to the cluster over TLS.
   */
  redis_cluster_ssl?: boolean;
  /**
   * Verify the cluster nodes' certificates.
   */
  redis_cluster_ssl_verify?: boolean;
  /**
   * Sentinel servers to ask for the current master.
   *
   * @minItems 1
   */
  redis_sentinels?: [
    {
      /**
       * Sentinel host.
       */
      host: string;
      /**
       * Sentinel port.
       */
      port: number;
    },
    ...{
      /**
       * Sentinel host.
       */
      host: string;
      /**
       * Sentinel port.
       */
      port: number;
    }[],
  ];
  /**
   * Name of the master group watched by the sentinels.
   */
  redis_master_name?: string;
  /**
   * Connect to the master or to a replica.
   */
  redis_role?: 'master' | 'slave';
  /**
   * Connect timeout in milliseconds.
   */
  redis_connect_timeout?: number;
  /**
   * Read timeout in milliseconds.
   */
  redis_read_timeout?: number;
  /**
   * User name for the sentinels.
   */
  sentinel_username?: string;
  /**
   * Password for the sentinels.
   */
  sentinel_password?: string;
}
export interface LimitCountRule {
  /**
   * Requests allowed per time_window; an integer or a variable template.
   */
  count: number | string;
  /**
   * Window length in seconds; an integer or a variable template.
   */
  time_window: number | string;
  /**
   * Counter key: a combination of variables such as `$http_user $remote_addr`.
   */
  key: string;
  /**
   * Prefix of this rule's headers (X-<prefix>-RateLimit-Limit, ...); default the rule's 1-based index.
   */
  header_prefix?: string;
}
/**
 * limit-req: a leaky bucket per key that lets `rate` requests a second through, delays up to `burst` more and refuses the rest.
 */
export interface LimitReqConf {
  /**
   * Requests a second allowed; a number or a variable template. Required unless rules are set.
   */
  rate?: number | string;
  /**
   * Requests a second beyond rate that are delayed instead of refused; a number or a variable template. Required unless rules are set.
   */
  burst?: number | string;
  /**
   * What requests are limited by: a variable name (key_type var) or variables like `$http_a $http_b` (var_combination). Required unless rules are set.
   */
  key?: string;
  /**
   * How key is read.
   */
  key_type: 'var' | 'var_combination';
  /**
   * Several buckets, each with its own key template; a rule applies when its key resolves.
   */
  rules?: LimitReqRule[];
  /**
   * Where buckets live: this node (`local`, exact across its workers) or Redis (shared by nodes).
   */
  policy: 'redis' | 'redis-cluster' | 'local';
  /**
   * Status of a refused request.
   */
  rejected_code: number;
  /**
   * Body of a refused request, sent as {"error_msg": ...}.
   */
  rejected_msg?: string;
  /**
   * Serve requests within the burst at once instead of delaying them to the rate.
   */
  nodelay: boolean;
  /**
   * Let requests through when the buckets cannot be reached (otherwise 500).
   */
  allow_degradation: boolean;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
  /**
   * Redis server address.
   */
  redis_host?: string;
  /**
   * Redis server port.
   */
  redis_port?: number;
  /**
   * Redis ACL user name (Redis 6+).
   */
  redis_username?: string;
  /**
   * Redis password.
   */
  redis_password?: string;
  /**
   * Redis logical database number.
   */
  redis_database?: number;
  /**
   * Redis command timeout in milliseconds.
   */
  redis_timeout?: number;
  /**
   * Connect to Redis over TLS.
   */
  redis_ssl?: boolean;
  /**
   * Verify the Redis server certificate.
   */
  redis_ssl_verify?: boolean;
  /**
   * Idle time in milliseconds before a pooled Redis connection is closed.
   */
  redis_keepalive_timeout?: number;
  /**
   * Maximum number of pooled Redis connections.
   */
  redis_keepalive_pool?: number;
  /**
   * Addresses (host:port) of the cluster's seed nodes.
   *
   * @minItems 1
   */
  redis_cluster_nodes?: [string, ...string[]];
  /**
   * Name of the Redis cluster.
   */
  redis_cluster_name?: string;
  /**
   * Connect to the cluster over TLS.
   */
  redis_cluster_ssl?: boolean;
  /**
   * Verify the cluster nodes' certificates.
   */
  redis_cluster_ssl_verify?: boolean;
}
export interface LimitReqRule {
  /**
   * Requests a second allowed; a number or a variable template.
   */
  rate: number | string;
  /**
   * Requests a second beyond rate that are delayed; a number or a variable template.
   */
  burst: number | string;
  /**
   * Bucket key: a combination of variables such as `$http_user`.
   */
  key: string;
}
/**
 * multi-auth on a route or service: authentication plugins tried in order until one succeeds.
 */
export interface MultiAuthConf {
  /**
   * Auth plugin configurations, each an object `{ "<plugin name>": { ...conf } }`, tried in order.
   *
   * @minItems 2
   */
  auth_plugins: [unknown, unknown, ...unknown[]];
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * openid-connect on a route or service: authenticate requests against an OpenID Connect provider (bearer tokens verified locally, by JWKS or by introspection).
 */
export interface OpenidConnectConf {
  /**
   * OAuth client ID.
   */
  client_id: string;
  /**
   * OAuth client secret (required unless the mode needs none: bearer_only with public_key/use_jwks or private_key_jwt introspection, or the code flow with private_key_jwt or use_pkce).
   */
  client_secret?: string;
  /**
   * URL of the OpenID provider's well-known discovery document.
   */
  discovery: string;
  /**
   * OIDC scope requested in the authorization code flow.
   */
  scope: string;
  /**
   * Verify the OpenID provider's TLS certificate (the legacy value "no" means false).
   */
  ssl_verify: boolean | 'no';
  /**
   * Timeout of each call to the OpenID provider, in seconds.
   */
  timeout: number;
  /**
   * URL of the token introspection endpoint (else the discovery document's).
   */
  introspection_endpoint?: string;
  /**
   * Client authentication method at the introspection endpoint.
   */
  introspection_endpoint_auth_method: string;
  /**
   * Client authentication method at the token endpoint.
   */
  token_endpoint_auth_method: string;
  /**
   * Strictly require a bearer access token in the request.
   */
  bearer_only: boolean;
  /**
   * Session cookie settings of the authorization code flow.
   */
  session?: {
    /**
     * Key used for the session cookie's encryption and HMAC.
     */
    secret: string;
    /**
     * Session cookie name.
     */
    cookie_name?: string;
    /**
     * Cookie path scope.
     */
    cookie_path?: string;
    /**
     * Cookie domain scope.
     */
    cookie_domain?: string;
    /**
     * Set the Secure cookie attribute.
     */
    cookie_secure?: boolean;
    /**
     * Set the HttpOnly cookie attribute.
     */
    cookie_http_only?: boolean;
    /**
     * SameSite cookie attribute.
     */
    cookie_same_site?: 'Strict' | 'Lax' | 'None' | 'Default';
    /**
     * Idling timeout in seconds.
     */
    idling_timeout?: number;
    /**
     * Rolling timeout in seconds.
     */
    rolling_timeout?: number;
    /**
     * Absolute session lifetime in seconds.
     */
    absolute_timeout?: number;
    /**
     * Deprecated (lua-resty-session 3.x): use the flat session options.
     */
    cookie?: {
      /**
       * Deprecated: mapped to absolute_timeout when that is not set.
       */
      lifetime?: number;
    };
    /**
     * Where sessions are stored.
     */
    storage: 'cookie' | 'redis';
    /**
     * Redis connection for session storage (lua-resty-session's session.redis options).
     */
    redis?: {
      /**
       * Redis host.
       */
      host: string;
      /**
       * Redis port.
       */
      port: number;
      /**
       * Redis username.
       */
      username?: string;
      /**
       * Redis password.
       */
      password?: string;
      /**
       * Redis database index.
       */
      database: number;
      /**
       * Prefix for keys stored in Redis.
       */
      prefix: string;
      /**
       * Enable TLS to Redis.
       */
      ssl: boolean;
      /**
       * Verify Redis's TLS certificate.
       */
      ssl_verify: boolean;
      /**
       * The server name for the TLS SNI extension.
       */
      server_name?: string;
      /**
       * Connect timeout in milliseconds.
       */
      connect_timeout: number;
      /**
       * Send timeout in milliseconds.
       */
      send_timeout: number;
      /**
       * Read timeout in milliseconds.
       */
      read_timeout: number;
      /**
       * Keepalive timeout in milliseconds.
       */
      keepalive_timeout: number;
    };
  };
  /**
   * Realm in the WWW-Authenticate header of a 401 for a missing or invalid bearer token.
   */
  realm: string;
  /**
   * Checks of the token's claims.
   */
  claim_validator?: {
    /**
     * Trusted JWT issuers. Unset: the discovery document's issuer is trusted; a token is refused while it cannot be fetched.
     */
    issuer?: {
      /**
       * Trusted issuers.
       */
      valid_issuers?: string[];
    };
    /**
     * Audience claim validation.
     */
    audience?: {
      /**
       * Name of the claim holding the audience.
       */
      claim: string;
      /**
       * Require the audience claim.
       */
      required: boolean;
      /**
       * Require the audience to equal (or, a list, to include) client_id; implies required.
       */
      match_with_client_id: boolean;
    };
  };
  /**
   * Path that logs the session out.
   */
  logout_path: string;
  /**
   * Redirect URI of the authorization code flow (default: the request URI plus /.apisix/redirect).
   */
  redirect_uri?: string;
  /**
   * Where logout_path redirects after logging out.
   */
  post_logout_redirect_uri?: string;
  /**
   * Action for a request that is not authenticated: auth (redirect to the provider), deny (401) or pass.
   */
  unauth_action: 'auth' | 'deny' | 'pass';
  /**
   * PEM public key that verifies the bearer JWT's signature locally (skips introspection).
   */
  public_key?: string;
  /**
   * Without public_key, verify the bearer JWT against the JWKS named by the discovery document (skips introspection).
   */
  use_jwks: boolean;
  /**
   * The signing algorithm a bearer JWT must use.
   */
  token_signing_alg_values_expected?: string;
  /**
   * Use PKCE (RFC 7636) in the authorization code flow.
   */
  use_pkce: boolean;
  /**
   * Pushed Authorization Requests (PAR) configuration.
   */
  par?: {
    /**
     * Use Pushed Authorization Requests.
     */
    enabled: boolean;
    /**
     * URL of the PAR endpoint.
     */
    endpoint?: string;
    /**
     * Client authentication method at the PAR endpoint.
     */
    endpoint_auth_method?:
      'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'client_secret_jwt';
  };
  /**
   * Demonstrating Proof-of-Possession (DPoP) configuration.
   */
  dpop?: {
    /**
     * Use DPoP proof JWTs.
     */
    enabled: boolean;
    /**
     * DPoP proof JWT signing algorithm.
     */
    signing_alg: 'ES256' | 'RS256' | 'PS256';
    /**
     * Private key that signs DPoP proofs.
     */
    private_key?: string;
    /**
     * Public JWK matching dpop.private_key (no private members).
     */
    public_jwk?: {
      [k: string]: unknown;
    };
  };
  /**
   * Send the access token to the upstream (X-Access-Token, or Authorization with access_token_in_authorization_header).
   */
  set_access_token_header: boolean;
  /**
   * Send the access token in the Authorization header instead of X-Access-Token.
   */
  access_token_in_authorization_header: boolean;
  /**
   * Send the ID token (base64 JSON) in X-ID-Token when there is one.
   */
  set_id_token_header: boolean;
  /**
   * Send the raw signed ID token in X-Raw-ID-Token when there is one.
   */
  set_raw_id_token_header: boolean;
  /**
   * Send the user info (base64 JSON of the claims or introspection answer) in X-Userinfo.
   */
  set_userinfo_header: boolean;
  /**
   * Send the refresh token in X-Refresh-Token when there is one.
   */
  set_refresh_token_header: boolean;
  /**
   * HTTP proxy used to reach the OpenID provider.
   */
  proxy_opts?: {
    /**
     * HTTP proxy, like http://proxy-server:80.
     */
    http_proxy?: string;
    /**
     * HTTPS proxy, like http://proxy-server:80.
     */
    https_proxy?: string;
    /**
     * Basic [base64 username:password].
     */
    http_proxy_authorization?: string;
    /**
     * Basic [base64 username:password].
     */
    https_proxy_authorization?: string;
    /**
     * Comma-separated hosts that are not proxied.
     */
    no_proxy?: string;
  };
  /**
   * Extra parameters for the authorization endpoint.
   */
  authorization_params?: {
    [k: string]: unknown;
  };
  /**
   * Client RSA private key that signs the client assertion JWT.
   */
  client_rsa_private_key?: string;
  /**
   * Key ID of client_rsa_private_key.
   */
  client_rsa_private_key_id?: string;
  /**
   * Lifetime of the client assertion JWT in seconds.
   */
  client_jwt_assertion_expires_in: number;
  /**
   * Signing algorithm of the client assertion JWT.
   */
  client_jwt_assertion_alg?: 'HS256' | 'HS512' | 'RS256' | 'RS512' | 'ES256' | 'ES512';
  /**
   * Audience of the client assertion JWT.
   */
  client_jwt_assertion_audience?: string;
  /**
   * Silently renew the session's access token when it expires.
   */
  renew_access_token_on_expiry: boolean;
  /**
   * Lifetime of the access token in seconds when the provider gives no expires_in.
   */
  access_token_expires_in?: number;
  /**
   * Interval to refresh the ID token without re-authentication.
   */
  refresh_session_interval?: number;
  /**
   * Tolerated clock skew in seconds for the ID token's iat.
   */
  iat_slack: number;
  /**
   * Accept an unsigned ID token (alg none).
   */
  accept_none_alg: boolean;
  /**
   * Accept an ID token signed with an unsupported algorithm without checking its signature.
   */
  accept_unsupported_alg: boolean;
  /**
   * Expiration leeway in seconds for access token renewal.
   */
  access_token_expires_leeway: number;
  /**
   * Run the authorization flow even when a token is cached.
   */
  force_reauthorize: boolean;
  /**
   * Send a nonce in the authorization request.
   */
  use_nonce: boolean;
  /**
   * Revoke the tokens at the provider on logout.
   */
  revoke_tokens_on_logout: boolean;
  /**
   * How long a fetched JWKS is cached, in seconds.
   */
  jwk_expires_in: number;
  /**
   * Verify a bearer JWT again even when an earlier verification is cached.
   */
  jwt_verification_cache_ignore: boolean;
  /**
   * Name of a cache segment that separates this configuration's caches.
   */
  cache_segment?: string;
  /**
   * Most seconds an introspection answer is cached (0: until the token's expiry claim).
   */
  introspection_interval: number;
  /**
   * Claim of the introspection answer that bounds how long it is cached (default exp).
   */
  introspection_expiry_claim?: string;
  /**
   * Client request headers also sent to the introspection endpoint.
   *
   * @minItems 1
   */
  introspection_addon_headers?: [string, ...string[]];
  /**
   * Scopes the access token must carry; a token without one of them is refused with 403.
   */
  required_scopes?: string[];
  /**
   * JSON Schema the token's claims (or the introspection answer) must satisfy.
   */
  claim_schema?: {
    [k: string]: unknown;
  };
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * opentelemetry on a route, service, plugin config or global rule: how requests are sampled and which extra attributes their spans carry.
 */
export interface OpentelemetryConf {
  /**
   * Sampling configuration.
   */
  sampler: {
    /**
     * Sampling strategy: `always_on`, `always_off`, `trace_id_ratio` (by `options.fraction`) or `parent_base` (the incoming `traceparent`'s sampled flag, else `options.root`).
     */
    name: 'always_on' | 'always_off' | 'trace_id_ratio' | 'parent_base';
    /**
     * Parameters of the sampling strategy.
     */
    options: {
      /**
       * Sampling ratio of `trace_id_ratio`, 0 to 1.
       */
      fraction: number;
      /**
       * Root sampler of `parent_base`, used when the request has no parent.
       */
      root: {
        /**
         * Root sampling strategy.
         */
        name: 'always_on' | 'always_off' | 'trace_id_ratio';
        /**
         * Root sampling strategy parameters.
         */
        options: {
          /**
           * Root sampling ratio of `trace_id_ratio`, 0 to 1.
           */
          fraction: number;
        };
      };
    };
  };
  /**
   * Variables (APISIX's built-in variables, `arg_*`, `http_*`, `cookie_*`, ...) added to the request span as string attributes named after the variable.
   */
  additional_attributes?: string[];
  /**
   * Request headers added to the request span as attributes; a name ending in `*` adds every header with that prefix.
   */
  additional_header_prefix_attributes?: string[];
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * prometheus: export request metrics for the route, service or global rule.
 */
export interface PrometheusConf {
  /**
   * Label metrics with the route/service name instead of its id.
   */
  prefer_name: boolean;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * proxy-mirror on a route or service: send a copy of (a sample of) the requests to another host; its answers are ignored.
 */
export interface ProxyMirrorConf {
  /**
   * Where mirrored requests go: scheme and address without a path, e.g. `http://127.0.0.1:8081`.
   */
  host: string;
  /**
   * Path of the mirrored requests (default: the request's own path).
   */
  path?: string;
  /**
   * With `path`: `replace` sends to `path`, `prefix` to `path` followed by the request's URI.
   */
  path_concat_mode: 'replace' | 'prefix';
  /**
   * Ratio of the requests that are mirrored.
   */
  sample_ratio: number;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * proxy-rewrite on a route or service: change the URI, host, method and headers of the request sent to the upstream.
 */
export interface ProxyRewriteConf {
  /**
   * New upstream URI (path, optionally with a query string); `$var` and `${var}` are replaced by request variables. Wins over regex_uri.
   */
  uri?: string;
  /**
   * New upstream method.
   */
  method?:
    | 'GET'
    | 'POST'
    | 'PUT'
    | 'HEAD'
    | 'DELETE'
    | 'OPTIONS'
    | 'MKCOL'
    | 'COPY'
    | 'MOVE'
    | 'PROPFIND'
    | 'LOCK'
    | 'UNLOCK'
    | 'PATCH'
    | 'TRACE';
  /**
   * Pairs of [regex, template]: the first regex that matches the client's URI rewrites it with its template (`$1`, `${1}` for captures).
   *
   * @minItems 2
   */
  regex_uri?: [string, string, ...string[]];
  /**
   * New Host header for the upstream request.
   */
  host?: string;
  /**
   * Request header changes: `add`, `set` and `remove`, or (the 2.x form) an object of headers to set. Values may use `$var` and regex_uri captures (`$1`).
   */
  headers?:
    | {
        /**
         * Headers appended to the request (kept alongside existing values).
         */
        add?: {
          /**
           * This interface was referenced by `undefined`'s JSON-Schema definition
           * via the `patternProperty` "^[^:]+$".
           */
          [k: string]: string | number;
        };
        /**
         * Headers set on the request (replacing existing values).
         */
        set?: {
          /**
           * This interface was referenced by `undefined`'s JSON-Schema definition
           * via the `patternProperty` "^[^:]+$".
           */
          [k: string]: string | number;
        };
        /**
         * Headers removed from the request.
         *
         * @minItems 1
         */
        remove?: [string, ...string[]];
      }
    | {
        /**
         * This interface was referenced by `undefined`'s JSON-Schema definition
         * via the `patternProperty` "^[^:]+$".
         */
        [k: string]: string | number;
      };
  /**
   * Send the client's raw request URI (unnormalised, query included) instead of the rewritten or normalised one. Unsafe.
   */
  use_real_request_uri_unsafe: boolean;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * real-ip on a route or service: take the client's address (and port) from a variable such as a header or a query argument.
 */
export interface RealIpConf {
  /**
   * Variable holding the client's real address with an optional port: http_x_forwarded_for (its last address), http_<name>, arg_<name>, ...
   */
  source: string;
  /**
   * Peers (IPs or CIDRs) allowed to supply the address; other peers keep their own. Unset: every peer is trusted.
   *
   * @minItems 1
   */
  trusted_addresses?: [RemoteAddr, ...RemoteAddr[]];
  /**
   * With source http_x_forwarded_for and trusted_addresses: take the last address of X-Forwarded-For that is not trusted, instead of the last one.
   */
  recursive: boolean;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * redirect on a route or service: answer with a redirect instead of proxying (a new URI, a regex rewrite of the path, or HTTP to HTTPS).
 */
export interface RedirectConf {
  /**
   * Status of the redirect response.
   */
  ret_code: number;
  /**
   * Location to redirect to; `$var` and `${var}` are replaced by request variables, `\$` keeps a dollar sign.
   */
  uri?: string;
  /**
   * [regex, template]: when the regex matches the request path, redirect to the path rewritten with the template (`$1` for captures); otherwise no redirect.
   *
   * @minItems 2
   * @maxItems 2
   */
  regex_uri?: [string, string];
  /**
   * Redirect plain HTTP requests to the same URL over HTTPS (301 for GET and HEAD, 308 otherwise).
   */
  http_to_https?: boolean;
  /**
   * Percent-encode the path of the Location as nginx's escape_uri does.
   */
  encode_uri: boolean;
  /**
   * Append the request's query string to the Location.
   */
  append_query_string: boolean;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * referer-restriction on a route or service: allow only, or refuse, requests by the host of their Referer.
 */
export interface RefererRestrictionConf {
  /**
   * Serve a request without a Referer (or with a malformed one) instead of refusing it.
   */
  bypass_missing: boolean;
  /**
   * Hosts allowed; `*.example.com` allows every host ending in `.example.com`. Every other Referer is refused.
   *
   * @minItems 1
   */
  whitelist?: [string, ...string[]];
  /**
   * Hosts refused, in the format of `whitelist`; every other Referer is allowed.
   *
   * @minItems 1
   */
  blacklist?: [string, ...string[]];
  /**
   * Message of the refusal body `{"message": ...}`.
   */
  message: string;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * request-id on a route or service: give every request a unique ID, sent upstream and back to the client.
 */
export interface RequestIdConf {
  /**
   * Header that carries the ID. A non-empty ID the client sent in it is kept.
   */
  header_name: string;
  /**
   * Send the ID back in the response header `header_name` (unless the response has one).
   */
  include_in_response: boolean;
  /**
   * How IDs are generated: uuid (v4), nanoid (21 URL-safe characters), range_id (random characters from `range_id.char_set`), ksuid (27 base62 characters, time-ordered).
   */
  algorithm: 'uuid' | 'nanoid' | 'range_id' | 'ksuid';
  /**
   * Options of the range_id algorithm.
   */
  range_id: {
    /**
     * Length of a range_id ID.
     */
    length: number;
    /**
     * Characters a range_id ID is drawn from.
     */
    char_set: string;
  };
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * request-validation on a route or service: check the request headers and body against JSON Schemas before proxying.
 */
export interface RequestValidationConf {
  /**
   * JSON Schema the request headers (lower-case names, string values) must satisfy.
   */
  header_schema?: {
    [k: string]: unknown;
  };
  /**
   * JSON Schema the request body must satisfy: parsed as JSON, or as a form when Content-Type is application/x-www-form-urlencoded.
   */
  body_schema?: {
    [k: string]: unknown;
  };
  /**
   * Status of the response to a request that fails validation.
   */
  rejected_code: number;
  /**
   * Body of the response to a request that fails validation; by default the validation error.
   */
  rejected_msg?: string;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * response-rewrite on a route or service: change the status, headers and body of the response sent to the client.
 */
export interface ResponseRewriteConf {
  /**
   * Response header changes: `add` ("Name: value" lines), `set` and `remove`, or (the 2.x form) an object of headers to set. Values may use `$var`.
   */
  headers?:
    | {
        /**
         * This interface was referenced by `undefined`'s JSON-Schema definition
         * via the `patternProperty` "^[^:]+$".
         */
        [k: string]: string | number;
      }
    | {
        /**
         * Headers appended to the response, each written `Name: value`.
         *
         * @minItems 1
         */
        add?: [string, ...string[]];
        /**
         * Headers set on the response (replacing existing values).
         */
        set?: {
          /**
           * This interface was referenced by `undefined`'s JSON-Schema definition
           * via the `patternProperty` "^[^:]+$".
           */
          [k: string]: string | number;
        };
        /**
         * Headers removed from the response.
         *
         * @minItems 1
         */
        remove?: [string, ...string[]];
      };
  /**
   * New response body (replaces the upstream's).
   */
  body?: string;
  /**
   * Decode `body` from base64 before sending it (for binary bodies).
   */
  body_base64: boolean;
  /**
   * New response status code.
   */
  status_code?: number;
  /**
   * Rewrite only responses for which this expression (lua-resty-expr syntax, response variables such as `status` included) is true.
   */
  vars?: unknown[];
  /**
   * Regex replacements applied to the whole response body, in order.
   *
   * @minItems 1
   */
  filters?: [
    {
      /**
       * Pattern to match in the response body.
       */
      regex: string;
      /**
       * Replace the first match (`once`) or every match (`global`).
       */
      scope: 'once' | 'global';
      /**
       * Replacement text (`$0`, `$1` for captures).
       */
      replace: string;
      /**
       * Regex options, as ngx.re's (`i` caseless, `m` multi-line, `s` dot-all; `j`, `o` ignored).
       */
      options: string;
    },
    ...{
      /**
       * Pattern to match in the response body.
       */
      regex: string;
      /**
       * Replace the first match (`once`) or every match (`global`).
       */
      scope: 'once' | 'global';
      /**
       * Replacement text (`$0`, `$1` for captures).
       */
      replace: string;
      /**
       * Regex options, as ngx.re's (`i` caseless, `m` multi-line, `s` dot-all; `j`, `o` ignored).
       */
      options: string;
    }[],
  ];
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * traffic-split on a route or service: send requests that match a rule to weighted upstreams instead of the route's own (canary, blue-green and A/B releases).
 */
export interface TrafficSplitConf {
  /**
   * Rules tried in order; the first whose `match` passes picks among its `weighted_upstreams`. No match: the route's upstream.
   */
  rules?: {
    /**
     * Conditions, any of which selects this rule; a rule without `match` always applies.
     */
    match?: {
      /**
       * lua-resty-expr rules over request variables, all of which must hold (as route `vars`).
       */
      vars?: unknown[];
    }[];
    /**
     * Upstreams picked by weighted round robin; an entry with only `weight` stands for the route's own upstream.
     *
     * @minItems 1
     * @maxItems 20
     */
    weighted_upstreams: [
      {
        /**
         * Id of an upstream object.
         */
        upstream_id?: Id;
        /**
         * An inline upstream; only name, type, hash_on, key, nodes, timeout (default 15 s each), pass_host and upstream_host are used.
         */
        upstream?: UpstreamConf;
        /**
         * Share of the traffic of this rule.
         */
        weight: number;
      },
      ...{
        /**
         * Id of an upstream object.
         */
        upstream_id?: Id;
        /**
         * An inline upstream; only name, type, hash_on, key, nodes, timeout (default 15 s each), pass_host and upstream_host are used.
         */
        upstream?: UpstreamConf;
        /**
         * Share of the traffic of this rule.
         */
        weight: number;
      }[],
    ];
  }[];
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * ua-restriction on a route or service: refuse requests by their User-Agent, matched against regular expressions.
 */
export interface UaRestrictionConf {
  /**
   * Serve a request without a User-Agent header instead of refusing it.
   */
  bypass_missing: boolean;
  /**
   * Regular expressions of User-Agents that are always served, even when the denylist matches them.
   *
   * @minItems 1
   */
  allowlist?: [string, ...string[]];
  /**
   * Regular expressions of User-Agents that are refused.
   *
   * @minItems 1
   */
  denylist?: [string, ...string[]];
  /**
   * Message of the refusal body `{"message": ...}`.
   */
  message: string;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * uri-blocker on a route or service: refuse requests whose URI (path and query) matches a regular expression.
 */
export interface UriBlockerConf {
  /**
   * Regular expressions searched for in the normalised path plus `?` and the query string; any match refuses the request.
   */
  block_rules: string[];
  /**
   * Status of the refusal.
   */
  rejected_code: number;
  /**
   * When set, the refusal body is `{"error_msg": rejected_msg}`; otherwise an nginx-style error page.
   */
  rejected_msg?: string;
  /**
   * Match the rules without regard to case.
   */
  case_insensitive: boolean;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * Plugin name to the type of its consumer/credential configuration.
 */
export interface PluginConsumerConfMap {
  'ai-aliyun-content-moderation': AiAliyunContentModerationConf;
  'ai-aws-content-moderation': AiAwsContentModerationConf;
  'ai-cache': AiCacheConf;
  'ai-consumer-rate-limiting': AiConsumerRateLimitingConf;
  'ai-lakera-guard': AiLakeraGuardConf;
  'ai-prompt-decorator': AiPromptDecoratorConf;
  'ai-prompt-guard': AiPromptGuardConf;
  'ai-prompt-template': AiPromptTemplateConf;
  'ai-proxy': AiProxyConf;
  'ai-proxy-multi': AiProxyMultiConf;
  'ai-rag': AiRagConf;
  'ai-rate-limiting': AiRateLimitingConf;
  'ai-request-rewrite': AiRequestRewriteConf;
  'ai-runaway-guard': AiRunawayGuardConf;
  'basic-auth': BasicAuthConsumerConf;
  'client-control': ClientControlConf;
  'consumer-restriction': ConsumerRestrictionConf;
  cors: CorsConf;
  'elasticsearch-logger': ElasticsearchLoggerConf;
  'fault-injection': FaultInjectionConf;
  'file-logger': FileLoggerConf;
  'forward-auth': ForwardAuthConf;
  'hmac-auth': HmacAuthConsumerConf;
  'http-logger': HttpLoggerConf;
  'ip-restriction': IpRestrictionConf;
  'jwt-auth': JwtAuthConsumerConf;
  'key-auth': KeyAuthConsumerConf;
  'limit-conn': LimitConnConf;
  'limit-count': LimitCountConf;
  'limit-req': LimitReqConf;
  'loki-logger': LokiLoggerConf;
  'multi-auth': MultiAuthConf;
  'openid-connect': OpenidConnectConf;
  opentelemetry: OpentelemetryConf;
  prometheus: PrometheusConf;
  'proxy-mirror': ProxyMirrorConf;
  'proxy-rewrite': ProxyRewriteConf;
  'real-ip': RealIpConf;
  redirect: RedirectConf;
  'referer-restriction': RefererRestrictionConf;
  'request-id': RequestIdConf;
  'request-validation': RequestValidationConf;
  'response-rewrite': ResponseRewriteConf;
  syslog: SyslogConf;
  'tcp-logger': TcpLoggerConf;
  'traffic-split': TrafficSplitConf;
  'ua-restriction': UaRestrictionConf;
  'udp-logger': UdpLoggerConf;
  'uri-blocker': UriBlockerConf;
}
/**
 * basic-auth on a consumer or credential: the user name and password it signs in with.
 */
export interface BasicAuthConsumerConf {
  /**
   * The Basic user name; unique across consumers.
   */
  username: string;
  /**
   * The Basic password.
   */
  password: string;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * hmac-auth on a consumer or credential: the key id requests name and the secret they sign with.
 */
export interface HmacAuthConsumerConf {
  /**
   * The keyId of the Authorization header that identifies this consumer.
   */
  key_id: string;
  /**
   * The HMAC secret.
   */
  secret_key: string;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * jwt-auth on a consumer or credential: the key its tokens name and how they are signed.
 */
export interface JwtAuthConsumerConf {
  /**
   * Value of the token's key claim that identifies this consumer.
   */
  key: string;
  /**
   * Shared secret of the HS256/HS384/HS512 algorithms.
   */
  secret?: string;
  /**
   * PEM public key of the RS*, ES*, PS* and EdDSA algorithms.
   */
  public_key?: string;
  /**
   * Signing algorithm of this consumer's tokens.
   */
  algorithm:
    | 'HS256'
    | 'HS384'
    | 'HS512'
    | 'RS256'
    | 'RS384'
    | 'RS512'
    | 'ES256'
    | 'ES384'
    | 'ES512'
    | 'PS256'
    | 'PS384'
    | 'PS512'
    | 'EdDSA';
  /**
   * Token lifetime in seconds (used by APISIX's token signing helpers).
   */
  exp: number;
  /**
   * The secret is base64-encoded.
   */
  base64_secret: boolean;
  /**
   * Clock skew in seconds allowed when checking exp and nbf.
   */
  lifetime_grace_period: number;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}
/**
 * key-auth on a consumer or credential: the consumer's API key.
 */
export interface KeyAuthConsumerConf {
  /**
   * The API key; unique across consumers.
   */
  key: string;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMeta;
}

// Input types: configurations as written by users.

/**
 * Resource id: a string of 1..64 characters from [a-zA-Z0-9-_.], or an integer >= 1.
 */
export type IdInput = string | number;
/**
 * Human-readable name of a resource (1..256 characters).
 */
export type NameInput = string;
/**
 * Free-text description of a resource (at most 256 characters).
 */
export type DescInput = string;
/**
 * Unix time in seconds, set by the Admin API (create_time, update_time).
 */
export type TimestampInput = number;
/**
 * An HTTP method name, upper case.
 */
export type HttpMethodInput =
  'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD' | 'OPTIONS' | 'CONNECT' | 'TRACE' | 'PURGE';
/**
 * A host name, an IP address (optionally with a port), a wildcard such as *.example.com, or * alone.
 */
export type HostInput = string;
/**
 * Client IP address: IPv4, IPv4 CIDR, IPv6 or IPv6 CIDR.
 */
export type RemoteAddrInput = string;
/**
 * Upstream nodes: an object {"host:port": weight} (or {"host": weight}, the port then being the scheme's default) or an array of node objects.
 */
export type UpstreamNodesInput =
  | {
      /**
       * Weight of the node.
       *
       * This interface was referenced by `undefined`'s JSON-Schema definition
       * via the `patternProperty` ".*".
       */
      [k: string]: number;
    }
  | UpstreamNodeInput[];
/**
 * Name of an LLM provider supported by ai-proxy and ai-proxy-multi.
 */
export type AiProviderInput =
  | 'openai'
  | 'deepseek'
  | 'aimlapi'
  | 'anthropic'
  | 'openai-compatible'
  | 'azure-openai'
  | 'openrouter'
  | 'gemini'
  | 'vertex-ai'
  | 'bedrock';
/**
 * APISIX's elasticsearch-logger: each request's log entry, batched, indexed in Elasticsearch through the `_bulk` API (`create` actions, NDJSON).
 */
export type ElasticsearchLoggerConfInput = LoggerBatchConfInput &
  LoggerBodyConfInput & {
    /**
     * Deprecated: one Elasticsearch address; use `endpoint_addrs`.
     */
    endpoint_addr?: string;
    /**
     * Elasticsearch addresses (no trailing `/`); each batch goes to one picked at random.
     *
     * @minItems 1
     */
    endpoint_addrs?: [string, ...string[]];
    /**
     * Where the entries are indexed.
     */
    field?: {
      /**
       * The `_index` of every entry.
       */
      index: string;
      /**
       * The `_type` of every entry (Elasticsearch 7 and 8 only; dropped for 9).
       */
      type?: string;
    };
    /**
     * Basic authentication to Elasticsearch.
     */
    auth?: {
      /**
       * User name.
       */
      username: string;
      /**
       * Password.
       */
      password: string;
    };
    /**
     * Extra headers of every request to Elasticsearch.
     */
    headers?: {
      [k: string]: string;
    };
    /**
     * Seconds one request to Elasticsearch may take.
     */
    timeout?: number;
    /**
     * Verify Elasticsearch's TLS certificate for an `https` address.
     */
    ssl_verify?: boolean;
    /**
     * Name of the batch processor, in its log lines.
     */
    name?: string;
  };
/**
 * APISIX's http-logger: each request's log entry, batched, POSTed to an HTTP(S) server as JSON.
 */
export type HttpLoggerConfInput = LoggerBatchConfInput &
  LoggerBodyConfInput & {
    /**
     * URI of the HTTP(S) server that receives the batches.
     */
    uri: string;
    /**
     * Sent as the `Authorization` header of each batch, when set.
     */
    auth_header?: string;
    /**
     * Seconds one send of a batch may take (connecting included).
     */
    timeout?: number;
    /**
     * Name of the batch processor, in its log lines.
     */
    name?: string;
    /**
     * `json`: a batch is one JSON array; `new_line`: one JSON object per line.
     */
    concat_method?: 'json' | 'new_line';
    /**
     * Verify the server's TLS certificate for an `https` uri.
     */
    ssl_verify?: boolean;
  };
/**
 * APISIX's loki-logger: each request's log entry, batched, pushed to Grafana Loki (`POST <endpoint><endpoint_uri>`, one stream with `log_labels`).
 */
export type LokiLoggerConfInput = LoggerBatchConfInput &
  LoggerBodyConfInput & {
    /**
     * Loki base URLs, such as `http://127.0.0.1:3100`; each batch goes to one picked at random.
     *
     * @minItems 1
     */
    endpoint_addrs: [string, ...string[]];
    /**
     * Path of Loki's push API.
     */
    endpoint_uri?: string;
    /**
     * Loki tenant, sent as `X-Scope-OrgID`.
     */
    tenant_id?: string;
    /**
     * Labels of the stream; values may hold `$variables`, resolved from the first request a batch processor sees.
     */
    log_labels?: {
      /**
       * This interface was referenced by `undefined`'s JSON-Schema definition
       * via the `patternProperty` ".*".
       */
      [k: string]: string;
    };
    /**
     * Verify Loki's TLS certificate for an `https` endpoint.
     */
    ssl_verify?: boolean;
    /**
     * Milliseconds one push may take.
     */
    timeout?: number;
    /**
     * Keep connections to Loki open between pushes.
     */
    keepalive?: boolean;
    /**
     * Milliseconds an idle kept connection stays open.
     */
    keepalive_timeout?: number;
    /**
     * Connections kept per endpoint.
     */
    keepalive_pool?: number;
    /**
     * Name of the batch processor, in its log lines.
     */
    name?: string;
  };
/**
 * APISIX's syslog: each request's log entry as JSON in an RFC 5424 message (facility SYSLOG, severity INFO, app name apisix), batched, buffered and written to a syslog server over TCP, TLS or UDP.
 */
export type SyslogConfInput = LoggerBatchConfInput &
  LoggerBodyConfInput & {
    /**
     * IP address or hostname of the syslog server.
     */
    host: string;
    /**
     * Port of the syslog server.
     */
    port: number;
    /**
     * Bytes buffered (messages already waiting plus the new ones) at which the buffer is written to the server; below it, messages wait for more.
     */
    flush_limit?: number;
    /**
     * Bytes buffered above which new messages are refused (the batch fails and is retried).
     */
    drop_limit?: number;
    /**
     * Milliseconds that connecting and writing may each take.
     */
    timeout?: number;
    /**
     * Transport to the server.
     */
    sock_type?: 'tcp' | 'udp';
    /**
     * Keep-alive pool size of the TCP connection (one kept connection per configuration in Tollgate).
     */
    pool_size?: number;
    /**
     * Speak TLS to the server over TCP (its certificate is not verified).
     */
    tls?: boolean;
    /**
     * Name of the batch processor, in its log lines.
     */
    name?: string;
  };
/**
 * APISIX's tcp-logger: each request's log entry, batched, written as JSON to a TCP (or TLS) server over a new connection per batch.
 */
export type TcpLoggerConfInput = LoggerBatchConfInput &
  LoggerBodyConfInput & {
    /**
     * IP address or hostname of the TCP server.
     */
    host: string;
    /**
     * Port of the TCP server.
     */
    port: number;
    /**
     * Speak TLS to the server (its certificate is not verified, as in APISIX).
     */
    tls?: boolean;
    /**
     * Server name (SNI) sent in the TLS handshake.
     */
    tls_options?: string;
    /**
     * Milliseconds that connecting and sending one batch may each take.
     */
    timeout?: number;
    /**
     * Name of the batch processor, in its log lines.
     */
    name?: string;
  };
/**
 * APISIX's udp-logger: each request's log entry, batched, sent as JSON in one UDP datagram per batch.
 */
export type UdpLoggerConfInput = LoggerBatchConfInput &
  LoggerBodyConfInput & {
    /**
     * IP address or hostname of the UDP server.
     */
    host: string;
    /**
     * Port of the UDP server.
     */
    port: number;
    /**
     * Seconds that sending one batch may take.
     */
    timeout?: number;
    /**
     * Name of the batch processor, in its log lines.
     */
    name?: string;
  };

/**
 * Root of the generated types; use the maps it references.
 */
export interface TollgateConfMapsInput {
  resources: ResourceConfMapInput;
  plugins: PluginConfMapInput;
  consumerPlugins: PluginConsumerConfMapInput;
}
/**
 * Resource name to its configuration type.
 */
export interface ResourceConfMapInput {
  route: RouteConfInput;
  service: ServiceConfInput;
  upstream: UpstreamConfInput;
  consumer: ConsumerConfInput;
  credential: CredentialConfInput;
  plugin_config: PluginConfigConfInput;
  global_rule: GlobalRuleConfInput;
  consumer_group: ConsumerGroupConfInput;
  plugin_metadata: PluginMetadataConfInput;
  ssl: SslConfInput;
  stream_route: StreamRouteConfInput;
  proto: ProtoConfInput;
  'secret.vault': SecretVaultConfInput;
  'secret.aws': SecretAwsConfInput;
  'secret.gcp': SecretGcpConfInput;
}
/**
 * A route: request matching rules plus the plugins and upstream that serve matched requests.
 */
export interface RouteConfInput {
  /**
   * Route id.
   */
  id?: IdInput;
  /**
   * Route name.
   */
  name?: NameInput;
  /**
   * Route description.
   */
  desc?: DescInput;
  /**
   * Labels of the route.
   */
  labels?: LabelsInput;
  /**
   * Creation time.
   */
  create_time?: TimestampInput;
  /**
   * Last update time.
   */
  update_time?: TimestampInput;
  /**
   * Request path to match; a trailing * matches a prefix.
   */
  uri?: string;
  /**
   * Request paths to match (use instead of uri).
   *
   * @minItems 1
   */
  uris?: [string, ...string[]];
  /**
   * Higher priorities are matched first when several routes share a uri.
   */
  priority?: number;
  /**
   * HTTP methods to match (all when unset).
   */
  methods?: HttpMethodInput[];
  /**
   * Host to match.
   */
  host?: HostInput;
  /**
   * Hosts to match (use instead of host).
   *
   * @minItems 1
   */
  hosts?: [HostInput, ...HostInput[]];
  /**
   * Client address to match.
   */
  remote_addr?: RemoteAddrInput;
  /**
   * Client addresses to match (use instead of remote_addr).
   *
   * @minItems 1
   */
  remote_addrs?: [RemoteAddrInput, ...RemoteAddrInput[]];
  /**
   * lua-resty-expr expressions over request variables, all of which must match.
   */
  vars?: unknown[];
  /**
   * Lua function source used as an extra match condition (accepted for compatibility).
   */
  filter_func?: string;
  /**
   * Plugin orchestration script (APISIX dashboard); excludes plugins and plugin_config_id.
   */
  script?: string;
  /**
   * Id of the script.
   */
  script_id?: IdInput;
  /**
   * Plugins of the route.
   */
  plugins?: PluginsMapInput;
  /**
   * Id of a plugin_config whose plugins are merged in.
   */
  plugin_config_id?: IdInput;
  /**
   * Inline upstream.
   */
  upstream?: UpstreamConfInput;
  /**
   * Id of an upstream resource.
   */
  upstream_id?: IdInput;
  /**
   * Id of a service this route belongs to.
   */
  service_id?: IdInput;
  /**
   * Protocol of the service (grpc or http).
   */
  service_protocol?: 'grpc' | 'http';
  /**
   * Upstream timeouts for this route.
   */
  timeout?: TimeoutInput;
  /**
   * Proxy WebSocket upgrades.
   */
  enable_websocket?: boolean;
  /**
   * 1 enables the route, 0 disables it (never matched).
   */
  status?: 1 | 0;
}
/**
 * Key/value pairs that tag a resource; values are 1..256 non-blank characters.
 */
export interface LabelsInput {
  /**
   * Value of the label.
   *
   * This interface was referenced by `LabelsInput`'s JSON-Schema definition
   * via the `patternProperty` ".*".
   */
  [k: string]: string;
}
/**
 * Plugin name to plugin configuration; each entry is validated against its plugin's own schema.
 */
export interface PluginsMapInput {
  [k: string]: unknown;
}
/**
 * An upstream: a set of backend nodes and how to balance, check and reach them (APISIX schema_def upstream).
 */
export interface UpstreamConfInput {
  /**
   * Upstream id.
   */
  id?: IdInput;
  /**
   * Upstream name.
   */
  name?: NameInput;
  /**
   * Upstream description.
   */
  desc?: DescInput;
  /**
   * Labels of the upstream.
   */
  labels?: LabelsInput;
  /**
   * Creation time.
   */
  create_time?: TimestampInput;
  /**
   * Last update time.
   */
  update_time?: TimestampInput;
  /**
   * Backend nodes.
   */
  nodes?: UpstreamNodesInput;
  /**
   * Service name looked up in the discovery registry.
   */
  service_name?: string;
  /**
   * Service discovery registry type.
   */
  discovery_type?: string;
  /**
   * Extra arguments for the discovery registry.
   */
  discovery_args?: {
    /**
     * Namespace id.
     */
    namespace_id?: string;
    /**
     * Group name.
     */
    group_name?: string;
    /**
     * Metadata the discovered nodes must carry.
     */
    metadata?: {
      [k: string]: unknown;
    };
  };
  /**
   * Load-balancing algorithm.
   */
  type?: 'chash' | 'roundrobin' | 'ewma' | 'least_conn';
  /**
   * What chash hashes on; `key` names the variable, header or cookie.
   */
  hash_on?: 'vars' | 'header' | 'cookie' | 'consumer' | 'vars_combinations';
  /**
   * The chash key.
   */
  key?: string;
  /**
   * Health checks of the nodes.
   */
  checks?: HealthCheckInput;
  /**
   * Times a failed request is retried on another node.
   */
  retries?: number;
  /**
   * Seconds during which retries may happen (0 = no limit).
   */
  retry_timeout?: number;
  /**
   * Connect, send and read timeouts.
   */
  timeout?: TimeoutInput;
  /**
   * Protocol used to talk to the nodes (tcp, tls, udp, kafka are APISIX stream/pubsub schemes).
   */
  scheme?: 'grpc' | 'grpcs' | 'http' | 'https' | 'tcp' | 'tls' | 'udp' | 'kafka';
  /**
   * Host header sent upstream: the client's (pass), the node's (node) or upstream_host (rewrite).
   */
  pass_host?: 'pass' | 'node' | 'rewrite';
  /**
   * Host header used when pass_host is rewrite.
   */
  upstream_host?: HostInput;
  /**
   * Connection pool towards the nodes.
   */
  keepalive_pool?: {
    /**
     * Maximum idle connections kept.
     */
    size?: number;
    /**
     * Seconds an idle connection is kept.
     */
    idle_timeout?: number;
    /**
     * Requests served by one connection before it is closed.
     */
    requests?: number;
  };
  /**
   * Client certificate presented to the nodes (mTLS).
   */
  tls?: {
    /**
     * Id of an SSL resource of type client.
     */
    client_cert_id?: IdInput;
    /**
     * Client certificate (PEM).
     */
    client_cert?: string;
    /**
     * Client private key (PEM).
     */
    client_key?: string;
    /**
     * Verify the https nodes' certificate and name (APISIX 3.18: kafka only; Tollgate and APISIX master: https too).
     */
    verify?: boolean;
  };
}
/**
 * One upstream node in the array form of `nodes`.
 */
export interface UpstreamNodeInput {
  /**
   * Host name or IP of the node.
   */
  host: HostInput;
  /**
   * Port of the node; when absent, the default port of the upstream's scheme (80 for http and grpc, 443 for https and grpcs).
   */
  port?: number;
  /**
   * Weight of the node.
   */
  weight: number;
  /**
   * Priority of the node; lower priorities are used only when higher ones fail (0 when unset).
   */
  priority?: number;
  /**
   * Free-form metadata of the node.
   */
  metadata?: {
    [k: string]: unknown;
  };
}
/**
 * Upstream health checks: `active` is required, `passive` optional; no other keys.
 */
export interface HealthCheckInput {
  /**
   * Active probes.
   */
  active?: HealthCheckActiveInput;
  /**
   * Health judged from live traffic.
   */
  passive?: HealthCheckPassiveInput;
}
/**
 * Active health check: probes sent on a timer. Unknown keys are accepted, as in APISIX.
 */
export interface HealthCheckActiveInput {
  /**
   * Probe protocol.
   */
  type?: 'http' | 'https' | 'tcp';
  /**
   * Probe timeout in seconds.
   */
  timeout?: number;
  /**
   * Number of targets probed at the same time.
   */
  concurrency?: number;
  /**
   * Host header sent with HTTP probes (defaults to the target host).
   */
  host?: HostInput;
  /**
   * Port to probe instead of the target's own port.
   */
  port?: number;
  /**
   * HTTP method of the probe request.
   */
  http_method?: HttpMethodInput;
  /**
   * Path of the HTTP probe request.
   */
  http_path?: string;
  /**
   * Body of the HTTP probe request.
   */
  http_req_body?: string;
  /**
   * Verify the target's certificate on https probes.
   */
  https_verify_certificate?: boolean;
  /**
   * Extra probe request headers, each written as "Name: value".
   *
   * @minItems 1
   */
  req_headers?: [string, ...string[]];
  /**
   * When a target counts as healthy again.
   */
  healthy?: {
    /**
     * Seconds between probes of a healthy target.
     */
    interval?: number;
    /**
     * Probe statuses that count as a success.
     *
     * @minItems 1
     */
    http_statuses?: [number, ...number[]];
    /**
     * Consecutive successes that mark a target healthy.
     */
    successes?: number;
  };
  /**
   * When a target counts as unhealthy.
   */
  unhealthy?: {
    /**
     * Seconds between probes of an unhealthy target.
     */
    interval?: number;
    /**
     * Probe statuses that count as a failure.
     *
     * @minItems 1
     */
    http_statuses?: [number, ...number[]];
    /**
     * HTTP failures that mark a target unhealthy.
     */
    http_failures?: number;
    /**
     * TCP connect failures that mark a target unhealthy.
     */
    tcp_failures?: number;
    /**
     * Probe timeouts that mark a target unhealthy.
     */
    timeouts?: number;
  };
}
/**
 * Passive health check: target health judged from live traffic.
 */
export interface HealthCheckPassiveInput {
  /**
   * Protocol of the observed traffic.
   */
  type?: 'http' | 'https' | 'tcp';
  /**
   * When a target counts as healthy again.
   */
  healthy?: {
    /**
     * Response statuses that count as a success.
     *
     * @minItems 1
     */
    http_statuses?: [number, ...number[]];
    /**
     * Consecutive successes that mark a target healthy.
     */
    successes?: number;
  };
  /**
   * When a target counts as unhealthy.
   */
  unhealthy?: {
    /**
     * Response statuses that count as a failure.
     *
     * @minItems 1
     */
    http_statuses?: [number, ...number[]];
    /**
     * TCP failures that mark a target unhealthy.
     */
    tcp_failures?: number;
    /**
     * Timeouts that mark a target unhealthy.
     */
    timeouts?: number;
    /**
     * HTTP failures that mark a target unhealthy.
     */
    http_failures?: number;
  };
}
/**
 * Upstream timeouts in seconds; all three are required.
 */
export interface TimeoutInput {
  /**
   * Connect timeout in seconds.
   */
  connect: number;
  /**
   * Send timeout in seconds.
   */
  send: number;
  /**
   * Read timeout in seconds.
   */
  read: number;
}
/**
 * A service: plugins and an upstream shared by the routes that reference it.
 */
export interface ServiceConfInput {
  /**
   * Service id.
   */
  id?: IdInput;
  /**
   * Service name.
   */
  name?: NameInput;
  /**
   * Service description.
   */
  desc?: DescInput;
  /**
   * Labels of the service.
   */
  labels?: LabelsInput;
  /**
   * Creation time.
   */
  create_time?: TimestampInput;
  /**
   * Last update time.
   */
  update_time?: TimestampInput;
  /**
   * Plugins of the service.
   */
  plugins?: PluginsMapInput;
  /**
   * Inline upstream.
   */
  upstream?: UpstreamConfInput;
  /**
   * Id of an upstream resource.
   */
  upstream_id?: IdInput;
  /**
   * Plugin orchestration script (APISIX dashboard).
   */
  script?: string;
  /**
   * Proxy WebSocket upgrades.
   */
  enable_websocket?: boolean;
  /**
   * Hosts the service's routes match.
   *
   * @minItems 1
   */
  hosts?: [HostInput, ...HostInput[]];
}
/**
 * A consumer: an API client identified by username, with its auth and other plugins.
 */
export interface ConsumerConfInput {
  /**
   * Unique consumer name; also the resource's key.
   */
  username: string;
  /**
   * Optional id (the key is the username).
   */
  id?: IdInput;
  /**
   * Consumer description.
   */
  desc?: DescInput;
  /**
   * Labels of the consumer.
   */
  labels?: LabelsInput;
  /**
   * Creation time.
   */
  create_time?: TimestampInput;
  /**
   * Last update time.
   */
  update_time?: TimestampInput;
  /**
   * Id of the consumer group it belongs to.
   */
  group_id?: IdInput;
  /**
   * Plugins of the consumer.
   */
  plugins?: PluginsMapInput;
}
/**
 * A credential of a consumer: one more set of auth-plugin secrets for the same consumer.
 */
export interface CredentialConfInput {
  /**
   * Credential id.
   */
  id?: IdInput;
  /**
   * Credential name.
   */
  name?: NameInput;
  /**
   * Credential description.
   */
  desc?: DescInput;
  /**
   * Labels of the credential.
   */
  labels?: LabelsInput;
  /**
   * Creation time.
   */
  create_time?: TimestampInput;
  /**
   * Last update time.
   */
  update_time?: TimestampInput;
  /**
   * Auth plugins of the credential.
   */
  plugins?: PluginsMapInput;
}
/**
 * A plugin config: a reusable plugin set that routes reference with plugin_config_id.
 */
export interface PluginConfigConfInput {
  /**
   * Plugin config id.
   */
  id?: IdInput;
  /**
   * Plugin config name.
   */
  name?: NameInput;
  /**
   * Plugin config description.
   */
  desc?: DescInput;
  /**
   * Labels of the plugin config.
   */
  labels?: LabelsInput;
  /**
   * Creation time.
   */
  create_time?: TimestampInput;
  /**
   * Last update time.
   */
  update_time?: TimestampInput;
  /**
   * The plugins.
   */
  plugins: PluginsMapInput;
}
/**
 * A global rule: plugins that run on every request before the route's plugins.
 */
export interface GlobalRuleConfInput {
  /**
   * Global rule id.
   */
  id?: IdInput;
  /**
   * Creation time.
   */
  create_time?: TimestampInput;
  /**
   * Last update time.
   */
  update_time?: TimestampInput;
  /**
   * Plugins run on every request.
   */
  plugins: PluginsMapInput;
}
/**
 * A consumer group: plugins shared by the consumers whose group_id points at it.
 */
export interface ConsumerGroupConfInput {
  /**
   * Consumer group id.
   */
  id?: IdInput;
  /**
   * Consumer group name.
   */
  name?: NameInput;
  /**
   * Consumer group description.
   */
  desc?: DescInput;
  /**
   * Labels of the group.
   */
  labels?: LabelsInput;
  /**
   * Creation time.
   */
  create_time?: TimestampInput;
  /**
   * Last update time.
   */
  update_time?: TimestampInput;
  /**
   * Plugins of the group.
   */
  plugins: PluginsMapInput;
}
/**
 * Plugin metadata: settings shared by every instance of one plugin, checked against that plugin's metadata schema.
 */
export interface PluginMetadataConfInput {
  /**
   * Name of the plugin the metadata belongs to.
   */
  id?: IdInput;
  [k: string]: unknown;
}
/**
 * A certificate and its key: served to clients whose SNI matches (type server) or presented to upstreams (type client) (APISIX schema_def ssl).
 */
export interface SslConfInput {
  /**
   * SSL id.
   */
  id?: IdInput;
  /**
   * server: served to clients by SNI; client: presented to upstreams (tls.client_cert_id).
   */
  type?: 'server' | 'client';
  /**
   * Certificate (PEM), or a $secret:// / $env:// reference.
   */
  cert?: string;
  /**
   * Private key (PEM), or a $secret:// / $env:// reference.
   */
  key?: string;
  /**
   * The one SNI served, exact or wildcard (*.example.com).
   */
  sni?: string;
  /**
   * The SNIs served, exact or wildcard.
   *
   * @minItems 1
   */
  snis?: [string, ...string[]];
  /**
   * More certificates for the same SNIs (e.g. an ECDSA one next to RSA), paired with keys.
   */
  certs?: string[];
  /**
   * The private keys of certs, in the same order.
   */
  keys?: string[];
  /**
   * Client certificate verification (mTLS) for this SNI.
   */
  client?: {
    /**
     * CA certificate (PEM) client certificates must chain to.
     */
    ca: string;
    /**
     * Maximum verification depth of client certificate chains.
     */
    depth?: number;
    /**
     * URIs (PCRE) for which no client certificate is required.
     *
     * @minItems 1
     */
    skip_mtls_uri_regex?: [string, ...string[]];
  };
  /**
   * 1 enables the SSL, 0 disables it.
   */
  status?: 1 | 0;
  /**
   * TLS versions accepted for this SNI.
   *
   * @maxItems 3
   */
  ssl_protocols?:
    | []
    | ['TLSv1.1' | 'TLSv1.2' | 'TLSv1.3']
    | ['TLSv1.1' | 'TLSv1.2' | 'TLSv1.3', 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3']
    | [
        'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3',
        'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3',
        'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3',
      ];
  /**
   * SSL description.
   */
  desc?: DescInput;
  /**
   * Labels of the SSL.
   */
  labels?: LabelsInput;
  /**
   * Creation time.
   */
  create_time?: TimestampInput;
  /**
   * Last update time.
   */
  update_time?: TimestampInput;
}
/**
 * A stream route: matches L4 (TCP/UDP) connections by server address and port, client address and TLS SNI, and proxies their bytes to an upstream.
 */
export interface StreamRouteConfInput {
  /**
   * Stream route id.
   */
  id?: IdInput;
  /**
   * Stream route name.
   */
  name?: NameInput;
  /**
   * Stream route description.
   */
  desc?: DescInput;
  /**
   * Labels of the stream route.
   */
  labels?: LabelsInput;
  /**
   * Creation time.
   */
  create_time?: TimestampInput;
  /**
   * Last update time.
   */
  update_time?: TimestampInput;
  /**
   * Client address (IP or CIDR) to match.
   */
  remote_addr?: RemoteAddrInput;
  /**
   * Address (IP or CIDR) of the gateway that accepted the connection.
   */
  server_addr?: RemoteAddrInput;
  /**
   * Port of the gateway that accepted the connection.
   */
  server_port?: number;
  /**
   * TLS server name (from the ClientHello) to match; `*.example.com` matches one more label.
   */
  sni?: string;
  /**
   * Inline upstream.
   */
  upstream?: UpstreamConfInput;
  /**
   * Id of an upstream resource.
   */
  upstream_id?: IdInput;
  /**
   * Id of a service resource.
   */
  service_id?: IdInput;
  /**
   * Stream plugins (ip-restriction, limit-conn).
   */
  plugins?: PluginsMapInput;
  /**
   * xRPC protocol of the connections (APISIX's xRPC framework).
   */
  protocol?: {
    /**
     * Protocol name.
     */
    name: string;
    /**
     * Stream route whose router this one shares.
     */
    superior_id?: IdInput;
    /**
     * Protocol-specific configuration.
     */
    conf?: {
      [k: string]: unknown;
    };
    /**
     * Loggers of the protocol's requests.
     */
    logger?: {
      /**
       * Logger plugin name.
       */
      name?: string;
      /**
       * Logger filter rules.
       */
      filter?: unknown[];
      /**
       * Logger plugin configuration.
       */
      conf?: {
        [k: string]: unknown;
      };
    }[];
  };
}
/**
 * A protocol buffers definition (`/apisix/admin/protos/<id>`, APISIX's schema_def proto) that grpc-transcode plugin confs name by `proto_id`: a `.proto` source, or a base64 `FileDescriptorSet` (compiled `.pb`).
 */
export interface ProtoConfInput {
  /**
   * Proto id.
   */
  id?: IdInput;
  /**
   * Proto name.
   */
  name?: NameInput;
  /**
   * Proto description.
   */
  desc?: DescInput;
  /**
   * Labels of the proto.
   */
  labels?: LabelsInput;
  /**
   * Creation time.
   */
  create_time?: TimestampInput;
  /**
   * Last update time.
   */
  update_time?: TimestampInput;
  /**
   * The `.proto` source, or a base64-encoded `FileDescriptorSet`; compiled at write time.
   */
  content: string;
}
/**
 * A HashiCorp Vault secret manager (`/apisix/admin/secrets/vault/<id>`, APISIX's apisix/secret/vault.lua): `$secret://vault/<id>/<path>/<field>` reads `<field>` of `<uri>/v1/<prefix>/<path>`.
 */
export interface SecretVaultConfInput {
  /**
   * `<manager>/<id>`, set by the Admin API from the URL (APISIX's layout).
   */
  id?: string;
  /**
   * Creation time.
   */
  create_time?: TimestampInput;
  /**
   * Last update time.
   */
  update_time?: TimestampInput;
  /**
   * Vault's address, `http(s)://host[:port]`.
   */
  uri: string;
  /**
   * Path under `/v1/` the secret paths are relative to: a KV v1 mount (`kv/apisix`), or a KV v2 mount's read path (`secret/data`, Tollgate).
   */
  prefix: string;
  /**
   * Vault token sent as `X-Vault-Token`; may be an `$env://` reference.
   */
  token: string;
  /**
   * Vault Enterprise / HCP namespace sent as `X-Vault-Namespace`.
   */
  namespace?: string;
}
/**
 * An AWS Secrets Manager secret manager (`/apisix/admin/secrets/aws/<id>`, APISIX's apisix/secret/aws.lua): `$secret://aws/<id>/<secret_name>/<field>` reads `<field>` of the secret's JSON `SecretString`.
 */
export interface SecretAwsConfInput {
  /**
   * `<manager>/<id>`, set by the Admin API from the URL (APISIX's layout).
   */
  id?: string;
  /**
   * Creation time.
   */
  create_time?: TimestampInput;
  /**
   * Last update time.
   */
  update_time?: TimestampInput;
  /**
   * AWS access key id; may be an `$env://` reference.
   */
  access_key_id: string;
  /**
   * AWS secret access key; may be an `$env://` reference.
   */
  secret_access_key: string;
  /**
   * Temporary credentials' session token; may be an `$env://` reference.
   */
  session_token?: string;
  /**
   * AWS region the requests are signed for.
   */
  region?: string;
  /**
   * Secrets Manager endpoint (default `https://secretsmanager.<region>.amazonaws.com`).
   */
  endpoint_url?: string;
}
/**
 * A GCP Secret Manager secret manager (`/apisix/admin/secrets/gcp/<id>`, APISIX's apisix/secret/gcp.lua): `$secret://gcp/<id>/<secret_name>/<field>` reads `<field>` of the latest version's JSON payload.
 */
export interface SecretGcpConfInput {
  /**
   * `<manager>/<id>`, set by the Admin API from the URL (APISIX's layout).
   */
  id?: string;
  /**
   * Creation time.
   */
  create_time?: TimestampInput;
  /**
   * Last update time.
   */
  update_time?: TimestampInput;
  /**
   * Service account credentials.
   */
  auth_config?: {
    /**
     * Service account e-mail.
     */
    client_email: string;
    /**
     * Service account private key (PEM).
     */
    private_key: string;
    /**
     * Project holding the secrets.
     */
    project_id: string;
    /**
     * OAuth 2.0 token endpoint.
     */
    token_uri: string;
    /**
     * OAuth scopes asked for.
     */
    scopes?: string;
    /**
     * Secret Manager API base.
     */
    entries_uri?: string;
  };
  /**
   * Verify the TLS certificates of Google's endpoints.
   */
  ssl_verify?: boolean;
  /**
   * Path of a service account JSON file, read instead of `auth_config`.
   */
  auth_file?: string;
}
/**
 * Plugin name to the type of its route/service configuration.
 */
export interface PluginConfMapInput {
  'ai-aliyun-content-moderation': AiAliyunContentModerationConfInput;
  'ai-aws-content-moderation': AiAwsContentModerationConfInput;
  'ai-cache': AiCacheConfInput;
  'ai-consumer-rate-limiting': AiConsumerRateLimitingConfInput;
  'ai-lakera-guard': AiLakeraGuardConfInput;
  'ai-prompt-decorator': AiPromptDecoratorConfInput;
  'ai-prompt-guard': AiPromptGuardConfInput;
  'ai-prompt-template': AiPromptTemplateConfInput;
  'ai-proxy': AiProxyConfInput;
  'ai-proxy-multi': AiProxyMultiConfInput;
  'ai-rag': AiRagConfInput;
  'ai-rate-limiting': AiRateLimitingConfInput;
  'ai-request-rewrite': AiRequestRewriteConfInput;
  'ai-runaway-guard': AiRunawayGuardConfInput;
  'basic-auth': BasicAuthConfInput;
  'client-control': ClientControlConfInput;
  'consumer-restriction': ConsumerRestrictionConfInput;
  cors: CorsConfInput;
  'elasticsearch-logger': ElasticsearchLoggerConfInput;
  'fault-injection': FaultInjectionConfInput;
  'file-logger': FileLoggerConfInput;
  'forward-auth': ForwardAuthConfInput;
  'hmac-auth': HmacAuthConfInput;
  'http-logger': HttpLoggerConfInput;
  'ip-restriction': IpRestrictionConfInput;
  'jwt-auth': JwtAuthConfInput;
  'key-auth': KeyAuthConfInput;
  'limit-conn': LimitConnConfInput;
  'limit-count': LimitCountConfInput;
  'limit-req': LimitReqConfInput;
  'loki-logger': LokiLoggerConfInput;
  'multi-auth': MultiAuthConfInput;
  'openid-connect': OpenidConnectConfInput;
  opentelemetry: OpentelemetryConfInput;
  prometheus: PrometheusConfInput;
  'proxy-mirror': ProxyMirrorConfInput;
  'proxy-rewrite': ProxyRewriteConfInput;
  'real-ip': RealIpConfInput;
  redirect: RedirectConfInput;
  'referer-restriction': RefererRestrictionConfInput;
  'request-id': RequestIdConfInput;
  'request-validation': RequestValidationConfInput;
  'response-rewrite': ResponseRewriteConfInput;
  syslog: SyslogConfInput;
  'tcp-logger': TcpLoggerConfInput;
  'traffic-split': TrafficSplitConfInput;
  'ua-restriction': UaRestrictionConfInput;
  'udp-logger': UdpLoggerConfInput;
  'uri-blocker': UriBlockerConfInput;
}
/**
 * APISIX 3.18's ai-aliyun-content-moderation: send AI prompts and answers to Alibaba Cloud's TextModerationPlus and refuse those at or above a risk level. Needs ai-proxy or ai-proxy-multi on the route.
 */
export interface AiAliyunContentModerationConfInput {
  /**
   * Base URL of the Alibaba Cloud content moderation service (for example `https://green-cip.cn-shanghai.aliyuncs.com`); requests go to `POST /` of its origin (a path in it is not used).
   */
  endpoint: string;
  /**
   * Region sent as `RegionId` (for example `cn-shanghai`).
   */
  region_id: string;
  /**
   * AccessKey ID sent as `AccessKeyId`.
   */
  access_key_id: string;
  /**
   * AccessKey secret the requests are signed with (HMAC-SHA1). Stored encrypted; `$secret://` and `$env://` references are resolved.
   */
  access_key_secret: string;
  /**
   * Moderate the prompt before the LLM is called.
   */
  check_request?: boolean;
  /**
   * Moderate the LLM's answer (see `stream_check_mode` for streams).
   */
  check_response?: boolean;
  /**
   * Which user/tool messages are moderated: `last`, only the latest consecutive block of messages of the selected roles; `all`, every one. System messages are always checked when `system` is selected.
   */
  request_check_mode?: 'last' | 'all';
  /**
   * Message roles moderated on the request side. `user` and `tool` follow `request_check_mode`; `system` (and `developer`, Responses `instructions`) is checked on every request.
   *
   * @minItems 1
   */
  request_check_roles?: ['user' | 'tool' | 'system', ...('user' | 'tool' | 'system')[]];
  /**
   * TextModerationPlus `Service` for prompts.
   */
  request_check_service?: string;
  /**
   * Characters of prompt text per moderation call; longer text is cut into pieces, one call each, and the first risky piece refuses.
   */
  request_check_length_limit?: number;
  /**
   * TextModerationPlus `Service` for answers.
   */
  response_check_service?: string;
  /**
   * Characters of answer text per moderation call.
   */
  response_check_length_limit?: number;
  /**
   * Lowest `Data.RiskLevel` that refuses (`none` < `low` < `medium` < `high` < `max`).
   */
  risk_level_bar?: 'none' | 'low' | 'medium' | 'high' | 'max';
  /**
   * Status of a refusal. 200 (the default) lets client SDKs read the completion-shaped refusal as an answer; a refused stream keeps the status already sent.
   */
  deny_code?: number;
  /**
   * The assistant text of a refusal; when unset, the service's `Data.Advice[0].Answer`, else `Your request violate our content policy.`.
   */
  deny_message?: string;
  /**
   * Streams: `final_packet` moderates the whole answer at its end and adds `risk_level` to the data events of the last chunk; `realtime` moderates batches of text as they stream and ends the stream with the refusal on a hit.
   */
  stream_check_mode?: 'realtime' | 'final_packet';
  /**
   * Realtime mode: characters of streamed text that make a batch.
   */
  stream_check_cache_size?: number;
  /**
   * Realtime mode: seconds after which the text gathered so far is checked even if the batch is not full (checked when a chunk arrives).
   */
  stream_check_interval?: number;
  /**
   * Milliseconds one moderation call may take.
   */
  timeout?: number;
  /**
   * Keep connections to the service open between calls.
   */
  keepalive?: boolean;
  /**
   * Most idle connections kept per endpoint.
   */
  keepalive_pool?: number;
  /**
   * Milliseconds an idle connection is kept.
   */
  keepalive_timeout?: number;
  /**
   * Verify the TLS certificate of an `https` endpoint.
   */
  ssl_verify?: boolean;
  /**
   * Traffic the plugin cannot inspect (no AI instance picked, a content type other than JSON, a protocol without a conversation): `skip` passes it with an info log, `warn` with a warning, `error` refuses it.
   */
  fail_mode?: 'skip' | 'warn' | 'error';
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * APISIX's `_meta` block, accepted by every plugin: controls whether and when the plugin runs.
 */
export interface PluginMetaInput {
  /**
   * When true the plugin is configured but skipped.
   */
  disable?: boolean;
  /**
   * Body sent instead of the plugin's own when the plugin ends the request.
   */
  error_response?:
    | string
    | {
        [k: string]: unknown;
      };
  /**
   * Overrides the plugin's priority for this configuration (higher runs first).
   */
  priority?: number;
  /**
   * Vars expression (lua-resty-expr syntax); the plugin runs only when it matches.
   */
  filter?: unknown[];
  /**
   * Lua function source APISIX runs before the plugin in each phase. Refused by Tollgate's Admin API (Tollgate does not run Lua); ignored with a warning in configurations APISIX wrote into etcd.
   */
  pre_function?: string;
}
/**
 * ai-aws-content-moderation: score prompts (and optionally answers) with Amazon Comprehend DetectToxicContent and refuse those over the thresholds. Needs ai-proxy or ai-proxy-multi on the same route.
 */
export interface AiAwsContentModerationConfInput {
  /**
   * The Comprehend endpoint and the AWS credentials that sign its calls (Signature V4).
   */
  comprehend: {
    /**
     * AWS access key id.
     */
    access_key_id: string;
    /**
     * AWS secret access key (stored encrypted; may be a $secret:// or $env:// reference).
     */
    secret_access_key: string;
    /**
     * Session token of temporary credentials (read by APISIX though not declared in its schema).
     */
    session_token?: string;
    /**
     * AWS region, e.g. us-east-1.
     */
    region: string;
    /**
     * Comprehend endpoint; only its scheme, host and port are used. Default https://comprehend.<region>.amazonaws.com.
     */
    endpoint?: string;
    /**
     * Verify the endpoint's TLS certificate.
     */
    ssl_verify?: boolean;
  };
  /**
   * Per-category thresholds (0 to 1): a label scoring strictly above its threshold is refused.
   */
  moderation_categories?: {
    /**
     * This interface was referenced by `undefined`'s JSON-Schema definition
     * via the `patternProperty` "^(PROFANITY|HATE_SPEECH|INSULT|HARASSMENT_OR_ABUSE|SEXUAL|VIOLENCE_OR_THREAT)$".
     */
    [k: string]: number;
  };
  /**
   * Threshold of the overall Toxicity score: strictly above it is refused.
   */
  moderation_threshold?: number;
  /**
   * Moderate the prompt before the LLM is called.
   */
  check_request?: boolean;
  /**
   * Moderate the LLM's answer.
   */
  check_response?: boolean;
  /**
   * Roles whose messages are moderated on the request side; system is checked on every request when listed, user and tool follow request_check_mode. Assistant turns are never moderated.
   *
   * @minItems 1
   */
  request_check_roles?: ['user' | 'tool' | 'system', ...('user' | 'tool' | 'system')[]];
  /**
   * all: every user/tool message of the selected roles; last: only the last consecutive block of them.
   */
  request_check_mode?: 'last' | 'all';
  /**
   * Most bytes of request text per Comprehend text segment; longer text is split (never inside a UTF-8 character).
   */
  request_check_length_limit?: number;
  /**
   * Most bytes of answer text per Comprehend text segment.
   */
  response_check_length_limit?: number;
  /**
   * realtime: moderate batches while the answer streams and end the stream with the deny on a hit; final_packet: moderate the whole answer at the end and add risk_level to the last chunk's events.
   */
  stream_check_mode?: 'realtime' | 'final_packet';
  /**
   * realtime: size of a batch (UTF-8 bytes of answer text, as APISIX counts).
   */
  stream_check_cache_size?: number;
  /**
   * realtime: seconds after which a batch is checked even when smaller than stream_check_cache_size.
   */
  stream_check_interval?: number;
  /**
   * Status of a refusal; 200 lets client SDKs read the refusal as an ordinary completion.
   */
  deny_code?: number;
  /**
   * Text of the refusal; by default the reason (`request body exceeds toxicity threshold`).
   */
  deny_message?: string;
  /**
   * Timeout of each Comprehend call in milliseconds.
   */
  timeout?: number;
  /**
   * Reuse connections to Comprehend.
   */
  keepalive?: boolean;
  /**
   * Idle time in milliseconds before a pooled Comprehend connection is closed.
   */
  keepalive_timeout?: number;
  /**
   * What to do with a request the plugin cannot inspect (no ai-proxy in front, not JSON, no conversation): skip (pass, info log), warn (pass, warn log) or error (refuse).
   */
  fail_mode?: 'skip' | 'warn' | 'error';
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * ai-cache: answers of the LLM cached in Redis and replayed for identical requests (APISIX 3.18's ai-cache; the semantic layer is accepted but not yet supported).
 */
export interface AiCacheConfInput {
  /**
   * The exact-match layer (L1).
   */
  exact?: {
    /**
     * Seconds an exact entry lives.
     */
    ttl?: number;
  };
  /**
   * What separates cache entries besides the request itself.
   */
  cache_key?: {
    /**
     * Share entries between routes; by default each route has its own.
     */
    share_across_routes?: boolean;
    /**
     * Give each consumer its own entries; by default consumers of a route share them.
     */
    include_consumer?: boolean;
    /**
     * Variables whose values separate entries (e.g. `http_x_tenant`).
     */
    include_vars?: string[];
  };
  /**
   * Largest response, in bytes, that is stored.
   */
  max_cache_body_size?: number;
  /**
   * Send X-AI-Cache-Status (and X-AI-Cache-Age on a hit).
   */
  cache_headers?: boolean;
  /**
   * What to do with a request the cache cannot handle (no ai-proxy or ai-proxy-multi in front): skip, warn (pass it on uncached) or error (refuse it).
   */
  fail_mode?: 'skip' | 'warn' | 'error';
  /**
   * Rules that skip the cache (no lookup, no store) when any matches.
   *
   * @minItems 1
   */
  bypass_on?: [AiCacheBypassRuleInput, ...AiCacheBypassRuleInput[]];
  /**
   * Storage backend: a single Redis server.
   */
  policy?: 'redis';
  /**
   * Cache layers; must contain exact. semantic is accepted but not yet supported by Tollgate (ignored with a warning).
   *
   * @minItems 1
   */
  layers?: ['exact' | 'semantic', ...('exact' | 'semantic')[]];
  /**
   * The semantic layer (L2): accepted so APISIX configurations load; not yet supported (needs Redis 8 vector sets or RediSearch).
   */
  semantic?: {
    /**
     * Least cosine similarity of a match.
     */
    similarity_threshold?: number;
    /**
     * Nearest neighbours fetched.
     */
    top_k?: number;
    /**
     * Vector distance.
     */
    distance_metric?: 'cosine';
    /**
     * Seconds a semantic entry lives.
     */
    ttl?: number;
    /**
     * Which messages are embedded.
     */
    match?: {
      /**
       * Last messages embedded.
       */
      message_countback?: number;
      /**
       * Leave system messages out.
       */
      ignore_system_prompts?: boolean;
      /**
       * Leave assistant messages out.
       */
      ignore_assistant_prompts?: boolean;
      /**
       * Leave tool messages out.
       */
      ignore_tool_prompts?: boolean;
    };
    /**
     * Embeddings service: exactly one of openai and azure_openai.
     */
    embedding: {
      /**
       * OpenAI-compatible embeddings API.
       */
      openai?: {
        /**
         * Embeddings endpoint URL.
         */
        endpoint?: string;
        /**
         * Embedding model.
         */
        model: string;
        /**
         * API key.
         */
        api_key: string;
        /**
         * Output dimensions.
         */
        dimensions?: number;
        /**
         * Verify the service's certificate.
         */
        ssl_verify?: boolean;
        /**
         * Request timeout in milliseconds.
         */
        timeout?: number;
      };
      /**
       * Azure OpenAI embeddings deployment.
       */
      azure_openai?: {
        /**
         * Deployment endpoint URL.
         */
        endpoint: string;
        /**
         * API key.
         */
        api_key: string;
        /**
         * Output dimensions.
         */
        dimensions?: number;
        /**
         * Verify the service's certificate.
         */
        ssl_verify?: boolean;
        /**
         * Request timeout in milliseconds.
         */
        timeout?: number;
      };
    };
    /**
     * Vector index.
     */
    vector_search: {
      /**
       * Redis vector index.
       */
      redis: {
        /**
         * Index name.
         */
        index?: string;
      };
    };
  };
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
  /**
   * Redis server address.
   */
  redis_host?: string;
  /**
   * Redis server port.
   */
  redis_port?: number;
  /**
   * Redis ACL user name (Redis 6+).
   */
  redis_username?: string;
  /**
   * Redis password.
   */
  redis_password?: string;
  /**
   * Redis logical database number.
   */
  redis_database?: number;
  /**
   * Redis command timeout in milliseconds.
   */
  redis_timeout?: number;
  /**
   * Connect to Redis over TLS.
   */
  redis_ssl?: boolean;
  /**
   * Verify the Redis server certificate.
   */
  redis_ssl_verify?: boolean;
  /**
   * Idle time in milliseconds before a pooled Redis connection is closed.
   */
  redis_keepalive_timeout?: number;
  /**
   * Maximum number of pooled Redis connections.
   */
  redis_keepalive_pool?: number;
}
export interface AiCacheBypassRuleInput {
  /**
   * Request header name.
   */
  header: string;
  /**
   * The header value that bypasses the cache.
   */
  equals: string;
}
/**
 * ai-consumer-rate-limiting (Tollgate's take on the API7 plugin): a consumer's own token quota per LLM instance, checked before the route's ai-rate-limiting.
 */
export interface AiConsumerRateLimitingConfInput {
  /**
   * Default tokens per time_window for instances not listed in instances; an integer or a variable template.
   */
  limit?: number | string;
  /**
   * Window length in seconds for limit; an integer or a variable template.
   */
  time_window?: number | string;
  /**
   * Which token count is charged, or `expression` to charge cost_expr.
   */
  limit_strategy?: 'total_tokens' | 'prompt_tokens' | 'completion_tokens' | 'expression';
  /**
   * Arithmetic over the provider's raw usage fields (missing ones are 0); required when a strategy is expression.
   */
  cost_expr?: string;
  /**
   * The consumer's quota per instance.
   *
   * @minItems 1
   */
  instances?: [AiConsumerRateLimitingInstanceInput, ...AiConsumerRateLimitingInstanceInput[]];
  /**
   * Status of a refused request.
   */
  rejected_code?: number;
  /**
   * Body message of a refused request, sent as {"error_msg": ...}.
   */
  rejected_msg?: string;
  /**
   * Tollgate extension: reserve each request's estimated tokens at admission (prompt tokens counted from the body plus max_tokens, or reserve_completion_tokens), so requests in flight count against the quota and concurrent requests cannot overshoot it; the estimate is replaced by the usage when it is known, and released when the request is refused or fails (on by default here; false gives APISIX's check-then-charge).
   */
  reserve_tokens?: boolean;
  /**
   * Completion tokens reserved for a request that sets no max_tokens (with reserve_tokens).
   */
  reserve_completion_tokens?: number;
  /**
   * Send the X-AI-Consumer-RateLimit-* headers.
   */
  show_limit_quota_header?: boolean;
  /**
   * Where counters live.
   */
  policy?: 'local' | 'redis' | 'redis-cluster';
  /**
   * Let requests through when the counter store fails.
   */
  allow_degradation?: boolean;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
  /**
   * Redis server address.
   */
  redis_host?: string;
  /**
   * Redis server port.
   */
  redis_port?: number;
  /**
   * Redis ACL user name (Redis 6+).
   */
  redis_username?: string;
  /**
   * Redis password.
   */
  redis_password?: string;
  /**
   * Redis logical database number.
   */
  redis_database?: number;
  /**
   * Redis command timeout in milliseconds.
   */
  redis_timeout?: number;
  /**
   * Connect to Redis over TLS.
   */
  redis_ssl?: boolean;
  /**
   * Verify the Redis server certificate.
   */
  redis_ssl_verify?: boolean;
  /**
   * Idle time in milliseconds before a pooled Redis connection is closed.
   */
  redis_keepalive_timeout?: number;
  /**
   * Maximum number of pooled Redis connections.
   */
  redis_keepalive_pool?: number;
  /**
   * Addresses (host:port) of the cluster's seed nodes.
   *
   * @minItems 1
   */
  redis_cluster_nodes?: [string, ...string[]];
  /**
   * Name of the Redis cluster.
   */
  redis_cluster_name?: string;
  /**
   * Connect to the cluster over TLS.
   */
  redis_cluster_ssl?: boolean;
  /**
   * Verify the cluster nodes' certificates.
   */
  redis_cluster_ssl_verify?: boolean;
}
export interface AiConsumerRateLimitingInstanceInput {
  /**
   * Instance name, as in ai-proxy-multi (or ai-proxy-<provider>).
   */
  name: string;
  /**
   * Tokens allowed per time_window; an integer or a variable template.
   */
  limit: number | string;
  /**
   * Window length in seconds; an integer or a variable template.
   */
  time_window: number | string;
  /**
   * Strategy for this instance (the plugin's limit_strategy when unset).
   */
  limit_strategy?: 'total_tokens' | 'prompt_tokens' | 'completion_tokens' | 'expression';
  /**
   * Expression for this instance (the plugin's cost_expr when unset).
   */
  cost_expr?: string;
}
/**
 * APISIX 3.18's ai-lakera-guard: scan AI prompts and answers with Lakera Guard v2 (POST /v2/guard) and refuse or log what it flags. Needs ai-proxy or ai-proxy-multi on the route.
 */
export interface AiLakeraGuardConfInput {
  /**
   * Lakera Guard API key, sent as `Authorization: Bearer`. Stored encrypted; `$secret://` and `$env://` references are resolved.
   */
  api_key: string;
  /**
   * Lakera Guard v2 endpoint.
   */
  lakera_endpoint?: string;
  /**
   * Lakera project whose policy (detectors and thresholds) to apply; the account's default policy when unset.
   */
  project_id?: string;
  /**
   * Which traffic to scan: `input` (the prompt), `output` (the answer), or `both` (the prompt, then the answer when the prompt passed).
   */
  direction?: 'input' | 'output' | 'both';
  /**
   * What a flagged verdict does: `block` refuses; `alert` only logs (shadow mode). Lakera errors stay governed by `fail_open` in both.
   */
  action?: 'block' | 'alert';
  /**
   * When Lakera cannot answer (error status, timeout, undecodable body) or an answer cannot be scanned: `false` refuses, `true` lets it through.
   */
  fail_open?: boolean;
  /**
   * Traffic the plugin cannot inspect (no AI instance picked, a protocol without a conversation): `skip` passes it with an info log, `warn` with a warning, `error` refuses it with 500.
   */
  fail_mode?: 'skip' | 'warn' | 'error';
  /**
   * Milliseconds one Lakera call may take.
   */
  timeout?: number;
  /**
   * Verify the TLS certificate of an `https` endpoint.
   */
  ssl_verify?: boolean;
  /**
   * Append the detectors that fired (`. Flagged categories: <detector_type> (<result>), ...`) to the refusal text.
   */
  reveal_failure_categories?: boolean;
  /**
   * Status of a refusal. 200 (the default) lets client SDKs read the completion-shaped refusal as an answer; a refused stream keeps the status already sent.
   */
  deny_code?: number;
  /**
   * The assistant text of a refused prompt.
   */
  request_failure_message?: string;
  /**
   * The assistant text of a refused answer.
   */
  response_failure_message?: string;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * ai-prompt-decorator on a route, service, consumer or global rule: add configured messages before and after the conversation of an AI request.
 */
export interface AiPromptDecoratorConfInput {
  /**
   * Largest request body, in bytes, read to decorate; a larger body is refused with 400.
   */
  max_req_body_size?: number;
  /**
   * Messages put before the conversation (Responses API: their contents, joined with newlines, before `instructions`).
   */
  prepend?: {
    /**
     * Role of the message.
     */
    role: 'system' | 'user' | 'assistant';
    /**
     * Text of the message.
     */
    content: string;
  }[];
  /**
   * Messages put after the conversation (Responses API: their contents, joined with newlines, after `input`).
   */
  append?: {
    /**
     * Role of the message.
     */
    role: 'system' | 'user' | 'assistant';
    /**
     * Text of the message.
     */
    content: string;
  }[];
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * ai-prompt-guard on a route, service, consumer or global rule: refuse AI requests whose prompt does not match an allow pattern or matches a deny pattern.
 */
export interface AiPromptGuardConfInput {
  /**
   * Largest request body, in bytes, read to check; a larger body is refused with 400 `Empty request body`, as APISIX answers.
   */
  max_req_body_size?: number;
  /**
   * Check the messages of every role; when false, only `user` messages are checked.
   */
  match_all_roles?: boolean;
  /**
   * Check every message of the conversation; when false, only the last one (the Responses API's `instructions` and `input` are always all checked).
   */
  match_all_conversation_history?: boolean;
  /**
   * PCRE patterns (case-sensitive, UTF-8); when any is given, the checked text must match at least one, or the request is refused with 400 `Request doesn't match allow patterns`.
   *
   * @maxItems 100
   */
  allow_patterns?: string[];
  /**
   * PCRE patterns (case-sensitive, UTF-8); when the checked text matches any, the request is refused with 400 `Request contains prohibited content`.
   *
   * @maxItems 100
   */
  deny_patterns?: string[];
  /**
   * Traffic the plugin cannot inspect (a body that is not JSON, no AI protocol recognised): `skip` passes it with an info log, `warn` with a warning, `error` refuses it with 400.
   */
  fail_mode?: 'skip' | 'warn' | 'error';
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * ai-prompt-template on a route, service, consumer or global rule: replace an AI request's body with a configured template chosen by `template_name` and filled from the request's fields.
 */
export interface AiPromptTemplateConfInput {
  /**
   * Largest request body, in bytes, read; a larger body is refused with 400.
   */
  max_req_body_size?: number;
  /**
   * The templates; a request names one with `template_name` (the first of a name wins).
   *
   * @minItems 1
   */
  templates: [
    {
      /**
       * Name a request gives in `template_name`.
       */
      name: string;
      /**
       * The request body to send, whose strings may hold `{{ field }}` and `{{ field.sub }}` tags filled from the client's body.
       */
      template: {
        /**
         * Model of the rendered request.
         */
        model?: string;
        /**
         * Messages of the rendered request.
         *
         * @minItems 1
         */
        messages?: [
          {
            /**
             * Role of the message.
             */
            role: 'system' | 'user' | 'assistant';
            /**
             * Text of the message, with tags.
             */
            content: string;
          },
          ...{
            /**
             * Role of the message.
             */
            role: 'system' | 'user' | 'assistant';
            /**
             * Text of the message, with tags.
             */
            content: string;
          }[],
        ];
      };
    },
    ...{
      /**
       * Name a request gives in `template_name`.
       */
      name: string;
      /**
       * The request body to send, whose strings may hold `{{ field }}` and `{{ field.sub }}` tags filled from the client's body.
       */
      template: {
        /**
         * Model of the rendered request.
         */
        model?: string;
        /**
         * Messages of the rendered request.
         *
         * @minItems 1
         */
        messages?: [
          {
            /**
             * Role of the message.
             */
            role: 'system' | 'user' | 'assistant';
            /**
             * Text of the message, with tags.
             */
            content: string;
          },
          ...{
            /**
             * Role of the message.
             */
            role: 'system' | 'user' | 'assistant';
            /**
             * Text of the message, with tags.
             */
            content: string;
          }[],
        ];
      };
    }[],
  ];
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * ai-proxy: proxy the request to one LLM provider instance.
 */
export interface AiProxyConfInput {
  /**
   * The LLM provider.
   */
  provider: AiProviderInput;
  /**
   * Provider-specific settings (vertex-ai, bedrock).
   */
  provider_conf?: AiProviderConfInput;
  /**
   * Access-log options.
   */
  logging?: AiLoggingInput;
  /**
   * Credentials sent to the provider.
   */
  auth: AiAuthInput;
  /**
   * Fields merged into the request body.
   */
  options?: AiOptionsInput;
  /**
   * Endpoint and body overrides.
   */
  override?: AiOverrideInput;
  /**
   * Timeout in milliseconds of each socket operation (connect, send, read).
   */
  timeout?: number;
  /**
   * Refusals on this route add the client protocol's error object to APISIX's body (Tollgate extension; unset means true).
   */
  client_protocol_errors?: boolean;
  /**
   * Largest accepted client request body in bytes; larger bodies get 413.
   */
  max_req_body_size?: number;
  /**
   * Longest a streamed response may last, in milliseconds (no cap when unset).
   */
  max_stream_duration_ms?: number;
  /**
   * Most bytes read from the provider for one response (no cap when unset).
   */
  max_response_bytes?: number;
  /**
   * Reuse connections to the provider.
   */
  keepalive?: boolean;
  /**
   * Idle time in milliseconds before a pooled connection is closed.
   */
  keepalive_timeout?: number;
  /**
   * Maximum pooled connections per provider host.
   */
  keepalive_pool?: number;
  /**
   * How often streamed bytes are flushed to the client, in milliseconds (0 = every chunk).
   */
  streaming_flush_interval_ms?: number;
  /**
   * Verify the provider's TLS certificate.
   */
  ssl_verify?: boolean;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * Provider-specific settings (vertex-ai: project_id + region; bedrock: region).
 */
export interface AiProviderConfInput {
  /**
   * Google Cloud project id (vertex-ai).
   */
  project_id?: string;
  /**
   * Region: the GCP region for vertex-ai, the AWS region for bedrock.
   */
  region?: string;
}
/**
 * What the AI proxy adds to access-log entries.
 */
export interface AiLoggingInput {
  /**
   * Log a summary of each LLM call (model, duration, token counts).
   */
  summaries?: boolean;
  /**
   * Log request messages and response text.
   */
  payloads?: boolean;
}
/**
 * Credentials sent to the LLM provider. Keys are matched as patterns, as in APISIX; no other keys.
 */
export interface AiAuthInput {
  /**
   * Request headers added to every LLM request (they win over client headers).
   */
  header?: {
    /**
     * Header value.
     *
     * This interface was referenced by `undefined`'s JSON-Schema definition
     * via the `patternProperty` "^[a-zA-Z0-9._-]+$".
     */
    [k: string]: string;
  };
  /**
   * Query parameters added to every LLM request.
   */
  query?: {
    /**
     * Parameter value.
     *
     * This interface was referenced by `undefined`'s JSON-Schema definition
     * via the `patternProperty` "^[a-zA-Z0-9._-]+$".
     */
    [k: string]: string;
  };
  /**
   * Google Cloud service-account authentication (vertex-ai); env GCP_SERVICE_ACCOUNT also works.
   */
  gcp?: {
    /**
     * Service account key file content (JSON), or a secret reference.
     */
    service_account_json?: string;
    /**
     * Maximum lifetime in seconds of a cached access token.
     */
    max_ttl?: number;
    /**
     * Refresh the access token this many seconds before it expires.
     */
    expire_early_secs?: number;
  };
  /**
   * AWS IAM credentials used to SigV4-sign requests (bedrock).
   */
  aws?: {
    /**
     * AWS access key id.
     */
    access_key_id: string;
    /**
     * AWS secret access key.
     */
    secret_access_key: string;
    /**
     * AWS session token for temporary credentials.
     */
    session_token?: string;
  };
}
/**
 * Fields merged into the top level of every LLM request body (they overwrite client values).
 */
export interface AiOptionsInput {
  /**
   * Model to use; for bedrock a model id or an inference profile ARN.
   */
  model?: string;
  [k: string]: unknown;
}
/**
 * Overrides of the provider's endpoint and of the outgoing request body.
 */
export interface AiOverrideInput {
  /**
   * LLM endpoint URL; scheme and host only (provider path used) or a full URL with path and query.
   */
  endpoint?: string;
  /**
   * Prometheus metrics URL of the instance (vLLM, SGLang), scraped for ai-proxy-multi's queue_aware balancer (Tollgate extension; default none; ai-proxy ignores it).
   */
  metrics_endpoint?: string;
  /**
   * Provider-independent options mapped to each provider's field names.
   */
  llm_options?: {
    /**
     * Maximum number of output tokens; always overwrites the client's value.
     */
    max_tokens?: number;
  };
  /**
   * Per target-protocol partial bodies deep-merged into the outgoing request body.
   */
  request_body?: {
    /**
     * Merged when the target protocol is anthropic-messages.
     */
    'anthropic-messages'?: {
      [k: string]: unknown;
    };
    /**
     * Merged when the target protocol is bedrock-converse.
     */
    'bedrock-converse'?: {
      [k: string]: unknown;
    };
    /**
     * Merged when the target protocol is openai-chat.
     */
    'openai-chat'?: {
      [k: string]: unknown;
    };
    /**
     * Merged when the target protocol is openai-embeddings.
     */
    'openai-embeddings'?: {
      [k: string]: unknown;
    };
    /**
     * Merged when the target protocol is openai-responses.
     */
    'openai-responses'?: {
      [k: string]: unknown;
    };
    /**
     * Merged when the target protocol is passthrough.
     */
    passthrough?: {
      [k: string]: unknown;
    };
  };
  /**
   * When true request_body values overwrite client fields; when false they only fill missing ones.
   */
  request_body_force_override?: boolean;
}
/**
 * ai-proxy-multi: balance requests over several LLM instances with priorities, health checks and fallback.
 */
export interface AiProxyMultiConfInput {
  /**
   * How an instance is picked within a priority group. The load-aware algorithms and their settings (least_busy, least_latency, queue_aware, scrape_interval_ms ... prefix_affinity) are a Tollgate extension (docs/scheduling.md); their defaults are applied at run time, not stored.
   */
  balancer?: {
    /**
     * Balancing algorithm: APISIX's roundrobin, chash, semantic; Tollgate's least_busy, least_latency, queue_aware.
     */
    algorithm?:
      'chash' | 'roundrobin' | 'semantic' | 'least_busy' | 'least_latency' | 'queue_aware';
    /**
     * What chash hashes on.
     */
    hash_on?: 'vars' | 'header' | 'cookie' | 'consumer' | 'vars_combinations';
    /**
     * The chash key (variable, header or cookie name, or a template).
     */
    key?: string;
    /**
     * How often the node's primary scrapes each instance's metrics_endpoint, in milliseconds (queue_aware; default 100).
     */
    scrape_interval_ms?: number;
    /**
     * queue_aware keeps each instance's waiting requests (scraped, plus those sent since the scrape) at or below this: an instance that one more request would take over it is saturated and skipped (default 5).
     */
    queue_threshold?: number;
    /**
     * An instance whose KV-cache use (0..1) is above this is saturated and skipped (default 0.8).
     */
    kv_cache_threshold?: number;
    /**
     * Readings older than this many milliseconds are ignored; the group is then balanced by least_busy (default 500).
     */
    stale_after_ms?: number;
    /**
     * Time constant of least_latency's moving averages, in milliseconds (default 10000).
     */
    latency_decay_ms?: number;
    /**
     * Send prompts that share their first prefix_chars characters to the same instance while it is not saturated (KV-cache reuse).
     */
    prefix_affinity?: {
      /**
       * How many leading characters of the prompt are hashed.
       */
      prefix_chars: number;
    };
  };
  /**
   * The LLM instances; names must be unique.
   *
   * @minItems 1
   */
  instances: [AiInstanceInput, ...AiInstanceInput[]];
  /**
   * Access-log options.
   */
  logging?: AiLoggingInput;
  /**
   * When to try another instance: skip rate-limited instances, and/or retry on 429 / 5xx.
   */
  fallback_strategy?:
    | ('instance_health_and_rate_limiting' | 'http_429' | 'http_5xx')
    | ('rate_limiting' | 'http_429' | 'http_5xx')[];
  /**
   * Extra upstream statuses (400..599) that trigger a retry on another instance.
   *
   * @minItems 1
   */
  fallback_http_statuses?: [number, ...number[]];
  /**
   * Most retries per request (no cap when unset).
   */
  max_retries?: number;
  /**
   * Retry only when the failed attempt took at most this many milliseconds.
   */
  retry_on_failure_within_ms?: number;
  /**
   * Timeout in milliseconds of each socket operation (connect, send, read).
   */
  timeout?: number;
  /**
   * Refusals on this route add the client protocol's error object to APISIX's body (Tollgate extension; unset means true).
   */
  client_protocol_errors?: boolean;
  /**
   * Largest accepted client request body in bytes; larger bodies get 413.
   */
  max_req_body_size?: number;
  /**
   * Longest a streamed response may last, in milliseconds (no cap when unset).
   */
  max_stream_duration_ms?: number;
  /**
   * Most bytes read from the provider for one response (no cap when unset).
   */
  max_response_bytes?: number;
  /**
   * Reuse connections to the providers.
   */
  keepalive?: boolean;
  /**
   * Idle time in milliseconds before a pooled connection is closed.
   */
  keepalive_timeout?: number;
  /**
   * Maximum pooled connections per provider host.
   */
  keepalive_pool?: number;
  /**
   * How often streamed bytes are flushed to the client, in milliseconds (0 = every chunk).
   */
  streaming_flush_interval_ms?: number;
  /**
   * Verify the providers' TLS certificates.
   */
  ssl_verify?: boolean;
  /**
   * Options of the semantic balancing algorithm (accepted, not implemented by Tollgate).
   */
  semantic_opts?: {
    [k: string]: unknown;
  };
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
export interface AiInstanceInput {
  /**
   * Instance name, used in rate-limit counters and headers.
   */
  name: string;
  /**
   * The LLM provider.
   */
  provider: AiProviderInput;
  /**
   * Higher priorities are preferred; lower ones serve only on fallback.
   */
  priority?: number;
  /**
   * Weight within its priority group.
   */
  weight: number;
  /**
   * Credentials sent to the provider.
   */
  auth: AiAuthInput;
  /**
   * Fields merged into the request body.
   */
  options?: AiOptionsInput;
  /**
   * Endpoint and body overrides.
   */
  override?: AiOverrideInput;
  /**
   * Provider-specific settings (vertex-ai, bedrock).
   */
  provider_conf?: AiProviderConfInput;
  /**
   * Health checks of the instance's endpoint.
   */
  checks?: {
    /**
     * Active probes.
     */
    active: HealthCheckActiveInput;
    /**
     * Health judged from live traffic (Tollgate extension; APISIX ignores it).
     */
    passive?: HealthCheckPassiveInput;
  };
  /**
   * Example prompts describing the instance (semantic algorithm).
   *
   * @minItems 1
   * @maxItems 64
   */
  examples?: [string, ...string[]];
  /**
   * Minimum similarity for the instance to be picked (semantic algorithm).
   */
  threshold?: number;
}
/**
 * ai-rag: embed the request's query with Azure OpenAI, search Azure AI Search with the vector, and append the result to the messages.
 */
export interface AiRagConfInput {
  /**
   * Where embeddings come from (one provider).
   */
  embeddings_provider: {
    azure_openai: AiRagAzureOpenaiInput;
  };
  /**
   * Where the vector search runs (one provider).
   */
  vector_search_provider: {
    azure_ai_search: AiRagAzureAiSearchInput;
  };
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * Azure OpenAI embeddings deployment.
 */
export interface AiRagAzureOpenaiInput {
  /**
   * Embeddings URL, with the deployment path and `api-version` query.
   */
  endpoint: string;
  /**
   * Sent as the `api-key` header.
   */
  api_key: string;
}
/**
 * Azure AI Search index.
 */
export interface AiRagAzureAiSearchInput {
  /**
   * Search URL (`.../indexes/<index>/docs/search?api-version=...`).
   */
  endpoint: string;
  /**
   * Sent as the `api-key` header.
   */
  api_key: string;
}
/**
 * ai-rate-limiting: token quotas per LLM instance (or per rule), charged after each response.
 */
export interface AiRateLimitingConfInput {
  /**
   * Tokens allowed per time_window for each instance not listed in instances; an integer or a variable template.
   */
  limit?: number | string;
  /**
   * Window length in seconds for limit; an integer or a variable template.
   */
  time_window?: number | string;
  /**
   * Tollgate extension: reserve each request's estimated tokens at admission (prompt tokens counted from the body plus max_tokens, or reserve_completion_tokens), so requests in flight count against the quota and concurrent requests cannot overshoot it; the estimate is replaced by the usage when it is known, and released when the request is refused or fails (off by default here, for APISIX's check-then-charge).
   */
  reserve_tokens?: boolean;
  /**
   * Completion tokens reserved for a request that sets no max_tokens (with reserve_tokens).
   */
  reserve_completion_tokens?: number;
  /**
   * Send the X-AI-RateLimit-* headers.
   */
  show_limit_quota_header?: boolean;
  /**
   * Which token count is charged, or `expression` to charge cost_expr.
   */
  limit_strategy?: 'total_tokens' | 'prompt_tokens' | 'completion_tokens' | 'expression';
  /**
   * Arithmetic over the provider's raw usage fields (missing ones are 0); required when limit_strategy is expression.
   */
  cost_expr?: string;
  /**
   * Per-instance quotas.
   *
   * @minItems 1
   */
  instances?: [AiRateLimitingInstanceInput, ...AiRateLimitingInstanceInput[]];
  /**
   * Status of a refused request.
   */
  rejected_code?: number;
  /**
   * Body message of a refused request, sent as {"error_msg": ...}.
   */
  rejected_msg?: string;
  /**
   * Where counters live.
   */
  policy?: 'local' | 'redis' | 'redis-cluster' | 'redis-sentinel';
  /**
   * Let requests through when the counter store fails.
   */
  allow_degradation?: boolean;
  /**
   * Quotas keyed by request variables instead of instance names.
   */
  rules?: AiRateLimitingRuleInput[];
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
  /**
   * Redis server address.
   */
  redis_host?: string;
  /**
   * Redis server port.
   */
  redis_port?: number;
  /**
   * Redis ACL user name (Redis 6+).
   */
  redis_username?: string;
  /**
   * Redis password.
   */
  redis_password?: string;
  /**
   * Redis logical database number.
   */
  redis_database?: number;
  /**
   * Redis command timeout in milliseconds.
   */
  redis_timeout?: number;
  /**
   * Connect to Redis over TLS.
   */
  redis_ssl?: boolean;
  /**
   * Verify the Redis server certificate.
   */
  redis_ssl_verify?: boolean;
  /**
   * Idle time in milliseconds before a pooled Redis connection is closed.
   */
  redis_keepalive_timeout?: number;
  /**
   * Maximum number of pooled Redis connections.
   */
  redis_keepalive_pool?: number;
  /**
   * Addresses (host:port) of the cluster's seed nodes.
   *
   * @minItems 1
   */
  redis_cluster_nodes?: [string, ...string[]];
  /**
   * Name of the Redis cluster.
   */
  redis_cluster_name?: string;
  /**
   * Connect to the cluster over TLS.
   */
  redis_cluster_ssl?: boolean;
  /**
   * Verify the cluster nodes' certificates.
   */
  redis_cluster_ssl_verify?: boolean;
  /**
   * Sentinel servers to ask for the current master.
   *
   * @minItems 1
   */
  redis_sentinels?: [
    {
      /**
       * Sentinel host.
       */
      host: string;
      /**
       * Sentinel port.
       */
      port: number;
    },
    ...{
      /**
       * Sentinel host.
       */
      host: string;
      /**
       * Sentinel port.
       */
      port: number;
    }[],
  ];
  /**
   * Name of the master group watched by the sentinels.
   */
  redis_master_name?: string;
  /**
   * Connect to the master or to a replica.
   */
  redis_role?: 'master' | 'slave';
  /**
   * Connect timeout in milliseconds.
   */
  redis_connect_timeout?: number;
  /**
   * Read timeout in milliseconds.
   */
  redis_read_timeout?: number;
  /**
   * User name for the sentinels.
   */
  sentinel_username?: string;
  /**
   * Password for the sentinels.
   */
  sentinel_password?: string;
}
export interface AiRateLimitingInstanceInput {
  /**
   * Instance name, as in ai-proxy-multi (or ai-proxy-<provider>).
   */
  name: string;
  /**
   * Tokens allowed per time_window; an integer or a variable template.
   */
  limit: number | string;
  /**
   * Window length in seconds; an integer or a variable template.
   */
  time_window: number | string;
}
export interface AiRateLimitingRuleInput {
  /**
   * Tokens allowed per time_window; an integer or a variable template.
   */
  count: number | string;
  /**
   * Window length in seconds; an integer or a variable template.
   */
  time_window: number | string;
  /**
   * Counter key template; the rule applies when it resolves.
   */
  key: string;
  /**
   * Prefix of this rule's rate-limit headers.
   */
  header_prefix?: string;
}
/**
 * ai-request-rewrite: send the client body to an LLM with a prompt and forward the LLM's answer as the new request body.
 */
export interface AiRequestRewriteConfInput {
  /**
   * The system prompt sent to the LLM with the client body as the user message.
   */
  prompt: string;
  /**
   * The LLM provider.
   */
  provider: AiProviderInput;
  /**
   * Credentials sent to the LLM provider.
   */
  auth: {
    /**
     * Request headers added to the LLM request.
     */
    header?: {
      /**
       * Header value.
       *
       * This interface was referenced by `undefined`'s JSON-Schema definition
       * via the `patternProperty` "^[a-zA-Z0-9._-]+$".
       */
      [k: string]: string;
    };
    /**
     * Query parameters added to the LLM request.
     */
    query?: {
      /**
       * Parameter value.
       *
       * This interface was referenced by `undefined`'s JSON-Schema definition
       * via the `patternProperty` "^[a-zA-Z0-9._-]+$".
       */
      [k: string]: string;
    };
  };
  /**
   * Fields merged into the LLM request body (`model` and any other key).
   */
  options?: {
    /**
     * Model to use.
     */
    model?: string;
    [k: string]: unknown;
  };
  /**
   * Total time in milliseconds allowed for the LLM call (connect, send and read).
   */
  timeout?: number;
  /**
   * Reuse connections to the LLM.
   */
  keepalive?: boolean;
  /**
   * Maximum pooled connections to the LLM.
   */
  keepalive_pool?: number;
  /**
   * Verify the LLM's TLS certificate.
   */
  ssl_verify?: boolean;
  /**
   * Endpoint override.
   */
  override?: {
    /**
     * LLM endpoint URL, replacing the provider's; required for openai-compatible.
     */
    endpoint?: string;
  };
  /**
   * Largest client body in bytes sent to the LLM; a larger one gets 400.
   */
  max_req_body_size?: number;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * ai-runaway-guard (a Tollgate extension, not an APISIX plugin) on a route, service, plugin config or consumer of an ai-proxy route: ends an LLM answer that loops (an n-gram repeated too often), grows past a token count, or streams past a duration; the tokens already produced are charged.
 */
export interface AiRunawayGuardConfInput {
  /**
   * The loop detector: the same n-gram of word-ish tokens seen more than `max_repeats` times among the last `window_tokens` n-grams ends the answer.
   */
  repetition?: {
    /**
     * Run the loop detector.
     */
    enabled?: boolean;
    /**
     * Tokens per n-gram: words, runs of punctuation, or single CJK characters.
     */
    ngram_tokens?: number;
    /**
     * How many of the latest n-grams are counted (a sliding window over the answer); must be greater than `max_repeats`. A loop whose period is longer than `window_tokens / max_repeats` tokens is not seen.
     */
    window_tokens?: number;
    /**
     * How many times one n-gram may occur in the window; one more ends the answer.
     */
    max_repeats?: number;
  };
  /**
   * Most completion tokens an answer may have: the answer's text at about 4 characters a token (as usage is estimated), or the upstream's completion tokens when it reports more. Unset: no limit.
   */
  max_output_tokens?: number;
  /**
   * Streams only: most milliseconds from the access phase (time to first token included) to the end of the stream. Unset: no limit.
   */
  max_duration_ms?: number;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * basic-auth on a route or service: HTTP Basic authentication of consumers.
 */
export interface BasicAuthConfInput {
  /**
   * Remove the Authorization header from the request before it is proxied.
   */
  hide_credentials?: boolean;
  /**
   * Consumer used when authentication fails, instead of answering 401.
   */
  anonymous_consumer?: string;
  /**
   * Realm sent in the WWW-Authenticate header of a 401 for a request without Authorization.
   */
  realm?: string;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * client-control on a route or service: limits on what a client may send (nginx's client_max_body_size, per route).
 */
export interface ClientControlConfInput {
  /**
   * Largest request body in bytes; a larger one is answered 413. 0 means no limit.
   */
  max_body_size?: number;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * consumer-restriction on a route, service or consumer: allow or refuse requests by consumer name, consumer group, route or service, and a consumer's methods.
 */
export interface ConsumerRestrictionConfInput {
  /**
   * What the lists name: the authenticated consumer, its consumer group, or the matched route or service.
   */
  type?: 'consumer_name' | 'consumer_group_id' | 'service_id' | 'route_id';
  /**
   * Values refused; checked first.
   *
   * @minItems 1
   */
  blacklist?: [string, ...string[]];
  /**
   * Values allowed; every other value is refused.
   *
   * @minItems 1
   */
  whitelist?: [string, ...string[]];
  /**
   * Per consumer (`user`, matched against the value of `type`), the HTTP methods it may use; values not listed may use any. Not applied to whitelisted values.
   */
  allowed_by_methods?: {
    /**
     * The consumer (value of `type`) the entry is for.
     */
    user?: string;
    /**
     * Methods allowed to that consumer.
     *
     * @minItems 1
     */
    methods?: [HttpMethodInput, ...HttpMethodInput[]];
  }[];
  /**
   * Status of a refusal (not of the 401 for a request without the value).
   */
  rejected_code?: number;
  /**
   * Message of a refusal; default `The <type> is forbidden.`.
   */
  rejected_msg?: string;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * cors on a route or service: which origins may read the response, and the CORS headers sent to them.
 */
export interface CorsConfInput {
  /**
   * Origins allowed, `scheme://host:port` separated by `,`; `*` for any origin (not with `allow_credential`), `**` for any origin even with credentials (echoes the request's Origin), `null` for the `null` origin.
   */
  allow_origins?: string;
  /**
   * Access-Control-Allow-Methods, `,` separated; `*` for any (not with `allow_credential`), `**` for every method even with credentials.
   */
  allow_methods?: string;
  /**
   * Access-Control-Allow-Headers, `,` separated; `*` for any (not with `allow_credential`), `**` to echo the request's Access-Control-Request-Headers.
   */
  allow_headers?: string;
  /**
   * Access-Control-Expose-Headers, `,` separated; `*` for any (not with `allow_credential`). Not sent when unset or empty.
   */
  expose_headers?: string;
  /**
   * Access-Control-Max-Age: seconds a browser may cache the preflight result; -1 disables caching.
   */
  max_age?: number;
  /**
   * Send Access-Control-Allow-Credentials: true. When true, no other option may be `*`.
   */
  allow_credential?: boolean;
  /**
   * Regular expressions an allowed Origin matches (searched, not anchored). When set, they replace `allow_origins`.
   *
   * @minItems 1
   */
  allow_origins_by_regex?: [string, ...string[]];
  /**
   * Keys of the `allow_origins` map in the plugin metadata of `cors`; an Origin allowed by any of them is allowed.
   *
   * @minItems 1
   */
  allow_origins_by_metadata?: [string, ...string[]];
  /**
   * Origins sent Timing-Allow-Origin, in the format of `allow_origins`.
   */
  timing_allow_origins?: string;
  /**
   * Regular expressions an Origin matches to be sent Timing-Allow-Origin. When set, they replace `timing_allow_origins`.
   *
   * @minItems 1
   */
  timing_allow_origins_by_regex?: [string, ...string[]];
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * APISIX's batch processor options (apisix/utils/batch-processor.lua), merged into every batching logger's schema. Each logger declares `name` again with its own default (`http logger`, ...).
 */
export interface LoggerBatchConfInput {
  /**
   * Name of the batch processor, in its log lines.
   */
  name?: string;
  /**
   * Entries per batch: a full batch is sent at once. With 1, each entry is sent on its own.
   */
  batch_max_size?: number;
  /**
   * Seconds without a new entry after which the buffer is sent.
   */
  inactive_timeout?: number;
  /**
   * Maximum age in seconds of the oldest buffered entry before the buffer is sent.
   */
  buffer_duration?: number;
  /**
   * How many times a failed batch is sent again before it is dropped.
   */
  max_retry_count?: number;
  /**
   * Seconds between the attempts to send a failed batch.
   */
  retry_delay?: number;
}
/**
 * What a logger puts in each entry (apisix/utils/log-util.lua): a custom `log_format`, extra fields, and the request and response bodies.
 */
export interface LoggerBodyConfInput {
  /**
   * Custom entry: key → `$variable`, literal, or nested object (five levels). Replaces the default entry; wins over the plugin metadata's `log_format`.
   */
  log_format?: {
    [k: string]: unknown;
  };
  /**
   * Fields added to the default entry, never overwriting a default field; same value syntax as `log_format`. Ignored when a `log_format` applies.
   */
  log_format_extra?: {
    [k: string]: unknown;
  };
  /**
   * Put the request body in the entry (`request.body`).
   */
  include_req_body?: boolean;
  /**
   * lua-resty-expr conditions: the request body is logged only when they match.
   *
   * @minItems 1
   */
  include_req_body_expr?: [unknown[], ...unknown[][]];
  /**
   * Put the response body in the entry (`response.body`).
   */
  include_resp_body?: boolean;
  /**
   * lua-resty-expr conditions: the response body is logged only when they match.
   *
   * @minItems 1
   */
  include_resp_body_expr?: [unknown[], ...unknown[][]];
  /**
   * Bytes of the request body kept in the entry; the rest is cut off.
   */
  max_req_body_bytes?: number;
  /**
   * Bytes of the response body kept in the entry; the rest is cut off.
   */
  max_resp_body_bytes?: number;
}
/**
 * fault-injection on a route or service: delay requests and/or answer them with a given status instead of proxying, for resilience tests.
 */
export interface FaultInjectionConfInput {
  /**
   * Answer the request with `http_status` (and `body`, `headers`) instead of proxying it.
   */
  abort?: {
    /**
     * Status of the answer.
     */
    http_status: number;
    /**
     * Body of the answer; `$var` is replaced by request variables.
     */
    body?: string;
    /**
     * Headers of the abort response; values may use `$var`.
     */
    headers?: {
      /**
       * This interface was referenced by `undefined`'s JSON-Schema definition
       * via the `patternProperty` "^[^:]+$".
       */
      [k: string]: string | number;
    };
    /**
     * Percentage of requests aborted (all when unset).
     */
    percentage?: number;
    /**
     * Inject only into requests matching these rules (lua-resty-expr syntax).
     */
    vars?:
      | []
      | [string | number | boolean | (string | number | boolean)[]]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ][];
  };
  /**
   * Hold the request for `duration` seconds before it goes on.
   */
  delay?: {
    /**
     * Delay in seconds (decimals allowed).
     */
    duration: number;
    /**
     * Percentage of requests delayed (all when unset).
     */
    percentage?: number;
    /**
     * Inject only into requests matching these rules (lua-resty-expr syntax).
     */
    vars?:
      | []
      | [string | number | boolean | (string | number | boolean)[]]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ]
      | [
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
          string | number | boolean | (string | number | boolean)[],
        ][];
  };
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * APISIX's file-logger: each request's log entry appended to a file as one JSON line.
 */
export interface FileLoggerConfInput {
  /**
   * The log file (relative to the gateway's working directory unless absolute).
   */
  path: string;
  /**
   * Custom entry: key → `$variable`, literal, or nested object (five levels). Replaces the default entry; wins over the plugin metadata's `log_format`.
   */
  log_format?: {
    [k: string]: unknown;
  };
  /**
   * Put the request body in the entry (`request.body`).
   */
  include_req_body?: boolean;
  /**
   * lua-resty-expr conditions: the request body is logged only when they match.
   *
   * @minItems 1
   */
  include_req_body_expr?: [unknown[], ...unknown[][]];
  /**
   * Put the response body in the entry (`response.body`).
   */
  include_resp_body?: boolean;
  /**
   * lua-resty-expr conditions: the response body is logged only when they match.
   *
   * @minItems 1
   */
  include_resp_body_expr?: [unknown[], ...unknown[][]];
  /**
   * lua-resty-expr conditions: a request is logged only when they match.
   *
   * @maxItems 20
   */
  match?: unknown[][];
}
/**
 * forward-auth on a route or service: ask an external authorization service about each request before proxying it.
 */
export interface ForwardAuthConfInput {
  /**
   * URI of the authorization service.
   */
  uri: string;
  /**
   * Let the request through when the authorization service cannot be reached.
   */
  allow_degradation?: boolean;
  /**
   * Status answered when the authorization service cannot be reached (and allow_degradation is false).
   */
  status_on_error?: number;
  /**
   * Verify the authorization service's TLS certificate.
   */
  ssl_verify?: boolean;
  /**
   * Method of the request to the authorization service; POST forwards the client's body.
   */
  request_method?: 'GET' | 'POST';
  /**
   * Client request headers sent to the authorization service.
   */
  request_headers?: string[];
  /**
   * Extra headers sent to the authorization service; values may contain variables such as $remote_addr.
   */
  extra_headers?: {
    /**
     * This interface was referenced by `undefined`'s JSON-Schema definition
     * via the `patternProperty` "^[^:]+$".
     */
    [k: string]: string;
  };
  /**
   * Authorization service response headers set on the upstream request when it allows the request.
   */
  upstream_headers?: string[];
  /**
   * Authorization service response headers sent to the client when it refuses the request.
   */
  client_headers?: string[];
  /**
   * Timeout of the call to the authorization service, in milliseconds.
   */
  timeout?: number;
  /**
   * Keep connections to the authorization service open for reuse.
   */
  keepalive?: boolean;
  /**
   * How long an idle connection is kept, in milliseconds.
   */
  keepalive_timeout?: number;
  /**
   * Most idle connections kept per authorization service.
   */
  keepalive_pool?: number;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * hmac-auth on a route or service: which HMAC signatures (draft-cavage-http-signatures) are accepted.
 */
export interface HmacAuthConfInput {
  /**
   * HMAC algorithms a request may sign with.
   *
   * @minItems 1
   */
  allowed_algorithms?: [
    'hmac-sha1' | 'hmac-sha256' | 'hmac-sha512',
    ...('hmac-sha1' | 'hmac-sha256' | 'hmac-sha512')[],
  ];
  /**
   * Largest difference in seconds allowed between the Date (or X-Date) header and the gateway's clock.
   */
  clock_skew?: number;
  /**
   * Headers every request must include in its signature.
   */
  signed_headers?: string[];
  /**
   * Check the body against the Digest header (SHA-256=<base64>).
   */
  validate_request_body?: boolean;
  /**
   * Remove the Authorization header from the request before it is proxied.
   */
  hide_credentials?: boolean;
  /**
   * Consumer used when authentication fails, instead of answering 401.
   */
  anonymous_consumer?: string;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * ip-restriction on a route or service: allow only, or refuse, client addresses in a list of IPs and CIDR ranges.
 */
export interface IpRestrictionConfInput {
  /**
   * Message of the refusal body `{"message": ...}`.
   */
  message?: string;
  /**
   * Status of the refusal.
   */
  response_code?: number;
  /**
   * IPv4/IPv6 addresses and CIDR ranges allowed; every other client is refused.
   *
   * @minItems 1
   */
  whitelist?: [RemoteAddrInput, ...RemoteAddrInput[]];
  /**
   * IPv4/IPv6 addresses and CIDR ranges refused; every other client is allowed.
   *
   * @minItems 1
   */
  blacklist?: [RemoteAddrInput, ...RemoteAddrInput[]];
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * jwt-auth on a route or service: where to read the JSON Web Token and which claims to check.
 */
export interface JwtAuthConfInput {
  /**
   * Request header that carries the token (a `Bearer ` prefix is removed).
   */
  header?: string;
  /**
   * Query parameter that carries the token (read when the header is absent).
   */
  query?: string;
  /**
   * Cookie that carries the token (read when the header and query parameter are absent).
   */
  cookie?: string;
  /**
   * Remove the token from where it was found before the request is proxied.
   */
  hide_credentials?: boolean;
  /**
   * Payload claim that holds the consumer's key.
   */
  key_claim_name?: string;
  /**
   * Keep the verified payload in the request context for later plugins.
   */
  store_in_ctx?: boolean;
  /**
   * Realm sent in the WWW-Authenticate header of a 401.
   */
  realm?: string;
  /**
   * Consumer used when authentication fails, instead of answering 401.
   */
  anonymous_consumer?: string;
  /**
   * Registered claims checked when present in the payload.
   */
  claims_to_verify?: ('exp' | 'nbf')[];
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * key-auth on a route or service: where to read the API key and what to do with it.
 */
export interface KeyAuthConfInput {
  /**
   * Request header that carries the key.
   */
  header?: string;
  /**
   * Query parameter that carries the key (read when the header is absent).
   */
  query?: string;
  /**
   * Also read the key from `Authorization: Bearer` and `x-api-key` (Tollgate extension; unset means false).
   */
  sdk_key_headers?: boolean;
  /**
   * Remove the key from the request before it is proxied.
   */
  hide_credentials?: boolean;
  /**
   * Consumer used when authentication fails, instead of answering 401.
   */
  anonymous_consumer?: string;
  /**
   * Realm sent in the WWW-Authenticate header of a 401.
   */
  realm?: string;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * limit-conn: at most `conn` concurrent requests per key; up to `burst` more are delayed, the rest refused.
 */
export interface LimitConnConfInput {
  /**
   * Concurrent requests allowed.
   */
  conn: number;
  /**
   * Concurrent requests beyond conn that are delayed instead of refused.
   */
  burst: number;
  /**
   * Seconds a typical request takes: the unit of the delay of requests beyond conn.
   */
  default_conn_delay: number;
  /**
   * Always delay by default_conn_delay units instead of adapting the unit to measured request latency.
   */
  only_use_default_delay?: boolean;
  /**
   * What requests are counted by: a variable name (key_type var) or variables like `$http_a $http_b` (var_combination).
   */
  key?: string;
  /**
   * How key is read.
   */
  key_type?: 'var' | 'var_combination';
  /**
   * Seconds a Redis counter outlives its last change (bounds counts left by a node that died with requests in flight).
   */
  key_ttl?: number;
  /**
   * Where counters live: this node (`local`, exact across its workers) or Redis (shared by nodes).
   */
  policy?: 'redis' | 'redis-cluster' | 'local';
  /**
   * Prefix of the Redis keys.
   */
  redis_prefix?: string;
  /**
   * Status of a refused request.
   */
  rejected_code?: number;
  /**
   * Body of a refused request, sent as {"error_msg": ...}.
   */
  rejected_msg?: string;
  /**
   * Let requests through when the counters cannot be reached (otherwise 500).
   */
  allow_degradation?: boolean;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
  /**
   * Redis server address.
   */
  redis_host?: string;
  /**
   * Redis server port.
   */
  redis_port?: number;
  /**
   * Redis ACL user name (Redis 6+).
   */
  redis_username?: string;
  /**
   * Redis password.
   */
  redis_password?: string;
  /**
   * Redis logical database number.
   */
  redis_database?: number;
  /**
   * Redis command timeout in milliseconds.
   */
  redis_timeout?: number;
  /**
   * Connect to Redis over TLS.
   */
  redis_ssl?: boolean;
  /**
   * Verify the Redis server certificate.
   */
  redis_ssl_verify?: boolean;
  /**
   * Idle time in milliseconds before a pooled Redis connection is closed.
   */
  redis_keepalive_timeout?: number;
  /**
   * Maximum number of pooled Redis connections.
   */
  redis_keepalive_pool?: number;
  /**
   * Addresses (host:port) of the cluster's seed nodes.
   *
   * @minItems 1
   */
  redis_cluster_nodes?: [string, ...string[]];
  /**
   * Name of the Redis cluster.
   */
  redis_cluster_name?: string;
  /**
   * Connect to the cluster over TLS.
   */
  redis_cluster_ssl?: boolean;
  /**
   * Verify the cluster nodes' certificates.
   */
  redis_cluster_ssl_verify?: boolean;
}
/**
 * limit-count: at most `count` requests per `time_window` seconds per key (a fixed window), refused with rejected_code beyond that.
 */
export interface LimitCountConfInput {
  /**
   * Requests allowed per time_window; an integer or a variable template such as `${http_count ?? 10}`. Required unless rules are set.
   */
  count?: number | string;
  /**
   * Window length in seconds; an integer or a variable template. Required unless rules are set.
   */
  time_window?: number | string;
  /**
   * `fixed` (a window opens at a key's first request and lasts time_window) or `sliding` (the previous window's count weighs in by the share of it still inside the last time_window).
   */
  window_type?: 'fixed' | 'sliding';
  /**
   * Several limits, each with its own key template; a rule applies when its key resolves.
   */
  rules?: LimitCountRuleInput[];
  /**
   * Routes with the same group share one counter; their limit-count configurations must be equal.
   */
  group?: string;
  /**
   * What requests are counted by: a variable name (key_type var), variables like `$http_a $http_b` (var_combination) or a constant.
   */
  key?: string;
  /**
   * How key is read.
   */
  key_type?: 'var' | 'var_combination' | 'constant';
  /**
   * Status of a refused request.
   */
  rejected_code?: number;
  /**
   * Body of a refused request, sent as {"error_msg": ...}.
   */
  rejected_msg?: string;
  /**
   * Where counters live: this node (`local`, exact across its workers) or Redis (shared by nodes): one server, a Redis Cluster, or the master a Redis Sentinel names.
   */
  policy?: 'local' | 'redis' | 'redis-cluster' | 'redis-sentinel';
  /**
   * Let requests through when the counters cannot be reached (otherwise 500).
   */
  allow_degradation?: boolean;
  /**
   * Send X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset.
   */
  show_limit_quota_header?: boolean;
  /**
   * APISIX's delayed Redis sync interval in seconds (-1: off). Accepted and checked; Tollgate always counts in Redis directly.
   */
  sync_interval?: number;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
  /**
   * Redis server address.
   */
  redis_host?: string;
  /**
   * Redis server port.
   */
  redis_port?: number;
  /**
   * Redis ACL user name (Redis 6+).
   */
  redis_username?: string;
  /**
   * Redis password.
   */
  redis_password?: string;
  /**
   * Redis logical database number.
   */
  redis_database?: number;
  /**
   * Redis command timeout in milliseconds.
   */
  redis_timeout?: number;
  /**
   * Connect to Redis over TLS.
   */
  redis_ssl?: boolean;
  /**
   * Verify the Redis server certificate.
   */
  redis_ssl_verify?: boolean;
  /**
   * Idle time in milliseconds before a pooled Redis connection is closed.
   */
  redis_keepalive_timeout?: number;
  /**
   * Maximum number of pooled Redis connections.
   */
  redis_keepalive_pool?: number;
  /**
   * Addresses (host:port) of the cluster's seed nodes.
   *
   * @minItems 1
   */
  redis_cluster_nodes?: [string, ...string[]];
  /**
   * Name of the Redis cluster.
   */
  redis_cluster_name?: string;
  /**
   * Connect to the cluster over TLS.
   */
  redis_cluster_ssl?: boolean;
  /**
   * Verify the cluster nodes' certificates.
   */
  redis_cluster_ssl_verify?: boolean;
  /**
   * Sentinel servers to ask for the current master.
   *
   * @minItems 1
   */
  redis_sentinels?: [
    {
      /**
       * Sentinel host.
       */
      host: string;
      /**
       * Sentinel port.
       */
      port: number;
    },
    ...{
      /**
       * Sentinel host.
       */
      host: string;
      /**
       * Sentinel port.
       */
      port: number;
    }[],
  ];
  /**
   * Name of the master group watched by the sentinels.
   */
  redis_master_name?: string;
  /**
   * Connect to the master or to a replica.
   */
  redis_role?: 'master' | 'slave';
  /**
   * Connect timeout in milliseconds.
   */
  redis_connect_timeout?: number;
  /**
   * Read timeout in milliseconds.
   */
  redis_read_timeout?: number;
  /**
   * User name for the sentinels.
   */
  sentinel_username?: string;
  /**
   * Password for the sentinels.
   */
  sentinel_password?: string;
}
export interface LimitCountRuleInput {
  /**
   * Requests allowed per time_window; an integer or a variable template.
   */
  count: number | string;
  /**
   * Window length in seconds; an integer or a variable template.
   */
  time_window: number | string;
  /**
   * Counter key: a combination of variables such as `$http_user $remote_addr`.
   */
  key: string;
  /**
   * Prefix of this rule's headers (X-<prefix>-RateLimit-Limit, ...); default the rule's 1-based index.
   */
  header_prefix?: string;
}
/**
 * limit-req: a leaky bucket per key that lets `rate` requests a second through, delays up to `burst` more and refuses the rest.
 */
export interface LimitReqConfInput {
  /**
   * Requests a second allowed; a number or a variable template. Required unless rules are set.
   */
  rate?: number | string;
  /**
   * Requests a second beyond rate that are delayed instead of refused; a number or a variable template. Required unless rules are set.
   */
  burst?: number | string;
  /**
   * What requests are limited by: a variable name (key_type var) or variables like `$http_a $http_b` (var_combination). Required unless rules are set.
   */
  key?: string;
  /**
   * How key is read.
   */
  key_type?: 'var' | 'var_combination';
  /**
   * Several buckets, each with its own key template; a rule applies when its key resolves.
   */
  rules?: LimitReqRuleInput[];
  /**
   * Where buckets live: this node (`local`, exact across its workers) or Redis (shared by nodes).
   */
  policy?: 'redis' | 'redis-cluster' | 'local';
  /**
   * Status of a refused request.
   */
  rejected_code?: number;
  /**
   * Body of a refused request, sent as {"error_msg": ...}.
   */
  rejected_msg?: string;
  /**
   * Serve requests within the burst at once instead of delaying them to the rate.
   */
  nodelay?: boolean;
  /**
   * Let requests through when the buckets cannot be reached (otherwise 500).
   */
  allow_degradation?: boolean;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
  /**
   * Redis server address.
   */
  redis_host?: string;
  /**
   * Redis server port.
   */
  redis_port?: number;
  /**
   * Redis ACL user name (Redis 6+).
   */
  redis_username?: string;
  /**
   * Redis password.
   */
  redis_password?: string;
  /**
   * Redis logical database number.
   */
  redis_database?: number;
  /**
   * Redis command timeout in milliseconds.
   */
  redis_timeout?: number;
  /**
   * Connect to Redis over TLS.
   */
  redis_ssl?: boolean;
  /**
   * Verify the Redis server certificate.
   */
  redis_ssl_verify?: boolean;
  /**
   * Idle time in milliseconds before a pooled Redis connection is closed.
   */
  redis_keepalive_timeout?: number;
  /**
   * Maximum number of pooled Redis connections.
   */
  redis_keepalive_pool?: number;
  /**
   * Addresses (host:port) of the cluster's seed nodes.
   *
   * @minItems 1
   */
  redis_cluster_nodes?: [string, ...string[]];
  /**
   * Name of the Redis cluster.
   */
  redis_cluster_name?: string;
  /**
   * Connect to the cluster over TLS.
   */
  redis_cluster_ssl?: boolean;
  /**
   * Verify the cluster nodes' certificates.
   */
  redis_cluster_ssl_verify?: boolean;
}
export interface LimitReqRuleInput {
  /**
   * Requests a second allowed; a number or a variable template.
   */
  rate: number | string;
  /**
   * Requests a second beyond rate that are delayed; a number or a variable template.
   */
  burst: number | string;
  /**
   * Bucket key: a combination of variables such as `$http_user`.
   */
  key: string;
}
/**
 * multi-auth on a route or service: authentication plugins tried in order until one succeeds.
 */
export interface MultiAuthConfInput {
  /**
   * Auth plugin configurations, each an object `{ "<plugin name>": { ...conf } }`, tried in order.
   *
   * @minItems 2
   */
  auth_plugins: [unknown, unknown, ...unknown[]];
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * openid-connect on a route or service: authenticate requests against an OpenID Connect provider (bearer tokens verified locally, by JWKS or by introspection).
 */
export interface OpenidConnectConfInput {
  /**
   * OAuth client ID.
   */
  client_id: string;
  /**
   * OAuth client secret (required unless the mode needs none: bearer_only with public_key/use_jwks or private_key_jwt introspection, or the code flow with private_key_jwt or use_pkce).
   */
  client_secret?: string;
  /**
   * URL of the OpenID provider's well-known discovery document.
   */
  discovery: string;
  /**
   * OIDC scope requested in the authorization code flow.
   */
  scope?: string;
  /**
   * Verify the OpenID provider's TLS certificate (the legacy value "no" means false).
   */
  ssl_verify?: boolean | 'no';
  /**
   * Timeout of each call to the OpenID provider, in seconds.
   */
  timeout?: number;
  /**
   * URL of the token introspection endpoint (else the discovery document's).
   */
  introspection_endpoint?: string;
  /**
   * Client authentication method at the introspection endpoint.
   */
  introspection_endpoint_auth_method?: string;
  /**
   * Client authentication method at the token endpoint.
   */
  token_endpoint_auth_method?: string;
  /**
   * Strictly require a bearer access token in the request.
   */
  bearer_only?: boolean;
  /**
   * Session cookie settings of the authorization code flow.
   */
  session?: {
    /**
     * Key used for the session cookie's encryption and HMAC.
     */
    secret: string;
    /**
     * Session cookie name.
     */
    cookie_name?: string;
    /**
     * Cookie path scope.
     */
    cookie_path?: string;
    /**
     * Cookie domain scope.
     */
    cookie_domain?: string;
    /**
     * Set the Secure cookie attribute.
     */
    cookie_secure?: boolean;
    /**
     * Set the HttpOnly cookie attribute.
     */
    cookie_http_only?: boolean;
    /**
     * SameSite cookie attribute.
     */
    cookie_same_site?: 'Strict' | 'Lax' | 'None' | 'Default';
    /**
     * Idling timeout in seconds.
     */
    idling_timeout?: number;
    /**
     * Rolling timeout in seconds.
     */
    rolling_timeout?: number;
    /**
     * Absolute session lifetime in seconds.
     */
    absolute_timeout?: number;
    /**
     * Deprecated (lua-resty-session 3.x): use the flat session options.
     */
    cookie?: {
      /**
       * Deprecated: mapped to absolute_timeout when that is not set.
       */
      lifetime?: number;
    };
    /**
     * Where sessions are stored.
     */
    storage?: 'cookie' | 'redis';
    /**
     * Redis connection for session storage (lua-resty-session's session.redis options).
     */
    redis?: {
      /**
       * Redis host.
       */
      host?: string;
      /**
       * Redis port.
       */
      port?: number;
      /**
       * Redis username.
       */
      username?: string;
      /**
       * Redis password.
       */
      password?: string;
      /**
       * Redis database index.
       */
      database?: number;
      /**
       * Prefix for keys stored in Redis.
       */
      prefix?: string;
      /**
       * Enable TLS to Redis.
       */
      ssl?: boolean;
      /**
       * Verify Redis's TLS certificate.
       */
      ssl_verify?: boolean;
      /**
       * The server name for the TLS SNI extension.
       */
      server_name?: string;
      /**
       * Connect timeout in milliseconds.
       */
      connect_timeout?: number;
      /**
       * Send timeout in milliseconds.
       */
      send_timeout?: number;
      /**
       * Read timeout in milliseconds.
       */
      read_timeout?: number;
      /**
       * Keepalive timeout in milliseconds.
       */
      keepalive_timeout?: number;
    };
  };
  /**
   * Realm in the WWW-Authenticate header of a 401 for a missing or invalid bearer token.
   */
  realm?: string;
  /**
   * Checks of the token's claims.
   */
  claim_validator?: {
    /**
     * Trusted JWT issuers. Unset: the discovery document's issuer is trusted; a token is refused while it cannot be fetched.
     */
    issuer?: {
      /**
       * Trusted issuers.
       */
      valid_issuers?: string[];
    };
    /**
     * Audience claim validation.
     */
    audience?: {
      /**
       * Name of the claim holding the audience.
       */
      claim?: string;
      /**
       * Require the audience claim.
       */
      required?: boolean;
      /**
       * Require the audience to equal (or, a list, to include) client_id; implies required.
       */
      match_with_client_id?: boolean;
    };
  };
  /**
   * Path that logs the session out.
   */
  logout_path?: string;
  /**
   * Redirect URI of the authorization code flow (default: the request URI plus /.apisix/redirect).
   */
  redirect_uri?: string;
  /**
   * Where logout_path redirects after logging out.
   */
  post_logout_redirect_uri?: string;
  /**
   * Action for a request that is not authenticated: auth (redirect to the provider), deny (401) or pass.
   */
  unauth_action?: 'auth' | 'deny' | 'pass';
  /**
   * PEM public key that verifies the bearer JWT's signature locally (skips introspection).
   */
  public_key?: string;
  /**
   * Without public_key, verify the bearer JWT against the JWKS named by the discovery document (skips introspection).
   */
  use_jwks?: boolean;
  /**
   * The signing algorithm a bearer JWT must use.
   */
  token_signing_alg_values_expected?: string;
  /**
   * Use PKCE (RFC 7636) in the authorization code flow.
   */
  use_pkce?: boolean;
  /**
   * Pushed Authorization Requests (PAR) configuration.
   */
  par?: {
    /**
     * Use Pushed Authorization Requests.
     */
    enabled?: boolean;
    /**
     * URL of the PAR endpoint.
     */
    endpoint?: string;
    /**
     * Client authentication method at the PAR endpoint.
     */
    endpoint_auth_method?:
      'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'client_secret_jwt';
  };
  /**
   * Demonstrating Proof-of-Possession (DPoP) configuration.
   */
  dpop?: {
    /**
     * Use DPoP proof JWTs.
     */
    enabled?: boolean;
    /**
     * DPoP proof JWT signing algorithm.
     */
    signing_alg?: 'ES256' | 'RS256' | 'PS256';
    /**
     * Private key that signs DPoP proofs.
     */
    private_key?: string;
    /**
     * Public JWK matching dpop.private_key (no private members).
     */
    public_jwk?: {
      [k: string]: unknown;
    };
  };
  /**
   * Send the access token to the upstream (X-Access-Token, or Authorization with access_token_in_authorization_header).
   */
  set_access_token_header?: boolean;
  /**
   * Send the access token in the Authorization header instead of X-Access-Token.
   */
  access_token_in_authorization_header?: boolean;
  /**
   * Send the ID token (base64 JSON) in X-ID-Token when there is one.
   */
  set_id_token_header?: boolean;
  /**
   * Send the raw signed ID token in X-Raw-ID-Token when there is one.
   */
  set_raw_id_token_header?: boolean;
  /**
   * Send the user info (base64 JSON of the claims or introspection answer) in X-Userinfo.
   */
  set_userinfo_header?: boolean;
  /**
   * Send the refresh token in X-Refresh-Token when there is one.
   */
  set_refresh_token_header?: boolean;
  /**
   * HTTP proxy used to reach the OpenID provider.
   */
  proxy_opts?: {
    /**
     * HTTP proxy, like http://proxy-server:80.
     */
    http_proxy?: string;
    /**
     * HTTPS proxy, like http://proxy-server:80.
     */
    https_proxy?: string;
    /**
     * Basic [base64 username:password].
     */
    http_proxy_authorization?: string;
    /**
     * Basic [base64 username:password].
     */
    https_proxy_authorization?: string;
    /**
     * Comma-separated hosts that are not proxied.
     */
    no_proxy?: string;
  };
  /**
   * Extra parameters for the authorization endpoint.
   */
  authorization_params?: {
    [k: string]: unknown;
  };
  /**
   * Client RSA private key that signs the client assertion JWT.
   */
  client_rsa_private_key?: string;
  /**
   * Key ID of client_rsa_private_key.
   */
  client_rsa_private_key_id?: string;
  /**
   * Lifetime of the client assertion JWT in seconds.
   */
  client_jwt_assertion_expires_in?: number;
  /**
   * Signing algorithm of the client assertion JWT.
   */
  client_jwt_assertion_alg?: 'HS256' | 'HS512' | 'RS256' | 'RS512' | 'ES256' | 'ES512';
  /**
   * Audience of the client assertion JWT.
   */
  client_jwt_assertion_audience?: string;
  /**
   * Silently renew the session's access token when it expires.
   */
  renew_access_token_on_expiry?: boolean;
  /**
   * Lifetime of the access token in seconds when the provider gives no expires_in.
   */
  access_token_expires_in?: number;
  /**
   * Interval to refresh the ID token without re-authentication.
   */
  refresh_session_interval?: number;
  /**
   * Tolerated clock skew in seconds for the ID token's iat.
   */
  iat_slack?: number;
  /**
   * Accept an unsigned ID token (alg none).
   */
  accept_none_alg?: boolean;
  /**
   * Accept an ID token signed with an unsupported algorithm without checking its signature.
   */
  accept_unsupported_alg?: boolean;
  /**
   * Expiration leeway in seconds for access token renewal.
   */
  access_token_expires_leeway?: number;
  /**
   * Run the authorization flow even when a token is cached.
   */
  force_reauthorize?: boolean;
  /**
   * Send a nonce in the authorization request.
   */
  use_nonce?: boolean;
  /**
   * Revoke the tokens at the provider on logout.
   */
  revoke_tokens_on_logout?: boolean;
  /**
   * How long a fetched JWKS is cached, in seconds.
   */
  jwk_expires_in?: number;
  /**
   * Verify a bearer JWT again even when an earlier verification is cached.
   */
  jwt_verification_cache_ignore?: boolean;
  /**
   * Name of a cache segment that separates this configuration's caches.
   */
  cache_segment?: string;
  /**
   * Most seconds an introspection answer is cached (0: until the token's expiry claim).
   */
  introspection_interval?: number;
  /**
   * Claim of the introspection answer that bounds how long it is cached (default exp).
   */
  introspection_expiry_claim?: string;
  /**
   * Client request headers also sent to the introspection endpoint.
   *
   * @minItems 1
   */
  introspection_addon_headers?: [string, ...string[]];
  /**
   * Scopes the access token must carry; a token without one of them is refused with 403.
   */
  required_scopes?: string[];
  /**
   * JSON Schema the token's claims (or the introspection answer) must satisfy.
   */
  claim_schema?: {
    [k: string]: unknown;
  };
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * opentelemetry on a route, service, plugin config or global rule: how requests are sampled and which extra attributes their spans carry.
 */
export interface OpentelemetryConfInput {
  /**
   * Sampling configuration.
   */
  sampler?: {
    /**
     * Sampling strategy: `always_on`, `always_off`, `trace_id_ratio` (by `options.fraction`) or `parent_base` (the incoming `traceparent`'s sampled flag, else `options.root`).
     */
    name?: 'always_on' | 'always_off' | 'trace_id_ratio' | 'parent_base';
    /**
     * Parameters of the sampling strategy.
     */
    options?: {
      /**
       * Sampling ratio of `trace_id_ratio`, 0 to 1.
       */
      fraction?: number;
      /**
       * Root sampler of `parent_base`, used when the request has no parent.
       */
      root?: {
        /**
         * Root sampling strategy.
         */
        name?: 'always_on' | 'always_off' | 'trace_id_ratio';
        /**
         * Root sampling strategy parameters.
         */
        options?: {
          /**
           * Root sampling ratio of `trace_id_ratio`, 0 to 1.
           */
          fraction?: number;
        };
      };
    };
  };
  /**
   * Variables (APISIX's built-in variables, `arg_*`, `http_*`, `cookie_*`, ...) added to the request span as string attributes named after the variable.
   */
  additional_attributes?: string[];
  /**
   * Request headers added to the request span as attributes; a name ending in `*` adds every header with that prefix.
   */
  additional_header_prefix_attributes?: string[];
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * prometheus: export request metrics for the route, service or global rule.
 */
export interface PrometheusConfInput {
  /**
   * Label metrics with the route/service name instead of its id.
   */
  prefer_name?: boolean;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * proxy-mirror on a route or service: send a copy of (a sample of) the requests to another host; its answers are ignored.
 */
export interface ProxyMirrorConfInput {
  /**
   * Where mirrored requests go: scheme and address without a path, e.g. `http://127.0.0.1:8081`.
   */
  host: string;
  /**
   * Path of the mirrored requests (default: the request's own path).
   */
  path?: string;
  /**
   * With `path`: `replace` sends to `path`, `prefix` to `path` followed by the request's URI.
   */
  path_concat_mode?: 'replace' | 'prefix';
  /**
   * Ratio of the requests that are mirrored.
   */
  sample_ratio?: number;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * proxy-rewrite on a route or service: change the URI, host, method and headers of the request sent to the upstream.
 */
export interface ProxyRewriteConfInput {
  /**
   * New upstream URI (path, optionally with a query string); `$var` and `${var}` are replaced by request variables. Wins over regex_uri.
   */
  uri?: string;
  /**
   * New upstream method.
   */
  method?:
    | 'GET'
    | 'POST'
    | 'PUT'
    | 'HEAD'
    | 'DELETE'
    | 'OPTIONS'
    | 'MKCOL'
    | 'COPY'
    | 'MOVE'
    | 'PROPFIND'
    | 'LOCK'
    | 'UNLOCK'
    | 'PATCH'
    | 'TRACE';
  /**
   * Pairs of [regex, template]: the first regex that matches the client's URI rewrites it with its template (`$1`, `${1}` for captures).
   *
   * @minItems 2
   */
  regex_uri?: [string, string, ...string[]];
  /**
   * New Host header for the upstream request.
   */
  host?: string;
  /**
   * Request header changes: `add`, `set` and `remove`, or (the 2.x form) an object of headers to set. Values may use `$var` and regex_uri captures (`$1`).
   */
  headers?:
    | {
        /**
         * Headers appended to the request (kept alongside existing values).
         */
        add?: {
          /**
           * This interface was referenced by `undefined`'s JSON-Schema definition
           * via the `patternProperty` "^[^:]+$".
           */
          [k: string]: string | number;
        };
        /**
         * Headers set on the request (replacing existing values).
         */
        set?: {
          /**
           * This interface was referenced by `undefined`'s JSON-Schema definition
           * via the `patternProperty` "^[^:]+$".
           */
          [k: string]: string | number;
        };
        /**
         * Headers removed from the request.
         *
         * @minItems 1
         */
        remove?: [string, ...string[]];
      }
    | {
        /**
         * This interface was referenced by `undefined`'s JSON-Schema definition
         * via the `patternProperty` "^[^:]+$".
         */
        [k: string]: string | number;
      };
  /**
   * Send the client's raw request URI (unnormalised, query included) instead of the rewritten or normalised one. Unsafe.
   */
  use_real_request_uri_unsafe?: boolean;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * real-ip on a route or service: take the client's address (and port) from a variable such as a header or a query argument.
 */
export interface RealIpConfInput {
  /**
   * Variable holding the client's real address with an optional port: http_x_forwarded_for (its last address), http_<name>, arg_<name>, ...
   */
  source: string;
  /**
   * Peers (IPs or CIDRs) allowed to supply the address; other peers keep their own. Unset: every peer is trusted.
   *
   * @minItems 1
   */
  trusted_addresses?: [RemoteAddrInput, ...RemoteAddrInput[]];
  /**
   * With source http_x_forwarded_for and trusted_addresses: take the last address of X-Forwarded-For that is not trusted, instead of the last one.
   */
  recursive?: boolean;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * redirect on a route or service: answer with a redirect instead of proxying (a new URI, a regex rewrite of the path, or HTTP to HTTPS).
 */
export interface RedirectConfInput {
  /**
   * Status of the redirect response.
   */
  ret_code?: number;
  /**
   * Location to redirect to; `$var` and `${var}` are replaced by request variables, `\$` keeps a dollar sign.
   */
  uri?: string;
  /**
   * [regex, template]: when the regex matches the request path, redirect to the path rewritten with the template (`$1` for captures); otherwise no redirect.
   *
   * @minItems 2
   * @maxItems 2
   */
  regex_uri?: [string, string];
  /**
   * Redirect plain HTTP requests to the same URL over HTTPS (301 for GET and HEAD, 308 otherwise).
   */
  http_to_https?: boolean;
  /**
   * Percent-encode the path of the Location as nginx's escape_uri does.
   */
  encode_uri?: boolean;
  /**
   * Append the request's query string to the Location.
   */
  append_query_string?: boolean;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * referer-restriction on a route or service: allow only, or refuse, requests by the host of their Referer.
 */
export interface RefererRestrictionConfInput {
  /**
   * Serve a request without a Referer (or with a malformed one) instead of refusing it.
   */
  bypass_missing?: boolean;
  /**
   * Hosts allowed; `*.example.com` allows every host ending in `.example.com`. Every other Referer is refused.
   *
   * @minItems 1
   */
  whitelist?: [string, ...string[]];
  /**
   * Hosts refused, in the format of `whitelist`; every other Referer is allowed.
   *
   * @minItems 1
   */
  blacklist?: [string, ...string[]];
  /**
   * Message of the refusal body `{"message": ...}`.
   */
  message?: string;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * request-id on a route or service: give every request a unique ID, sent upstream and back to the client.
 */
export interface RequestIdConfInput {
  /**
   * Header that carries the ID. A non-empty ID the client sent in it is kept.
   */
  header_name?: string;
  /**
   * Send the ID back in the response header `header_name` (unless the response has one).
   */
  include_in_response?: boolean;
  /**
   * How IDs are generated: uuid (v4), nanoid (21 URL-safe characters), range_id (random characters from `range_id.char_set`), ksuid (27 base62 characters, time-ordered).
   */
  algorithm?: 'uuid' | 'nanoid' | 'range_id' | 'ksuid';
  /**
   * Options of the range_id algorithm.
   */
  range_id?: {
    /**
     * Length of a range_id ID.
     */
    length?: number;
    /**
     * Characters a range_id ID is drawn from.
     */
    char_set?: string;
  };
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * request-validation on a route or service: check the request headers and body against JSON Schemas before proxying.
 */
export interface RequestValidationConfInput {
  /**
   * JSON Schema the request headers (lower-case names, string values) must satisfy.
   */
  header_schema?: {
    [k: string]: unknown;
  };
  /**
   * JSON Schema the request body must satisfy: parsed as JSON, or as a form when Content-Type is application/x-www-form-urlencoded.
   */
  body_schema?: {
    [k: string]: unknown;
  };
  /**
   * Status of the response to a request that fails validation.
   */
  rejected_code?: number;
  /**
   * Body of the response to a request that fails validation; by default the validation error.
   */
  rejected_msg?: string;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * response-rewrite on a route or service: change the status, headers and body of the response sent to the client.
 */
export interface ResponseRewriteConfInput {
  /**
   * Response header changes: `add` ("Name: value" lines), `set` and `remove`, or (the 2.x form) an object of headers to set. Values may use `$var`.
   */
  headers?:
    | {
        /**
         * This interface was referenced by `undefined`'s JSON-Schema definition
         * via the `patternProperty` "^[^:]+$".
         */
        [k: string]: string | number;
      }
    | {
        /**
         * Headers appended to the response, each written `Name: value`.
         *
         * @minItems 1
         */
        add?: [string, ...string[]];
        /**
         * Headers set on the response (replacing existing values).
         */
        set?: {
          /**
           * This interface was referenced by `undefined`'s JSON-Schema definition
           * via the `patternProperty` "^[^:]+$".
           */
          [k: string]: string | number;
        };
        /**
         * Headers removed from the response.
         *
         * @minItems 1
         */
        remove?: [string, ...string[]];
      };
  /**
   * New response body (replaces the upstream's).
   */
  body?: string;
  /**
   * Decode `body` from base64 before sending it (for binary bodies).
   */
  body_base64?: boolean;
  /**
   * New response status code.
   */
  status_code?: number;
  /**
   * Rewrite only responses for which this expression (lua-resty-expr syntax, response variables such as `status` included) is true.
   */
  vars?: unknown[];
  /**
   * Regex replacements applied to the whole response body, in order.
   *
   * @minItems 1
   */
  filters?: [
    {
      /**
       * Pattern to match in the response body.
       */
      regex: string;
      /**
       * Replace the first match (`once`) or every match (`global`).
       */
      scope?: 'once' | 'global';
      /**
       * Replacement text (`$0`, `$1` for captures).
       */
      replace: string;
      /**
       * Regex options, as ngx.re's (`i` caseless, `m` multi-line, `s` dot-all; `j`, `o` ignored).
       */
      options?: string;
    },
    ...{
      /**
       * Pattern to match in the response body.
       */
      regex: string;
      /**
       * Replace the first match (`once`) or every match (`global`).
       */
      scope?: 'once' | 'global';
      /**
       * Replacement text (`$0`, `$1` for captures).
       */
      replace: string;
      /**
       * Regex options, as ngx.re's (`i` caseless, `m` multi-line, `s` dot-all; `j`, `o` ignored).
       */
      options?: string;
    }[],
  ];
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * traffic-split on a route or service: send requests that match a rule to weighted upstreams instead of the route's own (canary, blue-green and A/B releases).
 */
export interface TrafficSplitConfInput {
  /**
   * Rules tried in order; the first whose `match` passes picks among its `weighted_upstreams`. No match: the route's upstream.
   */
  rules?: {
    /**
     * Conditions, any of which selects this rule; a rule without `match` always applies.
     */
    match?: {
      /**
       * lua-resty-expr rules over request variables, all of which must hold (as route `vars`).
       */
      vars?: unknown[];
    }[];
    /**
     * Upstreams picked by weighted round robin; an entry with only `weight` stands for the route's own upstream.
     *
     * @minItems 1
     * @maxItems 20
     */
    weighted_upstreams?: [
      {
        /**
         * Id of an upstream object.
         */
        upstream_id?: IdInput;
        /**
         * An inline upstream; only name, type, hash_on, key, nodes, timeout (default 15 s each), pass_host and upstream_host are used.
         */
        upstream?: UpstreamConfInput;
        /**
         * Share of the traffic of this rule.
         */
        weight?: number;
      },
      ...{
        /**
         * Id of an upstream object.
         */
        upstream_id?: IdInput;
        /**
         * An inline upstream; only name, type, hash_on, key, nodes, timeout (default 15 s each), pass_host and upstream_host are used.
         */
        upstream?: UpstreamConfInput;
        /**
         * Share of the traffic of this rule.
         */
        weight?: number;
      }[],
    ];
  }[];
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * ua-restriction on a route or service: refuse requests by their User-Agent, matched against regular expressions.
 */
export interface UaRestrictionConfInput {
  /**
   * Serve a request without a User-Agent header instead of refusing it.
   */
  bypass_missing?: boolean;
  /**
   * Regular expressions of User-Agents that are always served, even when the denylist matches them.
   *
   * @minItems 1
   */
  allowlist?: [string, ...string[]];
  /**
   * Regular expressions of User-Agents that are refused.
   *
   * @minItems 1
   */
  denylist?: [string, ...string[]];
  /**
   * Message of the refusal body `{"message": ...}`.
   */
  message?: string;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * uri-blocker on a route or service: refuse requests whose URI (path and query) matches a regular expression.
 */
export interface UriBlockerConfInput {
  /**
   * Regular expressions searched for in the normalised path plus `?` and the query string; any match refuses the request.
   */
  block_rules: string[];
  /**
   * Status of the refusal.
   */
  rejected_code?: number;
  /**
   * When set, the refusal body is `{"error_msg": rejected_msg}`; otherwise an nginx-style error page.
   */
  rejected_msg?: string;
  /**
   * Match the rules without regard to case.
   */
  case_insensitive?: boolean;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * Plugin name to the type of its consumer/credential configuration.
 */
export interface PluginConsumerConfMapInput {
  'ai-aliyun-content-moderation': AiAliyunContentModerationConfInput;
  'ai-aws-content-moderation': AiAwsContentModerationConfInput;
  'ai-cache': AiCacheConfInput;
  'ai-consumer-rate-limiting': AiConsumerRateLimitingConfInput;
  'ai-lakera-guard': AiLakeraGuardConfInput;
  'ai-prompt-decorator': AiPromptDecoratorConfInput;
  'ai-prompt-guard': AiPromptGuardConfInput;
  'ai-prompt-template': AiPromptTemplateConfInput;
  'ai-proxy': AiProxyConfInput;
  'ai-proxy-multi': AiProxyMultiConfInput;
  'ai-rag': AiRagConfInput;
  'ai-rate-limiting': AiRateLimitingConfInput;
  'ai-request-rewrite': AiRequestRewriteConfInput;
  'ai-runaway-guard': AiRunawayGuardConfInput;
  'basic-auth': BasicAuthConsumerConfInput;
  'client-control': ClientControlConfInput;
  'consumer-restriction': ConsumerRestrictionConfInput;
  cors: CorsConfInput;
  'elasticsearch-logger': ElasticsearchLoggerConfInput;
  'fault-injection': FaultInjectionConfInput;
  'file-logger': FileLoggerConfInput;
  'forward-auth': ForwardAuthConfInput;
  'hmac-auth': HmacAuthConsumerConfInput;
  'http-logger': HttpLoggerConfInput;
  'ip-restriction': IpRestrictionConfInput;
  'jwt-auth': JwtAuthConsumerConfInput;
  'key-auth': KeyAuthConsumerConfInput;
  'limit-conn': LimitConnConfInput;
  'limit-count': LimitCountConfInput;
  'limit-req': LimitReqConfInput;
  'loki-logger': LokiLoggerConfInput;
  'multi-auth': MultiAuthConfInput;
  'openid-connect': OpenidConnectConfInput;
  opentelemetry: OpentelemetryConfInput;
  prometheus: PrometheusConfInput;
  'proxy-mirror': ProxyMirrorConfInput;
  'proxy-rewrite': ProxyRewriteConfInput;
  'real-ip': RealIpConfInput;
  redirect: RedirectConfInput;
  'referer-restriction': RefererRestrictionConfInput;
  'request-id': RequestIdConfInput;
  'request-validation': RequestValidationConfInput;
  'response-rewrite': ResponseRewriteConfInput;
  syslog: SyslogConfInput;
  'tcp-logger': TcpLoggerConfInput;
  'traffic-split': TrafficSplitConfInput;
  'ua-restriction': UaRestrictionConfInput;
  'udp-logger': UdpLoggerConfInput;
  'uri-blocker': UriBlockerConfInput;
}
/**
 * basic-auth on a consumer or credential: the user name and password it signs in with.
 */
export interface BasicAuthConsumerConfInput {
  /**
   * The Basic user name; unique across consumers.
   */
  username: string;
  /**
   * The Basic password.
   */
  password: string;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * hmac-auth on a consumer or credential: the key id requests name and the secret they sign with.
 */
export interface HmacAuthConsumerConfInput {
  /**
   * The keyId of the Authorization header that identifies this consumer.
   */
  key_id: string;
  /**
   * The HMAC secret.
   */
  secret_key: string;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * jwt-auth on a consumer or credential: the key its tokens name and how they are signed.
 */
export interface JwtAuthConsumerConfInput {
  /**
   * Value of the token's key claim that identifies this consumer.
   */
  key: string;
  /**
   * Shared secret of the HS256/HS384/HS512 algorithms.
   */
  secret?: string;
  /**
   * PEM public key of the RS*, ES*, PS* and EdDSA algorithms.
   */
  public_key?: string;
  /**
   * Signing algorithm of this consumer's tokens.
   */
  algorithm?:
    | 'HS256'
    | 'HS384'
    | 'HS512'
    | 'RS256'
    | 'RS384'
    | 'RS512'
    | 'ES256'
    | 'ES384'
    | 'ES512'
    | 'PS256'
    | 'PS384'
    | 'PS512'
    | 'EdDSA';
  /**
   * Token lifetime in seconds (used by APISIX's token signing helpers).
   */
  exp?: number;
  /**
   * The secret is base64-encoded.
   */
  base64_secret?: boolean;
  /**
   * Clock skew in seconds allowed when checking exp and nbf.
   */
  lifetime_grace_period?: number;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
/**
 * key-auth on a consumer or credential: the consumer's API key.
 */
export interface KeyAuthConsumerConfInput {
  /**
   * The API key; unique across consumers.
   */
  key: string;
  /**
   * APISIX plugin meta options.
   */
  _meta?: PluginMetaInput;
}
