/**
 * The node the prompt plugins' e2e tests (ai-prompt-guard, -decorator, -template) run against:
 * one real `tollgate start` (one worker, info logs captured) configured through the Admin API,
 * the repo's mock LLM behind ai-proxy (it records every body it received, which is how the tests
 * see what the plugins sent on), and APISIX's plain test upstream (a path ending in `/hello` answers `hello world`)
 * for the cases APISIX runs without ai-proxy.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startMockLlm, type MockLlm, type RecordedRequest } from '@tollgate/mock-llm';
import {
  AdminClient,
  freePort,
  httpRequest,
  startTollgate,
  testEtcdEndpoint,
  uniquePrefix,
  waitFor,
  type HttpReply,
  type TollgateNode,
} from '@tollgate/testkit';

export type Protocol = 'chat' | 'responses' | 'messages';

export const PATHS: Readonly<Record<Protocol, string>> = {
  chat: '/v1/chat/completions',
  responses: '/v1/responses',
  messages: '/v1/messages',
};

const LLM_KEY = 'sk-prompt-e2e';

export interface PromptNode {
  readonly admin: AdminClient;
  readonly llm: MockLlm;
  /** Everything the node printed so far. */
  output(): string;
  /** ai-proxy to the mock LLM for `protocol` (no model option: the client's body goes as sent). */
  aiProxy(protocol: Protocol): Record<string, unknown>;
  /** The plain upstream, for routes without ai-proxy. */
  upstream(): { type: string; nodes: Record<string, number> };
  /** PUT a route at `/<id><suffix>` and wait until the worker serves it; its URI. */
  route(id: string, suffix: string, body: Record<string, unknown>): Promise<string>;
  /** PUT raw; the Admin API's reply. */
  putRoute(id: string, body: Record<string, unknown>): Promise<HttpReply>;
  /** POST `body` (JSON-encoded unless a string) to the gateway. */
  post(uri: string, body: unknown, headers?: Record<string, string>): Promise<HttpReply>;
  /** The mock LLM's record of the last request, which must be the only one since `clear()`. */
  onlyCall(): RecordedRequest;
  close(): Promise<void>;
}

/** Start everything; call from `beforeAll`. */
export async function startPromptNode(name: string): Promise<PromptNode> {
  const llm = await startMockLlm({ name: `${name}-llm`, apiKeys: [LLM_KEY] });
  const plain = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end(req.url?.endsWith('/hello') ? 'hello world\n' : `${req.url}\n`));
  });
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  const gatewayPort = await freePort();
  const adminPort = await freePort();
  const adminKey = `${name}-admin-key`;
  let output = '';
  const node: TollgateNode = await startTollgate({
    config: {
      apisix: { node_listen: [{ ip: '127.0.0.1', port: gatewayPort }] },
      nginx_config: { worker_processes: 1 },
      deployment: {
        role: 'traditional',
        etcd: { host: [testEtcdEndpoint()], prefix: uniquePrefix(name), timeout: 3 },
        admin: {
          admin_key: [{ name: 'admin', key: adminKey, role: 'admin' }],
          admin_listen: { ip: '127.0.0.1', port: adminPort },
        },
      },
    },
    env: { TOLLGATE_LOG_LEVEL: 'info' },
    onOutput: (text) => (output += text),
    readyPorts: [gatewayPort, adminPort],
  });
  const admin = new AdminClient(`http://127.0.0.1:${adminPort}`, adminKey);
  const gateway = (uri: string) => `http://127.0.0.1:${gatewayPort}${uri}`;
  const upstream = () => ({
    type: 'roundrobin',
    nodes: { [`127.0.0.1:${(plain.address() as AddressInfo).port}`]: 1 },
  });
  let markers = 0;
  /** A marker route written after `uri`'s is served once the worker has both (etcd is ordered). */
  const settled = async () => {
    const id = `marker-${++markers}`;
    const res = await admin.put(`/apisix/admin/routes/${id}`, {
      uri: `/__ready/${id}/hello`,
      upstream: upstream(),
    });
    if (res.status !== 201) throw new Error(`marker route: ${res.status} ${res.text}`);
    await waitFor(`marker ${id}`, async () => {
      const r = await httpRequest('GET', gateway(`/__ready/${id}/hello`));
      return r.status === 200;
    });
  };
  const putRoute = (id: string, body: Record<string, unknown>) =>
    admin.put(`/apisix/admin/routes/${id}`, body);
  return {
    admin,
    llm,
    output: () => output,
    aiProxy: (protocol) =>
      protocol === 'messages'
        ? {
            provider: 'anthropic',
            auth: { header: { 'x-api-key': LLM_KEY } },
            override: { endpoint: llm.url },
          }
        : {
            provider: 'openai',
            auth: { header: { Authorization: `Bearer ${LLM_KEY}` } },
            override: { endpoint: llm.url },
          },
    upstream,
    putRoute,
    async route(id, suffix, body) {
      const uri = `/${id}${suffix}`;
      const res = await putRoute(id, { uri, ...body });
      if (res.status !== 201 && res.status !== 200) {
        throw new Error(`route ${id}: ${res.status} ${res.text}`);
      }
      await settled();
      return uri;
    },
    post: (uri, body, headers = {}) =>
      httpRequest('POST', gateway(uri), {
        ...(typeof body === 'string' ? { raw: body } : { body }),
        headers: { 'content-type': 'application/json', ...headers },
      }),
    onlyCall() {
      expect(llm.requests).toHaveLength(1);
      const [call] = llm.requests;
      if (!call) throw new Error('the mock LLM was not called');
      return call;
    },
    async close() {
      await node.destroy();
      await llm.close();
      plain.closeAllConnections();
      await new Promise<void>((resolve) => plain.close(() => resolve()));
    },
  };
}
