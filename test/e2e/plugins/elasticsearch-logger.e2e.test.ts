/**
 * elasticsearch-logger through a real `tollgate start` on the suite's etcd, configured through
 * the Admin API, indexing into an Elasticsearch stand-in on loopback (an HTTP server answering
 * `GET /` with a version and `POST /_bulk`, optionally requiring Basic auth): APISIX's
 * t/plugin/elasticsearch-logger.t cases that define behaviour (schema; a successful write; auth
 * accepted, missing and wrong; plugin metadata log_format), the version-dependent headers, random
 * endpoints, extra headers, and one route written straight into etcd as APISIX writes it.
 */
import { waitFor } from '@tollgate/testkit';
import { startAccessNode, type AccessNode } from './support/access-node';
import {
  startHttpReceiver,
  type HttpAnswer,
  type HttpReceiver,
  type ReceivedRequest,
} from './support/net-receivers';

jest.setTimeout(60_000);

const BASIC = `Basic ${Buffer.from('elastic:123456').toString('base64')}`;

/** An Elasticsearch stand-in answering as version `version`, requiring BASIC when `auth`. */
function elasticsearch(version: string, auth: boolean) {
  return (req: ReceivedRequest): HttpAnswer => {
    if (auth && req.headers.authorization !== BASIC) {
      return {
        status: 401,
        body: JSON.stringify({
          error: {
            type: 'security_exception',
            reason: `missing authentication credentials for REST request [${req.url}]`,
          },
          status: 401,
        }),
      };
    }
    if (req.method === 'GET' && req.url === '/') {
      return { status: 200, body: JSON.stringify({ version: { number: version } }) };
    }
    if (req.method === 'POST' && req.url === '/_bulk') {
      return { status: 200, body: '{"took":1,"errors":false,"items":[]}' };
    }
    return { status: 404, body: '{}' };
  };
}

let node: AccessNode;
let es: HttpReceiver;
let esAuth: HttpReceiver;

beforeAll(async () => {
  node = await startAccessNode('elasticsearch-logger');
  es = await startHttpReceiver(elasticsearch('7.17.1', false));
  esAuth = await startHttpReceiver(elasticsearch('7.17.1', true));
});

afterAll(async () => {
  await node?.close();
  await es?.close();
  await esAuth?.close();
});

type Entry = Record<string, unknown>;

interface Indexed {
  req: ReceivedRequest;
  action: Entry;
  entry: Entry;
}

/** Every (action, entry) pair of every `_bulk` request `receiver` got. */
function indexed(receiver: HttpReceiver): Indexed[] {
  return receiver.requests
    .filter((r) => r.url === '/_bulk')
    .flatMap((req) => {
      const lines = req.body.split('\n');
      expect(lines.pop()).toBe('');
      const out: Indexed[] = [];
      for (let i = 0; i + 1 < lines.length; i += 2) {
        out.push({
          req,
          action: JSON.parse(lines[i] ?? '') as Entry,
          entry: JSON.parse(lines[i + 1] ?? '') as Entry,
        });
      }
      return out;
    });
}

function waitIndexed(receiver: HttpReceiver, routeId: string): Promise<Indexed> {
  return waitFor(`an indexed entry of ${routeId}`, () =>
    indexed(receiver).find(
      (x) =>
        x.entry.route_id === routeId &&
        (x.entry.client_ip ?? x.entry.custom_client_ip) === '127.0.0.1',
    ),
  );
}

async function esRoute(id: string, uri: string, conf: Record<string, unknown>) {
  await node.putRoute(
    id,
    { uri, plugins: { 'elasticsearch-logger': conf }, upstream: node.upstream },
    uri,
  );
}

const errorOf = (res: { json: unknown }) => (res.json as { error_msg: string }).error_msg;

