/**
 * @module cluster
 * A Tollgate cluster of real processes for e2e tests and benchmarks: one etcd (private, so tests may stop it),
 * one control-plane node (Admin API) and N data-plane nodes with W workers each.
 */
import { startEtcd, type EtcdServer } from './etcd';
import { AdminClient } from './http-client';
import { freePort } from './ports';
import { TcpProxy } from './tcp-proxy';
import { listenerPorts, startTollgate, type TollgateNode } from './tollgate';
import { untilWorkersServe } from './workers-serve';

export const ADMIN_KEY = 'e2e-cluster-admin-key';

export interface GatewayHandle {
  node: TollgateNode;
  port: number;
  /** The node's HTTPS listener (`apisix.ssl.listen`), on 127.0.0.1. */
  tlsPort: number;
  /** Each node reaches etcd through its own proxy, so a test can cut one node off. */
  etcdLink: TcpProxy;
  dataDir: string;
  url(path: string): string;
  restart(): Promise<void>;
}

export interface Cluster {
  etcd: EtcdServer;
  admin: AdminClient;
  controlPlane: TollgateNode;
  gateways: GatewayHandle[];
  destroy(): Promise<void>;
}

async function startGateway(etcd: EtcdServer, workers: number): Promise<GatewayHandle> {
  const port = await freePort();
  const tlsPort = await freePort();
  const etcdLink = await TcpProxy.start(etcd.endpoint);
  const config = {
    apisix: {
      node_listen: [{ ip: '127.0.0.1', port }],
      enable_admin: false,
      ssl: { listen: [{ ip: '127.0.0.1', port: tlsPort }] },
    },
    nginx_config: { worker_processes: workers },
    deployment: {
      role: 'data_plane',
      etcd: { host: [etcdLink.endpoint], prefix: '/apisix', timeout: 3 },
    },
  };
  let node = await startTollgate({ config, readyPorts: [port] });
  const handle: GatewayHandle = {
    get node() {
      return node;
    },
    port,
    tlsPort,
    etcdLink,
    dataDir: node.dataDir,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    async restart() {
      await node.process.stop();
      node = await startTollgate({ config, readyPorts: [port], dataDir: handle.dataDir });
    },
  };
  return handle;
}

/** Start etcd, a control plane and `nodes` data-plane nodes. */
export async function startCluster(nodes = 2, workers = 2): Promise<Cluster> {
  const etcd = await startEtcd();
  const adminPort = await freePort();
  const controlPlane = await startTollgate({
    config: {
      deployment: {
        role: 'control_plane',
        etcd: { host: [etcd.endpoint], prefix: '/apisix', timeout: 3 },
        admin: {
          admin_key: [{ name: 'admin', key: ADMIN_KEY, role: 'admin' }],
          admin_listen: { ip: '127.0.0.1', port: adminPort },
        },
      },
    },
    readyPorts: [adminPort],
  });
  const gateways: GatewayHandle[] = [];
  for (let i = 0; i < nodes; i++) gateways.push(await startGateway(etcd, workers));
  return {
    etcd,
    admin: new AdminClient(`http://127.0.0.1:${adminPort}`, ADMIN_KEY),
    controlPlane,
    gateways,
    async destroy() {
      for (const g of gateways) {
        await g.node.destroy();
        await g.etcdLink.close();
      }
      await controlPlane.destroy();
      await etcd.destroy();
    },
  };
}

/**
 * Wait until `path` satisfies `expect` on every gateway, in every worker of each
 * (`untilWorkersServe`).
 */
export async function untilServed(
  gateways: GatewayHandle[],
  path: string,
  expect: (status: number, body: string) => boolean,
  timeoutMs = 15_000,
): Promise<void> {
  for (const g of gateways) {
    await untilWorkersServe(g.url(path), listenerPorts(g.node).control, expect, timeoutMs);
  }
}

/**
 * PUT route `id` (`uri` and `plugins`) on the control plane, then wait until every gateway serves
 * it (`untilServed`, anything but 404). A `*` in `uri` is probed as `fill`.
 * @example
 * await putRoute(cluster, 'chat', '/chat/*', { 'ai-proxy': conf }, 'models');
 */
export async function putRoute(
  cluster: Cluster,
  id: string,
  uri: string,
  plugins: Record<string, unknown>,
  fill = 'probe',
): Promise<void> {
  const res = await cluster.admin.put(`/apisix/admin/routes/${id}`, { uri, plugins });
  if (res.status !== 201 && res.status !== 200) {
    throw new Error(`route ${id}: ${res.status} ${res.text}`);
  }
  await untilServed(cluster.gateways, uri.replace('*', fill), (status) => status !== 404);
}

/** The URL of `path` on the cluster's first gateway. */
export function gatewayUrl(cluster: Cluster, path: string): string {
  const gateway = cluster.gateways[0];
  if (!gateway) throw new Error('the cluster has no gateway');
  return gateway.url(path);
}
