/**
 * loki-logger through a real `tollgate start` on the suite's etcd, configured through the Admin
 * API, pushing to a Loki stand-in on loopback (an HTTP server that keeps each push): APISIX's
 * t/plugin/loki-logger.t cases that define behaviour (schema; the push with tenant_id as
 * X-Scope-OrgID, default and custom labels, labels from variables), the push format (stream,
 * nanosecond start time, entry JSON), a failing push retried, keepalive and random endpoints,
 * and one route written straight into etcd as APISIX writes it.
 */
import { waitFor } from '@tollgate/testkit';
import { startAccessNode, type AccessNode } from './support/access-node';
import {
  startHttpReceiver,
  type HttpReceiver,
  type ReceivedRequest,
} from './support/net-receivers';

jest.setTimeout(60_000);

let node: AccessNode;
let loki: HttpReceiver;
let loki2: HttpReceiver;

const ACCEPT = () => ({ status: 204, body: '' });

beforeAll(async () => {
  node = await startAccessNode('loki-logger');
  loki = await startHttpReceiver(ACCEPT);
  loki2 = await startHttpReceiver(ACCEPT);
});

afterAll(async () => {
  await node?.close();
  await loki?.close();
  await loki2?.close();
});

type Entry = Record<string, unknown>;

interface Line {
  push: ReceivedRequest;
  stream: Record<string, string>;
  ns: string;
  entry: Entry;
}

/** Every log line of every push `receiver` got. */
function lines(receiver: HttpReceiver): Line[] {
  return receiver.requests.flatMap((push) => {
    const body = JSON.parse(push.body) as {
      streams: { stream: Record<string, string>; values: [string, string][] }[];
    };
    return body.streams.flatMap((s) =>
      s.values.map(([ns, text]) => ({
        push,
        stream: s.stream,
        ns,
        entry: JSON.parse(text) as Entry,
      })),
    );
  });
}

/** The first line of route `routeId` for the test's own requests (from 127.0.0.1). */
function waitLine(receiver: HttpReceiver, routeId: string, marker?: string): Promise<Line> {
  return waitFor(`a loki line of ${routeId}`, () =>
    lines(receiver).find((l) => {
      if (l.entry.route_id !== routeId || l.entry.client_ip !== '127.0.0.1') return false;
      if (marker === undefined) return true;
      const headers = (l.entry.request as { headers?: Record<string, string> }).headers;
      return headers?.['test-header'] === marker;
    }),
  );
}

async function lokiRoute(id: string, uri: string, conf: Record<string, unknown>) {
  await node.putRoute(id, { uri, plugins: { 'loki-logger': conf }, upstream: node.upstream }, uri);
}

const errorOf = (res: { json: unknown }) => (res.json as { error_msg: string }).error_msg;

