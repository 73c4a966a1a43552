/**
 * Issue 10, mixed etcd, the plugins `access-control-mixed-etcd` does not cover: auth
 * (basic-auth, jwt-auth, hmac-auth, multi-auth, forward-auth), traffic (limit-count, limit-req,
 * limit-conn) and request/response plugins (proxy-rewrite, response-rewrite, request-id, real-ip,
 * redirect, fault-injection, client-control, request-validation). Routes, consumers and a
 * credential are written straight into etcd as an APISIX 3.x control plane stores them (ids,
 * timestamps, every schema default filled in, `status`/`priority`, upstream defaults); a Tollgate
 * data plane loads every one (none skipped as invalid) and enforces it.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '@tollgate/testkit';
import { startAccessNode, type AccessNode } from './support/access-node';

jest.setTimeout(60_000);

const NOW = 1_700_000_000;
const JWT_SECRET = 'mixed-jwt-secret-key';
const HMAC_SECRET = 'mixed-hmac-secret-key';

let node: AccessNode;
/** The forward-auth service: allows a request that carries `x-allow: yes`. */
let authServer: http.Server;
/** A slow upstream for limit-conn: answers after 300 ms. */
let slowServer: http.Server;

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

function stamped<T extends object>(value: T): T & { create_time: number; update_time: number } {
  return { ...value, create_time: NOW, update_time: NOW };
}

function apisixRoute(
  id: string,
  plugins: Record<string, unknown>,
  upstream: { type: string; nodes: Record<string, number> },
) {
  return stamped({
    id,
    uri: `/mixed/${id}/*`,
    plugins,
    upstream: { ...upstream, hash_on: 'vars', scheme: 'http', pass_host: 'pass' },
    status: 1,
    priority: 0,
  });
}

/** The routes' plugins, each with every default APISIX 3.x's check_schema fills in. */
function routePlugins(authPort: number): Record<string, Record<string, unknown>> {
  const keyAuth = { header: 'apikey', query: 'apikey', hide_credentials: false };
  const basicAuth = { hide_credentials: false, realm: 'basic' };
  const limitDefaults = {
    key: 'remote_addr',
    key_type: 'var',
    policy: 'local',
    rejected_code: 503,
    allow_degradation: false,
  };
  return {
    basic: { 'basic-auth': basicAuth },
    jwt: {
      'jwt-auth': {
        header: 'authorization',
        query: 'jwt',
        cookie: 'jwt',
        hide_credentials: false,
        key_claim_name: 'key',
        store_in_ctx: false,
        realm: 'jwt',
        claims_to_verify: ['exp', 'nbf'],
      },
    },
    hmac: {
      'hmac-auth': {
        allowed_algorithms: ['hmac-sha1', 'hmac-sha256', 'hmac-sha512'],
        clock_skew: 300,
        validate_request_body: false,
        hide_credentials: false,
      },
    },
    multi: {
      'multi-auth': { auth_plugins: [{ 'basic-auth': basicAuth }, { 'key-auth': keyAuth }] },
    },
    forward: {
      'forward-auth': {
        uri: `http://127.0.0.1:${authPort}/auth`,
        request_method: 'GET',
        request_headers: ['x-allow'],
        upstream_headers: [],
        client_headers: [],
        timeout: 3000,
        keepalive: true,
        keepalive_timeout: 60000,
        keepalive_pool: 5,
        ssl_verify: true,
        allow_degradation: false,
        status_on_error: 403,
      },
    },
    count: {
      'limit-count': {
        ...limitDefaults,
        count: 2,
        time_window: 60,
        window_type: 'fixed',
        show_limit_quota_header: true,
        sync_interval: -1,
      },
    },
    req: { 'limit-req': { ...limitDefaults, rate: 0.1, burst: 0, nodelay: false } },
    conn: {
      'limit-conn': {
        ...limitDefaults,
        conn: 1,
        burst: 0,
        default_conn_delay: 0.1,
        only_use_default_delay: false,
        key_ttl: 3600,
        redis_prefix: 'limit_conn',
      },
    },
    rewrite: {
      'proxy-rewrite': {
        uri: '/rewritten/path',
        headers: { set: { 'x-mixed': '1' } },
        use_real_request_uri_unsafe: false,
      },
    },
    respond: {
      'response-rewrite': {
        status_code: 201,
        body: 'rewritten by response-rewrite\n',
        body_base64: false,
        headers: { set: { 'x-response-rewrite': 'yes' } },
      },
    },
    id: {
      'request-id': {
        header_name: 'X-Request-Id',
        include_in_response: true,
        algorithm: 'uuid',
        range_id: {
          length: 16,
          char_set: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIGKLMNOPQRSTUVWXYZ0123456789',
        },
      },
    },
    realip: {
      'real-ip': { source: 'http_x_real_ip', trusted_addresses: ['127.0.0.0/8'], recursive: false },
      'ip-restriction': {
        blacklist: ['10.1.1.1'],
        message: 'Your IP address is not allowed',
        response_code: 403,
      },
    },
    redirect: {
      redirect: {
        uri: '/elsewhere',
        ret_code: 302,
        encode_uri: false,
        append_query_string: false,
      },
    },
    fault: {
      'fault-injection': { abort: { http_status: 418, body: 'short and stout\n' } },
    },
    client: { 'client-control': { max_body_size: 4 } },
    validation: {
      'request-validation': {
        header_schema: { type: 'object', required: ['x-must'] },
        rejected_code: 400,
      },
    },
  };
}

