/**
 * What the auth plugins' e2e tests share: one traditional `tollgate start` on the suite's etcd
 * (own prefix) in front of an echo upstream, configured through the Admin API, and a bounded wait
 * for a config change to be served.
 */
import {
  AdminClient,
  freePort,
  httpRequest,
  startEchoServer,
  startTollgate,
  testEtcdEndpoint,
  uniquePrefix,
  waitFor,
  type Echo,
  type EchoServer,
  type HttpReply,
  type TollgateNode,
} from '@tollgate/testkit';

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
  const key = `${name}-e2e-admin-key`;
  const echo = await startEchoServer('upstream');
  const gatewayPort = await freePort();
  const adminPort = await freePort();
  let node: TollgateNode;
  try {
    node = await startTollgate({
      config: {
        apisix: { node_listen: [{ ip: '127.0.0.1', port: gatewayPort }] },
        nginx_config: { worker_processes: 1 },
        deployment: {
          role: 'traditional',
          etcd: { host: [testEtcdEndpoint()], prefix: uniquePrefix(name), timeout: 3 },
          admin: {
            admin_key: [{ name: 'admin', key, role: 'admin' }],
            admin_listen: { ip: '127.0.0.1', port: adminPort },
          },
        },
      },
      readyPorts: [gatewayPort, adminPort],
    });
  } catch (err) {
    await echo.close();
    throw err;
  }
  const admin = new AdminClient(`http://127.0.0.1:${adminPort}`, key);
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