describe('loki-logger (APISIX t/plugin/loki-logger.t)', () => {
  it('TEST 1: schema', async () => {
    const put = (conf: unknown) =>
      node.admin.put('/apisix/admin/routes/loki-schema', {
        uri: '/loki-schema',
        plugins: { 'loki-logger': conf },
        upstream: node.upstream,
      });
    const addr = 'http://127.0.0.1:8199';
    const cases: [unknown, string | null][] = [
      [{ endpoint_addrs: [addr] }, null],
      [{ endpoint_addrs: addr }, 'endpoint_addrs'],
      [{ endpoint_addrs: [] }, 'endpoint_addrs'],
      [{}, '"endpoint_addrs" is required'],
      [{ endpoint_addrs: [addr], endpoint_uri: '/loki/api/v1/push' }, null],
      [{ endpoint_addrs: [addr], endpoint_uri: 1234 }, 'endpoint_uri'],
      [{ endpoint_addrs: [addr], tenant_id: 1234 }, 'tenant_id'],
      [{ endpoint_addrs: [addr], log_labels: '1234' }, 'log_labels'],
      [{ endpoint_addrs: [addr], log_labels: { job: 'apisix6' } }, null],
      [{ endpoint_addrs: [addr], log_labels: { job: '' } }, 'log_labels'],
      [{ endpoint_addrs: [addr], timeout: 60001 }, 'timeout'],
      [{ endpoint_addrs: [addr], keepalive_timeout: 999 }, 'keepalive_timeout'],
      [{ endpoint_addrs: ['127.0.0.1:3100'] }, 'endpoint_addrs'],
    ];
    for (const [conf, error] of cases) {
      const res = await put(conf);
      if (error === null) expect(res.status).toBeLessThan(300);
      else {
        expect(res.status).toBe(400);
        expect(errorOf(res)).toContain(error);
      }
    }
  });

  it('TEST 2-4: tenant_id as X-Scope-OrgID, default labels {job: apisix}, the entry as JSON', async () => {
    await lokiRoute('loki2', '/loki2/hello', {
      endpoint_addrs: [loki.base],
      tenant_id: 'tenant_1',
      batch_max_size: 1,
    });
    const res = await node.request('/loki2/hello', {
      headers: { 'test-header': 'only-for-test#1' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toBe('hello world\n');
    const line = await waitLine(loki, 'loki2', 'only-for-test#1');
    expect(line.push.method).toBe('POST');
    expect(line.push.url).toBe('/loki/api/v1/push');
    expect(line.push.headers['content-type']).toBe('application/json');
    expect(line.push.headers['x-scope-orgid']).toBe('tenant_1');
    expect(line.stream).toEqual({ job: 'apisix' });
    expect(line.ns).toBe(`${String(line.entry.start_time)}000000`);
    expect(line.entry).toMatchObject({
      request: { uri: '/loki2/hello' },
      response: { status: 200 },
    });
  });

  it('TEST 5-7: custom log_labels', async () => {
    await lokiRoute('loki5', '/loki5/hello', {
      endpoint_addrs: [loki.base],
      tenant_id: 'tenant_1',
      log_labels: { custom_label: 'custom_label_value' },
      batch_max_size: 1,
    });
    await node.request('/loki5/hello', { headers: { 'test-header': 'only-for-test#2' } });
    const line = await waitLine(loki, 'loki5', 'only-for-test#2');
    expect(line.stream).toEqual({ custom_label: 'custom_label_value' });
  });

  it('TEST 8-11: another tenant_id', async () => {
    await lokiRoute('loki8', '/loki8/hello', {
      endpoint_addrs: [loki.base],
      tenant_id: 'tenant_2',
      batch_max_size: 1,
    });
    await node.request('/loki8/hello', { headers: { 'test-header': 'only-for-test#3' } });
    const line = await waitLine(loki, 'loki8', 'only-for-test#3');
    expect(line.push.headers['x-scope-orgid']).toBe('tenant_2');
  });

  it('TEST 12-14: log_labels with variables, resolved from the first request', async () => {
    // Written without the readiness probe, so the first request logged is the test's own.
    const res = await node.admin.put('/apisix/admin/routes/loki12', {
      uri: '/loki12/hello',
      plugins: {
        'loki-logger': {
          endpoint_addrs: [loki.base],
          tenant_id: 'tenant_1',
          log_labels: {
            custom_label: '$remote_addr',
            route: 'r-${route_id}',
            unset: '$no_such_var',
          },
          batch_max_size: 1,
        },
      },
      upstream: node.upstream,
    });
    expect(res.status).toBeLessThan(300);
    await waitFor('route loki12', async () => (await node.request('/loki12/hello')).status === 200);
    const line = await waitLine(loki, 'loki12');
    expect(line.stream).toEqual({
      custom_label: '127.0.0.1',
      route: 'r-loki12',
      unset: '$no_such_var',
    });
  });

  it('the default tenant_id is fake; endpoint_uri is appended to the endpoint', async () => {
    await lokiRoute('loki-uri', '/loki-uri/hello', {
      endpoint_addrs: [loki.base],
      endpoint_uri: '/custom/push',
      batch_max_size: 1,
    });
    await node.request('/loki-uri/hello');
    const line = await waitLine(loki, 'loki-uri');
    expect(line.push.url).toBe('/custom/push');
    expect(line.push.headers['x-scope-orgid']).toBe('fake');
  });

  it('a batch holds many lines in one stream', async () => {
    await lokiRoute('loki-batch', '/loki-batch/hello', {
      endpoint_addrs: [loki.base],
      batch_max_size: 3,
      inactive_timeout: 1,
    });
    const before = loki.requests.length;
    for (let i = 0; i < 3; i++) await node.request('/loki-batch/hello');
    await waitFor('a push of 3 lines', () =>
      loki.requests.slice(before).some((r) => {
        const body = JSON.parse(r.body) as { streams: { values: unknown[] }[] };
        return body.streams.length === 1 && body.streams[0]?.values.length === 3;
      }),
    );
  });

  it('a status of 300 or more fails the push, which is retried', async () => {
    const failing = await startHttpReceiver(() => ({ status: 500, body: 'no org id' }));
    try {
      await lokiRoute('loki-fail', '/loki-fail/hello', {
        endpoint_addrs: [failing.base],
        batch_max_size: 1,
        max_retry_count: 1,
        retry_delay: 1,
      });
      const before = failing.requests.length;
      await node.request('/loki-fail/hello', { headers: { 'test-header': 'retry' } });
      const ours = () => failing.requests.slice(before).filter((r) => r.body.includes('retry'));
      await waitFor('the first, refused push', () => ours().length >= 1);
      failing.handler = ACCEPT;
      await waitFor('the retried push', () => ours().length >= 2);
      expect(ours()[1]?.body).toBe(ours()[0]?.body);
    } finally {
      await failing.close();
    }
  });

  it('several endpoint_addrs: each push goes to one of them', async () => {
    await lokiRoute('loki-multi', '/loki-multi/hello', {
      endpoint_addrs: [loki.base, loki2.base],
      batch_max_size: 1,
      keepalive: false,
    });
    let n = 0;
    await waitFor('pushes to both endpoints', async () => {
      n += 1;
      if (n > 200) throw new Error('not spread over both endpoints');
      await node.request('/loki-multi/hello');
      const mine = (r: HttpReceiver) =>
        lines(r).filter((l) => l.entry.route_id === 'loki-multi').length;
      return mine(loki) > 0 && mine(loki2) > 0;
    });
  });

  it('a route written into etcd as APISIX 3.x writes it is served and logs', async () => {
    await node.putEtcd('routes/loki-apisix', {
      id: 'loki-apisix',
      uri: '/loki-apisix/hello',
      plugins: {
        'loki-logger': {
          endpoint_addrs: [loki.base],
          endpoint_uri: '/loki/api/v1/push',
          tenant_id: 'fake',
          log_labels: { job: 'apisix' },
          ssl_verify: false,
          timeout: 3000,
          keepalive: true,
          keepalive_timeout: 60000,
          keepalive_pool: 5,
          name: 'loki logger',
          batch_max_size: 1,
          inactive_timeout: 5,
          buffer_duration: 60,
          max_retry_count: 0,
          retry_delay: 1,
          include_req_body: false,
          include_resp_body: false,
        },
      },
      upstream: { ...node.upstream, hash_on: 'vars', scheme: 'http', pass_host: 'pass' },
      status: 1,
      priority: 0,
      create_time: 1_700_000_000,
      update_time: 1_700_000_000,
    });
    await waitFor(
      'the APISIX-written route',
      async () => (await node.request('/loki-apisix/hello')).status === 200,
    );
    expect((await waitLine(loki, 'loki-apisix')).entry).toMatchObject({
      response: { status: 200 },
    });
  });
});