/** A JWT (HS256) for the APISIX-written credential. */
function jwtFor(key: string): string {
  const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const payload = { key, exp: Math.floor(Date.now() / 1000) + 600 };
  const input = `${b64url({ typ: 'JWT', alg: 'HS256' })}.${b64url(payload)}`;
  const sig = crypto.createHmac('sha256', JWT_SECRET).update(input).digest('base64url');
  return `${input}.${sig}`;
}

/** hmac-auth headers for `GET <target>`, signed as APISIX's doc script signs. */
function hmacHeaders(target: string, secret = HMAC_SECRET): Record<string, string> {
  const date = new Date().toUTCString();
  const signature = crypto
    .createHmac('sha256', secret)
    .update(`mixed-hmac\nGET ${target}\ndate: ${date}\n`)
    .digest('base64');
  return {
    date,
    Authorization: `Signature keyId="mixed-hmac",algorithm="hmac-sha256",headers="@request-target date",signature="${signature}"`,
  };
}

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

beforeAll(async () => {
  authServer = http.createServer((req, res) => {
    res.writeHead(req.headers['x-allow'] === 'yes' ? 200 : 403).end('forward-auth says no\n');
  });
  slowServer = http.createServer((req, res) => {
    setTimeout(() => res.end('slow\n'), 300);
  });
  const authPort = await listen(authServer);
  const slowPort = await listen(slowServer);
  node = await startAccessNode('plugins-mixed');
  await node.putEtcd(
    'consumers/mixed-ann',
    stamped({
      username: 'mixed-ann',
      plugins: {
        'basic-auth': { username: 'ann', password: 'ann-password' },
        'key-auth': { key: 'mixed-ann-key' },
        'hmac-auth': { key_id: 'mixed-hmac', secret_key: HMAC_SECRET },
      },
    }),
  );
  await node.putEtcd('consumers/mixed-jwt', stamped({ username: 'mixed-jwt' }));
  await node.putEtcd(
    'consumers/mixed-jwt/credentials/cred-1',
    stamped({
      id: 'cred-1',
      plugins: {
        'jwt-auth': {
          key: 'mixed-jwt-key',
          secret: JWT_SECRET,
          algorithm: 'HS256',
          exp: 86400,
          base64_secret: false,
          lifetime_grace_period: 0,
        },
      },
    }),
  );
  const slow = { type: 'roundrobin', nodes: { [`127.0.0.1:${slowPort}`]: 1 } };
  for (const [id, plugins] of Object.entries(routePlugins(authPort))) {
    await node.putEtcd(
      `routes/${id}`,
      apisixRoute(id, plugins, id === 'conn' ? slow : node.upstream),
    );
  }
  // The last route written is served once everything before it was applied.
  await waitFor('the APISIX-written routes', async () => {
    const reply = await node.request('/mixed/validation/hello', { headers: { 'x-must': '1' } });
    return reply.status === 200;
  });
});

