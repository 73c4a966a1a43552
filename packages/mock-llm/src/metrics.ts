/**
 * @module metrics
 * `GET /metrics`: Prometheus text with the vLLM gauges a scheduler reads
 * (`vllm:num_requests_running`, `vllm:num_requests_waiting`, `vllm:kv_cache_usage_perc` and its
 * older name `vllm:gpu_cache_usage_perc`, labelled `model_name` as vLLM does), the mock's own
 * request counter and, with the capacity model, its counters. Pure.
 */
import type { CapacityStats } from './types';

/** The numbers `/metrics` reports. */
export interface MetricsSnapshot {
  /** The mock's name (label `name` of `mock_requests_total`). */
  name: string;
  /** The served model name (label `model_name` of the vLLM gauges). */
  modelName: string;
  running: number;
  waiting: number;
  /** 0-1. */
  kvCacheUsage: number;
  requestsTotal: number;
  /** The capacity model's counters, when it is on. */
  capacity?: CapacityStats;
}

/** Content-Type of the Prometheus text format. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Prometheus text exposition of `s`. */
export function renderMetrics(s: MetricsSnapshot): string {
  const model = `{model_name="${label(s.modelName)}"}`;
  return [
    '# HELP vllm:num_requests_running Number of requests in model execution batches.',
    '# TYPE vllm:num_requests_running gauge',
    `vllm:num_requests_running${model} ${s.running.toFixed(1)}`,
    '# HELP vllm:num_requests_waiting Number of requests waiting to be processed.',
    '# TYPE vllm:num_requests_waiting gauge',
    `vllm:num_requests_waiting${model} ${s.waiting.toFixed(1)}`,
    '# HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.',
    '# TYPE vllm:kv_cache_usage_perc gauge',
    `vllm:kv_cache_usage_perc${model} ${s.kvCacheUsage}`,
    '# HELP vllm:gpu_cache_usage_perc GPU KV-cache usage (the older name). 1 means 100 percent usage.',
    '# TYPE vllm:gpu_cache_usage_perc gauge',
    `vllm:gpu_cache_usage_perc${model} ${s.kvCacheUsage}`,
    '# HELP mock_requests_total Requests received (control endpoints, /metrics, /health excluded).',
    '# TYPE mock_requests_total counter',
    `mock_requests_total{name="${label(s.name)}"} ${s.requestsTotal}`,
    ...(s.capacity ? capacityLines(label(s.name), s.capacity) : []),
    '',
  ].join('\n');
}

function capacityLines(name: string, c: CapacityStats): string[] {
  const line = (metric: string, type: string, help: string, value: number) => [
    `# HELP ${metric} ${help}`,
    `# TYPE ${metric} ${type}`,
    `${metric}{name="${name}"} ${value}`,
  ];
  return [
    ...line('mock_capacity_served_total', 'counter', 'Requests answered in full.', c.served),
    ...line('mock_capacity_refused_total', 'counter', 'Requests refused: queue full.', c.refused),
    ...line(
      'mock_capacity_cancelled_total',
      'counter',
      'Requests the client gave up.',
      c.cancelled,
    ),
    ...line('mock_capacity_max_waiting', 'gauge', 'Longest queue seen.', c.maxWaiting),
  ];
}
