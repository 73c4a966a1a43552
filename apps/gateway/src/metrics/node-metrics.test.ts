import type { GatewayNodeStatus } from '../node';
import { ModifyIndexTracker } from './modify-indexes';
import { NodeMetrics, nodeMetricsFromStatus, syncLagSeconds } from './node-metrics';
import { renderMetrics } from './render';

describe('modify indexes', () => {
  it('tracks the highest revision per kind, the previous update and the store revision', () => {
    const t = new ModifyIndexTracker();
    t.apply({
      kind: 'full',
      revision: 10,
      stale: false,
      items: [
        ['routes/1', {}],
        ['consumers/jack', {}],
        ['consumers/jack/credentials/c', {}],
      ],
    });
    t.apply({ kind: 'delta', revision: 12, puts: [['routes/2', {}]], deletes: [] });
    t.apply({ kind: 'delta', revision: 13, puts: [['services/s', {}]], deletes: ['routes/2'] });
    expect(t.snapshot(15)).toEqual({
      routes: 10,
      services: 13,
      ssls: 0,
      consumers: 10,
      global_rules: 0,
      upstreams: 0,
      stream_routes: 0,
      protos: 0,
      prev_index: 12,
      max_modify_index: 13,
      x_etcd_index: 15,
    });
  });
});

describe('node metrics', () => {
  const status: GatewayNodeStatus = {
    sync: {
      loaded: true,
      revision: 20,
      stale: false,
      connected: false,
      lastSyncAt: 1_000,
      invalidKeys: [],
    },
    health: [
      {
        targetKey: 'routes/1#ai-proxy-multi#a',
        owner: 'routes/1',
        instance: 'a',
        target: '127.0.0.1:1',
        type: 'http',
        healthy: false,
        successes: 0,
        failures: 3,
      },
    ],
    workers: [
      { pid: 1, listening: true, appliedRevision: 20 },
      { pid: 2, listening: true, appliedRevision: 19 },
      { pid: 3, listening: false, appliedRevision: 0 },
    ],
  };

  it('maps the node status, and exports etcd gauges only for etcd', async () => {
    const indexes = new ModifyIndexTracker();
    indexes.apply({ kind: 'full', revision: 20, stale: false, items: [['routes/1', {}]] });
    const snapshot = nodeMetricsFromStatus(status, { etcd: true, modifyIndexes: indexes });
    expect(snapshot.workerRevisions).toEqual([20, 19]);
    expect(snapshot.activeHealth).toEqual([{ owner: 'routes/1', instance: 'a', healthy: false }]);
    const node = new NodeMetrics({ hostname: 'h', version: 'v' }, () => 6_000);
    const lines = (await renderMetrics([await node.json(snapshot)])).split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'apisix_etcd_reachable 0',
        'apisix_etcd_modify_indexes{key="routes"} 20',
        'apisix_etcd_modify_indexes{key="x_etcd_index"} 20',
        'tollgate_ai_instance_health{owner="routes/1",instance="a",source="active"} 0',
        'tollgate_config_revision 20',
        'tollgate_config_applied_revision 19',
        'tollgate_config_stale 0',
        'tollgate_config_sync_lag_seconds 5',
      ]),
    );
    const embedded = nodeMetricsFromStatus(
      { ...status, sync: { ...status.sync, connected: true } },
      { etcd: false },
    );
    const text = await renderMetrics([await node.json(embedded)]);
    expect(text).not.toContain('apisix_etcd');
    expect(text).toContain('tollgate_config_sync_lag_seconds 0');
    // And back: the etcd families are still there for the next etcd snapshot.
    expect(await renderMetrics([await node.json(snapshot)])).toContain('apisix_etcd_reachable 0');
  });

  it('counts sync lag from the last contact, or from start when there was none', () => {
    const config = { revision: 1, loaded: true, stale: true, connected: false };
    expect(syncLagSeconds(config, 10_000, 4_000)).toBe(6);
    expect(syncLagSeconds({ ...config, lastSyncAt: 9_000 }, 10_000, 4_000)).toBe(1);
    expect(syncLagSeconds({ ...config, stale: false, connected: true }, 10_000, 4_000)).toBe(0);
  });
});