describe('elasticsearch-logger (APISIX t/plugin/elasticsearch-logger.t)', () => {
  it('TEST 1: schema', async () => {
    const put = (conf: unknown) =>
      node.admin.put('/apisix/admin/routes/es-schema', {
        uri: '/es-schema',
        plugins: { 'elasticsearch-logger': conf },
        upstream: node.upstream,
      });
    const addr = 'http://127.0.0.1:9200';
    const cases: [unknown, string | null][] = [
      [
        {
          endpoint_addr: addr,
          field: { index: 'services', type: 'collector' },
          auth: { username: 'elastic', password: '123456' },
          ssl_verify: false,
          timeout: 60,
          max_retry_count: 0,
          retry_delay: 1,
          buffer_duration: 60,
          inactive_timeout: 2,
          batch_max_size: 10,
        },
        null,
      ],
      [{ endpoint_addr: addr, field: { index: 'services' } }, null],
      [{ endpoint_addrs: [addr, 'http://127.0.0.1:9201'], field: { index: 'services' } }, null],
      [{ field: { index: 'services' } }, 'value should match only one schema'],
      [{ endpoint_addr: addr }, 'value should match only one schema'],
      [{ endpoint_addr: addr, field: {} }, 'index'],
      [{ endpoint_addr: `${addr}/`, field: { index: 'services' } }, 'endpoint_addr'],
      [{ endpoint_addrs: [`${addr}/`], field: { index: 'services' } }, 'endpoint_addrs'],
      [{ endpoint_addrs: [], field: { index: 'services' } }, 'endpoint_addrs'],
      [
        { endpoint_addr: addr, endpoint_addrs: [addr], field: { index: 'services' } },
        'value should match only one schema',
      ],
      [{ endpoint_addr: addr, field: { index: 'x' }, auth: { username: 'elastic' } }, 'password'],
      [{ endpoint_addr: addr, field: { index: 'x' }, timeout: 0 }, 'timeout'],
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

  it('TEST 2-3: a successful write — version asked once, then _bulk NDJSON create lines', async () => {
    await esRoute('es2', '/es2/hello', {
      endpoint_addr: es.base,
      field: { index: 'services' },
      batch_max_size: 1,
      inactive_timeout: 1,
    });
    const res = await node.request('/es2/hello');
    expect(res.status).toBe(200);
    expect(res.body).toBe('hello world\n');
    const x = await waitIndexed(es, 'es2');
    expect(x.action).toEqual({ create: { _index: 'services' } });
    expect(x.entry).toMatchObject({ request: { uri: '/es2/hello' }, response: { status: 200 } });
    expect(x.req.method).toBe('POST');
    expect(x.req.headers['content-type']).toBe('application/x-ndjson');
    expect(x.req.headers.accept).toBe('application/vnd.elasticsearch+json');
    expect(x.req.headers.authorization).toBeUndefined();
    expect(es.requests.filter((r) => r.method === 'GET' && r.url === '/').length).toBe(1);
  });

  it('TEST 4-5: auth — Basic credentials accepted', async () => {
    await esRoute('es4', '/es4/hello', {
      endpoint_addr: esAuth.base,
      field: { index: 'services' },
      auth: { username: 'elastic', password: '123456' },
      batch_max_size: 1,
      inactive_timeout: 1,
    });
    expect((await node.request('/es4/hello')).status).toBe(200);
    const x = await waitIndexed(esAuth, 'es4');
    expect(x.req.headers.authorization).toBe(BASIC);
  });

  it('TEST 6-9: no auth, or a wrong password — 401 fails the batch; the client gets its answer', async () => {
    for (const [id, auth] of [
      ['es6', undefined],
      ['es8', { username: 'elastic', password: '111111' }],
    ] as const) {
      const before = esAuth.requests.length;
      await esRoute(id, `/${id}/hello`, {
        endpoint_addr: esAuth.base,
        field: { index: 'services' },
        ...(auth ? { auth } : {}),
        batch_max_size: 1,
        inactive_timeout: 1,
      });
      const res = await node.request(`/${id}/hello`);
      expect(res.status).toBe(200);
      expect(res.body).toBe('hello world\n');
      // The version request is refused before any _bulk: nothing is indexed.
      await waitFor(`${id}: a refused request`, () =>
        esAuth.requests.slice(before).some((r) => r.method === 'GET'),
      );
      expect(esAuth.requests.slice(before).filter((r) => r.url === '/_bulk')).toEqual([]);
    }
  });

  it('TEST 10-11: log_format from the plugin metadata', async () => {
    const meta = await node.admin.put('/apisix/admin/plugin_metadata/elasticsearch-logger', {
      log_format: {
        custom_host: '$host',
        custom_timestamp: '$time_iso8601',
        custom_client_ip: '$remote_addr',
      },
    });
    expect(meta.status).toBeLessThan(300);
    await esRoute('es10', '/es10/hello', {
      endpoint_addr: es.base,
      field: { index: 'services' },
      batch_max_size: 1,
      inactive_timeout: 1,
    });
    const x = await waitFor('an entry in the metadata format', async () => {
      await node.request('/es10/hello');
      return indexed(es).find(
        (i) => i.entry.route_id === 'es10' && i.entry.custom_client_ip === '127.0.0.1',
      );
    });
    expect(x.entry.request).toBeUndefined();
    expect(typeof x.entry.custom_timestamp).toBe('string');
    await node.admin.delete('/apisix/admin/plugin_metadata/elasticsearch-logger');
  });

  it('Elasticsearch 8 and 9: compatible-with headers; 9 drops _type, 7 keeps it', async () => {
    for (const [version, suffix, type] of [
      ['7.17.1', '', 'collector'],
      ['8.11.0', ';compatible-with=7', 'collector'],
      ['9.0.0', ';compatible-with=8', undefined],
    ] as const) {
      const server = await startHttpReceiver(elasticsearch(version, false));
      try {
        const id = `es-v${version.split('.')[0] ?? ''}`;
        await esRoute(id, `/${id}/hello`, {
          endpoint_addrs: [server.base],
          field: { index: 'services', type: 'collector' },
          batch_max_size: 1,
        });
        await node.request(`/${id}/hello`);
        const x = await waitIndexed(server, id);
        expect(x.req.headers['content-type']).toBe(`application/x-ndjson${suffix}`);
        expect(x.req.headers.accept).toBe(`application/vnd.elasticsearch+json${suffix}`);
        expect(x.action).toEqual({
          create: { _index: 'services', ...(type ? { _type: type } : {}) },
        });
      } finally {
        await server.close();
      }
    }
  });

  it('a version answer without version.number fails the batch before any _bulk', async () => {
    const odd = await startHttpReceiver(() => ({ status: 200, body: '{"name":"not es"}' }));
    try {
      await esRoute('es-odd', '/es-odd/hello', {
        endpoint_addrs: [odd.base],
        field: { index: 'services' },
        batch_max_size: 1,
      });
      await node.request('/es-odd/hello');
      await waitFor('the version request', () => odd.requests.some((r) => r.url === '/'));
      expect(odd.requests.filter((r) => r.url === '/_bulk')).toEqual([]);
    } finally {
      await odd.close();
    }
  });

  it('endpoint_addrs: batches spread over the addresses; extra headers are sent', async () => {
    const other = await startHttpReceiver(elasticsearch('7.17.1', false));
    try {
      await esRoute('es-multi', '/es-multi/hello', {
        endpoint_addrs: [es.base, other.base],
        field: { index: 'services' },
        headers: { 'X-API-Key': 'key-1' },
        batch_max_size: 1,
      });
      let n = 0;
      await waitFor('batches on both addresses', async () => {
        n += 1;
        // Only this loop's requests: waitRouted's probe (from 127.0.0.2) is logged too.
        const mine = (r: HttpReceiver) =>
          indexed(r).filter(
            (x) => x.entry.route_id === 'es-multi' && x.entry.client_ip === '127.0.0.1',
          ).length;
        if (n > 200) throw new Error(`not spread: ${mine(es)} and ${mine(other)} entries`);
        expect((await node.request('/es-multi/hello')).status).toBe(200);
        return mine(es) > 0 && mine(other) > 0;
      });
      const x = await waitIndexed(other, 'es-multi');
      expect(x.req.headers['x-api-key']).toBe('key-1');
    } finally {
      await other.close();
    }
  });

  it('a route written into etcd as APISIX 3.x writes it is served and logs', async () => {
    await node.putEtcd('routes/es-apisix', {
      id: 'es-apisix',
      uri: '/es-apisix/hello',
      plugins: {
        'elasticsearch-logger': {
          endpoint_addrs: [es.base],
          field: { index: 'gateway' },
          ssl_verify: true,
          timeout: 10,
          name: 'elasticsearch-logger',
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
      async () => (await node.request('/es-apisix/hello')).status === 200,
    );
    const x = await waitIndexed(es, 'es-apisix');
    expect(x.action).toEqual({ create: { _index: 'gateway' } });
  });
});
