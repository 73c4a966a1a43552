/**
 * The nodes the plugin e2e tests run against: real `tollgate start` on the suite's etcd (own
 * prefix), a traditional node (Admin API and gateway) and optionally a data_plane node on the
 * same prefix, in front of an echo upstream (or one the test brings), optionally with a Redis;
 * and the functions the tests share to configure them and wait for the config to be served.
 */
import {
  AdminClient,
  freePort,
  httpRequest,
  startEchoServer,
  startRedis,
  startTollgate,
  testEtcdEndpoint,
  uniquePrefix,
  waitFor,
  type EchoServer,
  type HttpReply,
  type RedisServer,
  type TollgateNode,
} from '@tollgate/testkit';

export interface PluginNodesOptions {
  /** Names the etcd prefix and the admin key. */
  name: string;
  /** 1: the traditional node only; 2: plus a data_plane node on the same prefix. */
  nodes?: 1 | 2;
  /** worker_processes of each node. */
  workers?: number;
  /** Start a Redis too. */
  redis?: boolean;
  /** The upstream's port, when the test brings its own; otherwise an echo upstream is started. */
  upstreamPort?: () => number;
}

export interface PluginNodes {
  readonly admin: AdminClient;
  readonly redis: RedisServer;
  readonly echo: EchoServer;
  /** Gateway ports, node 0 (traditional) first. */
  readonly ports: number[];
  /** Upstream of route bodies. */
  upstream: () => { type: string; nodes: Record<string, number> };
  get: (uri: string, headers?: Record<string, string>, node?: number) => Promise<HttpReply>;
  /**
   * Wait until every worker of every node has the config written so far: a marker route written
   * after it is served by each (etcd delivers in revision order), without touching the routes
   * under test, whose counters a probe would consume.
   */
  settled: () => Promise<void>;
  /** PUT a route (upstream filled in) and, when accepted, wait until it is `settled()`. */
  putRoute: (id: string, body: Record<string, unknown>) => Promise<HttpReply>;
  /** The statuses of `n` sequential GETs of `uri` on node 0. */
  statuses: (uri: string, n: number, headers?: Record<string, string>) => Promise<number[]>;
}

/** Start the nodes in a `beforeAll` and stop them in an `afterAll` of the calling test file. */
export function usePluginNodes(options: PluginNodesOptions): PluginNodes {
  const nodeCount = options.nodes ?? 2;
  const workers = options.workers ?? 2;
  const adminKey = `${options.name}-e2e-admin-key`;
  const ports: number[] = [];
  const started: TollgateNode[] = [];
  let admin: AdminClient | undefined;
  let redis: RedisServer | undefined;
  let echo: EchoServer | undefined;
  let marker = 0;

  beforeAll(async () => {
    if (!options.upstreamPort) echo = await startEchoServer('upstream');
    if (options.redis) redis = await startRedis();
    const prefix = uniquePrefix(options.name);
    const etcd = { host: [testEtcdEndpoint()], prefix, timeout: 3 };
    for (let i = 0; i < nodeCount; i++) ports.push(await freePort());
    const adminPort = await freePort();
    const [gw1, gw2] = ports as [number, number | undefined];
    started.push(
      await startTollgate({
        config: {
          apisix: { node_listen: [{ ip: '127.0.0.1', port: gw1 }] },
          nginx_config: { worker_processes: workers },
          deployment: {
            role: 'traditional',
            etcd,
            admin: {
              admin_key: [{ name: 'admin', key: adminKey, role: 'admin' }],
              admin_listen: { ip: '127.0.0.1', port: adminPort },
            },
          },
        },
        readyPorts: [gw1, adminPort],
      }),
    );
    if (gw2 !== undefined) {
      started.push(
        await startTollgate({
          config: {
            apisix: { node_listen: [{ ip: '127.0.0.1', port: gw2 }], enable_admin: false },
            nginx_config: { worker_processes: workers },
            deployment: { role: 'data_plane', etcd },
          },
          readyPorts: [gw2],
        }),
      );
    }
    admin = new AdminClient(`http://127.0.0.1:${adminPort}`, adminKey);
  });

  afterAll(async () => {
    for (const node of [...started].reverse()) await node.destroy();
    await redis?.destroy();
    await echo?.close();
  });

  const need = <T>(what: string, value: T | undefined): T => {
    if (value === undefined) throw new Error(`plugin nodes: no ${what}`);
    return value;
  };
  const upstream = () => ({
    type: 'roundrobin',
    nodes: {
      [`127.0.0.1:${options.upstreamPort ? options.upstreamPort() : need('echo', echo).port}`]: 1,
    },
  });
  const get = (uri: string, headers: Record<string, string> = {}, node = 0) =>
    httpRequest('GET', `http://127.0.0.1:${ports[node] ?? 0}${uri}`, { headers });
  const settled = async () => {
    const id = `ready${++marker}`;
    const res = await need('admin', admin).put(`/apisix/admin/routes/${id}`, {
      uri: `/__ready/${id}`,
      upstream: upstream(),
    });
    if (res.status >= 300) throw new Error(`marker ${id}: ${res.status} ${res.text}`);
    for (let node = 0; node < ports.length; node++) {
      let streak = 0;
      await waitFor(`marker ${id} on node ${node}`, async () => {
        const r = await httpRequest('GET', `http://127.0.0.1:${ports[node] ?? 0}/__ready/${id}`, {
          headers: { connection: 'close' },
        });
        streak = r.status === 200 ? streak + 1 : 0;
        return streak >= 6;
      });
    }
  };
  return {
    get admin() {
      return need('admin', admin);
    },
    get redis() {
      return need('redis', redis);
    },
    get echo() {
      return need('echo', echo);
    },
    ports,
    upstream,
    get,
    settled,
    putRoute: async (id, body) => {
      const res = await need('admin', admin).put(`/apisix/admin/routes/${id}`, {
        upstream: upstream(),
        ...body,
      });
      if (res.status < 300) await settled();
      return res;
    },
    statuses: async (uri, n, headers = {}) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await get(uri, headers)).status);
      return out;
    },
  };
}
