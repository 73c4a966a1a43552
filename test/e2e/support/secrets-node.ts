/**
 * One real `tollgate start` (one worker, the suite's etcd, debug logs captured whole) for the
 * secret-reference e2e tests: ai-proxy-multi routes to a mock LLM whose instance auth names a
 * reference, and every place a resolved secret must never show up (the node's output, a metrics
 * scrape, control API and Admin API answers).
 */
import type { MockLlm } from '@tollgate/mock-llm';
import {
  AdminClient,
  freePort,
  httpRequest,
  startTollgate,
  testEtcdEndpoint,
  uniquePrefix,
  waitFor,
} from '@tollgate/testkit';

export const CHAT = { messages: [{ role: 'user', content: 'hi' }] };

export interface SecretsNodeOptions {
  name: string;
  adminKey: string;
  /** The LLM every route's instance points at. */
  llm: MockLlm;
  /** The node's environment (the variables `$env://` references read). */
  env?: NodeJS.ProcessEnv;
  /** More `apisix` keys of config.yaml (`lru`). */
  apisix?: Record<string, unknown>;
}

export interface SecretsNode {
  admin: AdminClient;
  gatewayPort: number;
  /** Everything the node printed so far (stdout and stderr). */
  output(): string;
  /** Waits for the first line the node prints that holds every one of `parts`, and returns it. */
  logLine(...parts: string[]): Promise<string>;
  /** POST a chat request to `uri`. */
  chat(uri: string, headers?: Record<string, string>): Promise<{ status: number; text: string }>;
  /** An ai-proxy-multi route body (with prometheus) whose one instance sends `header`. */
  llmRoute(uri: string, header: Record<string, string>): Record<string, unknown>;
  /** PUT `llmRoute(uri, header)` as route `id` and wait until it is routed. */
  putLlmRoute(id: string, uri: string, header: Record<string, string>): Promise<void>;
  /** The node's output, a metrics scrape, control API answers and Admin API GETs of `adminPaths`. */
  observableText(adminPaths: string[]): Promise<string[]>;
  close(): Promise<void>;
}

export async function startSecretsNode(options: SecretsNodeOptions): Promise<SecretsNode> {
  const [gatewayPort, controlPort, metricsPort, adminPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  let output = '';
  const node = await startTollgate({
    config: {
      apisix: {
        node_listen: [{ ip: '127.0.0.1', port: gatewayPort }],
        control: { ip: '127.0.0.1', port: controlPort },
        ...options.apisix,
      },
      nginx_config: { worker_processes: 1 },
      plugin_attr: { prometheus: { export_addr: { ip: '127.0.0.1', port: metricsPort } } },
      deployment: {
        role: 'traditional',
        etcd: { host: [testEtcdEndpoint()], prefix: uniquePrefix(options.name), timeout: 3 },
        admin: {
          admin_key: [{ name: 'admin', key: options.adminKey, role: 'admin' }],
          admin_listen: { ip: '127.0.0.1', port: adminPort },
        },
      },
    },
    env: { ...options.env, TOLLGATE_LOG_LEVEL: 'debug' },
    onOutput: (text) => (output += text),
    readyPorts: [gatewayPort, adminPort, controlPort],
  });
  const admin = new AdminClient(`http://127.0.0.1:${adminPort}`, options.adminKey);
  const chat = async (uri: string, headers: Record<string, string> = {}) => {
    const res = await httpRequest('POST', `http://127.0.0.1:${gatewayPort}${uri}`, {
      headers: { 'content-type': 'application/json', ...headers },
      body: CHAT,
    });
    return { status: res.status, text: res.text };
  };
  const llmRoute = (uri: string, header: Record<string, string>) => ({
    uri,
    plugins: {
      prometheus: {},
      'ai-proxy-multi': {
        instances: [
          {
            name: 'llm',
            provider: 'openai-compatible',
            weight: 1,
            auth: { header },
            options: { model: 'm' },
            override: { endpoint: `${options.llm.url}/v1/chat/completions` },
          },
        ],
      },
    },
  });
  return {
    admin,
    gatewayPort,
    output: () => output,
    logLine: (...parts) =>
      waitFor(`a log line with ${parts.join(', ')}`, () =>
        output.split('\n').find((line) => parts.every((part) => line.includes(part))),
      ),
    chat,
    llmRoute,
    async putLlmRoute(id, uri, header) {
      const res = await admin.put(`/apisix/admin/routes/${id}`, llmRoute(uri, header));
      expect([200, 201]).toContain(res.status);
      await waitFor(`${uri} to be routed`, async () =>
        (await chat(uri)).status !== 404 ? true : undefined,
      );
    },
    async observableText(adminPaths) {
      const get = async (url: string) => (await httpRequest('GET', url)).text;
      const control = `http://127.0.0.1:${controlPort}`;
      return [
        output,
        await get(`http://127.0.0.1:${metricsPort}/apisix/prometheus/metrics`),
        ...(await Promise.all(
          ['/v1/routes', '/v1/healthcheck', '/v1/server_info'].map((p) => get(control + p)),
        )),
        ...(await Promise.all(adminPaths.map(async (p) => (await admin.get(p)).text))),
      ];
    },
    close: () => node.destroy(),
  };
}