afterAll(async () => {
  await node?.close();
  authServer?.close();
  slowServer?.close();
});

const get = (id: string, headers: Record<string, string> = {}) =>
  node.request(`/mixed/${id}/hello`, { headers });

describe('APISIX-written routes with auth plugins', () => {
  it('basic-auth, with an APISIX-written consumer', async () => {
    expect((await get('basic', { Authorization: basic('ann', 'ann-password') })).status).toBe(200);
    expect((await get('basic', { Authorization: basic('ann', 'wrong') })).status).toBe(401);
    expect((await get('basic')).status).toBe(401);
  });

  it('jwt-auth, with an APISIX-written credential', async () => {
    const ok = await get('jwt', { Authorization: `Bearer ${jwtFor('mixed-jwt-key')}` });
    expect(ok.status).toBe(200);
    expect((await get('jwt', { Authorization: `Bearer ${jwtFor('unknown-key')}` })).status).toBe(
      401,
    );
  });

  it('hmac-auth', async () => {
    const target = '/mixed/hmac/hello';
    expect((await get('hmac', hmacHeaders(target))).status).toBe(200);
    expect((await get('hmac', hmacHeaders(target, 'not-the-secret'))).status).toBe(401);
  });

  it('multi-auth: either basic-auth or key-auth', async () => {
    expect((await get('multi', { Authorization: basic('ann', 'ann-password') })).status).toBe(200);
    expect((await get('multi', { apikey: 'mixed-ann-key' })).status).toBe(200);
    expect((await get('multi', { apikey: 'nope' })).status).toBe(401);
  });

  it('forward-auth', async () => {
    expect((await get('forward', { 'x-allow': 'yes' })).status).toBe(200);
    const denied = await get('forward', { 'x-allow': 'no' });
    expect(denied.status).toBe(403);
    expect(denied.body).toBe('forward-auth says no\n');
  });
});

describe('APISIX-written routes with traffic plugins', () => {
  it('limit-count', async () => {
    const replies = [];
    for (let i = 0; i < 3; i++) replies.push(await get('count'));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 503]);
    expect(replies[0]?.headers['x-ratelimit-limit']).toBe('2');
  });

  it('limit-req', async () => {
    expect((await get('req')).status).toBe(200);
    expect((await get('req')).status).toBe(503);
  });

  it('limit-conn', async () => {
    const both = await Promise.all([get('conn'), get('conn')]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 503]);
  });
});

describe('APISIX-written routes with request and response plugins', () => {
  it('proxy-rewrite', async () => {
    const reply = await get('rewrite');
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('/rewritten/path\n');
  });

  it('response-rewrite', async () => {
    const reply = await get('respond');
    expect(reply.status).toBe(201);
    expect(reply.headers['x-response-rewrite']).toBe('yes');
    expect(reply.body).toBe('rewritten by response-rewrite\n');
  });

  it('request-id', async () => {
    const reply = await get('id');
    expect(reply.headers['x-request-id']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });

  it('real-ip, with ip-restriction on the address it sets', async () => {
    expect((await get('realip', { 'X-Real-IP': '10.1.1.1' })).status).toBe(403);
    expect((await get('realip', { 'X-Real-IP': '10.1.1.2' })).status).toBe(200);
  });

  it('redirect', async () => {
    const reply = await get('redirect');
    expect(reply.status).toBe(302);
    expect(reply.headers.location).toBe('/elsewhere');
  });

  it('fault-injection', async () => {
    const reply = await get('fault');
    expect(reply.status).toBe(418);
    expect(reply.body).toBe('short and stout\n');
  });

  it('client-control', async () => {
    const big = await node.request('/mixed/client/hello', { method: 'POST', body: '0123456789' });
    expect(big.status).toBe(413);
    const small = await node.request('/mixed/client/hello', { method: 'POST', body: '0123' });
    expect(small.status).toBe(200);
  });

  it('request-validation', async () => {
    expect((await get('validation')).status).toBe(400);
    expect((await get('validation', { 'x-must': '1' })).status).toBe(200);
  });
});
