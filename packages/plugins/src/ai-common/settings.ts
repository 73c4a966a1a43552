/**
 * @module ai-common/settings
 * The plugin-level transport settings shared by ai-proxy and ai-proxy-multi (spec §1.1), with
 * APISIX's defaults for configs loaded without them.
 */

export interface AiTransportSettings {
  timeoutMs: number;
  maxRequestBytes: number;
  maxStreamDurationMs?: number;
  maxResponseBytes?: number;
  keepalive: boolean;
  keepaliveTimeoutMs: number;
  keepalivePool: number;
  sslVerify: boolean;
  logPayloads: boolean;
}

interface SettingsConf {
  timeout?: number;
  max_req_body_size?: number;
  max_stream_duration_ms?: number;
  max_response_bytes?: number;
  keepalive?: boolean;
  keepalive_timeout?: number;
  keepalive_pool?: number;
  ssl_verify?: boolean;
  logging?: { payloads?: boolean };
}

const cache = new WeakMap<object, AiTransportSettings>();

/** The settings of a plugin configuration (computed once per configuration object). */
export function transportSettings(conf: SettingsConf): AiTransportSettings {
  let settings = cache.get(conf);
  if (!settings) {
    settings = {
      timeoutMs: conf.timeout ?? 30_000,
      maxRequestBytes: conf.max_req_body_size ?? 67_108_864,
      maxStreamDurationMs: conf.max_stream_duration_ms,
      maxResponseBytes: conf.max_response_bytes,
      keepalive: conf.keepalive ?? true,
      keepaliveTimeoutMs: conf.keepalive_timeout ?? 60_000,
      keepalivePool: conf.keepalive_pool ?? 30,
      sslVerify: conf.ssl_verify ?? true,
      logPayloads: conf.logging?.payloads ?? false,
    };
    cache.set(conf, settings);
  }
  return settings;
}
