import type { InstanceLoadSnapshot } from '../load/load-metrics';
import { routeControlRequest } from './routes';
import type { ControlSource } from './source';

const METRICS = 'http://user:pw@127.0.0.1:8001/metrics';

const load: InstanceLoadSnapshot = {
  scrapes: [
    {
      endpoint: 'http://127.0.0.1:8001/metrics',
      url: METRICS,
      intervalMs: 100,
      reading: { waiting: 2, running: 6, kvCacheUsage: 0.3, at: 1_000 },
      failures: 1,
      lastError: 'timed out',
    },
  ],
  inFlight: [['http://127.0.0.1:8000', 3]],
  picks: [
    { targetKey: 'routes/1#ai-proxy-multi#cloud', spills: 4 },
    { targetKey: 'routes/1#ai-proxy-multi#gpu', score: 0.25, spills: 0 },
  ],
};

const source: ControlSource = {
  prefix: '/apisix',
  nodeInfo: () => ({ id: 'n', hostname: 'h', version: '0', bootTime: 0, role: 'traditional' }),
  configState: () => ({
    loaded: true,
    revision: 1,
    stale: false,
    connected: true,
    invalidKeys: [],
  }),
  configItems: () =>
    new Map([
      [
        'routes/1',
        {
          plugins: {
            'ai-proxy-multi': {
              instances: [
                { name: 'gpu', override: { metrics_endpoint: METRICS } },
                { name: 'cloud', provider: 'openai' },
              ],
            },
          },
        },
      ],
    ]),
  healthTargets: () =>
    ['gpu', 'cloud'].map((instance) => ({
      targetKey: `routes/1#ai-proxy-multi#${instance}`,
      owner: 'routes/1',
      instance,
      target: '127.0.0.1:8000',
      type: 'http' as const,
      healthy: true,
      successes: 1,
      failures: 0,
    })),
  instanceLoad: () => load,
};

const expectedReading = {
  endpoint: 'http://127.0.0.1:8001/metrics',
  interval_ms: 100,
  waiting: 2,
  running: 6,
  kv_cache_usage: 0.3,
  scraped_at: 1_000,
  failures: 1,
  last_error: 'timed out',
};

describe('instance load in the control API', () => {
  it('/v1/instance_load lists scrapes and node-wide in-flight counts', () => {
    const reply = routeControlRequest(source, 'GET', '/v1/instance_load');
    expect(reply).toEqual({
      status: 200,
      body: {
        scrapes: [expectedReading],
        in_flight: [{ load_key: 'http://127.0.0.1:8000', count: 3 }],
        picks: [
          { target_key: 'routes/1#ai-proxy-multi#cloud', spills: 4 },
          { target_key: 'routes/1#ai-proxy-multi#gpu', score: 0.25, spills: 0 },
        ],
      },
    });
    expect(JSON.stringify(reply)).not.toContain('pw@');
  });

  it('/v1/healthcheck shows a scraped instance reading next to its health', () => {
    const list = routeControlRequest(source, 'GET', '/v1/healthcheck').body as {
      instance: string;
      nodes: { load?: unknown; score?: number; spills?: number }[];
    }[];
    const gpu = list.find((e) => e.instance === 'gpu');
    const cloud = list.find((e) => e.instance === 'cloud');
    expect(gpu?.nodes[0]?.load).toEqual(expectedReading);
    expect(cloud?.nodes[0]).not.toHaveProperty('load');
    // What load-aware picks did: the GPU's latest score, the requests spilled to the cloud.
    expect(gpu?.nodes[0]).toMatchObject({ score: 0.25, spills: 0 });
    expect(cloud?.nodes[0]).toMatchObject({ spills: 4 });
    expect(cloud?.nodes[0]).not.toHaveProperty('score');

    const one = routeControlRequest(source, 'GET', '/v1/healthcheck/routes/1').body as {
      nodes: { instance: string; load?: unknown }[];
    };
    expect(one.nodes.find((n) => n.instance === 'gpu')?.load).toEqual(expectedReading);
  });

  it('answers empty lists when the node keeps no load', () => {
    const bare = { ...source, instanceLoad: undefined };
    expect(routeControlRequest(bare, 'GET', '/v1/instance_load').body).toEqual({
      scrapes: [],
      in_flight: [],
      picks: [],
    });
  });
});
