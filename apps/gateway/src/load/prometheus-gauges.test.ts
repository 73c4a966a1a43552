import { loadFromExposition, sumGauges } from './prometheus-gauges';

const VLLM = `# HELP vllm:num_requests_waiting Number of requests waiting to be processed.
# TYPE vllm:num_requests_waiting gauge
vllm:num_requests_waiting{engine="0",model_name="qwen"} 3.0
vllm:num_requests_waiting{engine="1",model_name="qwen"} 2.0
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{model_name="qwen"} 8
vllm:kv_cache_usage_perc{model_name="qwen"} 0.42 1733390000000
vllm:prompt_tokens_total{model_name="qwen"} 12345
`;

describe('loadFromExposition', () => {
  it.each([
    ["vLLM's gauges, summed over label sets", VLLM, { waiting: 5, running: 8, kvCacheUsage: 0.42 }],
    [
      "older vLLM's KV-cache name",
      'vllm:num_requests_waiting 1\nvllm:gpu_cache_usage_perc{model_name="m"} 0.9\n',
      { waiting: 1, running: 0, kvCacheUsage: 0.9 },
    ],
    [
      "SGLang's gauges (CRLF lines)",
      'sglang:num_queue_reqs{model_name="m"} 4\r\nsglang:num_running_reqs{model_name="m"} 16\r\nsglang:token_usage{model_name="m"} 0.25\r\n',
      { waiting: 4, running: 16, kvCacheUsage: 0.25 },
    ],
  ])('reads %s', (_what, text, expected) => {
    expect(loadFromExposition(text, 7)).toEqual({ ...expected, at: 7 });
  });

  it('is undefined when the endpoint exposes no queue gauge', () => {
    expect(loadFromExposition('up 1\nprocess_cpu_seconds_total 3\n', 0)).toBeUndefined();
    expect(loadFromExposition('', 0)).toBeUndefined();
  });

  it('keeps label values with braces, quotes and spaces, and skips bad samples', () => {
    const text = [
      'vllm:num_requests_waiting{model_name="a} \\"b\\" {c"} 2',
      'vllm:num_requests_waiting{model_name="unterminated 9',
      'vllm:num_requests_waiting{model_name="x"} NaN',
      'vllm:num_requests_waiting{model_name="y"} +Inf',
      'vllm:num_requests_waiting{model_name="z"}',
      '   vllm:num_requests_waiting 1',
      'vllm:num_requests_waiting_total 100',
    ].join('\n');
    expect(sumGauges(text).get('vllm:num_requests_waiting')).toBe(3);
  });

  it('never creates keys from metric names outside the wanted set', () => {
    const sums = sumGauges('__proto__ 1\nconstructor 2\n');
    expect(sums.size).toBe(0);
  });
});
