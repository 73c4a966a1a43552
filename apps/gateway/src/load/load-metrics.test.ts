import { Registry } from 'prom-client';
import { InstanceLoadMetrics } from './load-metrics';
import { endpointLabel } from './endpoint-label';

describe('InstanceLoadMetrics', () => {
  it('renders readings, scrape age and failures per endpoint and node-wide in-flight counts', async () => {
    const registry = new Registry();
    const metrics = new InstanceLoadMetrics(registry);
    metrics.set(
      {
        scrapes: [
          {
            endpoint: 'http://10.0.0.5:8000/metrics',
            url: 'http://10.0.0.5:8000/metrics',
            intervalMs: 100,
            reading: { waiting: 3, running: 7, kvCacheUsage: 0.5, at: 9_750 },
            failures: 2,
          },
          {
            endpoint: 'http://down/metrics',
            url: 'http://down/metrics',
            intervalMs: 100,
            failures: 5,
          },
        ],
        inFlight: [['http://u:secret@10.0.0.5:8000/v1?key=s3cr3t', 4]],
        picks: [],
      },
      10_000,
    );
    const text = await registry.metrics();
    const lines = text.split('\n');
    expect(lines).toContain(
      'tollgate_ai_instance_queue_waiting{endpoint="http://10.0.0.5:8000/metrics"} 3',
    );
    expect(lines).toContain(
      'tollgate_ai_instance_queue_running{endpoint="http://10.0.0.5:8000/metrics"} 7',
    );
    expect(lines).toContain(
      'tollgate_ai_instance_kv_cache_usage{endpoint="http://10.0.0.5:8000/metrics"} 0.5',
    );
    expect(lines).toContain(
      'tollgate_ai_instance_scrape_age_seconds{endpoint="http://10.0.0.5:8000/metrics"} 0.25',
    );
    expect(lines).toContain(
      'tollgate_ai_instance_scrape_failures_total{endpoint="http://down/metrics"} 5',
    );
    expect(lines).toContain('tollgate_ai_instance_in_flight{load_key="http://10.0.0.5:8000/v1"} 4');
    expect(text).not.toContain('secret');
    expect(text).not.toMatch(/queue_waiting\{endpoint="http:\/\/down/);

    metrics.set(undefined, 10_000);
    expect(await registry.metrics()).not.toContain('endpoint=');
  });
});

describe('endpointLabel', () => {
  it('drops user info and query from URLs and leaves other keys alone', () => {
    expect(endpointLabel('https://user:pw@gpu:8000/metrics?token=x')).toBe(
      'https://gpu:8000/metrics',
    );
    expect(endpointLabel('http://gpu:8000/metrics')).toBe('http://gpu:8000/metrics');
    expect(endpointLabel('openai#gpt-4o')).toBe('openai#gpt-4o');
  });
});
