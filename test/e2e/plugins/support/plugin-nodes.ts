/**
 * The nodes the plugin e2e tests run against: real `tollgate start` on the suite's etcd (own
 * prefix), a traditional node (Admin API and gateway) and optionally a data_plane node on the
 * same prefix, in front of an echo upstream (or one the test brings), optionally with a Redis;
 * and the functions the tests share to configure them and wait for the config to be served.
 */
import fs from 'node:fs';
import {
  AdminClient,
  freePort,
  httpRequest,
  listenerPorts,
  startEchoServer,
  startRedis,
  startTollgate,
  testEtcdEndpoint,
  uniquePrefix,
  untilWorkersServe,
  waitFor,
  type Echo,
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
  /** The port of node `node`'s Prometheus export server (`plugin_attr.prometheus.export_addr`). */
  metricsPort: (node?: number) => number;
}

interface EtcdConf {
  host: string[];
  prefix: string;
  timeout: number;
}

/**
 * Start a traditional node (gateway on `port` and an Admin API) with `name`'s admin key, on
 * `etcd` or, without it, the embedded store.
 */
export async function startTraditionalNode(
  name: string,
  options: { port: number; workers: number; etcd?: EtcdConf },
): Promise<{ node: TollgateNode; admin: AdminClient }> {
  const key = `${name}-e2e-admin-key`;
  const adminPort = await freePort();
  const node = await startTollgate({
    config: {
      apisix: { node_listen: [{ ip: '127.0.0.1', port: options.port }] },
      nginx_config: { worker_processes: options.workers },
      deployment: {
        role: 'traditional',
        etcd: options.etcd,
        admin: {
          admin_key: [{ name: 'admin', key, role: 'admin' }],
          admin_listen: { ip: '127.0.0.1', port: adminPort },
        },
      },
    },
    readyPorts: [options.port, adminPort],
  });
  return { node, admin: new AdminClient(`http://127.0.0.1:${adminPort}`, key) };
}

/** Start the nodes in a `beforeAll` and stop them in an `afterAll` of the calling test file. */
export function usePluginNodes(options: PluginNodesOptions): PluginNodes {
  const nodeCount = options.nodes ?? 2;
  const workers = options.workers ?? 2;
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
    const [gw1, gw2] = ports as [number, number | undefined];
    const first = await startTraditionalNode(options.name, { port: gw1, workers, etcd });
    started.push(first.node);
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
    admin = first.admin;
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
      await untilWorkersServe(
        `http://127.0.0.1:${ports[node] ?? 0}/__ready/${id}`,
        listenerPorts(need(`node ${node}`, started[node])).control,
        (status) => status === 200,
      );
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
    metricsPort: (node = 0) => {
      const file = need(`node ${node}`, started[node]).configFile;
      const config = JSON.parse(fs.readFileSync(file, 'utf8')) as {
        plugin_attr: { prometheus: { export_addr: { port: number } } };
      };
      return config.plugin_attr.prometheus.export_addr.port;
    },
    statuses: async (uri, n, headers = {}) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await get(uri, headers)).status);
      return out;
    },
  };
}

/* The auth plugins' tests: one one-worker traditional node, started and stopped by the test. */

export interface AuthNode {
  admin: AdminClient;
  echo: EchoServer;
  get(uri: string, headers?: Record<string, string>): Promise<HttpReply>;
  request(
    method: string,
    uri: string,
    headers?: Record<string, string>,
    raw?: string,
  ): Promise<HttpReply>;
  /** Send until the answer satisfies `ok` (config applied), then return it. */
  until(
    uri: string,
    headers: Record<string, string>,
    ok: (reply: HttpReply) => boolean,
  ): Promise<HttpReply>;
  /** PUT a route on `uri` proxying to the echo upstream. */
  route(id: string, uri: string, plugins: Record<string, unknown>): Promise<HttpReply>;
  destroy(): Promise<void>;
}

/** The request the echo upstream received, from a proxied reply. */
export function echoed(reply: HttpReply): Echo {
  return reply.json as Echo;
}

/** Start a one-worker traditional node for `name`'s tests. */
export async function startAuthNode(name: string): Promise<AuthNode> {
  const echo = await startEchoServer('upstream');
  const gatewayPort = await freePort();
  let node: TollgateNode;
  let admin: AdminClient;
  try {
    ({ node, admin } = await startTraditionalNode(name, {
      port: gatewayPort,
      workers: 1,
      etcd: { host: [testEtcdEndpoint()], prefix: uniquePrefix(name), timeout: 3 },
    }));
  } catch (err) {
    await echo.close();
    throw err;
  }
  const request = (
    method: string,
    uri: string,
    headers: Record<string, string> = {},
    raw?: string,
  ) => httpRequest(method, `http://127.0.0.1:${gatewayPort}${uri}`, { headers, raw });
  const get = (uri: string, headers: Record<string, string> = {}) => request('GET', uri, headers);
  return {
    admin,
    echo,
    get,
    request,
    until: async (uri, headers, ok) => {
      let last: HttpReply | undefined;
      await waitFor(`${uri} to be served as expected`, async () => {
        last = await get(uri, headers);
        return ok(last);
      }).catch((err: Error) => {
        throw new Error(`${err.message}; last answer: ${last?.status} ${last?.text}`);
      });
      return last as HttpReply;
    },
    route: (id, uri, plugins) =>
      admin.put(`/apisix/admin/routes/${id}`, {
        uri,
        plugins,
        upstream: { type: 'roundrobin', nodes: { [`127.0.0.1:${echo.port}`]: 1 } },
      }),
    async destroy() {
      await node.destroy();
      await echo.close();
    },
  };
}
