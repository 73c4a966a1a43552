/**
 * Issue 10, mixed etcd: routes, a consumer and plugin metadata using the access-control plugins
 * (cors, ip-restriction, ua-restriction, referer-restriction, uri-blocker, consumer-restriction)
 * written straight into etcd the way an APISIX 3.x control plane stores them (ids, timestamps,
 * defaults filled in, `status`/`priority`, upstream defaults) are all loaded and enforced by a
 * Tollgate data plane: none is skipped as invalid.
 */
import { waitFor } from '@tollgate/testkit';
import { startAccessNode, type AccessNode } from './support/access-node';

jest.setTimeout(60_000);

let node: AccessNode;
const NOW = 1_700_000_000;

function apisixRoute(id: string, plugins: Record<string, unknown>) {
  return {
    id,
    uri: `/mixed/${id}/hello`,
    plugins,
    upstream: {
      ...node.upstream,
      hash_on: 'vars',
      scheme: 'http',
      pass_host: 'pass',
    },
    status: 1,
    priority: 0,
    create_time: NOW,
    update_time: NOW,
  };
}

const ROUTES: Record<string, Record<string, unknown>> = {
  cors: {
    cors: {
      allow_origins: 'http://a.example.com',
      allow_methods: '*',
      allow_headers: '*',
      expose_headers: '*',
      max_age: 5,
      allow_credential: false,
      allow_origins_by_metadata: ['EXTRA'],
    },
  },
  ip: {
    'ip-restriction': {
      blacklist: ['127.0.0.0/24'],
      message: 'Your IP address is not allowed',
      response_code: 403,
    },
  },
  ua: {
    'ua-restriction': { denylist: ['curl'], bypass_missing: false, message: 'Not allowed' },
  },
  referer: {
    'referer-restriction': {
      whitelist: ['*.example.com'],
      bypass_missing: true,
      message: 'Your referer host is not allowed',
    },
  },
  blocker: {
    'uri-blocker': { block_rules: ['secret'], rejected_code: 403, case_insensitive: false },
  },
  consumer: {
    'key-auth': { header: 'apikey', query: 'apikey', hide_credentials: false },
    'consumer-restriction': {
      whitelist: ['mixed-jack'],
      type: 'consumer_name',
      rejected_code: 403,
    },
  },
};

beforeAll(async () => {
  node = await startAccessNode('access-control-mixed');
  await node.putEtcd('plugin_metadata/cors', {
    id: 'cors',
    allow_origins: { EXTRA: 'http://b.example.com' },
  });
  await node.putEtcd('consumers/mixed-jack', {
    username: 'mixed-jack',
    plugins: { 'key-auth': { key: 'mixed-jack-key' } },
    create_time: NOW,
    update_time: NOW,
  });
  for (const [id, plugins] of Object.entries(ROUTES)) {
    await node.putEtcd(`routes/${id}`, apisixRoute(id, plugins));
  }
  // The last route written is served once everything before it was applied.
  await waitFor('the APISIX-written routes', async () => {
    const reply = await node.request('/mixed/consumer/hello', {
      headers: { apikey: 'mixed-jack-key' },
    });
    return reply.status === 200;
  });
});

afterAll(async () => {
  await node?.close();
});

const get = (id: string, headers: Record<string, string> = {}, query = '') =>
  node.request(`/mixed/${id}/hello${query}`, { headers });

describe('APISIX-written access-control routes on a Tollgate data plane', () => {
  it('cors, with origins from APISIX-written plugin metadata', async () => {
    const own = await get('cors', { Origin: 'http://a.example.com' });
    expect(own.headers['access-control-allow-origin']).toBe('http://a.example.com');
    const meta = await get('cors', { Origin: 'http://b.example.com' });
    expect(meta.headers['access-control-allow-origin']).toBe('http://b.example.com');
    const other = await get('cors', { Origin: 'http://c.example.com' });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('ip-restriction', async () => {
    const reply = await get('ip');
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.body)).toEqual({ message: 'Your IP address is not allowed' });
  });

  it('ua-restriction', async () => {
    expect((await get('ua', { 'User-Agent': 'curl/8.0' })).status).toBe(403);
    expect((await get('ua', { 'User-Agent': 'browser' })).status).toBe(200);
  });

  it('referer-restriction', async () => {
    expect((await get('referer', { Referer: 'https://evil.test/' })).status).toBe(403);
    expect((await get('referer', { Referer: 'https://app.example.com/' })).status).toBe(200);
    expect((await get('referer')).status).toBe(200);
  });

  it('uri-blocker', async () => {
    expect((await get('blocker', {}, '?secret=1')).status).toBe(403);
    expect((await get('blocker', {}, '?open=1')).status).toBe(200);
  });

  it('consumer-restriction behind key-auth with an APISIX-written consumer', async () => {
    expect((await get('consumer', { apikey: 'mixed-jack-key' })).status).toBe(200);
    expect((await get('consumer', { apikey: 'nope' })).status).toBe(401);
  });
});
