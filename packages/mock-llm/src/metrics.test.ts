import { renderMetrics } from './metrics';

describe('metrics', () => {
  it('renders the vLLM gauges and the request counter', () => {
    const text = renderMetrics({
      name: 'a"b',
      modelName: 'm',
      running: 2,
      waiting: 5,
      requestsTotal: 7,
    });
    expect(text).toContain('# TYPE vllm:num_requests_running gauge\n');
    expect(text).toContain('vllm:num_requests_running{model_name="m"} 2.0\n');
    expect(text).toContain('vllm:num_requests_waiting{model_name="m"} 5.0\n');
    expect(text).toContain('mock_requests_total{name="a\\"b"} 7\n');
  });
});
