/**
 * The control API over real HTTP with a fake node: APISIX's endpoints and error texts, the AI
 * instance health extension, secret redaction in listed config, readiness and liveness.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '@tollgate/core';
import { httpRequest } from '@tollgate/testkit';
import {
  nodeControlSource,
  nodeId,
  startControlServer,
  type ControlConfigState,
  type ControlHealthTarget,
  type ControlSource,
  type ControlWorkerState,
  type RunningControlServer,
} from '../../src/control';
import type { GatewayNodeStatus } from '../../src/node';

const SECRET = 'sk-upstream-secret-1234';
const CONSUMER_KEY = 'consumer-key-5678';

interface FakeState {
  config: ControlConfigState;
  items: Map<string, Record<string, unknown>>;
  health: ControlHealthTarget[];
  workers: ControlWorkerState[];
}

const state: FakeState = {
  config: { loaded: true, revision: 42, stale: false, connected: true, invalidKeys: [] },
  items: new Map(),
  health: [],
  workers: [],
};

const source: ControlSource = {
  prefix: '/apisix',
  nodeInfo: () => ({
    id: 'node-1',
    hostname: 'gw-host',
    version: '0.1.0',
    bootTime: 1_700_000_000,
    role: 'data_plane',
  }),
  configState: () => state.config,
  configItems: () => state.items,
  healthTargets: () => state.health,
  workers: () => state.workers,
  modifiedIndex: (key) => (key === 'routes/1' ? 7 : undefined),
};

const aiRoute = {
  id: '1',
  uri: '/chat',
  plugins: {
    'key-auth': { header: 'apikey' },
    'ai-proxy-multi': {
      balancer: { algorithm: 'chash', hash_on: 'vars', key: 'remote_addr' },
      instances: [
        {
          name: 'a',
          provider: 'openai-compatible',
          auth: { header: { Authorization: `Bearer ${SECRET}` }, query: { key: SECRET } },
          override: { endpoint: `http://127.0.0.1:1/v1/chat?api_key=${SECRET}&x=1` },
          checks: {
            active: {
              type: 'http',
              req_headers: [`Authorization: Bearer ${SECRET}`, 'Content-Type: application/json'],
            },
          },
        },
      ],
    },
    'ai-rate-limiting': {
      policy: 'redis',
      redis_host: '127.0.0.1',
      redis_password: SECRET,
    },
  },
};

function target(
  owner: string,
  instance: string,
  over: Partial<ControlHealthTarget> = {},
): ControlHealthTarget {
  return {
    targetKey: `${owner}#ai-proxy-multi#${instance}`,
    owner,
    instance,
    target: '127.0.0.1:8001',
    type: 'http',
    healthy: true,
    successes: 3,
    failures: 0,
    ...over,
  };
}

let server: RunningControlServer;
const get = (p: string, headers: Record<string, string> = {}) =>
  httpRequest('GET', `http://127.0.0.1:${server.port}${p}`, { headers });

beforeAll(async () => {
  server = await startControlServer({ ip: '127.0.0.1', port: 0, source });
});
afterAll(() => server?.close());

beforeEach(() => {
  state.config = { loaded: true, revision: 42, stale: false, connected: true, invalidKeys: [] };
  state.items = new Map<string, Record<string, unknown>>([
    ['routes/1', aiRoute],
    ['routes/2', { id: '2', uri: '/plain', upstream_id: 'u1' }],
    ['services/s1', { id: 's1', upstream_id: 'u1' }],
    [
      'upstreams/u1',
      {
        id: 'u1',
        type: 'chash',
        key: 'remote_addr',
        nodes: { '127.0.0.1:80': 1 },
        tls: { client_cert: 'CERT', client_key: SECRET },
      },
    ],
    ['consumers/jack', { username: 'jack', plugins: { 'key-auth': { key: CONSUMER_KEY } } }],
    ['consumers/jack/credentials/c1', { id: 'c1', plugins: { 'key-auth': { key: CONSUMER_KEY } } }],
    [
      'plugin_metadata/http-logger',
      { id: 'http-logger', log_format: { host: '$host' }, auth_header: SECRET },
    ],
  ]);
  state.health = [
    target('routes/1', 'b', { healthy: false, successes: 0, failures: 2, lastError: 'HTTP 503' }),
    target('routes/1', 'a', { lastProbeAt: 1_700_000_123_000 }),
    target('services/s1', 'x', {
      target: '[::1]:9000',
      healthy: true,
      successes: 0,
      failures: 1,
      lastError: 'probe timed out after 2000 ms',
    }),
  ];
  state.workers = [
    { pid: 11, listening: true, appliedRevision: 42 },
    { pid: 12, listening: true, appliedRevision: 42 },
  ];
});

describe('GET /v1/healthcheck', () => {
  it('lists every checked AI instance in APISIX shape, with the instance extension', async () => {
    const res = await get('/v1/healthcheck');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.json).toEqual([
      {
        name: '/apisix/routes/1',
        type: 'http',
        plugin: 'ai-proxy-multi',
        instance: 'a',
        nodes: [
          {
            ip: '127.0.0.1',
            port: 8001,
            status: 'healthy',
            counter: { success: 3, http_failure: 0, tcp_failure: 0, timeout_failure: 0 },
            instance: 'a',
            target_key: 'routes/1#ai-proxy-multi#a',
            last_probe_at: 1_700_000_123_000,
          },
        ],
      },
      {
        name: '/apisix/routes/1',
        type: 'http',
        plugin: 'ai-proxy-multi',
        instance: 'b',
        nodes: [
          {
            ip: '127.0.0.1',
            port: 8001,
            status: 'unhealthy',
            counter: { success: 0, http_failure: 2, tcp_failure: 0, timeout_failure: 0 },
            instance: 'b',
            target_key: 'routes/1#ai-proxy-multi#b',
            last_error: 'HTTP 503',
          },
        ],
      },
      {
        name: '/apisix/services/s1',
        type: 'http',
        plugin: 'ai-proxy-multi',
        instance: 'x',
        nodes: [
          {
            ip: '::1',
            port: 9000,
            status: 'mostly_healthy',
            counter: { success: 0, http_failure: 0, tcp_failure: 0, timeout_failure: 1 },
            instance: 'x',
            target_key: 'services/s1#ai-proxy-multi#x',
            last_error: 'probe timed out after 2000 ms',
          },
        ],
      },
    ]);
  });

  it('uses per-kind failure counters when the checker reports them', async () => {
    state.health = [
      target('routes/1', 'a', {
        healthy: false,
        successes: 1,
        failures: 3,
        failureCounts: { http: 1, tcp: 2, timeout: 0 },
      }),
    ];
    const res = await get('/v1/healthcheck');
    expect((res.json as { nodes: unknown[] }[])[0]?.nodes[0]).toMatchObject({
      status: 'mostly_unhealthy',
      counter: { success: 1, http_failure: 1, tcp_failure: 2, timeout_failure: 0 },
    });
  });

  it('an empty list before any checker exists', async () => {
    state.health = [];
    expect((await get('/v1/healthcheck')).json).toEqual([]);
  });
});

describe('GET /v1/healthcheck/{type}/{id}', () => {
  it('one object with a node per instance of the item', async () => {
    const res = await get('/v1/healthcheck/routes/1');
    expect(res.status).toBe(200);
    const body = res.json as { name: string; type: string; nodes: { instance: string }[] };
    expect(body.name).toBe('/apisix/routes/1');
    expect(body.type).toBe('http');
    expect(body.nodes.map((n) => n.instance)).toEqual(['a', 'b']);
  });

  it("APISIX's errors: missing id, bad type, unknown id, no checker", async () => {
    expect(await get('/v1/healthcheck/routes')).toMatchObject({
      status: 404,
      json: { error_msg: 'missing src id for src type routes' },
    });
    expect(await get('/v1/healthcheck/consumers/jack')).toMatchObject({
      status: 400,
      json: { error_msg: 'invalid src type consumers' },
    });
    expect(await get('/v1/healthcheck/routes/9')).toMatchObject({
      status: 404,
      json: { error_msg: 'routes[9] not found' },
    });
    expect(await get('/v1/healthcheck/routes/2')).toMatchObject({
      status: 404,
      json: { error_msg: 'no checker for routes[2]' },
    });
    expect(await get('/v1/healthcheck/upstreams/u1')).toMatchObject({
      status: 404,
      json: { error_msg: 'no checker for upstreams[u1]' },
    });
  });
});

describe('config items', () => {
  it('GET /v1/routes lists routes as {key, value, modifiedIndex?} with secrets redacted', async () => {
    const res = await get('/v1/routes');
    expect(res.status).toBe(200);
    const items = res.json as { key: string; value: any; modifiedIndex?: number }[];
    expect(items.map((i) => i.key)).toEqual(['/apisix/routes/1', '/apisix/routes/2']);
    expect(items[0]?.modifiedIndex).toBe(7);
    expect(items[1]).not.toHaveProperty('modifiedIndex');
    const instance = items[0]?.value.plugins['ai-proxy-multi'].instances[0];
    expect(instance.auth).toEqual({
      header: { Authorization: '[REDACTED]' },
      query: { key: '[REDACTED]' },
    });
    expect(instance.override.endpoint).toBe('http://127.0.0.1:1/v1/chat?api_key=[REDACTED]&x=1');
    expect(instance.checks.active.req_headers).toEqual([
      'Authorization: [REDACTED]',
      'Content-Type: application/json',
    ]);
    expect(items[0]?.value.plugins['ai-rate-limiting'].redis_password).toBe('[REDACTED]');
    // Non-secrets stay: the chash key, key-auth's header name.
    expect(items[0]?.value.plugins['ai-proxy-multi'].balancer.key).toBe('remote_addr');
    expect(items[0]?.value.plugins['key-auth'].header).toBe('apikey');
    expect(res.text).not.toContain(SECRET);
  });

  it('GET /v1/route/{id}, /v1/service/{id}, /v1/upstream/{id} and their 404s', async () => {
    expect(await get('/v1/route/2')).toMatchObject({
      status: 200,
      json: { key: '/apisix/routes/2', value: { id: '2', uri: '/plain' } },
    });
    expect(await get('/v1/route/9')).toMatchObject({
      status: 404,
      json: { error_msg: 'route[9] not found' },
    });
    expect(await get('/v1/services')).toMatchObject({
      status: 200,
      json: [{ key: '/apisix/services/s1', value: { id: 's1' } }],
    });
    expect(await get('/v1/service/s1')).toMatchObject({ status: 200 });
    expect(await get('/v1/service/nope')).toMatchObject({
      status: 404,
      json: { error_msg: 'service[nope] not found' },
    });
    const upstream = await get('/v1/upstream/u1');
    expect(upstream.status).toBe(200);
    expect(upstream.json).toMatchObject({
      value: { key: 'remote_addr', tls: { client_cert: 'CERT', client_key: '[REDACTED]' } },
    });
    expect((await get('/v1/upstreams')).json).toHaveLength(1);
    expect(await get('/v1/upstream/x')).toMatchObject({
      status: 404,
      json: { error_msg: 'upstream[x] not found' },
    });
  });

  it('GET /v1/plugin_metadatas and /v1/plugin_metadata/{name}: values, as APISIX answers', async () => {
    expect((await get('/v1/plugin_metadatas')).json).toEqual([
      { id: 'http-logger', log_format: { host: '$host' }, auth_header: '[REDACTED]' },
    ]);
    expect((await get('/v1/plugin_metadata/http-logger')).json).toEqual({
      id: 'http-logger',
      log_format: { host: '$host' },
      auth_header: '[REDACTED]',
    });
    expect(await get('/v1/plugin_metadata/prometheus')).toMatchObject({
      status: 404,
      json: { error_msg: 'plugin metadata[prometheus] not found' },
    });
  });

  it('never shows a consumer key, whatever the path', async () => {
    for (const p of ['/v1/routes', '/v1/services', '/v1/upstreams', '/v1/plugin_metadatas']) {
      expect((await get(p)).text).not.toContain(CONSUMER_KEY);
    }
    // Consumers are not served by the control API at all.
    expect((await get('/v1/consumers')).status).toBe(404);
  });
});

describe('node state', () => {
  it('GET /v1/server_info', async () => {
    state.config = {
      ...state.config,
      stale: true,
      connected: false,
      lastSyncAt: 1_700_000_500_000,
    };
    expect((await get('/v1/server_info')).json).toEqual({
      id: 'node-1',
      hostname: 'gw-host',
      version: '0.1.0',
      boot_time: 1_700_000_000,
      role: 'data_plane',
      config_loaded: true,
      config_revision: 42,
      etcd_connected: false,
      stale: true,
      last_sync_at: 1_700_000_500_000,
    });
  });

  it('GET /status/ready: 503 until config is loaded and every worker listens', async () => {
    expect(await get('/status/ready')).toMatchObject({ status: 200, json: { status: 'ok' } });
    state.config = { ...state.config, loaded: false };
    expect(await get('/status/ready')).toMatchObject({
      status: 503,
      json: { status: 'error', error: 'configuration not loaded yet' },
    });
    state.config = { ...state.config, loaded: true };
    state.workers = [
      { pid: 11, listening: true, appliedRevision: 42 },
      { pid: 12, listening: false, appliedRevision: 0 },
    ];
    expect(await get('/status/ready')).toMatchObject({
      status: 503,
      json: { status: 'error', error: 'worker 12 is not listening yet' },
    });
  });

  it('GET /status (liveness) and /status/config', async () => {
    expect(await get('/status')).toMatchObject({ status: 200, json: { status: 'ok' } });
    state.config = {
      ...state.config,
      invalidKeys: [{ key: '/apisix/routes/bad', reason: 'invalid plugin' }],
      lastError: 'etcd unreachable',
    };
    expect((await get('/status/config')).json).toEqual({
      loaded: true,
      revision: 42,
      stale: false,
      connected: true,
      last_error: 'etcd unreachable',
      invalid_keys: [{ key: '/apisix/routes/bad', reason: 'invalid plugin' }],
      workers: [
        { pid: 11, listening: true, applied_revision: 42 },
        { pid: 12, listening: true, applied_revision: 42 },
      ],
    });
  });

  it('unknown paths and methods are 404 {"error_msg":"not found"}', async () => {
    for (const p of ['/', '/v1', '/v1/nothing', '/v2/routes', '/v1/route', '/status/nope']) {
      expect(await get(p)).toMatchObject({ status: 404, json: { error_msg: 'not found' } });
    }
    const post = await httpRequest('POST', `http://127.0.0.1:${server.port}/v1/routes`, {
      body: {},
    });
    expect(post).toMatchObject({ status: 404, json: { error_msg: 'not found' } });
  });

  it('a failing source answers 500 and the server keeps serving', async () => {
    const errors: string[] = [];
    const logger = {
      error: (msg: string) => errors.push(msg),
      info: () => undefined,
    } as unknown as Logger;
    const broken = await startControlServer({
      port: 0,
      logger,
      source: {
        ...source,
        healthTargets: () => {
          throw new Error('boom');
        },
      },
    });
    try {
      const res = await httpRequest('GET', `http://127.0.0.1:${broken.port}/v1/healthcheck`);
      expect(res).toMatchObject({ status: 500, json: { error_msg: 'internal server error' } });
      expect(errors).toEqual(['control API request failed']);
      const ok = await httpRequest('GET', `http://127.0.0.1:${broken.port}/status`);
      expect(ok.status).toBe(200);
    } finally {
      await broken.close();
    }
  });

  it('a port in use rejects the start', async () => {
    await expect(startControlServer({ port: server.port, source })).rejects.toThrow();
  });
});

describe('nodeControlSource', () => {
  it('reads a node: sync state, items, health, workers; a stable id in the data dir', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-control-'));
    try {
      const status: GatewayNodeStatus = {
        sync: { loaded: true, revision: 9, stale: false, connected: true, invalidKeys: [] },
        health: [target('routes/1', 'a')],
        workers: [{ pid: 1, listening: true, appliedRevision: 9 }],
      };
      const items = new Map([['routes/1', aiRoute]]);
      const node = { status: () => status, configItems: () => items };
      const nodeSource = nodeControlSource({
        node,
        prefix: '/apisix/',
        role: 'traditional',
        dataDir,
      });
      expect(nodeSource.prefix).toBe('/apisix');
      expect(nodeSource.configState().revision).toBe(9);
      expect(nodeSource.configItems()).toBe(items);
      expect(nodeSource.healthTargets()).toHaveLength(1);
      expect(nodeSource.workers?.()).toHaveLength(1);
      const info = nodeSource.nodeInfo();
      expect(info).toMatchObject({ hostname: os.hostname(), role: 'traditional' });
      expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(info.bootTime).toBeLessThanOrEqual(Date.now() / 1000);
      expect(nodeId(dataDir)).toBe(info.id);
      const control = await startControlServer({ port: 0, source: nodeSource });
      try {
        const res = await httpRequest('GET', `http://127.0.0.1:${control.port}/v1/server_info`);
        expect(res.json).toMatchObject({ id: info.id, config_revision: 9, etcd_connected: true });
      } finally {
        await control.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('refused requests (issue 9)', () => {
  it('a header over 16 KiB gets 431 with a JSON body, and the server keeps serving', async () => {
    const res = await httpRequest('GET', `http://127.0.0.1:${server.port}/v1/server_info`, {
      headers: { 'x-big': 'a'.repeat(70_000) },
    });
    expect(res.status).toBe(431);
    expect(res.json).toEqual({ error_msg: expect.stringContaining('431') });
    expect((await get('/v1/server_info')).status).toBe(200);
  });
});
