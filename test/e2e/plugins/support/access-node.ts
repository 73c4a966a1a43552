/**
 * One real `tollgate start` (Admin API and gateway, one worker) on the suite's etcd, and an
 * upstream in the manner of APISIX's test server, for the access-control plugin e2e tests:
 * a path ending in `/hello` answers `hello world`, any other its path; the `Access-Control-*`
 * and `Vary` headers of the answer come from same-named query arguments and the `resp-vary`
 * request header (`t/lib/server.lua`'s `/headers`), so a test can check that a plugin replaces
 * the upstream's headers.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  freePort,
  httpRequest,
  testEtcdEndpoint,
  uniquePrefix,
  waitFor,
  type AdminClient,
  type TollgateNode,
} from '@tollgate/testkit';
import { startTraditionalNode } from './plugin-nodes';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RequestOptions {
  method?: string;
  /** A list value sends the header once per item. */
  headers?: Record<string, string | string[]>;
  /** Client address to connect from (any 127.0.0.0/8 address works on loopback). */
  localAddress?: string;
  /** Request body, sent as is. */
  body?: string;
}

export interface AccessNode {
  admin: AdminClient;
  /** Upstream nodes map for route bodies. */
  upstream: { type: 'roundrobin'; nodes: Record<string, number> };
  request(path: string, options?: RequestOptions): Promise<Reply>;
  /** Wait until the gateway routes `uri` (anything but its route-not-found 404), asking from 127.0.0.2. */
  waitRouted(uri: string): Promise<void>;
  /**
   * Write `value` as JSON at `<prefix>/<key>` straight into etcd (v3 JSON gateway), as an APISIX
   * control plane sharing the etcd would.
   */
  putEtcd(key: string, value: unknown): Promise<void>;
  /**
   * PUT a route (201/200 expected), wait until the worker has applied it (a marker route written
   * after it is served: a route PUT again keeps answering its old version meanwhile), then until
   * the gateway routes `probe` (not 404).
   */
  putRoute(id: string, body: Record<string, unknown>, probe?: string): Promise<void>;
  close(): Promise<void>;
}

function startUpstream(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://upstream');
    const headers: Record<string, string> = { 'content-type': 'text/plain' };
    for (const [name, value] of url.searchParams) {
      if (/^access-control-/i.test(name)) headers[name.toLowerCase()] = value;
    }
    const vary = req.headers['resp-vary'];
    if (typeof vary === 'string') headers.vary = vary;
    req.resume();
    req.on('end', () => {
      res.writeHead(200, headers);
      res.end(url.pathname.endsWith('/hello') ? 'hello world\n' : `${url.pathname}\n`);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function send(port: number, path: string, options: RequestOptions): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: { connection: 'close', ...options.headers },
        localAddress: options.localAddress,
        agent: false,
        timeout: 10_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Start the node and the upstream. */
export async function startAccessNode(name: string): Promise<AccessNode> {
  const upstreamServer = await startUpstream();
  const upstreamPort = (upstreamServer.address() as AddressInfo).port;
  const gatewayPort = await freePort();
  const etcdPrefix = uniquePrefix(name);
  let started: { node: TollgateNode; admin: AdminClient };
  try {
    started = await startTraditionalNode(name, {
      port: gatewayPort,
      workers: 1,
      etcd: { host: [testEtcdEndpoint()], prefix: etcdPrefix, timeout: 3 },
    });
  } catch (err) {
    upstreamServer.close();
    throw err;
  }
  const { admin } = started;
  const request = (path: string, options: RequestOptions = {}) => send(gatewayPort, path, options);
  let markers = 0;
  /** Wait until the one worker has everything written so far (etcd delivers in order). */
  const settled = async () => {
    const id = `access-marker-${++markers}`;
    const uri = `/__marker/${id}`;
    const res = await admin.put(`/apisix/admin/routes/${id}`, {
      uri,
      upstream: { type: 'roundrobin', nodes: { [`127.0.0.1:${upstreamPort}`]: 1 } },
    });
    if (res.status !== 201) throw new Error(`PUT marker ${id}: ${res.status} ${res.text}`);
    await waitFor(`marker ${id} to be routed`, async () => {
      const reply = await request(uri, { localAddress: '127.0.0.2' });
      return reply.status === 200 && reply.body === `${uri}\n`;
    });
  };
  const waitRouted = async (uri: string) => {
    await waitFor(`${uri} to be routed`, async () => {
      const reply = await request(uri, { localAddress: '127.0.0.2' });
      return reply.status !== 404 || !reply.body.includes('404 Route Not Found');
    });
  };
  return {
    admin,
    upstream: { type: 'roundrobin', nodes: { [`127.0.0.1:${upstreamPort}`]: 1 } },
    request,
    waitRouted,
    async putEtcd(key, value) {
      const b64 = (text: string) => Buffer.from(text).toString('base64');
      const res = await httpRequest('POST', `${testEtcdEndpoint()}/v3/kv/put`, {
        body: { key: b64(`${etcdPrefix}/${key}`), value: b64(JSON.stringify(value)) },
      });
      if (res.status !== 200) throw new Error(`etcd put ${key}: ${res.status} ${res.text}`);
    },
    async putRoute(id, body, probe) {
      const res = await admin.put(`/apisix/admin/routes/${id}`, body);
      if (res.status !== 200 && res.status !== 201) {
        throw new Error(`PUT route ${id}: ${res.status} ${res.text}`);
      }
      await settled();
      await waitRouted(probe ?? (body.uri as string));
    },
    async close() {
      await started.node.destroy();
      upstreamServer.closeAllConnections();
      await new Promise<void>((resolve) => upstreamServer.close(() => resolve()));
    },
  };
}
