import { renderMetrics } from './metrics';

describe('metrics', () => {
  it('renders the vLLM gauges and the request counter', () => {
    const text = renderMetrics({
      name: 'a"b',
      modelName: 'm',
      running: 2,
      waiting: 5,
      kvCacheUsage: 0.25,
      requestsTotal: 7,
    });
    expect(text).toContain('# TYPE vllm:num_requests_running gauge\n');
    expect(text).toContain('vllm:num_requests_running{model_name="m"} 2.0\n');
    expect(text).toContain('vllm:num_requests_waiting{model_name="m"} 5.0\n');
    expect(text).toContain('mock_requests_total{name="a\\"b"} 7\n');
    expect(text).toContain('vllm:kv_cache_usage_perc{model_name="m"} 0.25\n');
    expect(text).toContain('vllm:gpu_cache_usage_perc{model_name="m"} 0.25\n');
    expect(text).not.toContain('mock_capacity_');
  });

  it('adds the capacity counters when the model is on', () => {
    const capacity = { running: 2, waiting: 3, kvCacheUsage: 1, served: 9, refused: 4 };
    const text = renderMetrics({
      name: 'a',
      modelName: 'm',
      running: 2,
      waiting: 3,
      kvCacheUsage: 1,
      requestsTotal: 16,
      capacity: { ...capacity, cancelled: 1, maxWaiting: 6 },
    });
    expect(text).toContain('mock_capacity_served_total{name="a"} 9\n');
    expect(text).toContain('mock_capacity_refused_total{name="a"} 4\n');
    expect(text).toContain('mock_capacity_cancelled_total{name="a"} 1\n');
    expect(text).toContain('# TYPE mock_capacity_max_waiting gauge\n');
    expect(text).toContain('mock_capacity_max_waiting{name="a"} 6\n');
  });
});
