/**
 * @module metrics
 * `GET /metrics`: Prometheus text with the two vLLM gauges a scheduler reads
 * (`vllm:num_requests_running`, `vllm:num_requests_waiting`, labelled `model_name` as vLLM does)
 * and the mock's own request counter. Pure.
 */

/** The numbers `/metrics` reports. */
export interface MetricsSnapshot {
  /** The mock's name (label `name` of `mock_requests_total`). */
  name: string;
  /** The served model name (label `model_name` of the vLLM gauges). */
  modelName: string;
  running: number;
  waiting: number;
  requestsTotal: number;
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
    '# HELP mock_requests_total Requests received (control endpoints, /metrics, /health excluded).',
    '# TYPE mock_requests_total counter',
    `mock_requests_total{name="${label(s.name)}"} ${s.requestsTotal}`,
    '',
  ].join('\n');
}
