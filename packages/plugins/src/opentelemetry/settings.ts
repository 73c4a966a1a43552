/**
 * @module opentelemetry/settings
 * The node-level settings of the opentelemetry plugin: APISIX 3.18 reads them from
 * `plugin_metadata/opentelemetry` (validated by its metadata schema); Tollgate also takes
 * config.yaml `plugin_attr.opentelemetry` (APISIX ≤ 3.11's place) when no metadata is set.
 * Both go through `parseSettings`, which checks every field and fills the defaults.
 */
import { isPlainObject, setOwn } from '@tollgate/core';

export type AttributeValue = string | number | boolean;

/** Settings as the tracer pipeline uses them. */
export interface OtelSettings {
  traceIdSource: 'x-request-id' | 'random';
  /** Resource attributes (service.name included). */
  resource: Readonly<Record<string, AttributeValue>>;
  /** `http://<collector.address>/v1/traces`. */
  collectorUrl: string;
  requestTimeoutMs: number;
  requestHeaders: Readonly<Record<string, string>>;
  maxQueueSize: number;
  maxExportBatchSize: number;
  /** inactive_timeout: how often the queue is exported. */
  scheduledDelayMs: number;
  setNgxVar: boolean;
  /** Identity of these settings: equal keys share one exporter pipeline. */
  key: string;
}

/** opentelemetry-lua's batch span processor defaults (APISIX leaves them to the library). */
const BATCH_DEFAULTS = {
  max_queue_size: 2048,
  max_export_batch_size: 256,
  inactive_timeout: 2,
  batch_timeout: 5,
};

class SettingsError extends Error {}

function fail(where: string, field: string, want: string): never {
  throw new SettingsError(`${where}: property "${field}" validation failed: ${want}`);
}

function optional(obj: Readonly<Record<string, unknown>>, name: string): unknown {
  return Object.hasOwn(obj, name) ? obj[name] : undefined;
}

function object(where: string, field: string, value: unknown): Record<string, unknown> {
  if (value === undefined) return Object.create(null) as Record<string, unknown>;
  if (!isPlainObject(value)) fail(where, field, 'wrong type: expected object');
  return value;
}

function integer(where: string, field: string, value: unknown, dflt: number): number {
  if (value === undefined) return dflt;
  if (typeof value !== 'number' || !Number.isInteger(value))
    fail(where, field, 'wrong type: expected integer');
  return value;
}

function number(where: string, field: string, value: unknown, dflt: number): number {
  if (value === undefined) return dflt;
  if (typeof value !== 'number' || !Number.isFinite(value))
    fail(where, field, 'wrong type: expected number');
  return value;
}

function scalarMap(where: string, field: string, value: unknown): Record<string, AttributeValue> {
  const out = Object.create(null) as Record<string, AttributeValue>;
  for (const [k, v] of Object.entries(object(where, field, value))) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
      fail(where, `${field}.${k}`, 'wrong type: expected string, number or boolean');
    setOwn(out, k, v);
  }
  return out;
}

/** `host:port` (or a URL with its scheme) → the OTLP/HTTP traces endpoint. */
export function collectorUrl(address: string): string {
  const base = /^https?:\/\//i.test(address) ? address : `http://${address}`;
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * Check `block` (a `plugin_attr.opentelemetry` block or the plugin metadata) and fill the
 * defaults. Throws an Error naming `where` and the field on anything APISIX's schema refuses.
 */
export function parseSettings(block: unknown, where: string): OtelSettings {
  const conf = object(where, '', block);
  const source = optional(conf, 'trace_id_source') ?? 'random';
  if (source !== 'random' && source !== 'x-request-id')
    fail(where, 'trace_id_source', 'matches none of the enum values');
  const resource = scalarMap(where, 'resource', optional(conf, 'resource'));
  if (!Object.hasOwn(resource, 'service.name')) resource['service.name'] = 'APISIX';

  const collector = object(where, 'collector', optional(conf, 'collector'));
  const address = optional(collector, 'address') ?? '127.0.0.1:4318';
  if (typeof address !== 'string' || address === '')
    fail(where, 'collector.address', 'wrong type: expected string');
  const timeout = integer(
    where,
    'collector.request_timeout',
    optional(collector, 'request_timeout'),
    3,
  );
  if (timeout <= 0) fail(where, 'collector.request_timeout', 'expected a positive integer');
  const headers = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(
    scalarMap(where, 'collector.request_headers', optional(collector, 'request_headers')),
  ))
    setOwn(headers, k, String(v));

  const batch = object(where, 'batch_span_processor', optional(conf, 'batch_span_processor'));
  const drop = optional(batch, 'drop_on_queue_full');
  if (drop !== undefined && typeof drop !== 'boolean')
    fail(where, 'batch_span_processor.drop_on_queue_full', 'wrong type: expected boolean');
  const maxQueueSize = integer(
    where,
    'batch_span_processor.max_queue_size',
    optional(batch, 'max_queue_size'),
    BATCH_DEFAULTS.max_queue_size,
  );
  const maxExportBatchSize = integer(
    where,
    'batch_span_processor.max_export_batch_size',
    optional(batch, 'max_export_batch_size'),
    BATCH_DEFAULTS.max_export_batch_size,
  );
  const inactive = number(
    where,
    'batch_span_processor.inactive_timeout',
    optional(batch, 'inactive_timeout'),
    BATCH_DEFAULTS.inactive_timeout,
  );
  number(
    where,
    'batch_span_processor.batch_timeout',
    optional(batch, 'batch_timeout'),
    BATCH_DEFAULTS.batch_timeout,
  );
  if (maxQueueSize < 1) fail(where, 'batch_span_processor.max_queue_size', 'expected >= 1');
  if (maxExportBatchSize < 1)
    fail(where, 'batch_span_processor.max_export_batch_size', 'expected >= 1');
  if (inactive < 0) fail(where, 'batch_span_processor.inactive_timeout', 'expected >= 0');

  const setNgxVar = optional(conf, 'set_ngx_var') ?? false;
  if (typeof setNgxVar !== 'boolean') fail(where, 'set_ngx_var', 'wrong type: expected boolean');

  const settings = {
    traceIdSource: source === 'x-request-id' ? ('x-request-id' as const) : ('random' as const),
    resource,
    collectorUrl: collectorUrl(address),
    requestTimeoutMs: timeout * 1000,
    requestHeaders: headers,
    maxQueueSize,
    maxExportBatchSize,
    scheduledDelayMs: Math.max(1, Math.round(inactive * 1000)),
    setNgxVar,
  };
  return { ...settings, key: JSON.stringify({ ...settings, setNgxVar: undefined }) };
}

/** Whether `err` came from `parseSettings`. */
export function isSettingsError(err: unknown): err is Error {
  return err instanceof SettingsError;
}
