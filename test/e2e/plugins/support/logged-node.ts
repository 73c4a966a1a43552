/**
 * One real `tollgate start` (Admin API and gateway, one worker) on the suite's etcd, whose output
 * the test reads: for plugins whose APISIX tests assert error-log lines (`--- error_log`), such
 * as ai-request-rewrite and ai-rag. Routes go in through the Admin API; a marker route written
 * after them tells when the worker has them all.
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
  type EchoServer,
  type HttpOptions,
  type HttpReply,
  type TollgateNode,
} from '@tollgate/testkit';

export interface LoggedNode {
  readonly admin: AdminClient;
  /** The gateway's port on 127.0.0.1. */
  readonly port: number;
  /** An upstream that answers with a JSON description of the request it got (`body` as text). */
  readonly echo: EchoServer;
  /** `upstream` of route bodies: the echo server. */
  readonly upstream: { type: 'roundrobin'; nodes: Record<string, number> };
  request(method: string, path: string, options?: HttpOptions): Promise<HttpReply>;
  /** PUT a route (must be accepted) and wait until the worker serves it. */
  putRoute(id: string, body: Record<string, unknown>): Promise<void>;
  /** A position in the node's output, for {@link LoggedNode.waitForLog}. */
  mark(): number;
  /** Wait until the output printed after `mark` contains `text`. */
  waitForLog(text: string, mark: number): Promise<void>;
  /** The output printed after `mark`. */
  logSince(mark: number): string;
  close(): Promise<void>;
}

/** Start the node (and its echo upstream) for the test file `name`. */
export async function startLoggedNode(name: string): Promise<LoggedNode> {
  let output = '';
  const echo = await startEchoServer('upstream');
  const port = await freePort();
  const adminPort = await freePort();
  const key = `${name}-e2e-admin-key`;
  let node: TollgateNode;
  try {
    node = await startTollgate({
      config: {
        apisix: { node_listen: [{ ip: '127.0.0.1', port }] },
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
      readyPorts: [port, adminPort],
      onOutput: (text) => (output += text),
    });
  } catch (err) {
    await echo.close();
    throw err;
  }
  const admin = new AdminClient(`http://127.0.0.1:${adminPort}`, key);
  const upstream = { type: 'roundrobin' as const, nodes: { [`127.0.0.1:${echo.port}`]: 1 } };
  const request = (method: string, path: string, options?: HttpOptions) =>
    httpRequest(method, `http://127.0.0.1:${port}${path}`, options);
  let markers = 0;
  return {
    admin,
    port,
    echo,
    upstream,
    request,
    async putRoute(id, body) {
      const res = await admin.put(`/apisix/admin/routes/${id}`, body);
      if (res.status !== 200 && res.status !== 201) {
        throw new Error(`PUT route ${id}: ${res.status} ${res.text}`);
      }
      // etcd delivers in revision order: once the marker is served, so is the route.
      const marker = `marker-${++markers}`;
      await admin.put(`/apisix/admin/routes/${marker}`, { uri: `/__${marker}`, upstream });
      await waitFor(`${marker} served`, async () => {
        return (await request('GET', `/__${marker}`)).status === 200;
      });
    },
    mark: () => output.length,
    logSince: (mark) => output.slice(mark),
    async waitForLog(text, mark) {
      await waitFor(`log line "${text}"`, () => output.slice(mark).includes(text));
    },
    async close() {
      await node.destroy();
      await echo.close();
    },
  };
}
