/**
 * Active health checks against real local servers (node:http / node:net on 127.0.0.1): verdict
 * transitions at the configured thresholds, timeouts, tcp probes, what a probe sends, and how
 * config updates start, keep, restart and stop probe loops. Intervals are 1 s (APISIX's minimum).
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { waitFor } from '@tollgate/testkit';
import { ActiveHealthChecker } from '../../src/health/active-checker';

jest.setTimeout(60_000);

interface Probe {
  at: number;
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  status: number;
}

interface ProbeServer {
  port: number;
  probes: Probe[];
  /** Status of the next responses. */
  status: number;
  /** Milliseconds to wait before answering. */
  delayMs: number;
  close(): Promise<void>;
}

async function probeServer(): Promise<ProbeServer> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const state = { status: 200, delayMs: 0, probes: [] as Probe[] };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = state.status;
      state.probes.push({
        at: Date.now(),
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        status,
      });
      const answer = (): void => {
        if (!res.destroyed) res.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
      };
      if (state.delayMs > 0) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          answer();
        }, state.delayMs);
        timers.add(timer);
      } else answer();
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(state, {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  });
}

/** A port nothing listens on (listen, note the port, close). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function instance(
  name: string,
  port: number,
  active?: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name,
    provider: 'openai-compatible',
    weight: 1,
    priority: 0,
    auth: { header: { Authorization: `Bearer key-${name}` } },
    override: { endpoint: `http://127.0.0.1:${port}/v1/chat/completions` },
    ...(active ? { checks: { active } } : {}),
    ...extra,
  };
}

function route(...instances: Record<string, unknown>[]): Record<string, unknown> {
  return { uri: '/chat', plugins: { 'ai-proxy-multi': { instances } } };
}

const fast = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  timeout: 1,
  healthy: { interval: 1, successes: 1 },
  unhealthy: { interval: 1, http_failures: 1, tcp_failures: 1, timeouts: 1 },
  ...over,
});

const KEY_A = 'routes/1#ai-proxy-multi#a';

describe('ActiveHealthChecker', () => {
  let server: ProbeServer;
  let checker: ActiveHealthChecker;
  let changes: [string, boolean, number][];

  beforeEach(async () => {
    server = await probeServer();
    changes = [];
    checker = new ActiveHealthChecker({
      onChange: (key, healthy) => changes.push([key, healthy, server.probes.length]),
    });
  });

  afterEach(async () => {
    await checker.stop();
    await server.close();
  });

  it('turns unhealthy after http_failures and healthy after successes, reporting transitions only', async () => {
    const active = fast({
      healthy: { interval: 1, successes: 2 },
      unhealthy: { interval: 1, http_failures: 2 },
    });
    checker.update(
      new Map([['routes/1', route(instance('a', server.port, active), instance('b', 1))]]),
    );
    await waitFor('two healthy probes', () => server.probes.length >= 2, 10_000);
    expect(changes).toEqual([]);
    expect(checker.status()).toEqual([
      expect.objectContaining({
        targetKey: KEY_A,
        owner: 'routes/1',
        instance: 'a',
        healthy: true,
      }),
    ]);

    server.status = 500;
    await waitFor('unhealthy', () => changes.length === 1, 10_000);
    const failedBefore = server.probes.filter((p) => p.status === 500).length;
    expect(changes[0]?.slice(0, 2)).toEqual([KEY_A, false]);
    // The verdict changed on the second 500, not before.
    expect(changes[0]?.[2]).toBe(server.probes.findIndex((p) => p.status === 500) + 2);
    expect(failedBefore).toBeGreaterThanOrEqual(2);
    expect(checker.unhealthy()).toEqual([KEY_A]);
    expect(checker.status()[0]).toMatchObject({ healthy: false, lastError: 'HTTP 500' });

    server.status = 200;
    await waitFor('healthy again', () => changes.length === 2, 10_000);
    expect(changes[1]?.slice(0, 2)).toEqual([KEY_A, true]);
    const lastFail = server.probes.map((p) => p.status).lastIndexOf(500);
    expect(changes[1]?.[2]).toBe(lastFail + 1 + 2);
    expect(checker.unhealthy()).toEqual([]);

    await new Promise((r) => setTimeout(r, 1_500));
    expect(changes).toHaveLength(2);
  });

  it('ignores statuses in neither list and probes at the configured interval', async () => {
    server.status = 401;
    checker.update(
      new Map([['routes/1', route(instance('a', server.port, fast()), instance('b', 1))]]),
    );
    await waitFor('three probes', () => server.probes.length >= 3, 10_000);
    expect(changes).toEqual([]);
    const gaps = server.probes.slice(1, 3).map((p, i) => p.at - (server.probes[i] as Probe).at);
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(900);
      expect(gap).toBeLessThan(3_000);
    }
  });

  it('counts timeouts', async () => {
    server.delayMs = 2_000;
    checker.update(
      new Map([
        [
          'routes/1',
          route(
            instance(
              'a',
              server.port,
              fast({ timeout: 0.3, unhealthy: { interval: 1, timeouts: 2 } }),
            ),
            instance('b', 1),
          ),
        ],
      ]),
    );
    await waitFor('unhealthy by timeouts', () => changes.length === 1, 10_000);
    expect(changes[0]?.slice(0, 2)).toEqual([KEY_A, false]);
    expect(changes[0]?.[2]).toBe(2);
    expect(checker.status()[0]?.lastError).toMatch(/timed out/);
  });

  it('probes tcp targets by connecting', async () => {
    const port = await freePort();
    checker.update(
      new Map([['routes/1', route(instance('a', port, fast({ type: 'tcp' })), instance('b', 1))]]),
    );
    await waitFor('refused → unhealthy', () => changes.length === 1, 10_000);
    expect(changes[0]?.slice(0, 2)).toEqual([KEY_A, false]);
    expect(checker.status()[0]?.lastError).toMatch(/ECONNREFUSED/);

    const listener = net.createServer((s) => s.destroy());
    await new Promise<void>((resolve) => listener.listen(port, '127.0.0.1', resolve));
    try {
      await waitFor('accepting → healthy', () => changes.length === 2, 10_000);
      expect(changes[1]?.slice(0, 2)).toEqual([KEY_A, true]);
    } finally {
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    }
  });

  it('marks a refused http target unhealthy after tcp_failures', async () => {
    const port = await freePort();
    checker.update(
      new Map([
        [
          'routes/1',
          route(
            instance('a', port, fast({ unhealthy: { interval: 1, tcp_failures: 2 } })),
            instance('b', 1),
          ),
        ],
      ]),
    );
    await waitFor('unhealthy', () => changes.length === 1, 10_000);
    expect(checker.status()[0]).toMatchObject({ healthy: false, failures: 2 });
  });

  it('sends method, path with auth.query, body, req_headers, auth.header and Host', async () => {
    const active = fast({
      http_method: 'POST',
      http_path: '/v1/chat/completions',
      http_req_body: '{"model":"m","max_tokens":1}',
      req_headers: ['Content-Type: application/json', 'X-Probe: yes'],
      host: 'llm.example:8443',
    });
    const a = instance('a', server.port, active, {
      auth: { header: { Authorization: 'Bearer sk-a' }, query: { 'api-version': '2024 01' } },
    });
    const b = instance('b', server.port, fast({ http_path: '/health' }));
    checker.update(new Map([['routes/1', route(a, b)]]));
    await waitFor('both probed', () => {
      const urls = new Set(server.probes.map((p) => p.url));
      return urls.size >= 2;
    });
    const probeA = server.probes.find((p) => p.url.startsWith('/v1/')) as Probe;
    expect(probeA).toMatchObject({
      method: 'POST',
      url: '/v1/chat/completions?api-version=2024%2001',
      body: '{"model":"m","max_tokens":1}',
    });
    expect(probeA.headers).toMatchObject({
      host: 'llm.example:8443',
      'content-type': 'application/json',
      'x-probe': 'yes',
      authorization: 'Bearer sk-a',
      'content-length': '28',
    });
    const probeB = server.probes.find((p) => p.url === '/health') as Probe;
    expect(probeB.method).toBe('GET');
    expect(probeB.body).toBe('');
    expect(probeB.headers.host).toBe('127.0.0.1');
    expect(probeB.headers.authorization).toBe('Bearer key-b');
  });

  it('keeps unchanged targets, restarts changed ones and stops removed ones', async () => {
    const config = (path: string): Map<string, Record<string, unknown>> =>
      new Map([
        [
          'routes/1',
          route(
            instance('a', server.port, fast({ http_path: path })),
            instance('b', server.port, fast({ http_path: '/b' })),
          ),
        ],
      ]);
    checker.update(config('/a1'));
    // Wait on the checker's own count: the server sees a probe before the checker has its answer.
    await waitFor(
      'two probes each',
      () => (checker.status().find((s) => s.instance === 'b')?.successes ?? 0) >= 2,
    );
    const bBefore = checker.status().find((s) => s.instance === 'b');
    expect(bBefore?.successes).toBeGreaterThanOrEqual(2);

    // Same content, new objects: nothing restarts.
    checker.update(config('/a1'));
    expect(checker.status().find((s) => s.instance === 'b')?.successes).toBe(bBefore?.successes);

    // Changed checks of `a`: `a` restarts with the new path and fresh counters; `b` keeps going.
    checker.update(config('/a2'));
    expect(checker.status().find((s) => s.instance === 'a')).toMatchObject({ successes: 0 });
    await waitFor('new path probed', () => server.probes.some((p) => p.url === '/a2'));
    const sinceChange = server.probes.length;
    await new Promise((r) => setTimeout(r, 1_500));
    expect(server.probes.slice(sinceChange).some((p) => p.url === '/a1')).toBe(false);
    expect(checker.status().find((s) => s.instance === 'b')?.successes).toBeGreaterThan(
      bBefore?.successes ?? 0,
    );

    // Removed: probing stops at once.
    checker.update(new Map());
    expect(checker.status()).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));
    const afterRemoval = server.probes.length;
    await new Promise((r) => setTimeout(r, 2_200));
    expect(server.probes.length).toBe(afterRemoval);
  });

  it('clears the verdict of an unhealthy target that is removed or restarted', async () => {
    server.status = 503;
    const items = (path: string): Map<string, Record<string, unknown>> =>
      new Map([
        [
          'routes/1',
          route(instance('a', server.port, fast({ http_path: path })), instance('b', 1)),
        ],
      ]);
    checker.update(items('/x'));
    await waitFor('unhealthy', () => changes.length === 1, 10_000);
    checker.update(items('/y'));
    expect(changes.map((c) => c.slice(0, 2))).toEqual([
      [KEY_A, false],
      [KEY_A, true],
    ]);
    await waitFor('unhealthy again', () => changes.length === 3, 10_000);
    checker.update(new Map());
    expect(changes.map((c) => c.slice(0, 2)).slice(2)).toEqual([
      [KEY_A, false],
      [KEY_A, true],
    ]);
  });

  it('reports status() per target and owner, across item kinds', async () => {
    checker.update(
      new Map([
        ['routes/1', route(instance('a', server.port, fast()), instance('b', 1))],
        [
          'services/s1',
          route(instance('x', server.port, fast()), instance('y', server.port, fast())),
        ],
        ['consumers/jack', route(instance('c', server.port, fast()), instance('d', 1))],
      ]),
    );
    await waitFor('all probed', () => checker.status().every((s) => s.lastProbeAt !== undefined));
    const status = checker.status().sort((p, q) => p.targetKey.localeCompare(q.targetKey));
    expect(status.map((s) => [s.targetKey, s.owner, s.instance])).toEqual([
      ['consumers/jack#ai-proxy-multi#c', 'consumers/jack', 'c'],
      ['routes/1#ai-proxy-multi#a', 'routes/1', 'a'],
      ['services/s1#ai-proxy-multi#x', 'services/s1', 'x'],
      ['services/s1#ai-proxy-multi#y', 'services/s1', 'y'],
    ]);
    for (const s of status) {
      expect(s).toMatchObject({
        healthy: true,
        target: `127.0.0.1:${server.port}`,
        type: 'http',
        failures: 0,
      });
      expect(s.successes).toBeGreaterThanOrEqual(1);
      expect(s.lastProbeAt).toBeGreaterThan(Date.now() - 10_000);
      expect(s.lastError).toBeUndefined();
    }
  });

  it('does not probe single-instance configs, disabled plugins or instances without checks', async () => {
    checker.update(
      new Map([
        ['routes/single', route(instance('a', server.port, fast()))],
        [
          'routes/disabled',
          {
            plugins: {
              'ai-proxy-multi': {
                _meta: { disable: true },
                instances: [instance('a', server.port, fast()), instance('b', server.port, fast())],
              },
            },
          },
        ],
        ['routes/plain', route(instance('a', server.port), instance('b', server.port))],
        ['routes/other', { plugins: { 'key-auth': {} } }],
      ]),
    );
    await new Promise((r) => setTimeout(r, 1_200));
    expect(checker.status()).toEqual([]);
    expect(server.probes).toEqual([]);
  });

  it('stop() ends probing promptly, even with a probe in flight', async () => {
    server.delayMs = 5_000;
    checker.update(
      new Map([
        ['routes/1', route(instance('a', server.port, fast({ timeout: 10 })), instance('b', 1))],
      ]),
    );
    await waitFor('probe in flight', () => server.probes.length === 1);
    const started = Date.now();
    await checker.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
    checker.update(
      new Map([['routes/1', route(instance('a', server.port, fast()), instance('b', 1))]]),
    );
    expect(checker.status()).toEqual([]);
  });
});

describe('ActiveHealthChecker with apisix.disable_upstream_healthcheck (issue 9 item 8)', () => {
  it('probes nothing while an enabled checker probes the same config', async () => {
    const off = await probeServer();
    const on = await probeServer();
    const disabled = new ActiveHealthChecker({ disabled: true, onChange: () => undefined });
    const enabled = new ActiveHealthChecker({ onChange: () => undefined });
    const config = (port: number) =>
      new Map([['routes/1', route(instance('a', port, fast()), instance('b', port, fast()))]]);
    try {
      disabled.update(config(off.port));
      enabled.update(config(on.port));
      // Two rounds of the enabled checker's probes: the disabled one had the same time.
      await waitFor('two rounds of probes', () => on.probes.length >= 4, 10_000);
      expect(off.probes).toEqual([]);
      expect(disabled.status()).toEqual([]);
      expect(disabled.unhealthy()).toEqual([]);
    } finally {
      await disabled.stop();
      await enabled.stop();
      await off.close();
      await on.close();
    }
  });
});
