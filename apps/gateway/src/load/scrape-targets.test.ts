import { balancesByLoad, scrapeTargets } from './scrape-targets';

const multi = (balancer: Record<string, unknown>, urls: unknown[], meta?: unknown) => ({
  plugins: {
    'ai-proxy-multi': {
      ...(meta ? { _meta: meta } : {}),
      balancer,
      instances: urls.map((url, i) => ({
        name: `i${i}`,
        provider: 'openai-compatible',
        override: { endpoint: 'http://127.0.0.1:1', metrics_endpoint: url },
      })),
    },
  },
});

describe('scrapeTargets', () => {
  it('collects the metrics endpoints of queue_aware configs in any plugin-carrying item', () => {
    const items = new Map<string, unknown>([
      ['routes/1', multi({ algorithm: 'queue_aware' }, ['http://a/metrics', 'http://b/metrics'])],
      [
        'services/1',
        multi({ algorithm: 'queue_aware', scrape_interval_ms: 40 }, ['http://b/metrics']),
      ],
      [
        'global_rules/1',
        multi({ algorithm: 'queue_aware', scrape_interval_ms: 500 }, ['http://c/metrics']),
      ],
    ]);
    expect(scrapeTargets(items)).toEqual(
      new Map([
        ['http://a/metrics', 100],
        ['http://b/metrics', 40],
        ['http://c/metrics', 500],
      ]),
    );
  });

  it('skips other algorithms, disabled plugins and endpoints that are not http(s) URLs', () => {
    const items = new Map<string, unknown>([
      ['routes/1', multi({ algorithm: 'least_busy' }, ['http://a/metrics'])],
      ['routes/2', multi({}, ['http://a/metrics'])],
      ['routes/3', multi({ algorithm: 'queue_aware' }, ['http://a/metrics'], { disable: true })],
      [
        'routes/4',
        multi({ algorithm: 'queue_aware' }, ['file:///etc/passwd', 'http://', 7, undefined]),
      ],
      ['routes/5', { plugins: { 'ai-proxy-multi': 'nonsense' } }],
      ['upstreams/1', { nodes: [] }],
    ]);
    expect(scrapeTargets(items)).toEqual(new Map());
  });

  it('bounds the interval to the schema range whatever the store holds', () => {
    const items = new Map<string, unknown>([
      ['routes/1', multi({ algorithm: 'queue_aware', scrape_interval_ms: 0 }, ['http://a/m'])],
      ['routes/2', multi({ algorithm: 'queue_aware', scrape_interval_ms: 1e12 }, ['http://b/m'])],
    ]);
    expect(scrapeTargets(items)).toEqual(
      new Map([
        ['http://a/m', 10],
        ['http://b/m', 60_000],
      ]),
    );
  });
});

describe('balancesByLoad', () => {
  it('is true for an enabled least_busy, least_latency or queue_aware config in any plugin-carrying item', () => {
    for (const algorithm of ['least_busy', 'least_latency', 'queue_aware']) {
      const items = new Map<string, unknown>([
        ['routes/1', multi({}, [])],
        ['plugin_configs/1', multi({ algorithm }, [])],
      ]);
      expect(balancesByLoad(items)).toBe(true);
    }
  });

  it('is false for round robin, chash, the default, a disabled plugin and junk in the store', () => {
    const items = new Map<string, unknown>([
      ['routes/1', multi({}, [])],
      ['routes/2', multi({ algorithm: 'roundrobin' }, [])],
      ['services/1', multi({ algorithm: 'chash' }, [])],
      ['routes/3', multi({ algorithm: 'least_busy' }, [], { disable: true })],
      ['routes/4', { plugins: { 'ai-proxy-multi': { balancer: { algorithm: ['least_busy'] } } } }],
      ['routes/5', { plugins: { 'ai-proxy-multi': 'nonsense' } }],
    ]);
    expect(balancesByLoad(items)).toBe(false);
  });
});
