/**
 * The gateway under test in the scheduling benchmark: one data-plane node with two workers (so
 * the load-aware algorithms must share their counts across workers), its processes pinned apart
 * from the load generator and mocks, and ai-proxy-multi routes over mock LLMs put and taken
 * away per run so that no balancer state carries from one run into the next.
 */
import fs from 'node:fs';
import type { MockLlm } from '@tollgate/mock-llm';
import { startCluster, waitFor, type Cluster, type GatewayHandle } from '@tollgate/testkit';
import { request } from 'undici';
import { pin, processTree } from '../lib';

/** How ai-proxy-multi reaches one mock: its chat endpoint and, optionally, its `/metrics`. */
export function instanceOf(
  mock: MockLlm,
  placement: { priority?: number; weight?: number; metrics?: boolean } = {},
): Record<string, unknown> {
  return {
    name: mock.name,
    provider: 'openai-compatible',
    priority: placement.priority ?? 0,
    weight: placement.weight ?? 1,
    auth: { header: { Authorization: 'Bearer bench' } },
    options: { model: 'bench-model' },
    override: {
      endpoint: `${mock.url}/v1/chat/completions`,
      ...(placement.metrics === false ? {} : { metrics_endpoint: `${mock.url}/metrics` }),
    },
  };
}

const SERVED_STREAK = 6;

export class BenchGateway {
  private nextRoute = 1;

  private constructor(
    private readonly cluster: Cluster,
    private readonly node: GatewayHandle,
    readonly pinned: boolean,
  ) {}

  /** Starts etcd, a control plane and the node; pins the node's processes to `cpus`. */
  static async start(cpus: string): Promise<BenchGateway> {
    const cluster = await startCluster(1, 2);
    const node = cluster.gateways[0];
    if (!node) throw new Error('no gateway node');
    const gateway = new BenchGateway(cluster, node, false);
    return new BenchGateway(cluster, node, pin(gateway.pids(), cpus));
  }

  /** The node's primary and workers. */
  pids(): number[] {
    const pid = this.node.node.process.pid;
    if (pid === undefined) throw new Error('gateway has no pid');
    return processTree(pid);
  }

  url(path: string): string {
    return this.node.url(path);
  }

  /**
   * Puts a route `uri` with this ai-proxy-multi configuration and resolves once it has answered
   * a chat request on fresh connections several times in a row (every worker has it).
   */
  async route(conf: Record<string, unknown>): Promise<{ uri: string; remove(): Promise<void> }> {
    const id = `sched-${this.nextRoute++}`;
    const uri = `/${id}`;
    const res = await this.cluster.admin.put(`/apisix/admin/routes/${id}`, {
      uri,
      plugins: { 'ai-proxy-multi': conf },
    });
    if (res.status >= 300) throw new Error(`route ${id}: ${res.status} ${res.text}`);
    let streak = 0;
    await waitFor(`${uri} served`, async () => {
      const answer = await request(this.url(uri), {
        method: 'POST',
        reset: true,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'ready?' }], max_tokens: 1 }),
      });
      await answer.body.dump();
      streak = answer.statusCode === 200 ? streak + 1 : 0;
      return streak >= SERVED_STREAK;
    });
    return {
      uri,
      remove: async () => {
        await this.cluster.admin.delete(`/apisix/admin/routes/${id}`);
      },
    };
  }

  /** The node's Prometheus export (`plugin_attr.prometheus.export_addr` of its config file). */
  async metrics(): Promise<string> {
    const config = JSON.parse(fs.readFileSync(this.node.node.configFile, 'utf8')) as {
      plugin_attr: { prometheus: { export_addr: { ip: string; port: number } } };
    };
    const { ip, port } = config.plugin_attr.prometheus.export_addr;
    const res = await request(`http://${ip}:${port}/apisix/prometheus/metrics`);
    return res.body.text();
  }

  async destroy(): Promise<void> {
    await this.cluster.destroy();
  }
}
