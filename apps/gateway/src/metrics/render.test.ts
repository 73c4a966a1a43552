import { Registry } from 'prom-client';
import { type workerMetricsIpc } from '@tollgate/plugins';
import { createRequestMetrics } from '../../../../packages/plugins/src/prometheus/definitions';
import { NodeMetrics } from './node-metrics';
import { renderMetrics } from './render';

type MetricJson = workerMetricsIpc.MetricJson;

/** One worker's metrics after `requests` requests on route 1 and an instance in `breaker`. */
async function worker(requests: number, breaker: number, active: number): Promise<MetricJson[]> {
  const registry = new Registry();
  const m = createRequestMetrics(registry);
  const labels = {
    type: 'request',
    route: '1',
    service: '',
    consumer: '',
    node: 'a',
    request_type: 'ai_chat',
    request_llm_model: 'm',
    llm_model: 'm',
  };
  const llm = {
    route_id: '1',
    service_id: '',
    consumer: '',
    node: 'a',
    request_type: 'ai_chat',
    request_llm_model: 'm',
    llm_model: 'm',
  };
  for (let i = 0; i < requests; i++) {
    m.httpLatency.observe({ ...labels }, 3);
    m.llmPromptTokens.inc(llm, 10);
  }
  m.breakerState.set({ owner: 'routes/1', instance: 'a' }, breaker);
  m.instanceHealth.set(
    { owner: 'routes/1', instance: 'a', source: 'passive' },
    breaker === 2 ? 0 : 1,
  );
  m.quotaRemaining.set({ plugin: 'ai-rate-limiting', instance: 'a', consumer: '' }, 100 - requests);
  const { route_id, service_id, ...identity } = llm;
  const activeLabels = {
    route: '',
    route_id,
    matched_uri: '/',
    matched_host: '',
    service: '',
    service_id,
    ...identity,
  };
  m.llmActiveConnections.add(
    m.llmActiveConnections.keyFor(activeLabels),
    () => activeLabels,
    active,
  );
  return await registry.getMetricsAsJSON();
}

it('sums counters and histograms over workers, combines gauges by their meaning, le last', async () => {
  const node = new NodeMetrics({ hostname: 'h1', version: '0.1.0' });
  const own = await node.json({
    config: { revision: 9, loaded: true, stale: false, connected: true },
    workerRevisions: [9, 9],
    activeHealth: [{ owner: 'routes/1', instance: 'a', healthy: true }],
  });
  const text = await renderMetrics([own, await worker(2, 0, 1), await worker(3, 2, 2)]);
  const lines = text.split('\n');
  expect(lines).toContain('apisix_node_info{hostname="h1",version="0.1.0"} 1');
  expect(lines).toContain(
    'apisix_llm_prompt_tokens{route_id="1",service_id="",consumer="",node="a",request_type="ai_chat",request_llm_model="m",llm_model="m"} 50',
  );
  expect(lines).toContain(
    'apisix_http_latency_bucket{type="request",route="1",service="",consumer="",node="a",request_type="ai_chat",request_llm_model="m",llm_model="m",le="5"} 5',
  );
  expect(lines).toContain(
    'apisix_http_latency_bucket{type="request",route="1",service="",consumer="",node="a",request_type="ai_chat",request_llm_model="m",llm_model="m",le="+Inf"} 5',
  );
  expect(lines).toContain(
    'apisix_http_latency_count{type="request",route="1",service="",consumer="",node="a",request_type="ai_chat",request_llm_model="m",llm_model="m"} 5',
  );
  expect(lines).toContain('tollgate_ai_instance_breaker_state{owner="routes/1",instance="a"} 2');
  expect(lines).toContain(
    'tollgate_ai_quota_remaining{plugin="ai-rate-limiting",instance="a",consumer=""} 97',
  );
  expect(lines.filter((l) => l.startsWith('apisix_llm_active_connections{'))).toEqual([
    'apisix_llm_active_connections{route="",route_id="1",matched_uri="/",matched_host="",service="",service_id="",consumer="",node="a",request_type="ai_chat",request_llm_model="m",llm_model="m"} 3',
  ]);
  // One family for both sources of instance health.
  expect(lines.filter((l) => l.startsWith('# TYPE tollgate_ai_instance_health '))).toHaveLength(1);
  expect(lines).toContain(
    'tollgate_ai_instance_health{owner="routes/1",instance="a",source="active"} 1',
  );
  expect(lines).toContain(
    'tollgate_ai_instance_health{owner="routes/1",instance="a",source="passive"} 0',
  );
  expect(lines).toContain('tollgate_config_revision 9');
  expect(lines.some((l) => l.startsWith('apisix_etcd_reachable'))).toBe(false);
});
