import { checkPluginConf } from '../plugins';

const gpu = (override: Record<string, unknown> = {}) => ({
  name: 'gpu-a',
  provider: 'openai-compatible',
  weight: 1,
  auth: { header: { Authorization: 'Bearer k' } },
  override: {
    endpoint: 'http://10.0.0.5:8000/v1/chat/completions',
    metrics_endpoint: 'http://10.0.0.5:8000/metrics',
    ...override,
  },
});

const check = (conf: unknown) => checkPluginConf('ai-proxy-multi', conf, 'route');

/** The stored `balancer` of a valid conf; `undefined` when the conf failed. */
function storedBalancer(conf: unknown): unknown {
  const r = check(conf);
  return r.valid ? (r.value as { balancer?: unknown }).balancer : undefined;
}

function message(conf: unknown): string {
  const r = check(conf);
  if (r.valid) throw new Error('expected a failure');
  return r.message;
}

describe('ai-proxy-multi load-aware balancer fields (Tollgate extension, issue 12)', () => {
  it('accepts every algorithm and setting, and stores no run-time default', () => {
    for (const algorithm of ['least_busy', 'least_latency', 'queue_aware']) {
      expect(storedBalancer({ instances: [gpu()], balancer: { algorithm } })).toEqual({
        algorithm,
        hash_on: 'vars',
      });
    }
    const balancer = {
      algorithm: 'queue_aware',
      scrape_interval_ms: 50,
      queue_threshold: 3,
      kv_cache_threshold: 0.9,
      stale_after_ms: 200,
      latency_decay_ms: 5000,
      prefix_affinity: { prefix_chars: 256 },
    };
    expect(storedBalancer({ instances: [gpu()], balancer })).toEqual({
      ...balancer,
      hash_on: 'vars',
    });
  });

  it('rejects values out of bounds', () => {
    const withBalancer = (extra: Record<string, unknown>) =>
      message({ instances: [gpu()], balancer: { algorithm: 'queue_aware', ...extra } });
    expect(withBalancer({ scrape_interval_ms: 5 })).toMatch(/scrape_interval_ms.*at least 10/);
    expect(withBalancer({ queue_threshold: -1 })).toMatch(/queue_threshold.*at least 0/);
    expect(withBalancer({ kv_cache_threshold: 1.5 })).toMatch(/kv_cache_threshold.*at most 1/);
    expect(withBalancer({ stale_after_ms: 0 })).toMatch(/stale_after_ms.*at least 1/);
    expect(withBalancer({ latency_decay_ms: 10 })).toMatch(/latency_decay_ms.*at least 100/);
    expect(withBalancer({ prefix_affinity: {} })).toMatch(/prefix_chars.*required/);
    expect(withBalancer({ prefix_affinity: { prefix_chars: 0 } })).toMatch(/prefix_chars/);
    expect(withBalancer({ algorithm: 'fastest' })).toMatch(/algorithm.*enum/);
  });

  it('takes metrics_endpoint as an http(s) URL only', () => {
    expect(message({ instances: [gpu({ metrics_endpoint: 'ftp://10.0.0.5/metrics' })] })).toMatch(
      /metrics_endpoint/,
    );
    expect(message({ instances: [gpu({ metrics_endpoint: 'x'.repeat(3000) })] })).toMatch(
      /metrics_endpoint/,
    );
  });
});
